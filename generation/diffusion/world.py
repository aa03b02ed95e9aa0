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
from dataclasses import dataclass, replace

import numpy as np

from .sprites import (
    ANIMALS,
    DARK_RGB,
    FLAME_RGB,
    FOOT,
    LIGHT_RGB,
    PATTERNS,
    SPRITES,
    VEHICLES,
    WALKERS,
    inside_polygon,
    sprite_layers,
)

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
WEATHER_RGB = {"rain": (175, 185, 205), "snow": (200, 205, 215)}  # > 70 RGB from every palette colour
SHIRT_RGB = (60, 60, 60)
LEGS_RGB = (35, 35, 35)
# The grown world (version 2) adds to version 1's vocabulary and draws version 1's scenes
# unchanged: animals and vehicles (sprites.py), motions beyond translation, more places,
# times of day and weather. A model knows the version it was trained on (its checkpoint says).
MOTIONS_V2 = ("running", "jumping", "swimming", "flying", "dancing", "chasing")
BACKGROUNDS_V2 = ("city street", "park", "space", "kitchen", "stage")
TIMES_OF_DAY = ("sunset", "night")
WEATHER = ("rain", "snow")
ALL_ENTITIES = SHAPES + ANIMALS + VEHICLES
ALL_MOTIONS = MOTIONS + MOTIONS_V2
ALL_BACKGROUNDS = BACKGROUNDS + BACKGROUNDS_V2
WORLD_VERSIONS = (1, 2)
# Where each version-2 entity goes: its motions and the places it belongs in.
_V2_MOTIONS = {
    "cat": ("left", "right", "running", "jumping", "dancing", "chasing", "falling"),
    "dog": ("left", "right", "running", "jumping", "dancing", "chasing", "falling"),
    "horse": ("left", "right", "running", "jumping", "chasing"),
    "bird": ("flying",),
    "fish": ("swimming",),
    "car": ("left", "right", "chasing"),
    "boat": ("left", "right"),
    "rocket": ("up",),
}
_LAND = ("grass", "beach", "studio", "city street", "park")
_V2_PLACES = {
    "cat": _LAND + ("kitchen", "stage"),
    "dog": _LAND + ("kitchen", "stage"),
    "horse": ("grass", "beach", "park", "studio", "stage"),
    "bird": ("grass", "beach", "park", "city street", "night sky", "studio"),
    "fish": ("underwater",),
    "car": ("grass", "beach", "city street", "studio"),
    "boat": ("beach",),
    "rocket": ("space", "night sky", "grass", "park", "city street"),
}
# Backgrounds with an open sky: times of day and weather apply there. Value: where the sky ends (share of height).
SKY_ROWS = {"grass": 0.55, "beach": 0.4, "park": 0.5, "city street": 0.3}


def vocabulary(version: int = 1) -> dict[str, tuple[str, ...]]:
    """What a model trained on this version of the world can draw, by slot."""
    if version not in WORLD_VERSIONS:
        raise ValueError(f"world version must be one of {WORLD_VERSIONS}")
    vocab = {
        "entities": SHAPES,
        "colours": COLOUR_NAMES,
        "sizes": tuple(SIZE_RADIUS),
        "motions": MOTIONS,
        "scenes": BACKGROUNDS,
        "cameo_actions": ACTIONS,
    }
    if version >= 2:
        vocab.update(entities=ALL_ENTITIES, motions=ALL_MOTIONS, scenes=ALL_BACKGROUNDS)
        vocab.update(times_of_day=TIMES_OF_DAY, weather=WEATHER)
    return vocab


# Character cameos of pets (version 2): drawn as the animal, in the coat of their picture.
# Coats are more than 70 RGB from every palette colour, so a pet is never taken for an object.
PET_FORMS = ("cat", "dog", "horse")
PET_COATS = {
    "ginger": (190, 110, 60),
    "black": (40, 35, 35),
    "grey": (140, 140, 145),
    "cream": (225, 205, 170),
    "brown": (115, 80, 55),
    "tabby": (150, 125, 95),
}
PET_HELD_OUT = 800  # pet ids from here on never appear in training
PET_RADIUS = 7.0
REF_BACKGROUND = (175, 195, 215)  # behind the pet in its picture

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
    face_id: str  # "lfw:12" or "synth:345" (a person); "cat:12", "dog:3", "horse:7" (a pet); held-out ids never train
    direction: str = "right"

    @property
    def form(self) -> str:
        """What the cameo is drawn as: "person" (a figure with the face), or the pet's animal itself."""
        kind = self.face_id.split(":")[0]
        return kind if kind in PET_FORMS else "person"


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
    time_of_day: str = ""  # version 2: "", "sunset" or "night" (backgrounds with a sky)
    weather: str = ""  # version 2: "", "rain" or "snow" (backgrounds with a sky)
    more_cameos: tuple[CameoSpec, ...] = ()  # the second and third cameo of a scene, after `cameo`
    # A bouncing object was let go this long before the first frame: the scene opens later in its
    # bounces, as the last second of a longer video does, at the same pace (training draws it).
    bounce_phase_s: float = 0.0

    @property
    def cameos(self) -> tuple[CameoSpec, ...]:
        """Every cameo of the scene, in the order the caption names them (the model's reference slots)."""
        return ((self.cameo,) if self.cameo is not None else ()) + self.more_cameos

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
    cameo_boxes: tuple[np.ndarray, ...] = ()  # (T, 4) per cameo, in spec.cameos' order; the first is face_boxes


