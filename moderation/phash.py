"""Perceptual hashes of video frames (64-bit difference hashes) and matching.

A removed video's hashes are kept; a new render whose frames line up with one
within `MATCH_DISTANCE` bits (median over the sampled frames) is blocked. The
threshold comes from tests/moderation/test_phash.py: re-encoding or slight
noise moves a frame by a few bits, different renders by ~20-35 of 64.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

SAMPLES = 8
MATCH_DISTANCE = 10


def dhash(frame: np.ndarray) -> int:
    """64-bit difference hash of one RGB frame, as a signed int64 (fits a BigIntegerField)."""
    gray = Image.fromarray(np.asarray(frame, dtype=np.uint8)).convert("L").resize((9, 8), Image.BILINEAR)
    pixels = np.asarray(gray, dtype=np.int16)
    bits = (pixels[:, 1:] > pixels[:, :-1]).flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return value - (1 << 64) if value >= (1 << 63) else value


def frame_hashes(frames: np.ndarray, samples: int = SAMPLES) -> list[int]:
    """Hashes of `samples` frames spread evenly over the clip."""
    idx = np.linspace(0, len(frames) - 1, min(samples, len(frames))).round().astype(int)
    return [dhash(frames[i]) for i in idx]


def hamming(a: int, b: int) -> int:
    return bin((a ^ b) & ((1 << 64) - 1)).count("1")


def distance(a: list[int], b: list[int]) -> float:
    """Median bit distance between frames at the same relative position."""
    n = min(len(a), len(b))
    if n == 0:
        return 64.0
    return float(
        np.median(
            [
                hamming(a[round(i * (len(a) - 1) / max(n - 1, 1))], b[round(i * (len(b) - 1) / max(n - 1, 1))])
                for i in range(n)
            ]
        )
    )


def matches(a: list[int], b: list[int], threshold: int = MATCH_DISTANCE) -> bool:
    return distance(a, b) <= threshold
