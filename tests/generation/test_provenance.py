"""C2PA provenance: the development certificate, signing, remix ingredients, tamper detection."""

import json

import numpy as np
import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command

from generation import provenance
from generation.media import encode_mp4, probe
from generation.provenance import (
    CAMEOS_LABEL,
    DIGITAL_SOURCE_TYPE,
    TRUST_ONLY_CODES,
    ensure_signing_cert,
    manifest_actions,
    manifest_cameos,
    read_manifest,
    sign_mp4,
)


@pytest.fixture(scope="module")
def unsigned_mp4(tmp_path_factory):
    """A 1 s 256x256 clip with sound, made once for the module."""
    frames = np.zeros((24, 256, 256, 3), dtype=np.uint8)
    for t in range(24):
        frames[t, 100:150, t * 8 : t * 8 + 50] = (200, 60, 60)
    audio = (0.1 * np.sin(np.arange(48000) * 2 * np.pi * 220 / 48000)).astype(np.float32)
    path = tmp_path_factory.mktemp("media") / "unsigned.mp4"
    encode_mp4(frames, audio, sample_rate=48000, path=path)
    return path


@pytest.fixture(autouse=True)
def cert_dir(settings, tmp_path):
    settings.C2PA_CERT_DIR = str(tmp_path / "c2pa")
    return tmp_path / "c2pa"


def _sign(src, dst, **kwargs):
    defaults = {"title": "a ball bounces", "model_version": "dit-s-0.3"}
    return sign_mp4(src, dst, **{**defaults, **kwargs})


# --- certificate ---------------------------------------------------------------


def test_ensure_signing_cert_makes_a_ca_and_es256_leaf_on_first_use(cert_dir):
    material = ensure_signing_cert()

    assert material.created and material.chain_path.parent == cert_dir
    leaf, ca = x509.load_pem_x509_certificates(material.chain_path.read_bytes())
    assert leaf.issuer == ca.subject and ca.subject == ca.issuer
    assert leaf.public_key().curve.name == "secp256r1"
    assert leaf.extensions.get_extension_for_class(x509.KeyUsage).value.digital_signature
    eku = leaf.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert ExtendedKeyUsageOID.EMAIL_PROTECTION in eku
    assert ca.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert material.key_path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")  # PKCS#8
    assert (material.key_path.stat().st_mode & 0o077) == 0


def test_make_signing_cert_command_is_idempotent_and_force_rotates(cert_dir):
    call_command("make_signing_cert")
    chain = (cert_dir / "chain.pem").read_bytes()
    key = (cert_dir / "signing-key.pem").read_bytes()

    call_command("make_signing_cert")
    assert (cert_dir / "chain.pem").read_bytes() == chain
    assert (cert_dir / "signing-key.pem").read_bytes() == key

    call_command("make_signing_cert", "--force")
    assert (cert_dir / "chain.pem").read_bytes() != chain
    assert (cert_dir / "signing-key.pem").read_bytes() != key


def test_signing_makes_the_cert_when_missing(cert_dir, unsigned_mp4, tmp_path):
    assert not cert_dir.exists()

    _sign(unsigned_mp4, tmp_path / "signed.mp4")

    assert (cert_dir / "chain.pem").exists()


# --- sign and read ------------------------------------------------------------


def test_signed_file_reads_back_valid_with_the_generation_facts(unsigned_mp4, tmp_path):
    cameos = [{"cameo": 7, "consent": "c-91", "display_name": "Ada", "email": "ada@example.com"}]

    _sign(unsigned_mp4, tmp_path / "signed.mp4", cameos=cameos)
    result = read_manifest(tmp_path / "signed.mp4")

    assert result["valid"] is True
    assert result["validation_state"] == "Valid"
    assert set(result["failures"]) <= TRUST_ONLY_CODES  # only "our CA is not on a trust list"
    manifest = result["manifest"]
    assert manifest["title"] == "a ball bounces"
    created = manifest_actions(manifest)[0]
    assert created["action"] == "c2pa.created"
    assert created["digitalSourceType"] == DIGITAL_SOURCE_TYPE
    assert created["softwareAgent"] == {"name": "sora-social", "version": "dit-s-0.3"}
    assert manifest_cameos(manifest) == [{"cameo": 7, "consent": "c-91"}]
    assert "Ada" not in json.dumps(manifest) and "example.com" not in json.dumps(manifest)
    assert not manifest.get("ingredients")


def test_signed_file_is_still_a_faststart_h264_mp4(unsigned_mp4, tmp_path):
    _sign(unsigned_mp4, tmp_path / "signed.mp4")

    got = probe(tmp_path / "signed.mp4", decode=False)

    assert got["faststart"] and got["video_codec"] == "h264" and got["has_audio"]


def test_cameo_assertion_is_present_and_empty_without_cameos(unsigned_mp4, tmp_path):
    _sign(unsigned_mp4, tmp_path / "signed.mp4")

    manifest = read_manifest(tmp_path / "signed.mp4")["manifest"]

    labels = [a["label"] for a in manifest["assertions"]]
    assert CAMEOS_LABEL in labels
    assert manifest_cameos(manifest) == []


