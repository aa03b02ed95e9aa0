"""Near-duplicate captures: a clip replayed from another enrolment, or filmed off a screen.

An exact copy is caught by its sha256. A re-encoded, rescaled or re-filmed
copy is not: its bytes are new, but its faces are the same pictures. Each
sampled frame's face (a square placed by its landmarks: centred between the
eyes and the mouth, 3.2 interocular distances a side, so it lands on the same
part of the face however the detector's box jitters) gives a 64-bit
perceptual hash: the signs of the 8x8 lowest DCT frequencies of a
32x32 grey thumbnail against their median, the DC term left out. Re-filming
(a smaller picture in a bezel, gamma and colour off, noise, blur, a second
encode) moves a hash by 0-10 bits; two different faces are 22-26 bits apart
on our synthetic captures.

A replay keeps the clip's timeline, so the hashes must match frame by frame
at one time offset (give or take one sampled frame, for the phase of the
sampling), not just somewhere in the clip: the same person's other
recording shares only its frontal moments.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from PIL import Image
from scipy.fft import dctn

HASH_BITS_MATCH = 10  # of 64: at most this many bits apart is the same picture
REPLAY_FRACTION = 0.5  # of the new clip's face frames matching one known capture at one offset
SIDE = 3.2  # of the hashed square, in interocular distances: brows to chin, cheek to cheek


def face_hash(frame: np.ndarray, landmarks: np.ndarray) -> int:
    """The perceptual hash of the square around a face (its 68 landmarks) in an RGB frame."""
    eyes = (landmarks[36:42].mean(axis=0), landmarks[42:48].mean(axis=0))
    centre = (eyes[0] + eyes[1] + 2 * landmarks[48:68].mean(axis=0)) / 4
    half = SIDE / 2 * max(float(np.linalg.norm(eyes[1] - eyes[0])), 4.0)
    box = tuple(int(round(v)) for v in (centre[0] - half, centre[1] - half, centre[0] + half, centre[1] + half))
    grey = Image.fromarray(frame).convert("L").crop(box).resize((32, 32), Image.Resampling.BILINEAR)
    low = dctn(np.asarray(grey, np.float32), norm="ortho")[:8, :8].reshape(-1)[1:]
    bits = low > np.median(low)
    return int(np.packbits(np.r_[False, bits]).view(">u8")[0])


def encode(hashes: list[int | None]) -> list[str | None]:
    """For storage as JSON: 16 hex digits a frame, None where the frame had no single face."""
    return [None if h is None else f"{h:016x}" for h in hashes]


def _as_array(values: list[int | None]) -> tuple[np.ndarray, np.ndarray]:
    """Hashes as uint64 and a mask of the frames that had one."""
    return np.array([v or 0 for v in values], dtype=np.uint64), np.array([v is not None for v in values])


def match_fraction(new: list[int | None], known: Iterable[Any]) -> float:
    """The largest share of `new`'s face frames that match `known`'s (as stored) at one time offset."""
    a, a_ok = _as_array(new)
    b, b_ok = _as_array([None if h is None else int(h, 16) for h in known])
    if not a_ok.any() or not b_ok.any():
        return 0.0
    near = np.bitwise_count(a[:, None] ^ b[None, :]) <= HASH_BITS_MATCH
    near &= a_ok[:, None] & b_ok[None, :]
    if near.sum() < REPLAY_FRACTION * a_ok.sum() / 3:
        return 0.0  # nowhere near: skip the alignment
    loose = near.copy()  # give or take one sampled frame
    loose[:, 1:] |= near[:, :-1]
    loose[:, :-1] |= near[:, 1:]
    best = max(int(np.trace(loose, offset=k)) for k in range(-len(a) + 1, len(b)))
    return best / int(a_ok.sum())


def replayed(new: list[int | None], known: Iterable[tuple[Any, Iterable[Any]]]) -> tuple[Any, float] | None:
    """(owner, fraction) of the first known capture that `new` replays, or None."""
    for owner, hashes in known:
        if not hashes:
            continue
        fraction = match_fraction(new, hashes)
        if fraction >= REPLAY_FRACTION:
            return owner, round(fraction, 3)
    return None
