"""What verification answers: frozen results, machine codes and the sentences people read."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

# One code per refusal; API.md and the lead's serializers use the same names.
REASONS: dict[str, str] = {
    "ok": "Your cameo is verified.",
    "corrupt": "We couldn't read this video. Please record it again.",
    "unsupported_format": "This file isn't a video we accept. Please upload an MP4, MOV or WebM clip.",
    "too_short": "The video is too short. Please record at least 2 seconds.",
    "too_long": "The video is too long. Please keep it under 15 seconds.",
    "bad_frame_rate": "The video's frame rate is unusual. Please record it with your phone's normal camera.",
    "bad_size": "The video's picture size is unusual. Please record it with your phone's normal camera.",
    "replay": "This exact video was uploaded before. Please record a new one for this challenge.",
    "replayed_capture": "This looks like a copy of another person's verification video. Please record your own.",
    "face_changed": "The face changed during the video. Please record it alone, start to finish.",
    "spoof_suspected": "This looks like a photo or a screen, not a person. Please turn your own head for the moves.",
    "no_face": "We couldn't find your face in most of the video. Face the camera in good light.",
    "two_faces": "We saw more than one person. Please record the video alone.",
    "no_movement": "Your head didn't move. It looks like a still picture; please follow the head moves.",
    "wrong_moves": "Your head moves didn't match the challenge. Please do them in the order shown.",
    "silent": "We couldn't hear you. Please say the digits out loud.",
    "digits_missing": "We didn't hear all the digits. Please say each digit clearly.",
    "digits_mismatch": "What we heard doesn't sound like the digits. Please say just the digits, one at a time.",
    "lips_not_moving": "Your lips didn't move with the voice. Please say the digits yourself, facing the camera.",
    "likeness_taken": "This face already belongs to another person's cameo.",
    "not_an_image": "We couldn't read this image. Please upload a JPEG or PNG photo.",
    "image_too_small": "The image is too small. Please upload a photo at least 128 pixels on each side.",
    "image_too_large": "The image is too large. Please upload a photo under 40 megapixels.",
    "human_face": "This photo shows a person. People join as cameos with a short verified video instead.",
}


@dataclass(frozen=True)
class VerificationResult:
    verified: bool
    reason: str  # a sentence a person understands
    code: str  # machine code, a key of REASONS
    content_hash: str = ""  # sha256 hex of the uploaded bytes
    face_crop: np.ndarray | None = None  # (128, 128, 3) uint8 RGB, aligned frontal face
    preview_jpeg: bytes | None = None
    embedding: np.ndarray | None = None  # (128,) float32, dlib's face descriptor
    voice_profile: dict | None = None  # median_pitch_hz, energy_db, voiced_segments, voiced_s
    moves_seen: list[str] = field(default_factory=list)
    frame_hashes: list[str | None] = field(default_factory=list)  # replay.encode: the face in each sampled frame
    details: dict = field(default_factory=dict)  # measurements, for logs and reviewers


@dataclass(frozen=True)
class CharacterResult:
    verified: bool
    reason: str
    code: str
    content_hash: str = ""
    crop: np.ndarray | None = None  # (128, 128, 3) uint8 RGB, centre square of the subject
    preview_jpeg: bytes | None = None
    size: tuple[int, int] | None = None  # (width, height) of the uploaded image


def rejected(code: str, content_hash: str = "", **details) -> VerificationResult:
    return VerificationResult(
        verified=False,
        reason=REASONS[code],
        code=code,
        content_hash=content_hash,
        moves_seen=list(details.pop("moves_seen", [])),
        details=details,
    )