def test_remix_manifest_has_the_signed_parent_as_ingredient(unsigned_mp4, tmp_path):
    _sign(unsigned_mp4, tmp_path / "parent.mp4", title="the original")

    _sign(unsigned_mp4, tmp_path / "remix.mp4", title="the remix", parent=(tmp_path / "parent.mp4", "the original"))
    result = read_manifest(tmp_path / "remix.mp4")

    assert result["valid"] is True
    (ingredient,) = result["manifest"]["ingredients"]
    assert ingredient["title"] == "the original"
    assert ingredient["relationship"] == "componentOf"
    assert ingredient.get("active_manifest")  # the parent's own manifest travels with it
    actions = manifest_actions(result["manifest"])
    assert [a["action"] for a in actions] == ["c2pa.created", "c2pa.edited"]
    assert actions[0]["digitalSourceType"] == DIGITAL_SOURCE_TYPE
    assert "the original" in actions[1]["description"]
    assert actions[1]["parameters"]["ingredients"]  # linked to the ingredient assertion


def test_remix_without_parent_file_records_the_action_only(unsigned_mp4, tmp_path):
    _sign(unsigned_mp4, tmp_path / "remix.mp4", parent=(None, "gone"))

    result = read_manifest(tmp_path / "remix.mp4")

    assert result["valid"] is True
    assert not result["manifest"].get("ingredients")
    assert manifest_actions(result["manifest"])[1]["action"] == "c2pa.edited"


def test_one_flipped_byte_in_the_media_makes_it_invalid(unsigned_mp4, tmp_path):
    _sign(unsigned_mp4, tmp_path / "signed.mp4")
    data = bytearray((tmp_path / "signed.mp4").read_bytes())
    mdat = data.find(b"mdat")
    data[mdat + 4 + (len(data) - mdat) // 2] ^= 0x01
    (tmp_path / "tampered.mp4").write_bytes(bytes(data))

    result = read_manifest(tmp_path / "tampered.mp4")

    assert result["valid"] is False
    assert result["validation_state"] == "Invalid"
    assert any(code not in TRUST_ONLY_CODES for code in result["failures"])


def test_read_manifest_accepts_an_open_file(unsigned_mp4, tmp_path):
    _sign(unsigned_mp4, tmp_path / "signed.mp4")

    with open(tmp_path / "signed.mp4", "rb") as fh:
        fh.read(100)  # a storage file handed over mid-read
        result = read_manifest(fh)

    assert result["valid"] is True


def test_unsigned_file_has_no_manifest(unsigned_mp4):
    result = read_manifest(unsigned_mp4)

    assert result == {
        "validation_state": "NoManifest",
        "valid": False,
        "manifest": None,
        "failures": [],
        "error": result["error"],
    }


def test_sign_refuses_in_place_and_personal_cameo_rows(unsigned_mp4, tmp_path):
    with pytest.raises(ValueError):
        _sign(unsigned_mp4, unsigned_mp4)
    with pytest.raises(ValueError):
        _sign(unsigned_mp4, tmp_path / "x.mp4", cameos=[{"name": "Ada"}])
    assert provenance.TRUST_ONLY_CODES.isdisjoint({"assertion.bmffHash.mismatch", "claimSignature.mismatch"})


def test_configured_cert_paths_that_are_missing_refuse_to_sign(settings, unsigned_mp4, tmp_path):
    settings.C2PA_SIGN_CERT_PATH = str(tmp_path / "prod" / "chain.pem")
    settings.C2PA_PRIVATE_KEY_PATH = str(tmp_path / "prod" / "key.pem")

    with pytest.raises(ImproperlyConfigured):
        _sign(unsigned_mp4, tmp_path / "signed.mp4")
    assert not (tmp_path / "signed.mp4").exists()


def test_configured_cert_paths_are_used(settings, unsigned_mp4, tmp_path):
    call_command("make_signing_cert", "--dir", str(tmp_path / "prod"))
    settings.C2PA_SIGN_CERT_PATH = str(tmp_path / "prod" / "chain.pem")
    settings.C2PA_PRIVATE_KEY_PATH = str(tmp_path / "prod" / "signing-key.pem")

    _sign(unsigned_mp4, tmp_path / "signed.mp4")

    assert read_manifest(tmp_path / "signed.mp4")["valid"] is True


def test_the_whole_media_chain_signs_a_watermarked_clip_that_checks_out(tmp_path):
    from generation.media import burn_watermark, decode_frames, synth_audio, upscale, watermark_present

    model_frames = np.zeros((8, 56, 32, 3), dtype=np.uint8)  # 2 s portrait at 4 fps
    for t in range(8):
        model_frames[t, 20:30, t * 3 : t * 3 + 8] = (240, 200, 40)
    frames = burn_watermark(upscale(model_frames, 4))
    audio = synth_audio(n_frames=8, fps=4, impacts=[5], scene="night")
    encode_mp4(frames, audio, sample_rate=48000, path=tmp_path / "raw.mp4")

    _sign(tmp_path / "raw.mp4", tmp_path / "final.mp4", cameos=[{"cameo": 1, "consent": 2}])

    got = probe(tmp_path / "final.mp4")
    assert got["faststart"] and got["has_audio"] and abs(got["duration_s"] - 2.0) <= 1 / 24
    assert watermark_present(decode_frames(tmp_path / "final.mp4"))
    assert read_manifest(tmp_path / "final.mp4")["valid"] is True
