"""The procedural world the model learns from: numpy scenes with ground truth.

A scene is a `SceneSpec` (what the caption promises); `render(spec)` turns it
into frames plus a `GroundTruth` (where every object is in every frame, which
frames are impacts, when an object is behind the occluder, where the cameo's
face is). The evaluation checker renders the same spec to get the truth it
scores a generated clip against.

Why these numbers: 32 px high frames at 4 fps keep a 4 s clip at 16x32x32
(256 spacetime tokens with 4x4x4 patches), which one CPU core can train on;
colours are saturated and backgrounds muted so a colour mask separates them.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np

# ----------------------------------------------------------------------------
# Vocabulary
# ----------------------------------------------------------------------------

FPS = 4
SIZES_PX = {"square": (32, 32), "landscape": (32, 56), "portrait": (56, 32)}  # (H, W)
ASPECTS = tuple(SIZES_PX)
DURATIONS_S = (2, 3, 4, 5, 6, 7, 8)

SHAPES = ("ball", "cube", "triangle", "star", "ring")
COLOURS = {
    "red": (230, 30, 30),
    "orange": (255, 140, 0),
    "yellow": (250, 230, 20),
    "green": (30, 200, 50),
    "cyan": (0, 220, 230),
    "blue": (30, 60, 240),
    "purple": (150, 40, 220),
    "pink": (255, 105, 180),
    "white": (255, 255, 255),
}
COLOUR_NAMES = tuple(COLOURS)
SIZE_RADIUS = {"small": 5.0, "big": 7.0}
MOTIONS = ("left", "right", "up", "down", "falling", "bouncing", "rolling", "colliding")
BACKGROUNDS = ("night sky", "grass", "beach", "underwater", "studio")
ACTIONS = ("walking", "waving", "jumping")

GRAVITY = 44.0  # px/s^2: a fall from the top of a 32 px frame lasts about 1 s
RESTITUTION = 0.7  # each bounce keeps 70% of the speed, 49% of the height
FACE_PX = 7  # the cameo's face in the frame
REF_PX = 16  # the cameo reference image the model is conditioned on
OCCLUDER_RGB = (110, 80, 50)
SHIRT_RGB = (60, 60, 60)
LEGS_RGB = (35, 35, 35)
HANDLES = ("maya", "leo", "sam", "ana", "kofi", "yuki", "omar", "zoe", "ivan", "lina")


@dataclass(frozen=True)
class ObjectSpec:
    shape: str
    colour: str
    size: str
    motion: str
    direction: str = ""  # "left"/"right" for rolling and the first object of a collision


@dataclass(frozen=True)
class CameoSpec:
    handle: str
    action: str
    face_id: str  # "lfw:12" or "synth:345"; held-out ids never appear in training
    direction: str = "right"


@dataclass(frozen=True)
class SceneSpec:
    objects: tuple[ObjectSpec, ...]
    background: str
    aspect: str = "square"
    duration_s: int = 4
    pan: float = 0.0  # camera speed in px/frame; positive pans right
    occluder: bool = False
    cameo: CameoSpec | None = None
    seed: int = 0  # texture noise and start positions

    @property
    def n_frames(self) -> int:
        return self.duration_s * FPS

    @property
    def hw(self) -> tuple[int, int]:
        return SIZES_PX[self.aspect]


@dataclass
class GroundTruth:
    centres: np.ndarray  # (n_objects, T, 2) screen x, y
    visible: np.ndarray  # (n_objects, T) fraction of the object not hidden
    angles: np.ndarray  # (n_objects, T)
    radii: np.ndarray  # (n_objects,)
    impacts: list[int]  # frame indexes where something hits the floor or another object
    floor_y: float
    occluder_x: tuple[float, float] | None  # screen x range of the occluder at frame 0
    face_boxes: np.ndarray | None  # (T, 4) y0, x0, y1, x1 of the cameo's face
    face: np.ndarray | None  # (FACE_PX, FACE_PX, 3) uint8, what was drawn
    mask: np.ndarray | None = (
        None  # (T, H, W) float32 coverage of the objects and the cameo's face, before the occluder
    )


@dataclass
class Clip:
    frames: np.ndarray  # (T, H, W, 3) uint8
    caption: str
    spec: SceneSpec
    truth: GroundTruth
    reference: np.ndarray | None = None  # (REF_PX, REF_PX, 3) uint8 cameo reference
    fps: int = FPS


# ----------------------------------------------------------------------------
# Held-out combinations (never rendered for training)
# ----------------------------------------------------------------------------


def is_held_out(obj: ObjectSpec, background: str) -> bool:
    """One in nine shape x colour x motion x background combinations is held out.

    The rule is arithmetic, so every single value still appears in training
    (only its combination with the other three is new at evaluation).
    """
    s, c = SHAPES.index(obj.shape), COLOUR_NAMES.index(obj.colour)
    m, b = MOTIONS.index(obj.motion), BACKGROUNDS.index(background)
    return (s * 7 + c * 5 + m * 3 + b * 2) % 9 == 0


def face_is_held_out(face_id: str) -> bool:
    kind, idx = face_id.split(":")
    return int(idx) >= 80 if kind == "lfw" else int(idx) >= 100_000


# ----------------------------------------------------------------------------
# Drawing primitives (2x supersampled alpha masks)
# ----------------------------------------------------------------------------


@functools.lru_cache(maxsize=8)
def _grid(h: int, w: int) -> tuple[np.ndarray, np.ndarray]:
    ys = (np.arange(2 * h) + 0.5) / 2.0
    xs = (np.arange(2 * w) + 0.5) / 2.0
    return np.meshgrid(ys, xs, indexing="ij")


def _polygon(shape: str, r: float) -> np.ndarray:
    if shape == "cube":
        a = r * 0.85
        return np.array([[-a, -a], [a, -a], [a, a], [-a, a]])
    if shape == "triangle":
        ang = np.deg2rad([-90, 30, 150])
        return np.stack([np.cos(ang), np.sin(ang)], 1) * r * 1.1 + [0, r * 0.15]
    if shape == "star":
        ang = np.deg2rad(-90 + 36 * np.arange(10))
        rad = np.where(np.arange(10) % 2 == 0, r * 1.15, r * 0.5)
        return np.stack([np.cos(ang) * rad, np.sin(ang) * rad], 1)
    raise ValueError(shape)


def _inside_polygon(u: np.ndarray, v: np.ndarray, poly: np.ndarray) -> np.ndarray:
    inside = np.zeros(u.shape, bool)
    n = len(poly)
    for i in range(n):
        x0, y0 = poly[i]
        x1, y1 = poly[(i + 1) % n]
        crosses = (y0 > v) != (y1 > v)
        xint = x0 + (v - y0) * (x1 - x0) / (y1 - y0 + 1e-12)
        inside ^= crosses & (u < xint)
    return inside


def shape_alpha(shape: str, cx: float, cy: float, r: float, angle: float, h: int, w: int) -> np.ndarray:
    """(h, w) coverage in [0, 1] of one shape centred at (cx, cy)."""
    yy, xx = _grid(h, w)
    u, v = xx - cx, yy - cy
    if shape in ("ball", "ring"):
        d2 = u * u + v * v
        m = d2 <= r * r
        if shape == "ring":
            m &= d2 >= (0.55 * r) ** 2
    else:
        ca, sa = math.cos(angle), math.sin(angle)
        m = _inside_polygon(ca * u + sa * v, -sa * u + ca * v, _polygon(shape, r))
    return m.reshape(h, 2, w, 2).mean(axis=(1, 3))


def _paint(frame: np.ndarray, alpha: np.ndarray, rgb) -> None:
    frame *= 1.0 - alpha[..., None]
    frame += alpha[..., None] * np.asarray(rgb, np.float32)


# ----------------------------------------------------------------------------
# Backgrounds (wider than the frame so the camera can pan)
# ----------------------------------------------------------------------------


def background_texture(name: str, h: int, w: int, rng: np.random.Generator) -> np.ndarray:
    """(h, w, 3) float32 texture; muted colours the checker never confuses with the palette."""
    y = np.linspace(0, 1, h, dtype=np.float32)[:, None, None]
    noise = rng.normal(0, 1, (h, w, 1)).astype(np.float32)
    if name == "night sky":
        img = (1 - y) * np.array([5, 5, 30], np.float32) + y * np.array([20, 20, 60], np.float32)
        img = np.broadcast_to(img, (h, w, 3)).copy()
        stars = rng.random((h, w)) < 0.03
        img[stars] = (140, 140, 160)
    elif name == "grass":
        sky = np.array([150, 185, 215], np.float32)
        grass = np.array([50, 95, 35], np.float32)
        horizon = int(h * 0.55)
        img = np.empty((h, w, 3), np.float32)
        img[:horizon] = sky
        img[horizon:] = grass + noise[horizon:] * 8
    elif name == "beach":
        img = np.empty((h, w, 3), np.float32)
        a, b = int(h * 0.4), int(h * 0.6)
        img[:a] = (135, 180, 225)
        img[a:b] = np.array([40, 90, 150], np.float32) + noise[a:b] * 5
        img[b:] = np.array([215, 190, 140], np.float32) + noise[b:] * 6
    elif name == "underwater":
        img = (1 - y) * np.array([10, 70, 110], np.float32) + y * np.array([5, 30, 60], np.float32)
        img = np.broadcast_to(img, (h, w, 3)).copy() + noise * 3
        bubbles = rng.random((h, w)) < 0.02
        img[bubbles] = (90, 140, 170)
    elif name == "studio":
        img = np.full((h, w, 3), 90, np.float32) + noise * 2
    else:
        raise ValueError(name)
    return img


# ----------------------------------------------------------------------------
# Motion: world-space trajectories, sampled at frame times
# ----------------------------------------------------------------------------


def _bounce_y(t: np.ndarray, y0: float, floor: float, restitution: float, stop_after: int | None):
    """Height under gravity from rest at y0 with bounces on floor; returns y(t) and impact times."""
    y = np.empty_like(t)
    impacts = []
    h = floor - y0
    t_land = math.sqrt(2 * h / GRAVITY)
    v = GRAVITY * t_land
    seg_start, seg_v = t_land, v
    impacts.append(t_land)
    while seg_start < t.max() + 1 and seg_v > 8.0 and (stop_after is None or len(impacts) < stop_after):
        seg_v *= restitution
        seg_start += 2 * seg_v / GRAVITY
        impacts.append(seg_start)
    for i, ti in enumerate(t):
        if ti < t_land:
            y[i] = y0 + 0.5 * GRAVITY * ti**2
            continue
        k = np.searchsorted(impacts, ti, side="right") - 1
        if k >= len(impacts) - 1:
            y[i] = floor
            continue
        tau = ti - impacts[k]
        vk = v * restitution ** (k + 1)
        y[i] = floor - (vk * tau - 0.5 * GRAVITY * tau**2)
    return y, impacts


def _trajectory(obj: ObjectSpec, r: float, h: int, w: int, t: np.ndarray, t_end: float, floor: float, rng):
    """World-space (x, y, angle) at frame times `t` (s) plus impact times (s).

    Motions run from the start to `t_end`, the time of the last frame at the
    world's own rate; a clip rendered at a higher rate samples the same paths.
    """
    n = len(t)
    frac = t / max(t_end, 1e-6)
    margin = r + 1.5
    x = np.full(n, rng.uniform(margin + 2, w - margin - 2))
    y = np.full(n, rng.uniform(margin + 2, floor - r - 2))
    ang = np.zeros(n)
    impacts: list[float] = []
    if obj.motion in ("left", "right"):
        x0, x1 = margin, w - margin
        x = x0 + (x1 - x0) * frac if obj.motion == "right" else x1 - (x1 - x0) * frac
    elif obj.motion in ("up", "down"):
        y0, y1 = margin, floor - r
        y = y0 + (y1 - y0) * frac if obj.motion == "down" else y1 - (y1 - y0) * frac
    elif obj.motion in ("falling", "bouncing"):
        stop = 1 if obj.motion == "falling" else None
        y, impacts = _bounce_y(t, margin, floor - r, RESTITUTION if obj.motion == "bouncing" else 0.0, stop)
        impacts = [ti for ti in impacts if ti <= t[-1]]
    elif obj.motion == "rolling":
        x0, x1 = margin, w - margin
        x = x0 + (x1 - x0) * frac if obj.direction == "right" else x1 - (x1 - x0) * frac
        y = np.full(n, floor - r)
        ang = (x - x[0]) / r  # rolling without slipping
    return x, y, ang, impacts


def _collision(objs, radii, h, w, t, t_end, floor):
    """Two objects slide toward each other, touch, and swap velocities (equal masses)."""
    n = len(t)
    r0, r1 = radii
    y = floor - max(r0, r1)
    xa0, xb0 = r0 + 1.5, w - r1 - 1.5
    gap = xb0 - xa0 - (r0 + r1)
    t_hit = t_end * 0.5
    v = gap / 2 / max(t_hit, 1e-6)
    xa = np.where(t <= t_hit, xa0 + v * t, xa0 + v * t_hit - v * (t - t_hit))
    xb = np.where(t <= t_hit, xb0 - v * t, xb0 - v * t_hit + v * (t - t_hit))
    if objs[0].direction == "left":  # the first object comes from the right
        xa, xb = w - xa, w - xb
    return [(xa, np.full(n, y), np.zeros(n)), (xb, np.full(n, y), np.zeros(n))], [t_hit]


# ----------------------------------------------------------------------------
# Cameo: a figure whose head is the reference face
# ----------------------------------------------------------------------------


def _resize(img: np.ndarray, size: int) -> np.ndarray:
    from PIL import Image

    return np.asarray(Image.fromarray(img).resize((size, size), Image.BILINEAR))


def face_reference(face_id: str, rng: np.random.Generator | None = None) -> np.ndarray:
    """(REF_PX, REF_PX, 3) uint8: an lfw photograph (tinted, augmented) or a synthetic face."""
    kind, idx = face_id.split(":")
    idx = int(idx)
    frng = np.random.default_rng(idx + (0 if kind == "lfw" else 7_000_000))
    skin = np.array([(225, 185, 150), (190, 140, 100), (140, 95, 65), (95, 65, 45)][frng.integers(4)], np.float32)
    if kind == "lfw":
        gray = _lfw_faces()[idx][2:23, 2:23]  # (21, 21) in [0, 1]
        img = gray[..., None] * skin[None, None] * 1.3
        img = np.clip(img, 0, 255).astype(np.uint8)
        img = _resize(img, REF_PX).astype(np.float32)
    else:
        img = np.broadcast_to(skin, (REF_PX, REF_PX, 3)).copy()
        hair = frng.uniform(10, 200, 3) * np.array([1.0, 0.8, 0.6])
        hair_rows = int(frng.integers(3, 7))
        img[:hair_rows] = hair
        if frng.random() < 0.5:
            img[:, :2] = hair
            img[:, -2:] = hair
        ey = hair_rows + 2 + int(frng.integers(0, 2))
        eye = frng.uniform(0, 80, 3)
        img[ey : ey + 2, 4:6] = eye
        img[ey : ey + 2, 10:12] = eye
        my = min(ey + 6, REF_PX - 2)
        img[my, 5:11] = (150, 50, 60)
        if frng.random() < 0.4:  # glasses or a beard make faces more distinct
            img[my - 1 :, 3:13] = hair * 0.7
    if rng is not None:  # augmentation for training references
        img = img * rng.uniform(0.85, 1.15) + rng.normal(0, 4, img.shape)
        if rng.random() < 0.5:
            img = img[:, ::-1]
    return np.clip(img, 0, 255).astype(np.uint8)


@functools.lru_cache(maxsize=1)
def _lfw_faces() -> np.ndarray:
    try:
        from skimage.data import lfw_subset
    except ImportError:  # scikit-image is optional: fall back to synthetic faces only
        return np.zeros((0, 25, 25))
    return lfw_subset()[:100]


def _draw_figure(frame: np.ndarray, cx: float, top: float, face: np.ndarray, action: str, t: int, scale: int = 1):
    """Head (the face), torso, arms and legs; returns the face box in world pixels.

    `cx` and `top` are in world pixels; `frame` and `face` are `scale` times
    finer, and every limb is laid out in world pixels and drawn at that scale.
    """
    h, w = frame.shape[:2]
    fx0, fy0 = int(round(cx - FACE_PX / 2)), int(round(top))
    box = (fy0, fx0, fy0 + FACE_PX, fx0 + FACE_PX)
    py, px, size = fy0 * scale, fx0 * scale, FACE_PX * scale
    ys, xs = slice(max(py, 0), min(py + size, h)), slice(max(px, 0), min(px + size, w))
    if ys.stop > ys.start and xs.stop > xs.start:
        frame[ys, xs] = face[ys.start - py : ys.stop - py, xs.start - px : xs.stop - px]
    yy, xx = np.mgrid[0:h, 0:w]
    if scale != 1:  # the centre of each fine pixel, in world pixel indexes
        yy, xx = (yy + 0.5) / scale - 0.5, (xx + 0.5) / scale - 0.5
    torso = (yy >= fy0 + FACE_PX) & (yy < fy0 + FACE_PX + 8) & (np.abs(xx - cx + 0.5) <= 2.5)
    frame[torso] = SHIRT_RGB
    leg_top = fy0 + FACE_PX + 8
    swing = (1 if t % 2 else -1) if action == "walking" else 0
    for side in (-1, 1):
        lx = cx - 0.5 + side * 1.5 + (swing * side)
        leg = (yy >= leg_top) & (yy < leg_top + 6) & (np.abs(xx - lx) <= 0.6)
        frame[leg] = LEGS_RGB
    arm_y = fy0 + FACE_PX + 1
    for side in (-1, 1):
        up = action == "waving" and side == 1 and t % 2 == 0
        ax = cx - 0.5 + side * 4
        arm = (np.abs(xx - ax) <= 0.6) & ((yy >= arm_y - 5) & (yy < arm_y) if up else (yy >= arm_y) & (yy < arm_y + 6))
        frame[arm] = SHIRT_RGB
    return box


def _upsample(img: np.ndarray, scale: int) -> np.ndarray:
    """(h, w, c) -> (h*scale, w*scale, c), bilinear between pixel centres (edges held)."""
    if scale == 1:
        return img
    h, w = img.shape[:2]

    def axis(n):
        pos = np.clip((np.arange(n * scale) + 0.5) / scale - 0.5, 0, n - 1)
        i0 = np.floor(pos).astype(int)
        i1 = np.minimum(i0 + 1, n - 1)
        return i0, i1, (pos - i0).astype(np.float32)

    y0, y1, fy = axis(h)
    x0, x1, fx = axis(w)
    rows = img[y0] * (1 - fy)[:, None, None] + img[y1] * fy[:, None, None]
    return rows[:, x0] * (1 - fx)[None, :, None] + rows[:, x1] * fx[None, :, None]


# ----------------------------------------------------------------------------
# Rendering
# ----------------------------------------------------------------------------


def render(
    spec: SceneSpec, reference: np.ndarray | None = None, scale: int = 1, fps: int = FPS
) -> tuple[np.ndarray, GroundTruth]:
    """Frames (T, H, W, 3) uint8 and the ground truth of one scene.

    By default at the world's own size and rate (`SIZES_PX`, `FPS`). `scale`
    draws the same scene that many times finer and `fps` (a multiple of FPS)
    samples the same motions more often: every (fps // FPS)-th frame is at the
    time of a frame of the default render, the same scene for the same seed.
    The truth is then in the finer pixels and frames.
    """
    if scale < 1 or fps < FPS or fps % FPS:
        raise ValueError(f"scale must be >= 1 and fps a multiple of {FPS}")
    rng = np.random.default_rng(spec.seed)
    hb, wb = spec.hw
    h, w = hb * scale, wb * scale
    n_world = spec.n_frames
    n = spec.duration_s * fps
    per = fps // FPS
    floor = hb - 2.0
    radii = np.array([SIZE_RADIUS[o.size] for o in spec.objects])
    pan_extent = int(abs(spec.pan) * n_world) + 2
    tex = _upsample(background_texture(spec.background, hb, wb + pan_extent, rng), scale)
    cam = spec.pan * np.arange(n) / per  # camera x offset per frame, world pixels
    cam_base = pan_extent - 1 if spec.pan < 0 else 0
    t = np.arange(n) / fps
    t_end = (n_world - 1) / FPS

    if any(o.motion == "colliding" for o in spec.objects):
        tracks, impact_times = _collision(spec.objects[:2], radii[:2], hb, wb, t, t_end, floor)
        for o, r in zip(spec.objects[2:], radii[2:]):
            x, y, a, imp = _trajectory(o, r, hb, wb, t, t_end, floor, rng)
            tracks.append((x, y, a))
            impact_times += imp
    else:
        tracks, impact_times = [], []
        for o, r in zip(spec.objects, radii):
            x, y, a, imp = _trajectory(o, r, hb, wb, t, t_end, floor, rng)
            tracks.append((x, y, a))
            impact_times += imp

    occ = None
    if spec.occluder:
        occ = (wb / 2 - 4.0, wb / 2 + 4.0)  # world x range, covers the middle of the frame

    face, cameo_x, cameo_top = None, None, None
    if spec.cameo is not None:
        if reference is None:
            reference = face_reference(spec.cameo.face_id)
        face = _resize(reference, FACE_PX * scale)
        fig_h = FACE_PX + 14
        base_top = floor - fig_h
        if spec.cameo.action == "walking":
            x0, x1 = 5.0, wb - 5.0
            frac = t / max(t_end, 1e-6)
            cameo_x = x0 + (x1 - x0) * frac if spec.cameo.direction == "right" else x1 - (x1 - x0) * frac
            cameo_top = np.full(n, base_top)
        else:
            cameo_x = np.full(n, wb * 0.5 if not spec.objects else wb * 0.3)
            cameo_top = np.full(n, base_top)
            if spec.cameo.action == "jumping":
                period = 1.0  # s: jumps of 0.6 s with 0.4 s on the ground
                tau = np.mod(t, period)
                air = np.minimum(tau, 0.6)
                lift = np.where(tau < 0.6, 0.5 * GRAVITY * air * (0.6 - air), 0.0)
                cameo_top = base_top - lift
                impact_times += [k * period + 0.6 for k in range(int(t[-1] / period) + 1) if k * period + 0.6 <= t[-1]]

    frames = np.empty((n, h, w, 3), np.uint8)
    centres = np.zeros((len(spec.objects), n, 2))
    visible = np.ones((len(spec.objects), n))
    angles = np.zeros((len(spec.objects), n))
    face_boxes = np.zeros((n, 4)) if face is not None else None
    mask = np.zeros((n, h, w), np.float32)
    xs = np.arange(w) + 0.5
    for f in range(n):
        off = (cam_base + cam[f]) * scale
        i0 = int(math.floor(off))
        a = off - i0
        frame = (1 - a) * tex[:, i0 : i0 + w] + a * tex[:, i0 + 1 : i0 + 1 + w]
        frame = frame.astype(np.float32)
        for k, (o, r) in enumerate(zip(spec.objects, radii)):
            x, y, ang = tracks[k][0][f] - cam[f], tracks[k][1][f], tracks[k][2][f]
            centres[k, f] = (x * scale, y * scale)
            angles[k, f] = ang
            alpha = shape_alpha(o.shape, x * scale, y * scale, r * scale, ang, h, w)
            if occ is not None:
                ox0, ox1 = (occ[0] - cam[f]) * scale, (occ[1] - cam[f]) * scale
                hidden = alpha[:, (xs > ox0) & (xs < ox1)].sum()
                visible[k, f] = 1.0 - hidden / max(alpha.sum(), 1e-6)
            _paint(frame, alpha, COLOURS[o.colour])
            np.maximum(mask[f], alpha, out=mask[f])
        if face is not None:
            fr = np.clip(frame, 0, 255).astype(np.uint8)
            box = _draw_figure(fr, cameo_x[f] - cam[f], cameo_top[f], face, spec.cameo.action, f // per, scale)
            face_boxes[f] = box
            face_boxes[f] *= scale
            y0, x0, y1, x1 = (int(v) for v in face_boxes[f])
            mask[f, max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)] = 1.0
            frame = fr.astype(np.float32)
        if occ is not None:
            ox0, ox1 = (occ[0] - cam[f]) * scale, (occ[1] - cam[f]) * scale
            cov = np.clip(np.minimum(xs + 0.5, ox1) - np.maximum(xs - 0.5, ox0), 0, 1)
            top = int(hb * 0.15) * scale
            alpha = np.zeros((h, w), np.float32)
            alpha[top:] = cov[None]
            _paint(frame, alpha, OCCLUDER_RGB)
        frames[f] = np.clip(frame, 0, 255).astype(np.uint8)

    impacts = sorted({int(round(ti * fps)) for ti in impact_times if ti * fps <= n - 0.5})
    truth = GroundTruth(
        centres=centres,
        visible=visible,
        angles=angles,
        radii=radii * scale,
        impacts=impacts,
        floor_y=floor * scale,
        occluder_x=None if occ is None else (occ[0] * scale, occ[1] * scale),
        face_boxes=face_boxes,
        face=face,
        mask=mask,
    )
    return frames, truth


# ----------------------------------------------------------------------------
# Captions
# ----------------------------------------------------------------------------

_BG_PHRASES = {
    "night sky": ("under the night sky", "at night", "against a starry sky"),
    "grass": ("on the grass", "in a grassy field", "over a meadow"),
    "beach": ("on the beach", "by the sea", "on a sandy beach"),
    "underwater": ("underwater", "under the sea", "in deep water"),
    "studio": ("in a grey studio", "on a plain grey backdrop", "in the studio"),
}
_MOTION_PHRASES = {
    "left": ("moves left", "slides to the left", "drifts left"),
    "right": ("moves right", "slides to the right", "drifts right"),
    "up": ("rises up", "floats upward", "moves up"),
    "down": ("sinks down", "moves down", "drifts downward"),
    "falling": ("falls to the ground", "drops and lands", "falls down"),
    "bouncing": ("bounces", "bounces on the ground", "drops and bounces"),
    "rolling": ("rolls {d}", "rolls along the ground to the {d}", "tumbles {d}"),
}
_ACTION_PHRASES = {
    "walking": ("walks to the {d}", "walking {d}", "strolls {d}"),
    "waving": ("waves", "waving hello", "waves at the camera"),
    "jumping": ("jumps", "jumping up and down", "hops in place"),
}
_COLLIDE_PHRASES = ("collide", "crash into each other", "bump together")
_OCCLUDER_PHRASES = ("behind a wooden post", "passing behind a post", "and goes behind a pillar")
_PAN_PHRASES = ("the camera pans slowly", "slow camera pan", "camera pans")
_SIZE_WORDS = {"small": "little", "big": "large"}


def phrasings() -> dict[str, list[str]]:
    """Every phrase the captions use, by what it names; the words the model was trained on.

    generation.capabilities reads a prompt against these. Directions are filled in both ways.
    """
    both = lambda p: [p.format(d="left"), p.format(d="right")]  # noqa: E731
    return {
        "sizes": list(_SIZE_WORDS.values()),
        "motions": [q for ps in _MOTION_PHRASES.values() for p in ps for q in both(p)] + list(_COLLIDE_PHRASES),
        "scenes": [p for ps in _BG_PHRASES.values() for p in ps],
        "occluder": list(_OCCLUDER_PHRASES),
        "camera": list(_PAN_PHRASES),
        "cameo_actions": [q for ps in _ACTION_PHRASES.values() for p in ps for q in both(p)],
    }


def _noun(o: ObjectSpec, rng) -> str:
    size = o.size if rng.random() < 0.7 else _SIZE_WORDS[o.size]
    return f"{size} {o.colour} {o.shape}" if rng.random() < 0.8 else f"{o.colour} {o.shape}"


def _a(noun: str) -> str:
    return ("an " if noun[0] in "aeiou" else "a ") + noun


def caption(spec: SceneSpec, rng: np.random.Generator | None = None) -> str:
    """A varied phrasing of the spec (a fixed phrasing when rng is None)."""
    pick = (lambda xs: xs[0]) if rng is None else (lambda xs: xs[int(rng.integers(len(xs)))])
    rng = rng or np.random.default_rng(0)
    parts = []
    objs = list(spec.objects)
    if objs and objs[0].motion == "colliding":
        a, b = objs[:2]
        parts.append(f"{_a(_noun(a, rng))} and {_a(_noun(b, rng))} " + pick(_COLLIDE_PHRASES))
        objs = objs[2:]
    for o in objs:
        phrase = pick(_MOTION_PHRASES[o.motion]).format(d=o.direction or "right")
        if spec.occluder and o.motion in ("left", "right"):
            phrase += " " + pick(_OCCLUDER_PHRASES)
        parts.append(f"{_a(_noun(o, rng))} {phrase}")
    if spec.cameo is not None:
        act = pick(_ACTION_PHRASES[spec.cameo.action]).format(d=spec.cameo.direction)
        parts.insert(0, f"@{spec.cameo.handle} {act}")
    text = ", ".join(parts) + " " + pick(_BG_PHRASES[spec.background])
    if spec.pan:
        text += ", " + pick(_PAN_PHRASES)
        text += " " + ("right" if spec.pan > 0 else "left")
    return text


# ----------------------------------------------------------------------------
# Sampling scenes (the training distribution and its curriculum)
# ----------------------------------------------------------------------------


def random_spec(
    rng: np.random.Generator,
    level: int = 2,
    held_out: bool = False,
    aspect: str | None = None,
    duration_s: int | None = None,
) -> SceneSpec:
    """A scene from the training distribution (or only held-out combinations).

    level 0: one object, plain studio or one textured background, no pan,
    occluder or cameo -- colour, shape and motion first; level 1 adds
    backgrounds, two objects, collisions, the occluder and cameos; level 2 is
    everything, including pans, three objects and 2-8 s in every aspect.
    """
    for _ in range(1000):
        spec = _random_spec_once(rng, level, aspect, duration_s)
        flags = [is_held_out(o, spec.background) for o in spec.objects]
        face_ok = spec.cameo is None or face_is_held_out(spec.cameo.face_id) == held_out
        if held_out and any(flags) and face_ok:
            return spec
        if not held_out and not any(flags) and face_ok:
            return spec
    raise RuntimeError("no spec found")


def _random_spec_once(rng, level, aspect, duration_s) -> SceneSpec:
    backgrounds = BACKGROUNDS if level > 0 else ("studio", "studio", "night sky", "underwater")
    background = backgrounds[int(rng.integers(len(backgrounds)))]
    if aspect is None:
        aspect = "square" if level == 0 or rng.random() < 0.5 else ASPECTS[int(rng.integers(3))]
    if duration_s is None:
        duration_s = int(rng.choice((2, 4))) if level < 2 else int(rng.choice((2, 3, 4, 4, 4, 6, 8)))
    occluder = level > 0 and rng.random() < 0.15
    use_cameo = level > 0 and not occluder and rng.random() < 0.2
    n_objects = 1 if level == 0 else int(rng.choice((1, 1, 2, 2, 3) if level > 1 else (1, 1, 1, 2)))
    if use_cameo:
        n_objects = int(rng.choice((0, 0, 1)))
    collide = n_objects >= 2 and not occluder and rng.random() < 0.3
    colours = rng.permutation(len(COLOUR_NAMES))[: max(n_objects, 1)]
    objects = []
    simple = ("left", "right", "up", "down", "falling", "bouncing", "rolling")
    for i in range(n_objects):
        if collide and i < 2:
            motion = "colliding"
        elif occluder and i == 0:
            motion = ("left", "right")[int(rng.integers(2))]
        else:
            # extra objects stay out of the way of collisions and occluders
            motion = (
                simple[int(rng.integers(len(simple)))]
                if not (collide or occluder)
                else ("up", "down")[int(rng.integers(2))]
            )
        direction = ("left", "right")[int(rng.integers(2))] if motion in ("rolling", "colliding") and i == 0 else ""
        if motion in ("rolling",):
            direction = ("left", "right")[int(rng.integers(2))]
        objects.append(
            ObjectSpec(
                shape=SHAPES[int(rng.integers(len(SHAPES)))],
                colour=COLOUR_NAMES[int(colours[i])],
                size=("small", "big")[int(rng.integers(2))],
                motion=motion,
                direction=direction,
            )
        )
    cameo = None
    if use_cameo:
        n_lfw = len(_lfw_faces())
        if n_lfw and rng.random() < 0.5:
            face_id = f"lfw:{int(rng.integers(100))}"
        else:
            face_id = f"synth:{int(rng.integers(200_000))}"
        cameo = CameoSpec(
            handle=HANDLES[int(rng.integers(len(HANDLES)))],
            action=ACTIONS[int(rng.integers(len(ACTIONS)))],
            face_id=face_id,
            direction=("left", "right")[int(rng.integers(2))],
        )
    pan = 0.0 if level < 2 or rng.random() < 0.7 else float(rng.choice((-0.5, 0.5)))
    return SceneSpec(
        objects=tuple(objects),
        background=background,
        aspect=aspect,
        duration_s=duration_s,
        pan=pan,
        occluder=occluder,
        cameo=cameo,
        seed=int(rng.integers(2**31)),
    )


def make_clip(spec: SceneSpec, rng: np.random.Generator | None = None) -> Clip:
    """Render a spec with its caption and (augmented, for training) cameo reference."""
    reference = None
    if spec.cameo is not None:
        reference = face_reference(spec.cameo.face_id, rng)
    frames, truth = render(spec)  # the drawn face is the clean one; the model sees an augmented reference
    return Clip(frames=frames, caption=caption(spec, rng), spec=spec, truth=truth, reference=reference)
