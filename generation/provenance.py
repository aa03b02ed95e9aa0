"""C2PA provenance: the development signing certificate, signing an MP4, reading it back.

Pure functions over paths; the Django side calls them. Settings read (all optional):

- ``C2PA_CERT_DIR``: where the development CA and signing cert live
  (default ``<BASE_DIR>/var/c2pa``).
- ``C2PA_SIGN_CERT_PATH``: chain PEM (leaf first, then CA); default ``<dir>/chain.pem``.
- ``C2PA_PRIVATE_KEY_PATH``: PKCS#8 PEM key of the leaf; default ``<dir>/signing-key.pem``.
- ``C2PA_TSA_URL``: RFC 3161 time-stamp authority, default ``None`` (no network).

A production deployment points the two paths at a real certificate (then a
missing file is an error at signing time); otherwise the development CA is
made under ``C2PA_CERT_DIR`` the first time something signs.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DIGITAL_SOURCE_TYPE = "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia"
CAMEOS_LABEL = "social.sora.cameos"
MIME = "video/mp4"

# Status codes that only say "this signer is not on a trust list" (our own
# development CA) or that no revocation / time-stamp service was asked. They
# do not touch the integrity of the claim or of the media, so a manifest whose
# only failures are these still counts as valid.
TRUST_ONLY_CODES = frozenset(
    {
        "signingCredential.untrusted",
        "signingCredential.ocsp.skipped",
        "signingCredential.ocsp.inaccessible",
        "signingCredential.ocsp.unknown",
        "timeStamp.untrusted",
        "timeStamp.missing",
    }
)


# --- Signing certificate ----------------------------------------------------


@dataclass(frozen=True)
class SigningMaterial:
    chain_path: Path
    key_path: Path
    created: bool  # True when this call generated the files


def _cert_dir() -> Path:
    return Path(settings.C2PA_CERT_DIR)


def _paths(directory: Path | None) -> tuple[Path, Path]:
    if directory is not None:
        return directory / "chain.pem", directory / "signing-key.pem"
    base = _cert_dir()
    chain = settings.C2PA_SIGN_CERT_PATH or base / "chain.pem"
    key = settings.C2PA_PRIVATE_KEY_PATH or base / "signing-key.pem"
    return Path(chain), Path(key)


def ensure_signing_cert(
    *, directory: Path | str | None = None, force: bool = False, create: bool = True
) -> SigningMaterial:
    """Return the signing chain and key, making a development CA + leaf when absent.

    Idempotent: existing files are kept unless ``force`` (rotation). With
    ``create=False`` a missing pair is an error instead (used when the paths
    were configured explicitly: production must not fall back to a dev CA).
    """
    chain_path, key_path = _paths(Path(directory) if directory is not None else None)
    if chain_path.exists() and key_path.exists() and not force:
        return SigningMaterial(chain_path, key_path, created=False)
    if not create:
        raise ImproperlyConfigured(f"C2PA signing files missing: {chain_path}, {key_path}")
    chain_path.parent.mkdir(parents=True, exist_ok=True)
    key_path.parent.mkdir(parents=True, exist_ok=True)
    # Several worker processes may sign their first video at once: one makes
    # the pair, the others wait and use it (a chain from one and a key from
    # another would never verify).
    with open(chain_path.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if chain_path.exists() and key_path.exists() and not force:
            return SigningMaterial(chain_path, key_path, created=False)
        chain_pem, key_pem, ca_key_pem = _make_dev_chain()
        _write_private(key_path, key_pem)
        # The CA key is kept beside the chain only so a developer can inspect
        # or reuse it; nothing signs with it after the leaf exists.
        _write_private(chain_path.parent / "ca-key.pem", ca_key_pem)
        tmp = chain_path.with_suffix(".tmp")
        tmp.write_bytes(chain_pem)
        os.replace(tmp, chain_path)
    return SigningMaterial(chain_path, key_path, created=True)


def _explicitly_configured() -> bool:
    return bool(settings.C2PA_SIGN_CERT_PATH or settings.C2PA_PRIVATE_KEY_PATH)


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


def _make_dev_chain() -> tuple[bytes, bytes, bytes]:
    """A self-made CA and an es256 leaf with the extensions C2PA requires of a signer."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sora-social development"),
            x509.NameAttribute(NameOID.COMMON_NAME, "sora-social development CA"),
        ]
    )
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    leaf_key = ec.generate_private_key(ec.SECP256R1())
    leaf_name = x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sora-social development"),
            x509.NameAttribute(NameOID.COMMON_NAME, "sora-social C2PA signer"),
        ]
    )
    leaf_cert = (
        x509.CertificateBuilder()
        .subject_name(leaf_name)
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now)
        .not_valid_after(now + dt.timedelta(days=825))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(leaf_key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
        .sign(ca_key, hashes.SHA256())
    )

    pem = serialization.Encoding.PEM
    chain_pem = leaf_cert.public_bytes(pem) + ca_cert.public_bytes(pem)
    pkcs8 = serialization.PrivateFormat.PKCS8
    none = serialization.NoEncryption()
    return (
        chain_pem,
        leaf_key.private_bytes(pem, pkcs8, none),
        ca_key.private_bytes(pem, pkcs8, none),
    )