@dataclass
class Clip:
    frames: np.ndarray  # (T, H, W, 3) uint8
    caption: str
    spec: SceneSpec
    truth: GroundTruth
    fps: int = FPS
    references: tuple[np.ndarray, ...] = ()  # (REF_PX, REF_PX, 3) uint8 per cameo, in spec.cameos' order

    @property
    def reference(self) -> np.ndarray | None:
        """The first cameo's reference (None without a cameo)."""
        return self.references[0] if self.references else None


# ----------------------------------------------------------------------------
# Held-out combinations (never rendered for training)
# ----------------------------------------------------------------------------


def is_held_out(obj: ObjectSpec, background: str) -> bool:
    """One in nine shape x colour x motion x background combinations is held out.

    The rule is arithmetic, so every single value still appears in training
    (only its combination with the other three is new at evaluation). The
    indexes are into the grown world's tuples, which begin with version 1's,
    so version 1's held-out combinations are the same as before.
    """
    s, c = ALL_ENTITIES.index(obj.shape), COLOUR_NAMES.index(obj.colour)
    m, b = ALL_MOTIONS.index(obj.motion), ALL_BACKGROUNDS.index(background)
    return (s * 7 + c * 5 + m * 3 + b * 2) % 9 == 0


def face_is_held_out(face_id: str) -> bool:
    kind, idx = face_id.split(":")
    if kind in PET_FORMS:
        return int(idx) >= PET_HELD_OUT
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
        m = inside_polygon(ca * u + sa * v, -sa * u + ca * v, _polygon(shape, r))
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


