"""Silhouettes of the grown world's animals and vehicles, at any scale.

Each entity is a handful of primitives (ellipses, capsules, polygons) laid out
in units of its radius, facing right, y down. `phase` (radians) moves what
moves on its own: legs swing with the distance walked, wings flap, tails
swish, wheels turn, a rocket's flame flickers. `sprite_layers` gives the
coverages in [0, 1] of the body (painted in the object's colour) and of its
details: `dark` (eyes, wheels, a mane), `light` (windows) and `flame`, painted
over the body in fixed shades so the body's colour stays the object's.

Everything is computed on the same 2x supersampled grid as the world's shapes,
inside the entity's bounding box only, so a 128 px frame costs little more
than a 32 px one.
"""

from __future__ import annotations

import math

import numpy as np

ANIMALS = ("cat", "dog", "bird", "fish", "horse")
VEHICLES = ("car", "boat", "rocket")
SPRITES = ANIMALS + VEHICLES

DARK_RGB = (30, 25, 25)
LIGHT_RGB = (150, 175, 190)
FLAME_RGB = (235, 205, 150)

# How far below its centre an entity's lowest point is (in radii): where it stands on a floor.
FOOT = {"cat": 0.93, "dog": 0.99, "horse": 1.07, "bird": 0.4, "fish": 0.45, "car": 0.6, "boat": 0.4, "rocket": 1.0}
# Half the entity's extent (in radii), for the box it is computed in.
EXTENT = 1.3
# Entities whose gait phase follows the distance they travel (legs, wheels) rather than the clock.
WALKERS = ("cat", "dog", "horse", "car")


def _ell(u, v, cx, cy, rx, ry):
    return ((u - cx) / rx) ** 2 + ((v - cy) / ry) ** 2 <= 1.0


def _capsule(u, v, p0, p1, rad):
    (x0, y0), (x1, y1) = p0, p1
    dx, dy = x1 - x0, y1 - y0
    t = np.clip(((u - x0) * dx + (v - y0) * dy) / (dx * dx + dy * dy + 1e-12), 0.0, 1.0)
    return (u - x0 - t * dx) ** 2 + (v - y0 - t * dy) ** 2 <= rad * rad


def inside_polygon(u, v, pts):
    """Even-odd test: which points (u, v) lie inside the polygon `pts` (the world's shapes use it too)."""
    inside = np.zeros(u.shape, bool)
    n = len(pts)
    for i in range(n):
        x0, y0 = pts[i]
        x1, y1 = pts[(i + 1) % n]
        crosses = (y0 > v) != (y1 > v)
        xint = x0 + (v - y0) * (x1 - x0) / (y1 - y0 + 1e-12)
        inside ^= crosses & (u < xint)
    return inside


def _legs(u, v, xs, top, bottom, rad, swing, phase):
    """Four legs; diagonal pairs swing together, as a trot."""
    m = np.zeros(u.shape, bool)
    for i, x in enumerate(xs):
        s = swing * math.sin(phase + (0.0 if i in (0, 3) else math.pi))
        m |= _capsule(u, v, (x, top), (x + s, bottom), rad)
    return m


def _cat(u, v, phase):
    body = _ell(u, v, -0.1, 0.15, 0.72, 0.34) | _ell(u, v, 0.72, -0.22, 0.31, 0.29)
    body |= inside_polygon(u, v, [(0.5, -0.38), (0.58, -0.72), (0.72, -0.46)])
    body |= inside_polygon(u, v, [(0.78, -0.46), (0.93, -0.72), (0.98, -0.36)])
    body |= _capsule(u, v, (-0.75, 0.05), (-1.02, -0.5 + 0.12 * math.sin(phase)), 0.08)
    body |= _legs(u, v, (-0.55, -0.32, 0.22, 0.45), 0.3, 0.85, 0.1, 0.2, phase)
    dark = _ell(u, v, 0.84, -0.27, 0.06, 0.07) | _ell(u, v, 1.0, -0.16, 0.04, 0.04)
    return body, dark, None, None