# --- Signing ----------------------------------------------------------------


def _signer():
    import c2pa

    material = ensure_signing_cert(create=not _explicitly_configured())
    tsa_url = settings.C2PA_TSA_URL
    info = c2pa.C2paSignerInfo(
        alg=b"es256",
        sign_cert=material.chain_path.read_bytes(),
        private_key=material.key_path.read_bytes(),
        ta_url=tsa_url.encode() if tsa_url else None,
    )
    return c2pa.Signer.from_info(info)


def build_manifest(
    *,
    title: str,
    model_version: str,
    software_agent: str = "sora-social",
    remix_of_title: str | None = None,
    cameos: Iterable[Mapping[str, Any]] = (),
) -> dict:
    """The manifest definition handed to ``c2pa.Builder`` (without ingredients)."""
    agent = {"name": software_agent, "version": str(model_version)}
    actions: list[dict] = [
        {
            "action": "c2pa.created",
            "digitalSourceType": DIGITAL_SOURCE_TYPE,
            "softwareAgent": agent,
            "description": f"Generated from a text prompt by {software_agent} model {model_version}",
        }
    ]
    if remix_of_title is not None:
        actions.append(
            {
                "action": "c2pa.edited",
                "softwareAgent": agent,
                "description": f"Remix of {remix_of_title!r}",
                # The builder turns this id into a hashed link to the ingredient assertion.
                "parameters": {"ingredientIds": ["parent"]},
            }
        )
    cameo_rows = [_cameo_row(c) for c in cameos]
    assertions: list[dict] = [{"label": "c2pa.actions", "data": {"actions": actions}}]
    assertions.append({"label": CAMEOS_LABEL, "data": {"cameos": cameo_rows}})
    return {
        "claim_generator_info": [{"name": software_agent, "version": _app_version()}],
        "title": title,
        "format": MIME,
        "assertions": assertions,
    }


def _app_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sora-social")
    except PackageNotFoundError:
        return "0.0.0"


def _cameo_row(cameo: Mapping[str, Any]) -> dict:
    # Ids only: whatever else a caller passes (names, handles) never reaches the file.
    if "cameo" not in cameo or "consent" not in cameo:
        raise ValueError("each cameo needs 'cameo' and 'consent' ids")
    return {"cameo": _id(cameo["cameo"]), "consent": _id(cameo["consent"])}


def _id(value: Any) -> int | str:
    return value if isinstance(value, (int, str)) and not isinstance(value, bool) else str(value)


def sign_mp4(
    src_path: str | Path,
    dst_path: str | Path,
    *,
    title: str,
    model_version: str,
    software_agent: str = "sora-social",
    parent: tuple[str | Path | None, str] | None = None,
    cameos: Iterable[Mapping[str, Any]] = (),
) -> dict:
    """Sign ``src_path`` into ``dst_path`` (a new file; src is left as is).

    ``parent`` = (path of the parent's signed MP4 or None, parent title) for a
    remix: with a path the parent becomes a ``componentOf`` ingredient carrying
    its own manifest (``componentOf`` because our first action is
    ``c2pa.created``, and the C2PA spec pairs ``parentOf`` with
    ``c2pa.opened``); without a path only the remix action records the title.
    Returns the manifest definition that was signed.
    """
    import c2pa

    src_path, dst_path = Path(src_path), Path(dst_path)
    if src_path.resolve() == dst_path.resolve():
        raise ValueError("sign_mp4 writes a new file: dst_path must differ from src_path")
    parent_path, parent_title = parent if parent is not None else (None, None)
    definition = build_manifest(
        title=title,
        model_version=model_version,
        software_agent=software_agent,
        remix_of_title=parent_title if parent is not None else None,
        cameos=cameos,
    )
    if parent is not None and parent_path is None:
        # No file to bind: drop the ingredient link and keep the description.
        definition["assertions"][0]["data"]["actions"][1].pop("parameters")

    builder = c2pa.Builder(json.dumps(definition))
    try:
        if parent_path is not None:
            ingredient = {
                "title": parent_title,
                "relationship": "componentOf",
                "label": "parent",
                "format": MIME,
            }
            with open(parent_path, "rb") as parent_stream:
                builder.add_ingredient(json.dumps(ingredient), MIME, parent_stream)
        signer = _signer()
        try:
            tmp = dst_path.with_name(dst_path.name + ".part")
            dst_path.parent.mkdir(parents=True, exist_ok=True)
            with open(src_path, "rb") as src, open(tmp, "w+b") as dst:
                builder.sign(signer, MIME, src, dst)
            os.replace(tmp, dst_path)
        finally:
            signer.close()
    finally:
        builder.close()
    return definition


