"""The visible, moving watermark: burned into every frame, and a detector for the output checks.

The mark (a ring logo and the text, white at partial opacity with a dark
outline) holds at a waypoint, then glides to the next, like the Sora app's.
Its trajectory depends only on the frame size, the frame index, the fps and a
start waypoint chosen by ``seed``; the detector knows the template and tries
every start waypoint, so it needs neither the seed nor the original frames.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from PIL import Image, ImageDraw, ImageFont

# Waypoints as fractions of the free area (0 = left/top, 1 = right/bottom),
# visited in this order: corners and edge midpoints, never twice in a row on
# the same side, so the mark crosses the picture rather than creeping.
WAYPOINTS = ((0.0, 0.0), (1.0, 0.5), (0.0, 1.0), (1.0, 0.0), (0.0, 0.5), (1.0, 1.0))
HOLD_S = 1.5  # seconds at a waypoint
GLIDE_S = 0.5  # seconds gliding to the next one
FILL_OPACITY = 0.6
OUTLINE_OPACITY = 0.5
# Mean luma of fill minus outline pixels: ~130 on clean watermarked frames,
# ~70-110 after H.264 at crf 23, within +-15 on unmarked content.
DETECT_THRESHOLD = 40.0


@dataclass(frozen=True)
class Template:
    fill: np.ndarray  # (h, w) float32 in [0, 1]: where the white text and logo are
    outline: np.ndarray  # (h, w) float32 in [0, 1]: the dark outline around them
    margin: int


@lru_cache(maxsize=16)
def template(height: int, width: int, text: str = "sora-social") -> Template:
    """The watermark's masks for a frame size; about 1/11 of the short side tall."""
    short = min(height, width)
    size = max(12, round(short * 0.09))
    stroke = max(2, size // 9)
    # Pillow's bundled font: the same glyphs on every machine, so a detector
    # on another worker renders exactly the template that was burned in.
    font = ImageFont.load_default(size=size)
    probe = ImageDraw.Draw(Image.new("L", (1, 1)))
    left, top, right, bottom = probe.textbbox((0, 0), text, font=font, stroke_width=stroke)
    ring = size  # the logo: a ring as tall as the text
    gap = size // 3
    w = ring + gap + (right - left) + 2 * stroke
    h = max(ring, bottom - top) + 2 * stroke
    full = Image.new("L", (w, h), 0)
    inner = Image.new("L", (w, h), 0)
    for canvas, with_outline in ((full, True), (inner, False)):
        draw = ImageDraw.Draw(canvas)
        cy = h // 2
        box = (stroke, cy - ring // 2, stroke + ring, cy + ring // 2)
        ring_w = max(2, ring // 6)
        if with_outline:
            draw.ellipse(box, outline=255, width=ring_w + 2 * stroke)
        else:
            inset = (box[0] + stroke, box[1] + stroke, box[2] - stroke, box[3] - stroke)
            draw.ellipse(inset, outline=255, width=ring_w)
        draw.text(
            (stroke + ring + gap - left, (h - (bottom - top)) // 2 - top),
            text,
            font=font,
            fill=255,
            stroke_width=stroke if with_outline else 0,
            stroke_fill=255,
        )
    fill = np.asarray(inner, dtype=np.float32) / 255.0
    outline = np.clip(np.asarray(full, dtype=np.float32) / 255.0 - fill, 0.0, 1.0)
    return Template(fill=fill, outline=outline, margin=max(4, short // 32))


def watermark_position(
    index: int, *, height: int, width: int, seed: int | None = None, fps: int = 24, text: str = "sora-social"
) -> tuple[int, int]:
    """Top-left (x, y) of the mark in frame ``index``."""
    tpl = template(height, width, text)
    th, tw = tpl.fill.shape
    free_x = max(0, width - tw - 2 * tpl.margin)
    free_y = max(0, height - th - 2 * tpl.margin)
    start = 0 if seed is None else int(seed) % len(WAYPOINTS)
    hold, glide = round(HOLD_S * fps), round(GLIDE_S * fps)
    segment, within = divmod(index, hold + glide)
    a = WAYPOINTS[(start + segment) % len(WAYPOINTS)]
    b = WAYPOINTS[(start + segment + 1) % len(WAYPOINTS)]
    t = 0.0 if within < hold else (within - hold + 1) / glide
    t = t * t * (3 - 2 * t)  # smoothstep: eases in and out of each glide
    fx = a[0] + (b[0] - a[0]) * t
    fy = a[1] + (b[1] - a[1]) * t
    return tpl.margin + round(fx * free_x), tpl.margin + round(fy * free_y)


def burn_watermark(
    frames: np.ndarray, *, text: str = "sora-social", seed: int | None = None, fps: int = 24
) -> np.ndarray:
    """A copy of (T, H, W, 3) uint8 ``frames`` with the moving watermark composited in."""
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8:
        raise ValueError("frames must be uint8 (T, H, W, 3)")
    n, height, width, _ = frames.shape
    tpl = template(height, width, text)
    th, tw = tpl.fill.shape
    if th + 2 * tpl.margin > height or tw + 2 * tpl.margin > width:
        raise ValueError(f"frame {width}x{height} is too small for the watermark")
    a_fill = (FILL_OPACITY * tpl.fill)[..., None]
    a_out = (OUTLINE_OPACITY * tpl.outline)[..., None]
    out = frames.copy()
    for i in range(n):
        x, y = watermark_position(i, height=height, width=width, seed=seed, fps=fps, text=text)
        region = out[i, y : y + th, x : x + tw].astype(np.float32)
        region = region * (1.0 - a_fill - a_out) + 255.0 * a_fill  # outline composites towards black
        out[i, y : y + th, x : x + tw] = np.clip(region + 0.5, 0, 255).astype(np.uint8)
    return out


def watermark_score(frames: np.ndarray, *, text: str = "sora-social", fps: int = 24, samples: int = 12) -> float:
    """How strongly the mark shows along its trajectory (luma units; see DETECT_THRESHOLD).

    For each possible start waypoint: the median over up to ``samples`` frames
    of (mean luma under the fill) - (mean luma under the outline); the best
    start wins. The median makes one busy frame unable to fake or hide it.
    """
    frames = np.asarray(frames)
    n, height, width, _ = frames.shape
    tpl = template(height, width, text)
    th, tw = tpl.fill.shape
    fill_w = (tpl.fill > 0.5).astype(np.float32)
    out_w = (tpl.outline > 0.5).astype(np.float32)
    fill_w /= max(fill_w.sum(), 1.0)
    out_w /= max(out_w.sum(), 1.0)
    picks = np.unique(np.linspace(0, n - 1, min(samples, n)).round().astype(int))
    luma = {int(i): frames[i, ..., 0] * 0.299 + frames[i, ..., 1] * 0.587 + frames[i, ..., 2] * 0.114 for i in picks}
    best = -np.inf
    for start in range(len(WAYPOINTS)):
        scores = []
        for i in picks:
            x, y = watermark_position(int(i), height=height, width=width, seed=start, fps=fps, text=text)
            region = luma[int(i)][y : y + th, x : x + tw]
            if region.shape != (th, tw):
                continue
            scores.append(float((region * fill_w).sum() - (region * out_w).sum()))
        if scores:
            best = max(best, float(np.median(scores)))
    return float(best)


def watermark_present(frames: np.ndarray, *, text: str = "sora-social", fps: int = 24) -> bool:
    """True when ``frames`` (as burned, or decoded back from the MP4) carry the moving mark."""
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[0] == 0:
        return False
    try:
        return watermark_score(frames, text=text, fps=fps) >= DETECT_THRESHOLD
    except ValueError:
        return False
