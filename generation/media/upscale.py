"""From the model's small, slow frames to display frames: spatial upscale and 24 fps."""

from __future__ import annotations

import math

import numpy as np
from PIL import Image


def output_size(height: int, width: int, *, short_side: int = 256) -> tuple[int, int]:
    """(H, W) with the short side >= ``short_side``, both even, aspect kept as closely as that allows."""
    scale = short_side / min(height, width)
    out_h = 2 * math.ceil(height * scale / 2 - 1e-9)
    out_w = 2 * math.ceil(width * scale / 2 - 1e-9)
    return max(out_h, 2), max(out_w, 2)


def output_frame_count(n_frames: int, fps_in: float, fps_out: int = 24) -> int:
    """Frames at ``fps_out`` covering the same duration; exact whenever fps_out/fps_in is whole."""
    return max(1, int(round(n_frames * fps_out / fps_in)))


def resample_time(frames: np.ndarray, fps_in: float, fps_out: int = 24) -> np.ndarray:
    """Linear blending between neighbouring frames at the output frame centres.

    Frame i of the output shows time (i + 0.5) / fps_out; its source position
    is that time in input frames minus half a frame, so the first and last
    output frames sit on the first and last input frames and the clip neither
    gains nor loses time.
    """
    n = frames.shape[0]
    n_out = output_frame_count(n, fps_in, fps_out)
    pos = (np.arange(n_out) + 0.5) * (fps_in / fps_out) - 0.5
    pos = np.clip(pos, 0.0, n - 1)
    lo = np.floor(pos).astype(np.int64)
    hi = np.minimum(lo + 1, n - 1)
    w = (pos - lo).astype(np.float32)[:, None, None, None]
    src = frames.astype(np.float32)
    out = src[lo] * (1.0 - w) + src[hi] * w
    return np.clip(out + 0.5, 0, 255).astype(np.uint8)


def upscale(frames: np.ndarray, fps_in: float, *, short_side: int = 256, fps_out: int = 24) -> np.ndarray:
    """(T, H, W, 3) uint8 at ``fps_in`` -> (T', H', W', 3) uint8 at ``fps_out``.

    Time first, at the model's resolution (blending 32x32 frames is ~50x
    cheaper than blending upscaled ones), then bicubic per frame.
    T' = round(T * fps_out / fps_in), so the duration T / fps_in is kept.
    """
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3:
        raise ValueError(f"frames must be (T, H, W, 3), got {frames.shape}")
    if frames.dtype != np.uint8:
        raise ValueError("frames must be uint8")
    timed = resample_time(frames, fps_in, fps_out)
    out_h, out_w = output_size(frames.shape[1], frames.shape[2], short_side=short_side)
    out = np.empty((timed.shape[0], out_h, out_w, 3), dtype=np.uint8)
    for i, frame in enumerate(timed):
        out[i] = np.asarray(Image.fromarray(frame, "RGB").resize((out_w, out_h), Image.Resampling.BICUBIC))
    return out