# --- Reading ----------------------------------------------------------------


def read_manifest(path: str | Path | BinaryIO) -> dict:
    """Read and validate the C2PA manifest of an MP4 (a path, or a seekable binary file
    such as ``default_storage.open(name)``).

    Returns {"validation_state": "Valid" | "Trusted" | "Invalid" | "NoManifest" | "Error",
    "valid": bool, "manifest": active manifest dict or None, "failures": [codes],
    "error": str, only when reading failed}. ``valid`` is True when the state is
    Valid/Trusted, or Invalid with only TRUST_ONLY_CODES failing (a self-made CA).
    """
    import c2pa

    try:
        if hasattr(path, "read"):
            path.seek(0)
            report = _read_report(c2pa, path)
        else:
            with open(path, "rb") as stream:
                report = _read_report(c2pa, stream)
    except c2pa.C2paError as exc:
        name = type(exc).__name__
        state = "NoManifest" if "ManifestNotFound" in name or "JumbfNotFound" in name else "Error"
        return {"validation_state": state, "valid": False, "manifest": None, "failures": [], "error": str(exc)}

    manifest = report.get("manifests", {}).get(report.get("active_manifest") or "")
    failures = [s.get("code", "") for s in report.get("validation_status") or []]
    results = (report.get("validation_results") or {}).get("activeManifest") or {}
    failures += [s.get("code", "") for s in results.get("failure") or [] if s.get("code") not in failures]
    state = report.get("validation_state") or ("Invalid" if failures else "Valid")
    integrity_failures = [c for c in failures if c not in TRUST_ONLY_CODES]
    if manifest is None or integrity_failures:
        valid = False
    else:
        # Invalid with nothing but trust codes failing: our own CA is not on a trust list.
        valid = state in ("Valid", "Trusted") or (state == "Invalid" and bool(failures))
    return {"validation_state": state, "valid": valid, "manifest": manifest, "failures": failures}


def signed_by_us(manifest: Mapping[str, Any] | None) -> bool:
    """Was this (valid) manifest signed with our own signing certificate?

    Names in a manifest can be written by anyone who signs one; the serial of
    the leaf certificate that signed it, compared with ours, cannot.
    """
    serial = str(((manifest or {}).get("signature_info") or {}).get("cert_serial_number") or "")
    if not serial:
        return False
    try:
        chain = ensure_signing_cert(create=False).chain_path.read_bytes()
    except (ImproperlyConfigured, OSError):
        return False
    from cryptography import x509

    return str(x509.load_pem_x509_certificates(chain)[0].serial_number) == serial


def _read_report(c2pa, stream) -> dict:
    reader = c2pa.Reader(MIME, stream)
    try:
        return json.loads(reader.json())
    finally:
        reader.close()


def manifest_actions(manifest: Mapping[str, Any]) -> list[dict]:
    """The actions of a manifest as read back (``c2pa.actions`` or ``c2pa.actions.v2``)."""
    out: list[dict] = []
    for assertion in manifest.get("assertions", []):
        if assertion.get("label", "").split(".v")[0] == "c2pa.actions":
            out.extend(assertion.get("data", {}).get("actions", []))
    return out


def manifest_cameos(manifest: Mapping[str, Any]) -> list[dict]:
    for assertion in manifest.get("assertions", []):
        if assertion.get("label") == CAMEOS_LABEL:
            return list(assertion.get("data", {}).get("cameos", []))
    return []
