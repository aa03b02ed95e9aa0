"""Media storage and signed, expiring URLs.

Files live behind Django's storage API (filesystem by default; any backend,
e.g. S3, through `STORAGES["default"]`). Clients get URLs signed with the
secret key that name one stored file and expire; players cannot send bearer
headers, so the signature is the authorisation. Serving answers Range
requests with 206 so mobile players can seek.

A signature alone would keep serving a video for the whole TTL after it was
removed, turned private, its cameo revoked or its owner suspended. So a URL
also names what the file belongs to and who it was issued to (a *guard*:
`("video", id)` for the viewer it was made for), and every request asks the
owning app again through the check it registered (`register_guard`). The
core knows no app: generation, cameos and moderation register their checks
when Django starts. A guard whose check is gone refuses.
"""

import base64
import hashlib
import hmac
import json
import mimetypes
import re
import time
from collections.abc import Callable
from functools import lru_cache

from django.conf import settings
from django.core import signing
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

_SALT = "sora_social.media"
# kind -> check(viewer_id or None, object_id) -> may this file still be served?
_GUARDS: dict[str, Callable[[str | None, str], bool]] = {}
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")
CHUNK = 64 * 1024


def register_guard(kind: str, check: Callable[[str | None, str], bool]) -> None:
    """Let the app that owns `kind` decide, on every request, whether its file may still be served."""
    _GUARDS[kind] = check


def signed_url(
    name: str, *, request=None, ttl: int | None = None, guard: tuple[str, object] | None = None, viewer=None
) -> str:
    """A URL that serves the stored file `name` for `ttl` seconds, while `guard` still allows it.

    The viewer the guard checks is `viewer`, else the request's user.
    """
    ttl = ttl or settings.SORA_MEDIA_URL_TTL
    # The expiry is rounded down to a bucket of a twelfth of the TTL (5 minutes of an
    # hour): the URLs of one file for one viewer are the same for that long, so
    # players and caches reuse them, and none lives longer than asked.
    bucket = ttl // 12
    expires = int(time.time()) + ttl
    payload = {"n": name, "e": expires - expires % bucket if bucket else expires}
    if guard is not None:
        if viewer is None and request is not None:
            viewer = getattr(request, "user", None)
        viewer_id = getattr(viewer, "pk", None)
        payload["g"] = [guard[0], str(guard[1]), str(viewer_id) if viewer_id else None]
    data = _b64(json.dumps(payload, separators=(",", ":")).encode())
    token = data + "." + _b64(_mac(settings.SECRET_KEY, data))
    return (_route_prefix() if request is None else _absolute_prefix(request)) + token


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@lru_cache(maxsize=4)
def _key(secret: str) -> bytes:
    return hashlib.sha256((_SALT + ":" + secret).encode()).digest()


def _mac(secret: str, data: str) -> bytes:
    """HMAC-SHA256 over the token's data (the file, its expiry, its guard), keyed from the secret key."""
    return hmac.new(_key(secret), data.encode(), hashlib.sha256).digest()


@lru_cache(maxsize=1)
def _route_prefix() -> str:
    """The path in front of every token, resolved once (reverse() costs as much as the signing)."""
    marker = "TOKEN"
    path = reverse("media-signed", kwargs={"token": marker})
    return path[: path.rindex(marker)]


def _absolute_prefix(request) -> str:
    """The route prefix as an absolute URL for this request, worked out once per request
    (`build_absolute_uri` checks the host against ALLOWED_HOSTS each time; a page signs
    two URLs a video)."""
    prefix = getattr(request, "_sora_media_prefix", None)
    if prefix is None:
        prefix = request.build_absolute_uri(_route_prefix())
        request._sora_media_prefix = prefix
    return prefix


def _error(status: int, code: str, detail: str) -> JsonResponse:
    return JsonResponse({"error": code, "detail": detail}, status=status)


def _payload_from(token: str) -> dict | None:
    """The token's payload if its MAC holds under the key (or a fallback key) and it has not expired."""
    data, _, mac = token.partition(".")
    if not mac:
        return _legacy_payload_from(token)
    try:
        given = base64.urlsafe_b64decode(mac + "=" * (-len(mac) % 4))
        secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        if not any(hmac.compare_digest(given, _mac(secret, data)) for secret in secrets):
            return None
        payload = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))
        if not isinstance(payload.get("n"), str) or int(payload["e"]) <= time.time():
            return None
        return payload
    except (KeyError, TypeError, ValueError, AttributeError):
        return None


def _legacy_payload_from(token: str) -> dict | None:
    """Links made before the HMAC tokens (django.core.signing), honoured until they expire."""
    try:
        unsigned = signing.loads(token, salt=_SALT, max_age=None)
        signing.loads(token, salt=_SALT, max_age=int(unsigned["t"]))
        return unsigned if isinstance(unsigned.get("n"), str) else None
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return None


def _still_servable(payload: dict) -> bool:
    if "g" not in payload:
        return True
    try:
        kind, object_id, viewer_id = payload["g"]
    except (TypeError, ValueError):
        return False
    check = _GUARDS.get(kind)
    return check is not None and bool(check(viewer_id, object_id))


def stored_name_from_url(url: str) -> str | None:
    """The stored file a media URL of ours serves right now, or None.

    None for anything else: another site, another path, a forged, expired or
    malformed token, or a file its owning app no longer lets that link serve.
    """
    from urllib.parse import urlsplit

    try:
        path = urlsplit(str(url).strip()).path
    except ValueError:
        return None
    prefix = _route_prefix()
    if not path.startswith(prefix):
        return None
    payload = _payload_from(path[len(prefix) :].rstrip("/"))
    if payload is None or not _still_servable(payload):
        return None
    return payload["n"]


def _iter_range(handle, start: int, length: int):
    try:
        handle.seek(start)
        remaining = length
        while remaining > 0:
            chunk = handle.read(min(CHUNK, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        handle.close()


@require_http_methods(["GET", "HEAD"])
def serve_signed(request, token: str):
    payload = _payload_from(token)
    if payload is None:
        return _error(403, "bad_signature", "This media link is invalid or expired.")
    if not _still_servable(payload):
        return _error(404, "not_found", "This media is no longer available.")
    name = payload["n"]
    if not default_storage.exists(name):
        return _error(404, "not_found", "Not found.")
    size = default_storage.size(name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"

    header = request.headers.get("Range", "")
    match = _RANGE.match(header.strip()) if header else None
    if header and not match:
        match = None  # a malformed Range is ignored, as RFC 9110 allows: whole file
    if match:
        first, last = match.groups()
        if first == "" and last == "":
            match = None
        elif first == "":  # suffix: the last N bytes
            start, end = max(0, size - int(last)), size - 1
        else:
            start = int(first)
            end = min(int(last), size - 1) if last else size - 1
        if match and (start >= size or start > end):
            response = _error(416, "range_not_satisfiable", "The requested range is outside the file.")
            response["Content-Range"] = f"bytes */{size}"
            return response
    if match:
        length = end - start + 1
        body = b"" if request.method == "HEAD" else _iter_range(default_storage.open(name, "rb"), start, length)
        response = StreamingHttpResponse(body, status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(length)
    elif request.method == "HEAD":
        response = HttpResponse(status=200, content_type=content_type)
        response["Content-Length"] = str(size)
    else:
        response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
        response["Content-Length"] = str(size)
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, max-age=300"
    return response
