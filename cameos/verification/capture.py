"""verify_capture: one uploaded clip in, a verdict with the likeness reference out.

The checks run in the order a person would fix them: can we read it, is it
the right length, is it new (neither these bytes nor these faces seen
before), is there one face and the same one throughout, does it follow the
moves as a head does (in depth, not as a photo slid or turned), can we hear
the digits and does the mouth move with them, is this face someone else's
cameo. The first failure is the answer; nothing raises out of here for bad
input.
"""

from __future__ import annotations

import hashlib
import io
import os
from collections.abc import Iterable
from typing import Any

import numpy as np
from PIL import Image

from . import faces as facelib
from . import replay
from .liveness import (
    LIP_SYNC_MIN,
    PARALLAX_MIN,
    PosePoint,
    depth_of_moves,
    lip_sync,
    mouth_opening,
    moves_from_track,
)
from .media import DecodeError, full_rgb, probe_and_sample
from .result import REASONS, VerificationResult, rejected
from .voice import analyse, digits_heard

MIN_DURATION_S = 2.0
MAX_DURATION_S = 15.0
FPS_RANGE = (10.0, 121.0)  # phones record 24-60, slow-motion up to 120
MIN_SIDE, MAX_SIDE = 240, 4096
SAMPLE_FPS = 6.0  # a head move lasts ~0.5-1 s: 3-6 samples each; HOG is ~60 % of the time
ONE_FACE_FRACTION = 0.5  # "most sampled frames"
MULTI_FACE_FRACTION = 0.25  # a second person in a quarter of the clip is a second person
EMBED_FRAMES = 2  # the descriptor is the mean over the most frontal frames (0.25-0.4 s each)
IDENTITY_PARTS = 3  # the most frontal face of each third of the clip must be one person
# ... within dlib's own same-person distance. Looser than LIKENESS_THRESHOLD: within one
# clip, one person's face turned and speaking measured 0.10-0.52 on our synthetic heads
# (the low-resolution lfw faces at the top). Two sharp faces are far apart; two of the
# small lfw faces can be closer (6 % of their pairs are under 0.6), and such swaps pass.
SAME_PERSON = 0.6
# Euclidean distance between dlib descriptors under which two faces are one
# person. dlib's own operating point is 0.6; we take 0.5 because a false
# "taken" stops a stranger from enrolling at all. Measured with
# `bench/bench_cameo_verification.py --calibrate` on scikit-image data: the same
# face between a photo and its composite/mirror 0.10-0.20; astronaut vs the 95
# lfw_subset faces dlib detects (25 px upscaled, so blurrier than any phone
# clip) >= 0.61; lfw_subset pairs: 0.5 % under 0.5, 6.3 % under 0.6, and the
# closest ones (0.38-0.48) look like the same people photographed twice (the
# subset repeats a few LFW identities).
LIKENESS_THRESHOLD = 0.5
PREVIEW_SIZE = 96


def _read(path_or_bytes: Any) -> bytes:
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        return bytes(path_or_bytes)
    if isinstance(path_or_bytes, (str, os.PathLike)):
        with open(path_or_bytes, "rb") as fh:
            return fh.read()
    if hasattr(path_or_bytes, "read"):  # an uploaded file object
        return path_or_bytes.read()
    raise TypeError(f"expected a path, bytes or a file object, got {type(path_or_bytes).__name__}")


def content_hash_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def jpeg(image: np.ndarray, size: int = PREVIEW_SIZE, quality: int = 80) -> bytes:
    out = io.BytesIO()
    pic = Image.fromarray(image)
    pic.thumbnail((size, size), Image.Resampling.LANCZOS)
    pic.save(out, format="JPEG", quality=quality)
    return out.getvalue()