def _dog(u, v, phase):
    body = _ell(u, v, -0.05, 0.1, 0.75, 0.32) | _ell(u, v, 0.76, -0.3, 0.27, 0.25)
    body |= _ell(u, v, 1.0, -0.22, 0.2, 0.12)
    body |= _capsule(u, v, (-0.75, -0.05), (-1.0, -0.45 + 0.2 * math.sin(2 * phase)), 0.07)
    body |= _legs(u, v, (-0.55, -0.3, 0.3, 0.52), 0.3, 0.9, 0.11, 0.22, phase)
    # the ear, eye and nose lie inside the head, so the body in its colour stays one piece
    dark = (
        _ell(u, v, 0.68, -0.33, 0.07, 0.13) | _ell(u, v, 0.84, -0.36, 0.05, 0.05) | _ell(u, v, 1.18, -0.25, 0.05, 0.05)
    )
    return body, dark, None, None


def _horse(u, v, phase):
    body = _ell(u, v, -0.05, -0.02, 0.8, 0.3)
    body |= inside_polygon(u, v, [(0.42, -0.15), (0.72, -0.78), (0.95, -0.68), (0.78, 0.05)])
    body |= _capsule(u, v, (0.82, -0.74), (1.18, -0.5), 0.13)
    body |= _legs(u, v, (-0.62, -0.4, 0.38, 0.6), 0.15, 1.0, 0.09, 0.3, phase)
    dark = _capsule(u, v, (-0.82, -0.12), (-1.05, 0.45 + 0.08 * math.sin(phase)), 0.08)
    # the mane hugs the back of the neck rather than splitting it
    dark |= _capsule(u, v, (0.36, -0.2), (0.66, -0.86), 0.05) | _ell(u, v, 0.95, -0.7, 0.05, 0.05)
    return body, dark, None, None


def _bird(u, v, phase):
    body = _ell(u, v, 0.0, 0.0, 0.5, 0.27) | _ell(u, v, 0.45, -0.2, 0.2, 0.19)
    body |= inside_polygon(u, v, [(-0.42, -0.04), (-0.95, -0.25), (-0.95, 0.14)])
    tip = -0.05 - 0.85 * math.cos(phase)
    body |= inside_polygon(u, v, [(-0.25, -0.04), (0.22, -0.04), (-0.12, tip)])
    dark = inside_polygon(u, v, [(0.6, -0.27), (0.88, -0.2), (0.6, -0.13)]) | _ell(u, v, 0.5, -0.25, 0.05, 0.05)
    return body, dark, None, None


def _fish(u, v, phase):
    swish = 0.22 * math.sin(phase)
    body = _ell(u, v, 0.0, 0.0, 0.75, 0.38)
    body |= inside_polygon(u, v, [(-0.62, 0.0), (-1.1, -0.42 + swish), (-1.1, 0.42 + swish)])
    body |= inside_polygon(u, v, [(-0.25, -0.33), (0.15, -0.33), (-0.18, -0.62)])
    dark = _ell(u, v, 0.45, -0.08, 0.08, 0.08) | _capsule(u, v, (0.22, -0.2), (0.22, 0.2), 0.03)
    return body, dark, None, None


def _car(u, v, phase):
    body = inside_polygon(u, v, [(-1.0, -0.1), (1.0, -0.1), (1.0, 0.35), (-1.0, 0.35)])
    body |= inside_polygon(u, v, [(-0.55, -0.1), (-0.35, -0.5), (0.35, -0.5), (0.6, -0.1)])
    wheels = _ell(u, v, -0.6, 0.38, 0.22, 0.22) | _ell(u, v, 0.6, 0.38, 0.22, 0.22)
    spokes = np.zeros(u.shape, bool)
    for cx in (-0.6, 0.6):  # a spoke turning with the distance driven
        dx, dy = 0.18 * math.cos(phase), 0.18 * math.sin(phase)
        spokes |= _capsule(u, v, (cx - dx, 0.38 - dy), (cx + dx, 0.38 + dy), 0.04)
    dark = wheels & ~spokes
    light = inside_polygon(u, v, [(-0.45, -0.14), (-0.3, -0.42), (-0.05, -0.42), (-0.05, -0.14)])
    light |= inside_polygon(u, v, [(0.05, -0.14), (0.05, -0.42), (0.3, -0.42), (0.48, -0.14)])
    light |= _ell(u, v, 0.95, 0.05, 0.06, 0.08)
    return body, dark, light, None


