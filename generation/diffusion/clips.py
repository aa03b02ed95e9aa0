"""Real clips with captions, as training data beside the procedural world (`train --clips DIR`).

A folder holds videos (.mp4, .mov, .webm, .mkv) and, beside each, a caption
of the same name with .txt (`surf.mp4` + `surf.txt`). Each clip is decoded
once when training starts, at the model's frame rate (the frame nearest each
1 / FPS tick) and a working size (short side WORK_SIDE), and kept in memory:
a few thousand clips of <= 8 s fit in a few GB. A batch of real clips takes
the bucket (aspect, duration) the trainer asks for: a random window of the
duration, centre-cropped to the aspect and resized to the model's grid. A
clip shorter than the window holds its last frame.

No Django, like the rest of generation.diffusion.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image

from . import world

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = (".mp4", ".mov", ".webm", ".mkv")
WORK_SIDE = 64  # kept per clip: enough for every aspect of the 32 px grids, small in memory
MAX_SECONDS = 10


@dataclass
class RealClip:
    frames: np.ndarray  # (T, h, w, 3) uint8 at world.FPS, short side WORK_SIDE
    caption: str
    name: str


def _decode(path: Path, fps: int, max_seconds: float) -> np.ndarray:
    import av

    ticks: list[np.ndarray] = []
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            if frame.time is None:
                continue
            if frame.time >= max_seconds:
                break
            while frame.time + 1e-6 >= len(ticks) / fps:  # this frame is the nearest at or after the tick
                image = frame.to_image()
                scale = WORK_SIDE / min(image.size)
                size = (max(1, round(image.size[0] * scale)), max(1, round(image.size[1] * scale)))
                ticks.append(np.asarray(image.convert("RGB").resize(size, Image.Resampling.BILINEAR)))
    if not ticks:
        raise ValueError("no frames")
    return np.stack(ticks)


def load_folder(folder: str | Path, fps: int = world.FPS, max_seconds: float = MAX_SECONDS) -> list[RealClip]:
    """Every captioned clip of the folder; clips without a caption or that do not decode are skipped (logged)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder of clips")
    clips = []
    for path in sorted(p for p in folder.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES):
        caption_path = path.with_suffix(".txt")
        if not caption_path.is_file():
            log.warning("skipping %s: no caption beside it (%s)", path.name, caption_path.name)
            continue
        caption = " ".join(caption_path.read_text(encoding="utf-8").split())
        try:
            frames = _decode(path, fps, max_seconds)
        except Exception as exc:  # a broken file costs the clip, not the run
            log.warning("skipping %s: %s", path.name, exc)
            continue
        if caption:
            clips.append(RealClip(frames=frames, caption=caption, name=path.name))
    if not clips:
        raise ValueError(f"{folder} holds no captioned clip that decodes")
    return clips


def fit_window(frames: np.ndarray, n_frames: int, h: int, w: int, start: int) -> np.ndarray:
    """n_frames from `start` (the last one held past the end), centre-cropped to h:w and resized to (h, w)."""
    idx = np.minimum(np.arange(start, start + n_frames), len(frames) - 1)
    fh, fw = frames.shape[1:3]
    if fw * h > fh * w:  # wider than the grid: crop the sides
        cw = max(1, round(fh * w / h))
        x0, y0, ch = (fw - cw) // 2, 0, fh
    else:
        ch = max(1, round(fw * h / w))
        x0, y0, cw = 0, (fh - ch) // 2, fw
    return np.stack(
        [
            np.asarray(Image.fromarray(frames[i, y0 : y0 + ch, x0 : x0 + cw]).resize((w, h), Image.Resampling.BILINEAR))
            for i in idx
        ]
    )


def real_batch(
    clips: list[RealClip], rng: np.random.Generator, batch_size: int, aspect: str, n_frames: int
) -> tuple[np.ndarray, list[str]]:
    """(B, T, H, W, 3) uint8 windows of random clips in this bucket, and their captions."""
    h, w = world.SIZES_PX[aspect]
    frames, captions = [], []
    for _ in range(batch_size):
        clip = clips[int(rng.integers(len(clips)))]
        start = int(rng.integers(max(1, len(clip.frames) - n_frames + 1)))
        frames.append(fit_window(clip.frames, n_frames, h, w, start))
        captions.append(clip.caption)
    return np.stack(frames), captions