def verify_capture(
    path_or_bytes: Any,
    *,
    challenge_digits: str,
    challenge_moves: list[str],
    known_faces: Iterable[tuple[Any, np.ndarray]] = (),
    seen_hashes: Iterable[str] = (),
    known_captures: Iterable[tuple[Any, list[str | None]]] = (),
) -> VerificationResult:
    """known_captures: (owner, replay.encode(frame hashes)) of other people's verified captures."""
    data = _read(path_or_bytes)
    digest = content_hash_of(data)

    # 1. decodes, in an accepted container
    try:
        clip = probe_and_sample(data, sample_fps=SAMPLE_FPS, max_duration_s=MAX_DURATION_S)
    except DecodeError as exc:
        return rejected(exc.code, digest, **exc.details)

    # 2. length, frame rate, picture size
    if clip.duration_s < MIN_DURATION_S:
        return rejected("too_short", digest, duration_s=round(clip.duration_s, 2))
    if clip.duration_s > MAX_DURATION_S:
        return rejected("too_long", digest, duration_s=round(clip.duration_s, 2))
    if not FPS_RANGE[0] <= clip.fps <= FPS_RANGE[1]:
        return rejected("bad_frame_rate", digest, fps=round(clip.fps, 2))
    if min(clip.width, clip.height) < MIN_SIDE or max(clip.width, clip.height) > MAX_SIDE:
        return rejected("bad_size", digest, width=clip.width, height=clip.height)

    # 3. not a replay of an earlier upload
    if digest in set(seen_hashes):
        return rejected("replay", digest)

    # 4. exactly one face in most sampled frames
    per_frame = [facelib.detect(frame) for frame in clip.frames]
    n = len(per_frame)
    one = [i for i, found in enumerate(per_frame) if len(found) == 1]
    multi = sum(1 for found in per_frame if len(found) >= 2)
    stats = {"frames_sampled": n, "frames_one_face": len(one), "frames_many_faces": multi}
    if multi >= MULTI_FACE_FRACTION * n:
        return rejected("two_faces", digest, **stats)
    if len(one) < ONE_FACE_FRACTION * n:
        return rejected("no_face", digest, **stats)

    # 5. not another person's capture replayed or filmed off a screen
    hashes: list[int | None] = [None] * n
    for i in one:
        hashes[i] = replay.face_hash(clip.frames[i], per_frame[i][0].landmarks)
    copied = replay.replayed(hashes, known_captures)
    if copied is not None:
        return rejected("replayed_capture", digest, owner_id=copied[0], matched=copied[1], **stats)

    # 6. one person throughout: the most frontal face of each third of the clip
    # The person's own rest pose is the clip's median: the moves are excursions from it, and
    # a face's landmarks put "level" at a pitch of its own (the astronaut's is -0.12).
    rest_yaw = float(np.median([per_frame[i][0].yaw for i in one]))
    rest_pitch = float(np.median([per_frame[i][0].pitch for i in one]))

    def frontality(i: int) -> float:  # lower is better: at rest, mouth closed, large
        face = per_frame[i][0]
        turned = abs(face.yaw - rest_yaw) + abs(face.pitch - rest_pitch)
        return turned + 0.25 * mouth_opening(face.landmarks) - 0.001 * face.size

    described: dict[int, tuple[np.ndarray, np.ndarray]] = {}
    for part in np.array_split(np.array(one), min(IDENTITY_PARTS, len(one))):
        i = int(min(part, key=frontality))
        image = full_rgb(clip.full_frames[i], clip.rotation)
        box = tuple(v / clip.scale * clip.keep_scale for v in per_frame[i][0].box)
        described[i] = facelib.describe(image, box)
    spread = max((facelib.distance(a[0], b[0]) for a in described.values() for b in described.values()), default=0.0)
    stats["identity_spread"] = round(spread, 3)
    if spread >= SAME_PERSON:
        return rejected("face_changed", digest, **stats)

    # 7. liveness: the face follows the challenged moves, in order, and each move has depth
    track = []
    for i in one:
        face = per_frame[i][0]
        cx, cy = face.center
        track.append(PosePoint(clip.times[i], cx, cy, face.size, face.yaw, face.pitch, face.landmarks))
    live = moves_from_track(track, sample_period_s=1.0 / SAMPLE_FPS)
    stats["max_displacement"] = live.max_displacement
    if not live.moves_seen:
        return rejected("no_movement", digest, moves_seen=[], **stats)
    if live.moves_seen != list(challenge_moves):
        return rejected("wrong_moves", digest, moves_seen=live.moves_seen, challenge=list(challenge_moves), **stats)
    stats["depth"] = depth_of_moves(track, live)
    if min(stats["depth"]) < PARALLAX_MIN:
        return rejected("spoof_suspected", digest, moves_seen=live.moves_seen, **stats)

    # 8. the digits were spoken, one short word each, and the mouth moved with them
    voice = analyse(clip.audio)
    stats["voiced_segments"] = len(voice.segments)
    if not voice.segments:
        return rejected("silent", digest, moves_seen=live.moves_seen, has_audio=clip.audio is not None, **stats)
    heard = digits_heard(voice.segments, len(challenge_digits))
    if heard is not None:
        return rejected(heard, digest, moves_seen=live.moves_seen, **stats)
    stats["lip_sync"] = lip_sync(track, voice.segments)
    if stats["lip_sync"] is None or stats["lip_sync"] < LIP_SYNC_MIN:
        return rejected("lips_not_moving", digest, moves_seen=live.moves_seen, **stats)

    # 9. the likeness: descriptor and reference crop from the most frontal frames
    frontal = sorted(described, key=frontality)[:EMBED_FRAMES]
    embedding = np.mean([described[i][0] for i in frontal], axis=0).astype(np.float32)
    chip = described[frontal[0]][1]

    for owner_id, other in known_faces:
        d = facelib.distance(embedding, other)
        if d < LIKENESS_THRESHOLD:
            return rejected(
                "likeness_taken", digest, moves_seen=live.moves_seen, owner_id=owner_id, distance=round(d, 3), **stats
            )

    return VerificationResult(
        verified=True,
        reason=REASONS["ok"],
        code="ok",
        content_hash=digest,
        face_crop=chip,
        preview_jpeg=jpeg(chip),
        embedding=embedding,
        voice_profile=voice.profile,
        moves_seen=live.moves_seen,
        frame_hashes=replay.encode(hashes),
        details={**stats, "duration_s": round(clip.duration_s, 2), "fps": round(clip.fps, 2)},
    )