def _boat(u, v, phase):
    body = inside_polygon(u, v, [(-1.0, -0.05), (1.05, -0.05), (0.7, 0.38), (-0.8, 0.38)])
    body |= inside_polygon(u, v, [(0.06, -0.95), (0.06, 0.0), (0.72, 0.0)])  # the sails reach the deck: one piece
    body |= inside_polygon(u, v, [(-0.06, -0.8), (-0.06, 0.0), (-0.55, 0.0)])
    dark = _capsule(u, v, (0.0, -0.05), (0.0, -1.0), 0.04) | _ell(u, v, 0.55, 0.12, 0.06, 0.06)
    return body, dark, None, None


def _rocket(u, v, phase):
    body = inside_polygon(u, v, [(-0.26, 0.6), (-0.26, -0.4), (0.0, -0.95), (0.26, -0.4), (0.26, 0.6)])
    body |= inside_polygon(u, v, [(-0.26, 0.15), (-0.58, 0.75), (-0.26, 0.6)]) | inside_polygon(
        u, v, [(0.26, 0.15), (0.58, 0.75), (0.26, 0.6)]
    )
    light = _ell(u, v, 0.0, -0.22, 0.13, 0.13)
    flame = inside_polygon(u, v, [(-0.18, 0.62), (0.18, 0.62), (0.0, 0.9 + 0.12 * math.sin(phase))])
    return body, None, light, flame


_DRAW = {
    "cat": _cat,
    "dog": _dog,
    "horse": _horse,
    "bird": _bird,
    "fish": _fish,
    "car": _car,
    "boat": _boat,
    "rocket": _rocket,
}


PATTERNS = ("plain", "stripes", "spots", "patch")


def _pattern(u, v, pattern: str):
    """A coat's markings in the entity's own units, so they move and turn with it."""
    if pattern == "stripes":
        return np.mod(u * 4.0, 1.0) < 0.35
    if pattern == "spots":
        return (np.mod(u * 3.3, 1.0) - 0.5) ** 2 + (np.mod(v * 3.3, 1.0) - 0.5) ** 2 < 0.06
    if pattern == "patch":
        return _ell(u, v, -0.2, 0.05, 0.35, 0.22)
    return None


def sprite_layers(
    kind: str,
    cx: float,
    cy: float,
    r: float,
    angle: float,
    phase: float,
    facing: int,
    h: int,
    w: int,
    pattern: str = "plain",
) -> dict[str, np.ndarray]:
    """Coverage in [0, 1] of `kind` centred at (cx, cy) with radius r in an (h, w) frame, by layer.

    Layers: "body" (all of the entity: its mask) and whichever of "dark", "light", "flame" it has;
    with a `pattern` (a pet's coat: PATTERNS), "pattern" too: the markings, under the details.
    `facing` is +1 (right) or -1 (left); `angle` tilts it (radians, clockwise).
    """
    if kind not in _DRAW:
        raise ValueError(kind)
    box = EXTENT * r + 1.0
    y0, y1 = max(int(math.floor(cy - box)), 0), min(int(math.ceil(cy + box)) + 1, h)
    x0, x1 = max(int(math.floor(cx - box)), 0), min(int(math.ceil(cx + box)) + 1, w)
    out = {"body": np.zeros((h, w), np.float32)}
    if y1 <= y0 or x1 <= x0:
        return out
    ys = y0 + (np.arange(2 * (y1 - y0)) + 0.5) / 2.0
    xs = x0 + (np.arange(2 * (x1 - x0)) + 0.5) / 2.0
    yy, xx = np.meshgrid(ys, xs, indexing="ij")
    du, dv = (xx - cx) / r, (yy - cy) / r
    ca, sa = math.cos(angle), math.sin(angle)
    u, v = (ca * du + sa * dv) * facing, -sa * du + ca * dv
    body, dark, light, flame = _DRAW[kind](u, v, phase)
    marks = _pattern(u, v, pattern)
    if marks is not None:
        marks = marks & body
        for m in (dark, light, flame):
            if m is not None:
                marks &= ~m
    for name, m in (("body", body), ("pattern", marks), ("dark", dark), ("light", light), ("flame", flame)):
        if m is None:
            continue
        if name != "body":
            body = body | m
        full = np.zeros((h, w), np.float32)
        full[y0:y1, x0:x1] = m.reshape(y1 - y0, 2, x1 - x0, 2).mean(axis=(1, 3))
        out[name] = full
    out["body"][y0:y1, x0:x1] = body.reshape(y1 - y0, 2, x1 - x0, 2).mean(axis=(1, 3))
    return out
