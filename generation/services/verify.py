"""Was this clip made here? The public check behind POST /verify and the reviewers' admin page.

A clip is read three ways: the invisible mark in its frames (it survives
re-encoding, scaling, cropping and screen recording), the C2PA manifest when
the file still carries one, and, for reviewers only, a perceptual match
against videos that moderators removed. A clip we did not make is an answer
("no mark found"), never an error; only bytes that are not a video are
refused (400), and uploads over the limit before they are read (413).
"""

from __future__ import annotations

import dataclasses
import shutil
import tempfile
import uuid
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage

from moderation.phash import frame_hashes
from moderation.review import matches_removed_video
from moderation.selectors import is_reviewer
from sora_social.errors import ApplicationError, Invalid, Unavailable
from sora_social.media import stored_name_from_url
from videos.models import Video
from videos.selectors import videos_visible_to

from ..media import invisible
from ..media.probe import NoVideoStream, UnreadableMedia, decode_audio, decode_for_reading


class ClipTooLarge(ApplicationError):
    status_code = 413
    code = "too_large"


def max_bytes() -> int:
    return int(settings.SORA_VERIFY_MAX_BYTES)


def verify_clip(*, viewer, upload=None, url: str | None = None) -> dict:
    """What we can tell about an uploaded clip, or one of our own media URLs.

    The web process only takes the bytes in: it stores an upload, hands the
    stored name to a worker (`generation.verify_clip`, queue `default`), and
    waits at most SORA_VERIFY_WAIT seconds for the reading (503 `unavailable`
    after that, or when the queue is down). Decoding and searching for the mark
    cost a few tenths of a second of CPU per clip; they never run in the web
    process, except on the embedded default, where every task runs in place."""
    from celery.exceptions import TimeoutError as WaitedTooLong

    from ..tasks import verify_clip_task

    if (upload is None) == (not url):
        raise Invalid("Send a video file as `file`, or one of our media links as `url`.", code="invalid")
    reviewer = is_reviewer(viewer)
    stored = None
    if upload is not None:
        if upload.size > max_bytes():
            raise ClipTooLarge(f"The clip must be at most {max_bytes() // 2**20} MB.")
        stored = default_storage.save(f"verify/{uuid.uuid4().hex}.clip", upload)
        name = stored
    else:
        name = stored_name_from_url(url)
        if name is None:
            raise Invalid("That is not a current media link of ours; upload the file instead.", code="not_our_media")
    try:
        pending = verify_clip_task.apply_async(args=[name, reviewer], queue="default")
        try:
            found = pending.get(timeout=settings.SORA_VERIFY_WAIT, propagate=True, disable_sync_subtasks=False)
        except WaitedTooLong:
            raise Unavailable("Checks are busy right now; try again shortly.", retry_after=10) from None
        finally:
            pending.forget()
    finally:
        if stored is not None:
            default_storage.delete(stored)
    if "error" in found:
        raise Invalid(found["detail"], code=found["error"])
    return _answer(
        viewer,
        invisible.Reading(**found["frames"]),
        invisible.Reading(**found["audio"]),
        found["c2pa"],
        found["removed"],
        reviewer,
    )


def read_clip(name: str, *, reviewer: bool) -> dict:
    """The worker's half: read a stored clip (frames, sound, C2PA, removed-video match), as JSON.

    Refusals come back as {"error", "detail"} for the web process to raise."""
    with tempfile.TemporaryDirectory(prefix="sora-verify-") as tmp:
        path = Path(tmp) / "clip"
        try:
            with default_storage.open(name, "rb") as src, open(path, "wb") as out:
                shutil.copyfileobj(src, out)
        except FileNotFoundError:
            return {"error": "unreadable_video", "detail": "The clip was gone before it could be read."}
        try:
            frames = decode_for_reading(path)
        except NoVideoStream as exc:
            frames, no_picture = None, exc  # a sound track on its own (ripped from a video) is still read
        except UnreadableMedia as exc:
            return {"error": "unreadable_video", "detail": f"We could not read a video from this file: {exc}."}
        heard = _audio_reading(path)
        if frames is None and heard is None:
            return {"error": "unreadable_video", "detail": f"We could not read a video from this file: {no_picture}."}
        reading = invisible.detect(frames) if frames is not None else invisible.NOT_FOUND
        c2pa = _c2pa(path)
        removed = None
        if reviewer:  # a sound track alone has no frames to match
            removed = frames is not None and _removed_match(frames)
    return {
        "frames": _reading_json(reading),
        "audio": _reading_json(heard or invisible.NOT_FOUND),
        "c2pa": c2pa,
        "removed": removed,
    }


