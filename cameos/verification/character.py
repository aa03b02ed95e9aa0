"""verify_character_image: a pet or an object enrolled from one photo (no liveness).

A photo of a person is refused here: people enrol with a live capture, or
anyone could enrol a stranger from a picture.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
from PIL import Image, ImageOps

from . import faces as facelib
from .capture import _read, content_hash_of, jpeg
from .result import REASONS, CharacterResult

MIN_SIDE = 128
MAX_PIXELS = 40_000_000
CROP_SIZE = 128
FACE_CHECK_LONG_SIDE = 640


def _refuse(code: str, digest: str, size: tuple[int, int] | None = None) -> CharacterResult:
    return CharacterResult(verified=False, reason=REASONS[code], code=code, content_hash=digest, size=size)


def read_image(data: bytes) -> tuple[np.ndarray | None, str]:
    """(RGB uint8 array upright by its EXIF, "ok"), or (None, "image_too_large" / "not_an_image")."""
    try:
        with Image.open(io.BytesIO(data)) as probe:
            if probe.size[0] * probe.size[1] > MAX_PIXELS:
                return None, "image_too_large"
            probe.verify()
        with Image.open(io.BytesIO(data)) as pic:
            pic = ImageOps.exif_transpose(pic).convert("RGB")
            return np.asarray(pic), "ok"
    except Image.DecompressionBombError:
        return None, "image_too_large"
    except Exception:
        return None, "not_an_image"


# HOG detector score a face in a picture needs. On scikit-image's astronaut photo her face
# scores 1.16 and a glove 0.12 (at upsample 1); the floor keeps the glove from being a person.
PICTURE_FACE_MIN_SCORE = 0.3


def faces_in(image: np.ndarray) -> list[tuple[facelib.Face, np.ndarray]]:
    """Every face in a photo (looked for at most FACE_CHECK_LONG_SIDE px wide) with its descriptor."""
    height, width = image.shape[:2]
    scale = min(1.0, FACE_CHECK_LONG_SIDE / max(width, height))
    small = np.ascontiguousarray(
        np.asarray(Image.fromarray(image).resize((max(1, int(width * scale)), max(1, int(height * scale)))))
    )
    found = facelib.detect(small, upsample=1, min_score=PICTURE_FACE_MIN_SCORE)
    return [(face, facelib.describe(small, face.box)[0]) for face in found]


def verify_character_image(path_or_bytes: Any) -> CharacterResult:
    data = _read(path_or_bytes)
    digest = content_hash_of(data)
    image, code = read_image(data)
    if image is None:
        return _refuse(code, digest)
    height, width = image.shape[:2]
    if min(width, height) < MIN_SIDE:
        return _refuse("image_too_small", digest, (width, height))

    scale = min(1.0, FACE_CHECK_LONG_SIDE / max(width, height))
    small = np.asarray(Image.fromarray(image).resize((max(1, int(width * scale)), max(1, int(height * scale)))))
    if facelib.detect(np.ascontiguousarray(small)):
        return _refuse("human_face", digest, (width, height))

    side = min(width, height)  # the subject is usually centred in a pet/object photo
    top, left = (height - side) // 2, (width - side) // 2
    crop = Image.fromarray(image[top : top + side, left : left + side]).resize(
        (CROP_SIZE, CROP_SIZE), Image.Resampling.LANCZOS
    )
    crop_arr = np.asarray(crop, dtype=np.uint8).copy()
    return CharacterResult(
        verified=True,
        reason="Your character cameo is ready.",
        code="ok",
        content_hash=digest,
        crop=crop_arr,
        preview_jpeg=jpeg(crop_arr),
        size=(width, height),
    )
