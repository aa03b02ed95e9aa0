"""Model-free measurements of a clip against the ground truth of its scene spec.

Nothing here looks at the model: objects are found by colour (the palette is
saturated, backgrounds are muted), version 1's shapes by IoU against rendered
templates, and which of all the entities an object is by a small classifier
trained on the world's renders (identity.py),
motion by the track of a colour's centroid. evaluate.py aggregates these
per-clip verdicts; the sampler uses `detect_impacts` to tell the generation
service where sounds go.
"""

from __future__ import annotations

import functools
import math

import numpy as np

from . import sprites, world

PALETTE = np.array(list(world.COLOURS.values()), np.float32)  # (K, 3)
TOL = 70.0  # RGB distance: background/occluder/figure colours are all > 85 from every palette colour
CROP = 28


# ----------------------------------------------------------------------------
# Segmentation and tracking
# ----------------------------------------------------------------------------


def colour_labels(frames: np.ndarray) -> np.ndarray:
    """(T, H, W) int: index of the nearest palette colour within TOL, else -1."""
    d = np.linalg.norm(frames[..., None, :].astype(np.float32) - PALETTE, axis=-1)  # (T, H, W, K)
    lab = d.argmin(-1)
    lab[d.min(-1) > TOL] = -1
    return lab


def colour_region(frames: np.ndarray, colours: tuple[str, ...], grow: int = 1) -> np.ndarray:
    """(T, H, W) bool: the pixels of these palette colours, grown by `grow` pixels in each frame
    (what a recolouring remix draws again; everything else is kept)."""
    from scipy import ndimage

    region = np.isin(colour_labels(frames), [world.COLOUR_NAMES.index(c) for c in colours])
    if grow > 0 and region.any():
        size = 2 * grow + 1
        region = ndimage.binary_dilation(region, structure=np.ones((1, size, size), bool))
    return region


def _coverage(kind: str, cx: float, cy: float, r: float, pose: float, h: int, w: int) -> np.ndarray:
    """What of an entity shows in its own colour: a shape's coverage (pose: its angle), or a sprite's
    body without its details (pose: facing * (1 + gait phase in quarter turns), never 0)."""
    if kind not in sprites.SPRITES:
        return world.shape_alpha(kind, cx, cy, r, pose, h, w)
    facing, phase = (1 if pose > 0 else -1), (abs(pose) - 1) * math.pi / 2
    layers = sprites.sprite_layers(kind, cx, cy, r, 0.0, phase, facing, h, w)
    detail = sum((layers[k] for k in ("dark", "light", "flame") if k in layers), np.zeros((h, w), np.float32))
    return np.clip(layers["body"] - detail, 0.0, 1.0)


@functools.lru_cache(maxsize=256)
def expected_area(shape: str, r: float) -> float:
    return float(_coverage(shape, CROP / 2, CROP / 2, r, 1.0 if shape in sprites.SPRITES else 0.0, CROP, CROP).sum())