def _reading_json(reading: invisible.Reading) -> dict:
    return {f.name: _plain(getattr(reading, f.name)) for f in dataclasses.fields(reading)}


def _plain(value):
    """numpy scalars to Python ones, for the result backend's JSON."""
    return value.item() if hasattr(value, "item") else value


def _audio_reading(path) -> invisible.Reading | None:
    """The sound track's reading; None when there is no readable sound at all."""
    try:
        samples = decode_audio(path, rate=invisible.AUDIO_RATE, max_seconds=30)
    except UnreadableMedia:
        return None
    return invisible.detect_audio(samples) if samples.size else None


def _c2pa(path: Path) -> dict:
    from ..provenance import read_manifest, signed_by_us

    try:
        result = read_manifest(path)
    except Exception:  # noqa: BLE001 - a hostile container must not fail the check, only this part of it
        result = {"validation_state": "Error", "valid": False, "manifest": None}
    manifest = result.get("manifest")
    return {
        "present": manifest is not None,
        "valid": result["valid"],
        "signed_by_us": bool(result["valid"] and signed_by_us(manifest)),
        "validation_state": result["validation_state"],
        "manifest": manifest,
    }


def _removed_match(frames) -> bool:
    return matches_removed_video(frame_hashes(frames))


def _answer(
    viewer, reading: invisible.Reading, heard: invisible.Reading, c2pa: dict, removed: bool | None, reviewer: bool
) -> dict:
    key = next((r.key for r in (reading, heard) if r.found and r.key is not None), None)
    video = Video.objects.select_related("owner").filter(mark_key=key).first() if key is not None else None
    made_here = reading.found or heard.found or c2pa["signed_by_us"]
    shown = (
        video if video is not None and (reviewer or videos_visible_to(viewer).filter(pk=video.pk).exists()) else None
    )
    answer = {
        "made_here": made_here,
        "mark": {
            "found": reading.found or heard.found,
            "confidence": round(float(reading.confidence), 3),
            "payload_decoded": key is not None,
            "audio_found": heard.found,
            "audio_confidence": round(float(heard.confidence), 3),
        },
        # When the mark resolves to a video: its day of making always, the video itself
        # only to someone who may see it (a private or removed video stays private).
        "created_at": video.created_at if video is not None else None,
        "video": shown,
        "c2pa": c2pa,
    }
    if removed is not None:
        answer["removed_match"] = removed
    return answer


def video_mark_reading(video: Video, stored) -> dict:
    """The mark read back from a video's stored file (a seekable binary file), for its provenance."""
    embedded = video.mark_key is not None
    stored.seek(0)
    try:
        reading = invisible.read_in_place(decode_for_reading(stored, max_frames=48))
        stored.seek(0)
        heard = invisible.detect_audio(decode_audio(stored, rate=invisible.AUDIO_RATE))
    except (UnreadableMedia, invisible.MarkError):
        reading = heard = invisible.NOT_FOUND
    return {
        "embedded": embedded,
        "found": reading.found,
        "confidence": round(float(reading.confidence), 3),
        "payload_decoded": reading.key is not None,
        "audio_found": heard.found,
        "audio_confidence": round(float(heard.confidence), 3),
        "matches": embedded and reading.key == video.mark_key and heard.key == video.mark_key,
    }