def _background_v2(name: str, hb: int, wb: int, scale: int, seed: int) -> np.ndarray:
    """(hb*scale, wb*scale, 3) float32: the grown world's places, drawn at the frame's own resolution.

    Every prop is laid out in world pixels from the seed, so the same place at
    scale 1 and at scale 4 has the same streets, trees and windows; only the
    fine grain differs.
    """
    lay = np.random.default_rng(seed + 23)
    h, w = hb * scale, wb * scale
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    Y, X = (yy + 0.5) / scale, (xx + 0.5) / scale  # world pixels
    img = np.empty((h, w, 3), np.float32)
    if name == "city street":
        sky, kerb = hb * SKY_ROWS[name], hb * 0.72
        img[:] = (150, 180, 205)
        x0 = 0.0
        while x0 < wb:  # a row of buildings of varied width and height, with lit windows
            bw = float(lay.integers(max(wb // 8, 3), max(wb // 4, 4)))
            top = float(lay.uniform(hb * 0.12, sky))
            shade = float(lay.uniform(70, 120))
            block = (X >= x0) & (X < x0 + bw) & (Y >= top) & (Y < kerb)
            img[block] = (shade, shade * 0.95, shade * 0.9)
            win = block & (Y > top + 1) & (Y < kerb - 1) & (np.mod(Y, 4) >= 1) & (np.mod(Y, 4) < 2)
            win &= (np.mod(X - x0, 3) >= 1) & (np.mod(X - x0, 3) < 2)
            img[win] = (150, 140, 95)
            x0 += bw
        img[Y >= kerb] = (65, 65, 70)
        img[(Y >= hb * 0.86) & (Y < hb * 0.86 + 0.6) & (np.mod(X, 8) < 4)] = (150, 150, 130)
    elif name == "park":
        horizon = hb * SKY_ROWS[name]
        img[:] = (150, 185, 215)
        img[Y >= horizon] = (60, 105, 45)
        img[(Y >= hb * 0.8) & (Y < hb * 0.8 + max(hb / 16, 1))] = (140, 125, 95)
        for cx in lay.uniform(0, wb, max(wb // 14, 2)):  # trees: a trunk and a round crown
            img[(np.abs(X - cx) <= max(wb / 80, 0.5)) & (Y >= hb * 0.38) & (Y < horizon + 2)] = (85, 60, 40)
            img[(Y - hb * 0.33) ** 2 + (X - cx) ** 2 <= (hb * 0.11) ** 2] = (40, 85, 40)
    elif name == "space":
        img[:] = (4, 4, 10)
        stars = lay.random((hb, wb)) < 0.025
        img[np.repeat(np.repeat(stars, scale, 0), scale, 1) & (np.mod(yy, scale) < max(scale // 2, 1))] = (
            170,
            170,
            190,
        )
        px, py, pr = wb * lay.uniform(0.6, 0.9), hb * lay.uniform(0.15, 0.35), hb * 0.14
        img[(Y - py) ** 2 + (X - px) ** 2 <= pr**2] = (95, 80, 70)  # a distant planet
    elif name == "kitchen":
        counter, edge = hb * 0.6, max(hb / 10, 1)
        tile = (np.floor(Y / 4) + np.floor(X / 4)) % 2
        img[:] = np.array([185, 175, 150], np.float32) - tile[..., None] * 12
        img[(Y >= counter) & (Y < counter + edge)] = (120, 95, 70)
        img[Y >= counter + edge] = (150, 140, 125)
    elif name == "stage":
        img[:] = (25, 20, 25)
        fold = 0.8 + 0.2 * np.cos(X * 2 * np.pi / max(wb / 16, 2))
        curtain = (X < wb * 0.12) | (X > wb * 0.88)
        img[curtain] = np.stack([110 * fold, 25 * fold, 30 * fold], -1)[curtain]
        img[Y >= hb * 0.78] = (95, 70, 45)
        cone = np.abs(X - wb / 2) <= (Y + 2) * 0.35  # a spotlight from above
        img[cone] = img[cone] * 1.6 + 25
    else:
        raise ValueError(name)
    return img + lay.normal(0, 2.5, (h, w, 1)).astype(np.float32)


def sky_at(name: str, time_of_day: str, img: np.ndarray, scale: int, seed: int) -> np.ndarray:
    """The texture under a time of day: the sky repainted (a low sun or the moon), the ground dimmed."""
    if not time_of_day:
        return img
    lay = np.random.default_rng(seed + 29)
    h, w = img.shape[:2]
    hb, wb = h // scale, w // scale
    sky = int(h * SKY_ROWS[name])
    y = np.linspace(0, 1, max(sky, 1), dtype=np.float32)[:, None, None]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    Y, X = (yy + 0.5) / scale, (xx + 0.5) / scale
    out = img.copy()
    if time_of_day == "sunset":
        out[:sky] = (1 - y) * np.array([120, 70, 110], np.float32) + y * np.array([225, 135, 85], np.float32)
        out[sky:] *= np.array([1.0, 0.8, 0.65], np.float32)
        cx, r = wb * lay.uniform(0.2, 0.8), hb * 0.09
        out[((Y - hb * SKY_ROWS[name]) ** 2 + (X - cx) ** 2 <= r * r) & (yy < sky)] = (250, 200, 110)
    elif time_of_day == "night":
        out[:sky] = (1 - y) * np.array([8, 10, 30], np.float32) + y * np.array([25, 30, 60], np.float32)
        stars = np.repeat(np.repeat(lay.random((hb, wb)) < 0.03, scale, 0), scale, 1) & (yy < sky)
        out[stars & (np.mod(yy, scale) < max(scale // 2, 1))] = (150, 150, 170)
        out[sky:] *= np.array([0.4, 0.45, 0.65], np.float32)
        cx, cy, r = wb * lay.uniform(0.15, 0.85), hb * SKY_ROWS[name] * 0.35, hb * 0.06
        out[(Y - cy) ** 2 + (X - cx) ** 2 <= r * r] = (205, 205, 185)
    else:
        raise ValueError(time_of_day)
    return out


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


def _trajectory(
    obj: ObjectSpec, r: float, h: int, w: int, t: np.ndarray, t_end: float, floor: float, rng, phase: float = 0.0
):
    """World-space (x, y, angle) at frame times `t` (s) plus impact times (s).

    Motions run from the start to `t_end`, the time of the last frame at the
    world's own rate; a clip rendered at a higher rate samples the same paths.
    A bouncing object is `phase` seconds into its bounces at t = 0.
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
        lead = phase if obj.motion == "bouncing" else 0.0
        y, impacts = _bounce_y(t + lead, margin, floor - r, RESTITUTION if obj.motion == "bouncing" else 0.0, stop)
        impacts = [ti - lead for ti in impacts if lead <= ti <= t[-1] + lead]
    elif obj.motion == "rolling":
        x0, x1 = margin, w - margin
        x = x0 + (x1 - x0) * frac if obj.direction == "right" else x1 - (x1 - x0) * frac
        y = np.full(n, floor - r)
        ang = (x - x[0]) / r  # rolling without slipping
    if obj.shape in SPRITES:
        x, y, ang, impacts = _sprite_path(obj, r, h, w, t, frac, floor, x, y, ang, impacts, rng)
    return x, y, ang, impacts


def _ground(kind: str, r: float, h: int, floor: float) -> float:
    """Where an entity's centre is when it stands on the floor (a boat: on the water of the beach)."""
    if kind == "boat":
        return h * 0.58 - FOOT["boat"] * r
    return floor - FOOT.get(kind, 1.0) * r


def _hops(t: np.ndarray, period: float, air: float, height: float) -> tuple[np.ndarray, list[float]]:
    """Lift above the ground of repeated hops (a parabola each), and the landing times."""
    tau = np.mod(t, period)
    lift = np.where(tau < air, 4 * height * tau * (air - tau) / air**2, 0.0)
    landings = [k * period + air for k in range(int(t[-1] / period) + 1) if k * period + air <= t[-1]]
    return lift, landings


def _sprite_path(obj, r, h, w, t, frac, floor, x, y, ang, impacts, rng):
    """The grown world's entities: on the ground where they stand, and the motions beyond translation."""
    n = len(t)
    margin = r + 1.5
    ground = _ground(obj.shape, r, h, floor)
    sign = -1.0 if obj.direction == "left" else 1.0

    def across(share: float) -> np.ndarray:
        span = (w - 2 * margin) * share
        x0 = rng.uniform(margin, w - margin - span) if share < 1 else margin
        path = x0 + span * frac
        return path if sign > 0 else w - path

    if obj.motion in ("left", "right") and (obj.shape in WALKERS or obj.shape == "boat"):
        sign = 1.0 if obj.motion == "right" else -1.0
        x, y = across(0.6), np.full(n, ground)
    elif obj.motion == "falling":
        y, impacts = _bounce_y(t, margin, ground, 0.0, 1)
        impacts = [ti for ti in impacts if ti <= t[-1]]
    elif obj.motion == "running":
        x, y = across(1.0), np.full(n, ground)
    elif obj.motion == "jumping":
        lift, impacts = _hops(t, 0.8, 0.6, max(r, 3.0))
        x, y = across(0.6), ground - lift
    elif obj.motion == "swimming":
        x, y = across(1.0), h * 0.5 + h * 0.15 * np.sin(2 * np.pi * t / 2.0 + rng.uniform(0, 2 * np.pi))
    elif obj.motion == "flying":
        x, y = across(1.0), h * 0.3 + h * 0.06 * np.sin(2 * np.pi * t / 1.5)
    elif obj.motion == "dancing":
        lift, impacts = _hops(t, 0.5, 0.4, 0.5 * r)
        x = np.full(n, rng.uniform(margin + 2, w - margin - 2))
        y, ang = ground - lift, 0.15 * np.sin(2 * np.pi * t)
    return x, y, ang, impacts


def _chase(objs, radii, h, w, t, t_end, floor):
    """The first object runs after the second, which runs too, and gains on it; both stay in view.

    A chase needs room: the generator puts it in a landscape frame, where the one chased
    runs a third of the width and the chaser closes from far behind to nearly touching.
    """
    n = len(t)
    r0, r1 = radii
    frac = t / max(t_end, 1e-6)
    xa0, xb1 = r0 + 1.5, w - r1 - 1.5
    gap1 = r0 + r1
    gap0 = max(gap1, min(xb1 - xa0, gap1 + 0.3 * (w - r0 - r1 - 3.0)))
    xa1, xb0 = xb1 - gap1, xa0 + gap0
    xa, xb = xa0 + (xa1 - xa0) * frac, xb0 + (xb1 - xb0) * frac
    if objs[0].direction == "left":
        xa, xb = w - xa, w - xb
    ya, yb = _ground(objs[0].shape, r0, h, floor), _ground(objs[1].shape, r1, h, floor)
    return [(xa, np.full(n, ya), np.zeros(n)), (xb, np.full(n, yb), np.zeros(n))], []


# Gait rates (Hz) of entities whose parts move with the clock rather than the distance travelled.
_GAIT_HZ = {"bird": 1.5, "fish": 1.0, "rocket": 2.0, "boat": 0.5}


def _pose(obj: ObjectSpec, track, t: np.ndarray, r: float):
    """Per frame: which way a sprite faces (+1 right, -1 left) and the phase of its gait."""
    x, y = track[0], track[1]
    n = len(t)
    facing = np.full(n, -1.0 if obj.direction == "left" or obj.motion == "left" else 1.0)
    if n > 1:
        v = np.gradient(x)
        for f in range(n):
            if abs(v[f]) > 1e-6:
                facing[f] = 1.0 if v[f] > 0 else -1.0
            elif f:
                facing[f] = facing[f - 1]
    if obj.motion == "dancing":
        facing = np.where(np.floor(t / 0.5) % 2 == 0, 1.0, -1.0)
    if obj.shape in WALKERS and obj.motion != "dancing":
        dist = np.concatenate([[0.0], np.cumsum(np.abs(np.diff(x)) + np.abs(np.diff(y)))])
        phase = dist * 2 * np.pi / (1.5 * r)
    else:
        phase = 2 * np.pi * _GAIT_HZ.get(obj.shape, 2.0) * t
    return facing, phase


def _weather(kind: str, seed: int, hb: int, wb: int, t: float, scale: int) -> np.ndarray:
    """(h, w) coverage of rain streaks or snowflakes at time t (s), in front of everything."""
    h, w = hb * scale, wb * scale
    alpha = np.zeros((h, w), np.float32)
    if not kind:
        return alpha
    rng = np.random.default_rng(seed + 17)
    n = max(hb * wb // 40, 8)
    x0, y0, sway = rng.uniform(0, wb, n), rng.uniform(0, hb, n), rng.uniform(0, 2 * np.pi, n)
    if kind == "rain":
        ys, xs = np.mod(y0 + 40.0 * t, hb), np.mod(x0 - 6.0 * t, wb)
        width = max(scale // 2, 1)
        for x, y in zip(xs, ys):
            c, r0, r1 = int(x * scale), int(max(y - 2.0, 0) * scale), int(y * scale) + 1
            alpha[r0:r1, c : c + width] = 0.55
    elif kind == "snow":
        ys, xs = np.mod(y0 + 6.0 * t, hb), np.mod(x0 + 1.5 * np.sin(2 * np.pi * 0.5 * t + sway), wb)
        rad = max(0.45 * scale, 0.5)
        for x, y in zip(xs, ys):
            cy, cx = y * scale, x * scale
            ya, yb = max(int(cy - rad), 0), min(int(cy + rad) + 1, h)
            xa, xb = max(int(cx - rad), 0), min(int(cx + rad) + 1, w)
            alpha[ya:yb, xa:xb] = 0.9
    else:
        raise ValueError(kind)
    return alpha


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
    if kind in PET_FORMS:
        img = _pet_reference(face_id)
        if rng is not None:  # the same augmentation as a face's
            img = img * rng.uniform(0.85, 1.15) + rng.normal(0, 4, img.shape)
            if rng.random() < 0.5:
                img = img[:, ::-1]
        return np.clip(img, 0, 255).astype(np.uint8)
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


def pet_coat(face_id: str) -> tuple[tuple[int, int, int], tuple[int, int, int], str]:
    """A pet's coat from its id: main colour, markings colour, pattern (sprites.PATTERNS)."""
    rng = np.random.default_rng(int(face_id.split(":")[1]) + 9_000_000)
    names = list(PET_COATS)
    main = names[int(rng.integers(len(names)))]
    marks = [n for n in names if n != main][int(rng.integers(len(names) - 1))]
    return PET_COATS[main], PET_COATS[marks], PATTERNS[int(rng.integers(len(PATTERNS)))]


def paint_pet(frame: np.ndarray, layers: dict[str, np.ndarray], face_id: str) -> None:
    """A pet's sprite layers painted in its coat (markings under the eyes and ears)."""
    main, marks, _ = pet_coat(face_id)
    _paint(frame, layers["body"], main)
    for name, rgb in (("pattern", marks), ("dark", DARK_RGB), ("light", LIGHT_RGB)):
        if name in layers:
            _paint(frame, layers[name], rgb)


def _pet_reference(face_id: str) -> np.ndarray:
    """(REF_PX, REF_PX, 3) float32: the pet's picture, side on, facing right, on a plain wall."""
    form = face_id.split(":")[0]
    img = np.empty((REF_PX, REF_PX, 3), np.float32)
    img[:] = REF_BACKGROUND
    layers = sprite_layers(
        form, REF_PX / 2, REF_PX / 2 + 0.5, REF_PX * 0.4, 0.0, 0.0, 1, REF_PX, REF_PX, pattern=pet_coat(face_id)[2]
    )
    paint_pet(img, layers, face_id)
    return img


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
    if spec.background in BACKGROUNDS_V2:  # the grown world's places are drawn at the frame's resolution
        tex = _background_v2(spec.background, hb, wb + pan_extent, scale, spec.seed)
    else:
        tex = _upsample(background_texture(spec.background, hb, wb + pan_extent, rng), scale)
    tex = sky_at(spec.background, spec.time_of_day, tex, scale, spec.seed)
    cam = spec.pan * np.arange(n) / per  # camera x offset per frame, world pixels
    cam_base = pan_extent - 1 if spec.pan < 0 else 0
    t = np.arange(n) / fps
    t_end = (n_world - 1) / FPS

    pair = next((m for m in ("colliding", "chasing") if any(o.motion == m for o in spec.objects)), None)
    if pair:
        together = _collision if pair == "colliding" else _chase
        tracks, impact_times = together(spec.objects[:2], radii[:2], hb, wb, t, t_end, floor)
        for o, r in zip(spec.objects[2:], radii[2:]):
            x, y, a, imp = _trajectory(o, r, hb, wb, t, t_end, floor, rng, spec.bounce_phase_s)
            tracks.append((x, y, a))
            impact_times += imp
    else:
        tracks, impact_times = [], []
        for o, r in zip(spec.objects, radii):
            x, y, a, imp = _trajectory(o, r, hb, wb, t, t_end, floor, rng, spec.bounce_phase_s)
            tracks.append((x, y, a))
            impact_times += imp

    occ = None
    if spec.occluder:
        occ = (wb / 2 - 4.0, wb / 2 + 4.0)  # world x range, covers the middle of the frame

    plans = []  # one per cameo, in spec.cameos' order: how and where it is drawn
    n_cameos = len(spec.cameos)
    for k, cm in enumerate(spec.cameos):
        if cm.form != "person":  # drawn as the animal itself, moving as the action says, in the coat of its picture
            motion = {"walking": cm.direction, "jumping": "jumping", "waving": "dancing"}[cm.action]
            pet_obj = ObjectSpec(cm.form, "white", "big", motion, cm.direction)
            track = _trajectory(pet_obj, PET_RADIUS, hb, wb, t, t_end, floor, rng)
            impact_times += track[3]
            plans.append(("pet", cm, track, _pose(pet_obj, track, t, PET_RADIUS), pet_coat(cm.face_id)[2]))
            continue
        ref = reference if k == 0 and reference is not None else face_reference(cm.face_id)
        face = _resize(ref, FACE_PX * scale)
        fig_h = FACE_PX + 14
        base_top = floor - fig_h
        # one cameo has the frame; several share it in lanes, left to right in the caption's order
        lane0, lane1 = (0.0, wb) if n_cameos == 1 else (wb * k / n_cameos, wb * (k + 1) / n_cameos)
        if cm.action == "walking":
            x0, x1 = (
                (5.0, wb - 5.0) if n_cameos == 1 else (lane0 + 0.3 * (lane1 - lane0), lane1 - 0.3 * (lane1 - lane0))
            )
            frac = t / max(t_end, 1e-6)
            cameo_x = x0 + (x1 - x0) * frac if cm.direction == "right" else x1 - (x1 - x0) * frac
            cameo_top = np.full(n, base_top)
        else:
            if n_cameos == 1:
                cameo_x = np.full(n, wb * 0.5 if not spec.objects else wb * 0.3)
            else:
                cameo_x = np.full(n, (lane0 + lane1) / 2)
            cameo_top = np.full(n, base_top)
            if cm.action == "jumping":
                period = 1.0  # s: jumps of 0.6 s with 0.4 s on the ground
                tau = np.mod(t, period)
                air = np.minimum(tau, 0.6)
                lift = np.where(tau < 0.6, 0.5 * GRAVITY * air * (0.6 - air), 0.0)
                cameo_top = base_top - lift
                impact_times += [j * period + 0.6 for j in range(int(t[-1] / period) + 1) if j * period + 0.6 <= t[-1]]
        plans.append(("person", cm, face, cameo_x, cameo_top))

    frames = np.empty((n, h, w, 3), np.uint8)
    centres = np.zeros((len(spec.objects), n, 2))
    visible = np.ones((len(spec.objects), n))
    angles = np.zeros((len(spec.objects), n))
    cameo_boxes = tuple(np.zeros((n, 4)) for _ in plans)
    mask = np.zeros((n, h, w), np.float32)
    poses = [
        _pose(o, tracks[k], t, r) if o.shape in SPRITES else None for k, (o, r) in enumerate(zip(spec.objects, radii))
    ]
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
            if poses[k] is None:
                layers = {"body": shape_alpha(o.shape, x * scale, y * scale, r * scale, ang, h, w)}
            else:
                facing, phase = poses[k][0][f], poses[k][1][f]
                layers = sprite_layers(o.shape, x * scale, y * scale, r * scale, ang, phase, facing, h, w)
            alpha = layers["body"]
            if occ is not None:
                ox0, ox1 = (occ[0] - cam[f]) * scale, (occ[1] - cam[f]) * scale
                hidden = alpha[:, (xs > ox0) & (xs < ox1)].sum()
                visible[k, f] = 1.0 - hidden / max(alpha.sum(), 1e-6)
            _paint(frame, alpha, COLOURS[o.colour])
            for name, rgb in (("dark", DARK_RGB), ("light", LIGHT_RGB), ("flame", FLAME_RGB)):
                if name in layers:
                    _paint(frame, layers[name], rgb)
            np.maximum(mask[f], alpha, out=mask[f])
        for plan, boxes in zip(plans, cameo_boxes):
            if plan[0] == "pet":
                _, cm, track, pose, pattern = plan
                px, py = (track[0][f] - cam[f]) * scale, track[1][f] * scale
                layers = sprite_layers(
                    cm.form, px, py, PET_RADIUS * scale, track[2][f], pose[1][f], pose[0][f], h, w, pattern=pattern
                )
                paint_pet(frame, layers, cm.face_id)
                rows, cols = np.nonzero(layers["body"] > 0.5)
                if len(rows):  # the box around the whole pet: it is its own likeness
                    boxes[f] = (rows.min(), cols.min(), rows.max() + 1, cols.max() + 1)
                np.maximum(mask[f], layers["body"], out=mask[f])
            else:
                _, cm, face, cameo_x, cameo_top = plan
                fr = np.clip(frame, 0, 255).astype(np.uint8)
                boxes[f] = _draw_figure(fr, cameo_x[f] - cam[f], cameo_top[f], face, cm.action, f // per, scale)
                boxes[f] *= scale
                y0, x0, y1, x1 = (int(v) for v in boxes[f])
                mask[f, max(y0, 0) : max(y1, 0), max(x0, 0) : max(x1, 0)] = 1.0
                frame = fr.astype(np.float32)
        if occ is not None:
            ox0, ox1 = (occ[0] - cam[f]) * scale, (occ[1] - cam[f]) * scale
            cov = np.clip(np.minimum(xs + 0.5, ox1) - np.maximum(xs - 0.5, ox0), 0, 1)
            top = int(hb * 0.15) * scale
            alpha = np.zeros((h, w), np.float32)
            alpha[top:] = cov[None]
            _paint(frame, alpha, OCCLUDER_RGB)
        if spec.weather:
            _paint(frame, _weather(spec.weather, spec.seed, hb, wb, f / fps, scale), WEATHER_RGB[spec.weather])
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
        face_boxes=cameo_boxes[0] if plans else None,
        face=plans[0][2] if plans and plans[0][0] == "person" else None,
        mask=mask,
        cameo_boxes=cameo_boxes,
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
# The grown world's phrasings (version 2); version 1's tables above are unchanged.
_BG_PHRASES_V2 = {
    "city street": ("on a city street", "in the city", "down a busy street"),
    "park": ("in the park", "in a city park", "by the trees in the park"),
    "space": ("in outer space", "in space", "out in space"),
    "kitchen": ("in a kitchen", "on the kitchen floor", "in the kitchen"),
    "stage": ("on a stage", "on stage under a spotlight", "on the theatre stage"),
}
_MOTION_PHRASES_V2 = {
    "running": ("runs to the {d}", "running {d}", "dashes {d}"),
    "jumping": ("hops along to the {d}", "jumps along {d}", "leaps {d}"),
    "swimming": ("swims to the {d}", "swimming {d}", "glides {d} through the water"),
    "flying": ("flies to the {d}", "flying {d}", "soars {d}"),
    "dancing": ("dances", "dancing in place", "dances around"),
    "up": ("launches upward", "blasts off", "rises up"),
}
# How an entity goes left or right: walkers walk, cars drive, boats sail.
_GOES = {"cat": "walks", "dog": "walks", "horse": "trots", "car": "drives", "boat": "sails"}
_CHASE_PHRASES = ("chases", "runs after", "is chasing")
_TIME_PHRASES = {
    "sunset": ("at sunset", "at dusk", "as the sun sets"),
    "night": ("under the moon", "late at night", "in the dark of night"),
}
_WEATHER_PHRASES = {
    "rain": ("in the rain", "while it rains", "in a rain shower"),
    "snow": ("in the snow", "while it snows", "as snow falls"),
}


def phrasings(version: int = 1) -> dict[str, list[str]]:
    """Every phrase the captions of this version of the world use, by what it names.

    These are the words a model trained on that version learnt; generation.capabilities
    reads a prompt against them. Directions are filled in both ways.
    """
    both = lambda p: [p.format(d="left"), p.format(d="right")]  # noqa: E731
    out = {
        "sizes": list(_SIZE_WORDS.values()),
        "motions": [q for ps in _MOTION_PHRASES.values() for p in ps for q in both(p)] + list(_COLLIDE_PHRASES),
        "scenes": [p for ps in _BG_PHRASES.values() for p in ps],
        "occluder": list(_OCCLUDER_PHRASES),
        "camera": list(_PAN_PHRASES),
        "cameo_actions": [q for ps in _ACTION_PHRASES.values() for p in ps for q in both(p)],
    }
    if version >= 2:
        out["motions"] += [q for ps in _MOTION_PHRASES_V2.values() for p in ps for q in both(p)]
        out["motions"] += [f"{g} {d}" for g in set(_GOES.values()) for d in ("left", "right")] + list(_CHASE_PHRASES)
        out["scenes"] += [p for ps in _BG_PHRASES_V2.values() for p in ps]
        out["times_of_day"] = [p for ps in _TIME_PHRASES.values() for p in ps]
        out["weather"] = [p for ps in _WEATHER_PHRASES.values() for p in ps]
    return out


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
    elif objs and objs[0].motion == "chasing":
        a, b = objs[:2]
        d = objs[0].direction or "right"
        parts.append(f"{_a(_noun(a, rng))} {pick(_CHASE_PHRASES)} {_a(_noun(b, rng))} to the {d}")
        objs = objs[2:]
    for o in objs:
        if o.shape not in SPRITES:
            phrase = pick(_MOTION_PHRASES[o.motion]).format(d=o.direction or "right")
        elif o.motion in ("left", "right"):
            goes = _GOES.get(o.shape, "moves")
            phrase = pick((f"{goes} {o.motion}", f"{goes} to the {o.motion}"))
        else:
            phrase = pick(_MOTION_PHRASES_V2.get(o.motion) or _MOTION_PHRASES[o.motion]).format(
                d=o.direction or "right"
            )
        if spec.occluder and o.motion in ("left", "right"):
            phrase += " " + pick(_OCCLUDER_PHRASES)
        parts.append(f"{_a(_noun(o, rng))} {phrase}")
    people = []  # every cameo, in the order of the model's reference slots
    for cm in spec.cameos:
        act = pick(_ACTION_PHRASES[cm.action]).format(d=cm.direction)
        who = f"@{cm.handle}" if cm.form == "person" else f"@{cm.handle} the {cm.form}"
        people.append(f"{who} {act}")
    if people:
        parts.insert(0, " and ".join(people))
    text = ", ".join(parts) + " " + pick({**_BG_PHRASES, **_BG_PHRASES_V2}[spec.background])
    if spec.time_of_day:
        text += " " + pick(_TIME_PHRASES[spec.time_of_day])
    if spec.weather:
        text += ", " + pick(_WEATHER_PHRASES[spec.weather])
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
    world_version: int = 1,
    max_cameos: int = 1,
) -> SceneSpec:
    """A scene from the training distribution (or only held-out combinations).

    level 0: one object, plain studio or one textured background, no pan,
    occluder or cameo -- colour, shape and motion first; level 1 adds
    backgrounds, two objects, collisions, the occluder and cameos; level 2 is
    everything, including pans, three objects and 2-8 s in every aspect.
    `world_version` 2 draws half its scenes from the grown world (animals,
    vehicles, their motions and places, times of day, weather) at the same level.
    `max_cameos` above 1 gives half the scenes of people's cameos (level 1 and up)
    one or two more people, each with a face of their own; 1 draws exactly what it always did.
    """
    if world_version not in WORLD_VERSIONS:
        raise ValueError(f"world version must be one of {WORLD_VERSIONS}")
    for _ in range(1000):
        grown = world_version >= 2 and rng.random() < 0.5
        spec = (
            _random_spec_v2(rng, level, aspect, duration_s)
            if grown
            else _random_spec_once(rng, level, aspect, duration_s)
        )
        if max_cameos > 1 and spec.cameo is not None and spec.cameo.form == "person" and rng.random() < 0.5:
            spec = _more_people(spec, rng, max_cameos, held_out)
        flags = [is_held_out(o, spec.background) for o in spec.objects]
        face_ok = all(face_is_held_out(c.face_id) == held_out for c in spec.cameos)
        if held_out and any(flags) and face_ok:
            return spec
        if not held_out and not any(flags) and face_ok:
            return spec
    raise RuntimeError("no spec found")


def _more_people(spec: SceneSpec, rng: np.random.Generator, max_cameos: int, held_out: bool = False) -> SceneSpec:
    """The scene with one or two more people (up to max_cameos in all): other handles and faces of the same
    kind, from the held-out faces or the training ones as `held_out` says."""
    extra = int(rng.integers(1, max_cameos))  # 1 .. max_cameos - 1 more
    handles = [x for x in HANDLES if x != spec.cameo.handle]
    chosen = rng.permutation(len(handles))[:extra]
    kind = spec.cameo.face_id.split(":")[0]
    more = []
    for i in chosen:
        first, end = (80, 100) if kind == "lfw" else (100_000, 200_000)
        number = int(rng.integers(first, end) if held_out else rng.integers(first))
        face_id = f"{kind}:{number}"
        if face_id == spec.cameo.face_id or any(c.face_id == face_id for c in more):
            continue
        more.append(CameoSpec(handles[int(i)], ACTIONS[int(rng.integers(len(ACTIONS)))], face_id, "right"))
    # several people share the frame in lanes: nobody else moves through them
    objects = tuple(o for o in spec.objects if o.motion in ("up", "down", "falling", "bouncing"))[:1]
    return replace(spec, objects=objects, occluder=False, more_cameos=tuple(more))


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


def _random_spec_v2(rng, level, aspect, duration_s) -> SceneSpec:
    """A scene of the grown world: one or two animals or vehicles where they belong, doing what they do."""
    pick = lambda xs: xs[int(rng.integers(len(xs)))]  # noqa: E731
    first = pick(SPRITES)
    places = _V2_PLACES[first]
    if level == 0:  # one place each at first: the studio where it fits, else its own
        places = ("studio",) if "studio" in places else places[:1]
    background = pick(places)
    if aspect is None:
        aspect = "square" if level == 0 or rng.random() < 0.5 else ASPECTS[int(rng.integers(3))]
    if duration_s is None:
        duration_s = int(rng.choice((2, 4))) if level < 2 else int(rng.choice((2, 3, 4, 4, 4, 6, 8)))
    # a chase needs room (_chase): only in a landscape frame
    room = aspect == "landscape" or (aspect is None and level > 0)
    motions = tuple(m for m in _V2_MOTIONS[first] if room or m != "chasing")
    motion = pick(motions)
    if motion == "chasing":
        aspect = "landscape"
    colours = rng.permutation(len(COLOUR_NAMES))[:2]
    size = lambda: ("small", "big")[int(rng.integers(2))]  # noqa: E731
    direction = (
        ("left", "right")[int(rng.integers(2))] if motion not in ("left", "right", "up", "falling", "dancing") else ""
    )
    objects = [ObjectSpec(first, COLOUR_NAMES[int(colours[0])], size(), motion, direction)]
    if motion == "chasing":  # the one chased: another that runs where this one does
        chased = pick(tuple(k for k, ms in _V2_MOTIONS.items() if "chasing" in ms and background in _V2_PLACES[k]))
        objects.append(ObjectSpec(chased, COLOUR_NAMES[int(colours[1])], size(), "chasing"))
    elif level > 0 and rng.random() < 0.3:  # a second, independent one, away from the ground (a bird, a fish, a rocket)
        others = tuple(k for k in ("bird", "fish", "rocket") if background in _V2_PLACES[k] and k != first)
        if others:
            second = pick(others)
            m2 = pick(_V2_MOTIONS[second])
            d2 = ("left", "right")[int(rng.integers(2))] if m2 not in ("up",) else ""
            objects.append(ObjectSpec(second, COLOUR_NAMES[int(colours[1])], size(), m2, d2))
    cameo = None
    if level > 0 and background in _LAND and rng.random() < 0.25:  # someone's pet, drawn as itself
        form = pick(PET_FORMS if background != "kitchen" else ("cat", "dog"))
        cameo = CameoSpec(
            pick(HANDLES), pick(ACTIONS), f"{form}:{int(rng.integers(PET_HELD_OUT * 5 // 4))}", pick(("left", "right"))
        )
        objects = [o for o in objects if o.shape in ("bird", "rocket") and o.motion != "chasing"][:1]
    time_of_day = weather = ""
    if level > 0 and background in SKY_ROWS:
        time_of_day = pick(("", "", "") + TIMES_OF_DAY)
        weather = pick(("", "", "", "") + WEATHER)
    pan = 0.0 if level < 2 or rng.random() < 0.7 else float(rng.choice((-0.5, 0.5)))
    return SceneSpec(
        objects=tuple(objects),
        background=background,
        aspect=aspect,
        duration_s=duration_s,
        pan=pan,
        cameo=cameo,
        seed=int(rng.integers(2**31)),
        time_of_day=time_of_day,
        weather=weather,
    )


def make_clip(spec: SceneSpec, rng: np.random.Generator | None = None) -> Clip:
    """Render a spec with its caption and (augmented, for training) cameo reference."""
    references = tuple(face_reference(c.face_id, rng) for c in spec.cameos)
    frames, truth = render(spec)  # the drawn face is the clean one; the model sees an augmented reference
    return Clip(frames=frames, caption=caption(spec, rng), spec=spec, truth=truth, references=references)


# ----------------------------------------------------------------------------
# A contact sheet of the world, at the resolution a model draws it
# ----------------------------------------------------------------------------


def contact_sheet(
    rng: np.random.Generator, rows: int = 12, world_version: int = 2, scale: int = 4, fps: int = 12, frames: int = 5
) -> tuple[np.ndarray, list[str]]:
    """(H, W, 3) uint8: one scene a row (4 s square, `frames` frames across it), and the rows' captions.

    With version 2 every row is a scene of the grown world, so the sheet shows what it adds.
    """
    images, captions = [], []
    while len(images) < rows:
        spec = random_spec(rng, level=2, world_version=world_version, aspect="square", duration_s=4)
        if world_version >= 2 and not any(o.shape in SPRITES for o in spec.objects):
            continue
        reference = face_reference(spec.cameo.face_id) if spec.cameo is not None else None
        clip, _ = render(spec, reference, scale=scale, fps=fps)
        picks = np.linspace(0, len(clip) - 1, frames).round().astype(int)
        images.append(np.concatenate(list(clip[picks]), axis=1))
        captions.append(caption(spec))
    return np.concatenate(images, axis=0), captions


def main(argv=None) -> None:
    import argparse

    from PIL import Image, ImageDraw

    p = argparse.ArgumentParser(description="Draw a contact sheet of the procedural world at a model's resolution.")
    p.add_argument("--sheet", required=True, help="PNG to write")
    p.add_argument("--world", type=int, default=2, choices=WORLD_VERSIONS)
    p.add_argument("--rows", type=int, default=12)
    p.add_argument("--scale", type=int, default=4, help="4: 128 px square at 12 fps, the latent model's frames")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    sheet, captions = contact_sheet(np.random.default_rng(args.seed), args.rows, args.world, args.scale, FPS * 3)
    row_h = sheet.shape[0] // args.rows
    canvas = Image.new("RGB", (sheet.shape[1], sheet.shape[0] + 14 * args.rows), (255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    for i, text in enumerate(captions):
        top = i * (row_h + 14)
        draw.text((4, top + 1), text, fill=(0, 0, 0))
        canvas.paste(Image.fromarray(sheet[i * row_h : (i + 1) * row_h]), (0, top + 14))
    canvas.save(args.sheet)
    print(f"{args.sheet}: {args.rows} scenes of world version {args.world}, {sheet.shape[1] // 5} px frames")


if __name__ == "__main__":
    main()