def track(labels: np.ndarray, colour: str, min_area: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per frame: area and centroid (x, y) of one colour; NaN where the area is under min_area."""
    k = world.COLOUR_NAMES.index(colour)
    t = labels.shape[0]
    area = np.zeros(t)
    xs, ys = np.full(t, np.nan), np.full(t, np.nan)
    from scipy import ndimage

    for f in range(t):
        # the largest 8-connected blob: a real object is one blob, noise is confetti
        lab, n = ndimage.label(labels[f] == k, structure=np.ones((3, 3)))
        if n == 0:
            continue
        biggest = np.bincount(lab.ravel())[1:].argmax() + 1
        yy, xx = np.nonzero(lab == biggest)
        area[f] = len(yy)
        if len(yy) >= min_area:
            xs[f], ys[f] = xx.mean() + 0.5, yy.mean() + 0.5
    return area, xs, ys


# ----------------------------------------------------------------------------
# Shape by template IoU
# ----------------------------------------------------------------------------

_ANGLES = {
    "ball": (0.0,),
    "ring": (0.0,),
    "cube": tuple(np.deg2rad(range(0, 90, 15))),
    "triangle": tuple(np.deg2rad(range(0, 120, 15))),
    "star": tuple(np.deg2rad(range(0, 72, 12))),
    # sprites: facing right (+) or left (-) at four points of the gait (see _coverage)
    **{kind: (1.0, 2.0, 3.0, 4.0, -1.0, -2.0, -3.0, -4.0) for kind in sprites.SPRITES},
}


@functools.lru_cache(maxsize=2048)
def _template(shape: str, r: float, angle: float) -> np.ndarray:
    """Coverage on a CROP x CROP grid with its centre of mass at the crop centre."""
    c = CROP / 2
    a = _coverage(shape, c, c, r, angle, CROP, CROP)
    yy, xx = np.mgrid[0:CROP, 0:CROP] + 0.5
    cy, cx = (a * yy).sum() / a.sum(), (a * xx).sum() / a.sum()
    return _coverage(shape, 2 * c - cx, 2 * c - cy, r, angle, CROP, CROP)


def classify_shape(mask: np.ndarray, r: float, candidates: tuple[str, ...] = world.SHAPES) -> tuple[str, float]:
    """Best-matching entity among `candidates` and its IoU for one object's (H, W) bool mask."""
    yy, xx = np.nonzero(mask)
    if len(yy) == 0:
        return "", 0.0
    cy, cx = int(round(yy.mean() + 0.5)), int(round(xx.mean() + 0.5))
    pad = np.pad(mask.astype(np.float32), CROP)
    crop = pad[cy + CROP - CROP // 2 : cy + CROP + CROP // 2, cx + CROP - CROP // 2 : cx + CROP + CROP // 2]
    best, best_iou = "", -1.0
    for shape in candidates:
        for s in (0.85, 1.0, 1.15):
            for ang in _ANGLES[shape]:
                tm = _template(shape, round(r * s, 3), ang)
                iou = np.minimum(crop, tm).sum() / max(np.maximum(crop, tm).sum(), 1e-6)
                if iou > best_iou:
                    best, best_iou = shape, float(iou)
    return best, best_iou


def identify(mask: np.ndarray, r: float, entities: tuple[str, ...]) -> str:
    """Which of `entities` an object's mask is: template IoU among version 1's shapes (as every
    committed evaluation was scored), the world-trained classifier (identity.py) once animals
    and vehicles are candidates."""
    if all(e in world.SHAPES for e in entities):
        return classify_shape(mask, r, entities)[0]
    from . import identity

    win = identity.window(mask)
    return identity.classify([win], entities)[0] if win is not None else ""


# ----------------------------------------------------------------------------
# Impacts (model-free; also used on generated clips by the sampler)
# ----------------------------------------------------------------------------


def detect_impacts(frames: np.ndarray, min_area: float = 12.0) -> list[int]:
    """Frames where a coloured object stops falling: downward motion that reverses or halts near the bottom."""
    labels = colour_labels(frames)
    h = frames.shape[1]
    impacts: set[int] = set()
    for colour in world.COLOUR_NAMES:
        area, xs, ys = track(labels, colour, min_area)
        if np.isnan(ys).sum() > len(ys) // 2:
            continue
        for f in range(1, len(ys) - 1):
            y0, y1, y2 = ys[f - 1], ys[f], ys[f + 1]
            if np.isnan([y0, y1, y2]).any() or y1 < h * 0.55:
                continue
            falling = y1 - y0 >= 1.0
            if falling and (y2 < y1 - 0.5 or abs(y2 - y1) < 0.5):
                impacts.add(f)
    return sorted(impacts)


# ----------------------------------------------------------------------------
# Per-clip verdicts against the ground truth
# ----------------------------------------------------------------------------


def _largest(mask: np.ndarray) -> np.ndarray:
    from scipy import ndimage

    lab, n = ndimage.label(mask, structure=np.ones((3, 3)))
    if n == 0:
        return mask
    return lab == np.bincount(lab.ravel())[1:].argmax() + 1


def _objects_separated(truth: world.GroundTruth, f: int) -> bool:
    n = len(truth.radii)
    for i in range(n):
        for j in range(i + 1, n):
            if np.linalg.norm(truth.centres[i, f] - truth.centres[j, f]) < truth.radii[i] + truth.radii[j] + 2:
                return False
    return True


def _clear_frames(spec: world.SceneSpec, truth: world.GroundTruth, k: int) -> list[int]:
    """Frames where object k is fully visible, inside the frame and apart from the others."""
    h, w = spec.hw
    out = []
    for f in range(spec.n_frames):
        x, y = truth.centres[k, f]
        r = truth.radii[k]
        inside = r <= x <= w - r and r <= y <= h - r + 1
        if truth.visible[k, f] >= 0.95 and inside and _objects_separated(truth, f):
            if truth.face_boxes is None or not _near_figure(truth, f, x, r):
                out.append(f)
    return out


def _near_figure(truth, f, x, r):
    for boxes in truth.cameo_boxes or (truth.face_boxes,):
        y0, x0, y1, x1 = boxes[f]
        if x0 - r - 5 < x < x1 + r + 5:
            return True
    return False


def score_clip(
    frames: np.ndarray,
    spec: world.SceneSpec,
    truth: world.GroundTruth,
    reference: np.ndarray | list[np.ndarray] | None = None,
    real_frames: np.ndarray | None = None,
    entities: tuple[str, ...] | None = None,
) -> dict[str, float]:
    """Verdicts in [0, 1] for what the spec asks; a key is absent where the scene does not test it.

    `shape` is identity: the entity each object looks like, among `entities` (by default the
    shapes, or every entity of the grown world when the scene has one of its animals or vehicles).
    """
    if entities is None:
        entities = world.ALL_ENTITIES if any(o.shape in sprites.SPRITES for o in spec.objects) else world.SHAPES
    labels = colour_labels(frames)
    out: dict[str, float] = {}
    colour_ok, shape_ok, motion_ok = [], [], []
    tracks = []
    for k, o in enumerate(spec.objects):
        r = truth.radii[k]
        area_exp = expected_area(o.shape, r)
        area, xs, ys = track(labels, o.colour, 0.35 * area_exp)
        tracks.append((xs, ys))
        clear = _clear_frames(spec, truth, k)
        if clear:
            colour_ok.append(np.mean([0.35 * area_exp <= area[f] <= 2.5 * area_exp for f in clear]) >= 0.6)
            sample = clear[:: max(1, len(clear) // 5)][:5]
            k_lab = world.COLOUR_NAMES.index(o.colour)
            votes = [
                area[f] >= 0.35 * area_exp and identify(_largest(labels[f] == k_lab), r, entities) == o.shape
                for f in sample
            ]
            shape_ok.append(np.mean(votes) > 0.5)
        if o.motion == "bouncing" and not _rebounds(truth.centres[k, :, 1], truth, k):
            continue  # too short (or too tall a frame) to show a rebound: not tested
        motion_ok.append(_motion_ok(o, k, xs, ys, spec, truth, tracks))
    if colour_ok:
        out["colour"] = float(np.mean(colour_ok))
    if shape_ok:
        out["shape"] = float(np.mean(shape_ok))
    if spec.objects:
        if spec.objects[0].motion == "colliding":
            real = [(truth.centres[i, :, 0], truth.centres[i, :, 1]) for i in (0, 1)]
            pair = [_collision_ok(tracks[0], tracks[1], truth)] if _collision_ok(*real, truth) else []
            motion_ok = pair + motion_ok[2:]
        if motion_ok:
            out["motion"] = float(np.mean(motion_ok))
        count = _count_ok(labels, spec, truth)
        if count is not None:
            out["count"] = count
    bouncing = [k for k, o in enumerate(spec.objects) if o.motion == "bouncing"]
    # physics is judged only where the true trajectory shows two impacts a parabola apart
    bouncing = [k for k in bouncing if _bounce_ok(truth.centres[k, :, 1], truth, k)]
    if bouncing:
        out["bounce"] = float(np.mean([_bounce_ok(tracks[k][1], truth, k) for k in bouncing]))
    if spec.occluder and spec.objects:
        out["permanence"] = _permanence_ok(labels, spec, truth)
    references = list(reference) if isinstance(reference, (list, tuple)) else [reference]
    if spec.cameo is not None and reference is not None and len(spec.cameos) == 1:
        if spec.cameo.form == "person":
            out["cameo"] = cameo_fidelity(frames, references[0])
        else:
            out["cameo"] = pet_fidelity(frames, spec, truth, references[0])
    elif len(spec.cameos) > 1 and reference is not None:
        # several people: each face is looked for on its own (cameo), and each person where they are (people)
        if len(references) != len(spec.cameos) or any(c.form != "person" for c in spec.cameos):
            raise ValueError("several cameos are scored as people, with one reference each")
        out["cameo"] = float(np.mean([cameo_fidelity(frames, r) for r in references]))
        out["people"] = people_placed(frames, truth, references)
    if real_frames is not None:
        out["flicker"] = min(1.0, (flicker(real_frames) + 1.0) / (flicker(frames) + 1.0))
    return out


def _displacement(xs, ys):
    ok = ~np.isnan(xs)
    idx = np.nonzero(ok)[0]
    if len(idx) < 3:
        return None
    third = max(1, len(idx) // 3)
    a, b = idx[:third], idx[-third:]
    return np.array([np.median(xs[b]) - np.median(xs[a]), np.median(ys[b]) - np.median(ys[a])]), (a, b)


def _motion_ok(o, k, xs, ys, spec, truth, tracks) -> bool:
    if o.motion == "colliding":
        return True  # judged on the pair
    if o.motion == "bouncing":
        return _rebounds(ys, truth, k)
    return _follows(xs, ys, truth.centres[k, :, 0], truth.centres[k, :, 1])


def _follows(xs, ys, cx, cy) -> bool:
    """The tracked centroid travels the way the true one does (from its first third to its last)."""
    got = _displacement(xs, ys)
    if got is None:
        return False
    d, (a, b) = got
    want = np.array([np.median(cx[b]) - np.median(cx[a]), np.median(cy[b]) - np.median(cy[a])])
    if np.linalg.norm(want) < 2:
        return bool(np.linalg.norm(d) < 4)
    cos = d @ want / (np.linalg.norm(d) * np.linalg.norm(want) + 1e-6)
    return bool(cos >= 0.7 and np.linalg.norm(d) >= 0.4 * np.linalg.norm(want))


def _rebounds(ys, truth, k) -> bool:
    """It comes down near the floor and goes back up at least once."""
    floor = truth.floor_y - truth.radii[k]
    valid = ~np.isnan(ys)
    if valid.sum() < len(ys) * 0.6:
        return False
    y = np.where(valid, ys, np.nanmax(ys))
    low = np.nonzero(y >= floor - 3)[0]
    if len(low) == 0:
        return False
    return bool((y[low[0] :] < floor - 3).any() and y[0] < floor - 5)


def _bounce_ok(ys, truth, k) -> bool:
    """Between two impacts the height is a parabola (RMS < 1.2 px, opening the right way) and energy is lost."""
    floor = truth.floor_y - truth.radii[k]
    if np.isnan(ys).any():
        return False
    imp = [f for f in range(1, len(ys) - 1) if ys[f] >= floor - 2.5 and ys[f] >= ys[f - 1] and ys[f] >= ys[f + 1]]
    if len(imp) < 2:
        return False
    a, b = imp[0], imp[1]
    if b - a < 3:
        return False
    t = np.arange(a, b + 1, dtype=float)
    seg = ys[a : b + 1]
    coef = np.polyfit(t, seg, 2)
    rms = math.sqrt(np.mean((np.polyval(coef, t) - seg) ** 2))
    drop = floor - ys[0]
    rise = floor - seg.min()
    return bool(coef[0] > 0 and rms < 1.2 and 1.0 < rise < drop + 1.0)


def _collision_ok(ta, tb, truth) -> bool:
    """The pair closes to touching and then separates."""
    xa, ya = ta
    xb, yb = tb
    ok = ~np.isnan(xa) & ~np.isnan(xb)
    if ok.sum() < 4:
        return False
    d = np.abs(xa - xb)[ok]
    touch = truth.radii[0] + truth.radii[1]
    i = int(d.argmin())
    return bool(d[i] <= touch + 3 and d[0] >= d[i] + 3 and d[-1] >= d[i] + 3 and 0 < i < len(d) - 1)


def _count_ok(labels, spec, truth) -> float | None:
    from scipy import ndimage

    frames = [f for f in range(spec.n_frames) if _objects_separated(truth, f) and (truth.visible[:, f] >= 0.95).all()]
    if not frames:
        return None
    min_area = 0.3 * min(expected_area(o.shape, r) for o, r in zip(spec.objects, truth.radii)) if spec.objects else 12.0
    counts = []
    for f in frames:
        lab, n = ndimage.label(labels[f] >= 0, structure=np.ones((3, 3)))
        sizes = np.bincount(lab.ravel())[1:]
        counts.append(int((sizes >= min_area).sum()))
    return float(int(np.median(counts)) == len(spec.objects))


def _permanence_ok(labels, spec, truth) -> float:
    """The object that goes behind the occluder comes back out, same colour, on the far side."""
    o = spec.objects[0]
    vis = truth.visible[0]
    hidden = np.nonzero(vis < 0.5)[0]
    if len(hidden) == 0:
        return float("nan")
    after = [f for f in range(hidden[-1] + 1, spec.n_frames) if vis[f] >= 0.9]
    if not after:
        return float("nan")
    area_exp = expected_area(o.shape, truth.radii[0])
    area, xs, ys = track(labels, o.colour, 0.35 * area_exp)
    occ_centre = np.mean(truth.occluder_x) - spec.pan * np.arange(spec.n_frames)
    side = np.sign(truth.centres[0, after, 0] - occ_centre[after])
    seen = [not np.isnan(xs[f]) and np.sign(xs[f] - occ_centre[f]) == s for f, s in zip(after, side)]
    return float(np.mean(seen) >= 0.5)


SEAM_POSITION_TOL = 4.0  # px: where the first drawn frame puts an object, against the truth
SEAM_VELOCITY_TOL = 2.5  # px per frame: its step across the joint, against the truth's


def seam_continuity(
    frames: np.ndarray, spec: world.SceneSpec, truth: world.GroundTruth, offset: int, seam: tuple[int, int]
) -> float | None:
    """Does a clip drawn to continue known frames carry the objects on across the joint?

    `frames[i]` stands for the truth's frame `i + offset`; `seam` = (a, b) are the
    first two drawn frames next to the known ones (a beside the joint: a = k, b = k + 1
    for an extension forwards of k known frames, a = n - k - 1, b = a - 1 backwards).
    Each object clearly in view in the truth at both frames must be found in the
    drawn ones (its colour, an area its shape could have), at the truth's position
    within SEAM_POSITION_TOL, moving by the truth's step within SEAM_VELOCITY_TOL.
    1.0 when every such object does, 0.0 otherwise, None when no object is in view.
    """
    a, b = seam
    labels = colour_labels(frames[[a, b]])
    verdicts = []
    for k, o in enumerate(spec.objects):
        clear = set(_clear_frames(spec, truth, k))
        if a + offset not in clear or b + offset not in clear:
            continue
        area_exp = expected_area(o.shape, truth.radii[k])
        area, xs, ys = track(labels, o.colour, 0.35 * area_exp)
        found = all(0.35 * area_exp <= area[i] <= 2.5 * area_exp for i in (0, 1))
        if not found:
            verdicts.append(False)
            continue
        got = np.array([[xs[0], ys[0]], [xs[1], ys[1]]])
        want = truth.centres[k, [a + offset, b + offset]]
        position = np.linalg.norm(got[0] - want[0]) <= SEAM_POSITION_TOL
        velocity = np.linalg.norm((got[1] - got[0]) - (want[1] - want[0])) <= SEAM_VELOCITY_TOL
        verdicts.append(bool(position and velocity))
    return float(all(verdicts)) if verdicts else None


def image_kept(frames: np.ndarray, spec: world.SceneSpec, truth: world.GroundTruth, drawn: range) -> float | None:
    """Image to video: are the objects of the given first frame still there, where the scene has them?

    `frames[i]` stands for the truth's frame i (frame 0 is the image). Each object
    clearly in view in the image and in the truth at the drawn frames must be
    found (its colour, an area its shape could have) within SEAM_POSITION_TOL of
    the truth's place in at least two of every three drawn frames. 1.0 when every
    such object is, 0.0 otherwise, None when the image shows none.
    """
    idx = list(drawn)
    labels = colour_labels(frames[idx])
    verdicts = []
    for k, o in enumerate(spec.objects):
        clear = set(_clear_frames(spec, truth, k))
        if 0 not in clear or not all(f in clear for f in idx):
            continue
        area_exp = expected_area(o.shape, truth.radii[k])
        area, xs, ys = track(labels, o.colour, 0.35 * area_exp)
        hits = [
            0.35 * area_exp <= area[i] <= 2.5 * area_exp
            and np.linalg.norm(np.array([xs[i], ys[i]]) - truth.centres[k, f]) <= SEAM_POSITION_TOL
            for i, f in enumerate(idx)
        ]
        verdicts.append(3 * sum(hits) >= 2 * len(hits))
    return float(all(verdicts)) if verdicts else None


def drawn_motion(
    frames: np.ndarray, spec: world.SceneSpec, truth: world.GroundTruth, offset: int, drawn: range
) -> float | None:
    """Do the drawn frames of an extension keep moving the way the scene does?

    For each object that travels in a straight line (left, right, up, down,
    rolling), the same test as score_clip's motion on the drawn frames alone
    (`frames[i]` standing for the truth's frame `i + offset`). None when no such object.
    """
    idx = list(drawn)
    labels = colour_labels(frames[idx])
    truth_idx = [i + offset for i in idx]
    verdicts = []
    for k, o in enumerate(spec.objects):
        if o.motion not in ("left", "right", "up", "down", "rolling"):
            continue
        _, xs, ys = track(labels, o.colour, 0.35 * expected_area(o.shape, truth.radii[k]))
        verdicts.append(_follows(xs, ys, truth.centres[k, truth_idx, 0], truth.centres[k, truth_idx, 1]))
    return float(np.mean(verdicts)) if verdicts else None


def flicker(frames: np.ndarray) -> float:
    """Mean absolute temporal second difference (0-255 scale): high when frames jitter."""
    f = frames.astype(np.float32)
    if len(f) < 3:
        return 0.0
    return float(np.abs(f[2:] - 2 * f[1:-1] + f[:-2]).mean())


def _coat(pixels: np.ndarray) -> np.ndarray:
    """A coarse colour histogram (4 levels a channel, normalised) of a pet's pixels: its coat, its
    markings, eyes and ears in the proportions the animal has them."""
    q = np.clip(pixels.reshape(-1, 3).astype(np.int32) // 64, 0, 3)
    hist = np.bincount(q[:, 0] * 16 + q[:, 1] * 4 + q[:, 2], minlength=64).astype(np.float32)
    return hist / max(hist.sum(), 1.0)


def _coat_colour(reference: np.ndarray) -> np.ndarray:
    """The coat histogram of a pet's picture: what is not the plain wall behind it."""
    ref = reference.reshape(-1, 3).astype(np.float32)
    pet = np.linalg.norm(ref - np.asarray(world.REF_BACKGROUND, np.float32), axis=1) > 40
    return _coat(ref[pet] if pet.any() else ref)


PET_DIFF = 30.0  # summed RGB difference from the plate that counts as drawn
COAT_OVERLAP = 0.45  # share of the drawn pet's colour histogram that its picture's must match


def pet_fidelity(frames: np.ndarray, spec: world.SceneSpec, truth: world.GroundTruth, reference: np.ndarray) -> float:
    """Share of frames where the pet is drawn as itself: its animal's silhouette, in its picture's coat.

    What was drawn is what differs from the same scene rendered without the pet (the world gives
    that plate), near where the pet truly is; only frames with the true pet wholly in view count.
    """
    from dataclasses import replace

    from scipy import ndimage

    plate, _ = world.render(replace(spec, cameo=None))
    coat, form, r = _coat_colour(reference), spec.cameo.form, world.PET_RADIUS
    h, w = spec.hw
    pad = int(r)
    scores = []
    for f in range(min(len(frames), len(plate))):
        y0, x0, y1, x1 = (int(v) for v in truth.face_boxes[f])
        if y0 < 1 or x0 < 1 or x1 > w - 1 or y1 > h:
            continue
        ys, xs = slice(max(y0 - pad, 0), min(y1 + pad, h)), slice(max(x0 - pad, 0), min(x1 + pad, w))
        window = frames[f, ys, xs].astype(np.float32)
        drawn = np.abs(window - plate[f, ys, xs]).sum(axis=-1) > PET_DIFF
        drawn = ndimage.binary_fill_holes(_largest(drawn))
        if drawn.sum() < 0.3 * expected_area(form, r):
            scores.append(0.0)
            continue
        coat_ok = np.minimum(_coat(window[drawn]), coat).sum() >= COAT_OVERLAP
        scores.append(float(coat_ok and identify(drawn, r, world.PET_FORMS) == form))
    return float(np.mean(scores)) if scores else float("nan")


def _face_vector(reference: np.ndarray) -> np.ndarray:
    face = world._resize(np.asarray(reference, np.uint8), world.FACE_PX).astype(np.float32).ravel()
    return (face - face.mean()) / (np.linalg.norm(face - face.mean()) + 1e-6)


def _ncc_map(frame: np.ndarray, face: np.ndarray) -> np.ndarray:
    """(H-p+1, W-p+1): the normalised cross-correlation of a face vector with the window at each top-left corner."""
    p = world.FACE_PX
    win = np.lib.stride_tricks.sliding_window_view(frame.astype(np.float32), (p, p, 3))[:, :, 0]  # (H', W', p, p, 3)
    rows, cols = win.shape[:2]
    win = win.reshape(rows * cols, -1)
    win = win - win.mean(1, keepdims=True)
    return (win @ face / (np.linalg.norm(win, axis=1) + 1e-6)).reshape(rows, cols)


def cameo_fidelity(frames: np.ndarray, reference: np.ndarray) -> float:
    """Mean over frames of the best normalised cross-correlation between the reference face and any face-sized window."""
    face = _face_vector(reference)
    return float(np.mean([_ncc_map(fr, face).max() for fr in frames]))


def people_placed(frames: np.ndarray, truth: world.GroundTruth, references: list, margin: int = 3) -> float:
    """Share of the people drawn where they are with their own face.

    For each person, near their face's true place (within `margin` pixels) in each frame, their own
    face must match better than every other person's face; a person counts when it does in at least
    half the frames. The best match anywhere (cameo_fidelity) cannot tell a face drawn twice, or one
    face standing in for all, from everyone drawn: this can.
    """
    faces = [_face_vector(r) for r in references]
    maps = [[_ncc_map(frame, face) for face in faces] for frame in frames]  # per frame, per face: once
    placed = []
    for k, boxes in enumerate(truth.cameo_boxes):
        hits = []
        for f in range(len(frames)):
            y0, x0 = int(boxes[f][0]), int(boxes[f][1])
            rows = slice(max(y0 - margin, 0), max(y0 + margin + 1, 0))
            cols = slice(max(x0 - margin, 0), max(x0 + margin + 1, 0))
            near = [m[rows, cols].max() if m[rows, cols].size else -1.0 for m in maps[f]]
            hits.append(near[k] > max(v for j, v in enumerate(near) if j != k))
        placed.append(np.mean(hits) >= 0.5)
    return float(np.mean(placed))
