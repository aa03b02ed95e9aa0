"""Liveness: does the face track follow the challenged head moves, in order?

Directions are the person's own: "left" is the person's left, which in an
unmirrored recording (what phones store, and what PyAV decodes) is towards
the image's right, i.e. increasing x. "up" is towards the top of the image.

Each sampled frame gives a displacement from the first frames' pose, in face
sizes: the face box's shift plus the landmarks' yaw/pitch change. A real head
turn moves both; the box shift alone also follows a turn, which is what keeps
this working when the 68-point pose is noisy on small faces.

A photo slid, scaled or turned in front of the lens also shifts the box, so
each move must also show depth (`depth_of_moves`). A head turn is a rotation
of a solid: the nose swings out of the plane of the eyes, brows and cheeks,
so the landmarks of a turned face are not the frontal ones seen through any
plane-to-plane mapping. A photo is a plane, and every view of a plane through
a camera is a homography of it. The miss of the best homography from the
frontal landmarks to each frame's (plus half the nose's miss from the
homography of the eyes and brows), in interocular distances, is that frame's
depth. On the synthetic captures of the tests (320x240): the astronaut's
print slid, scaled or tilted by 34 degrees 0.027-0.040, her head turning or
nodding 0.09-0.16, heads of the small lfw faces 0.054-0.34. Prints of those
blurry faces reach 0.03-0.115: their landmarks wander with the print's pose,
and for them the lip check below is what refuses the print.

The mouth moves with the voice (`lip_sync`): the lips' opening in the
frames where the voice is heard, against the frames where it is not.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MOVES = ("left", "right", "up", "down")
# Displacement (in face sizes) that counts as a move: a natural head turn
# shifts the face ~0.4-0.8 face widths in a selfie clip; hand tremor and
# detector jitter stay under 0.1.
MOVE_THRESHOLD = 0.25
MIN_MOVE_S = 0.25  # shorter excursions are jitter, not a move
YAW_GAIN = 1.0  # yaw is in jaw widths, roughly commensurate with box shift in face sizes
PITCH_GAIN = 1.0
BASELINE_FRAMES = 3
# Depth a move must show (median over its frames, in interocular distances): a
# plane seen through a camera stays at the landmarks' noise (see the docstring).
PARALLAX_MIN = 0.045
# The landmarks that move only with the head: the jaw line above the mouth,
# brows, nose and eyes. The lips and chin move with speech, so they stay out.
RIGID = np.r_[0:4, 13:48]
EYES_AND_BROWS = np.r_[17:27, 36:48]
NOSE_TIP = np.r_[30:36]
# How much more open the mouth is where the voice is heard than where it is
# not, in nose lengths (see `mouth_opening`).
LIP_SYNC_MIN = 0.05
VOICE_MARGIN_S = 0.05  # a frame this close to a voiced segment counts as voiced


@dataclass(frozen=True)
class PosePoint:
    t: float
    cx: float
    cy: float
    size: float
    yaw: float
    pitch: float
    landmarks: np.ndarray | None = None  # (68, 2) in the analysed frame


@dataclass(frozen=True)
class Liveness:
    moves_seen: list[str]
    max_displacement: float  # in face sizes
    spans: tuple[tuple[str, float, float], ...] = ()  # each move seen: (label, first t, last t)


def _label(dx: float, dy: float) -> str | None:
    if max(abs(dx), abs(dy)) < MOVE_THRESHOLD:
        return None
    if abs(dx) >= abs(dy):
        return "left" if dx > 0 else "right"
    return "up" if dy < 0 else "down"


def moves_from_track(track: list[PosePoint], *, sample_period_s: float) -> Liveness:
    if len(track) < BASELINE_FRAMES + 1:
        return Liveness([], 0.0)
    base = track[:BASELINE_FRAMES]
    cx0, cy0 = np.median([p.cx for p in base]), np.median([p.cy for p in base])
    s0 = float(np.median([p.size for p in base]))
    yaw0, pitch0 = np.median([p.yaw for p in base]), np.median([p.pitch for p in base])

    labels, peak = [], 0.0
    for p in track:
        dx = (p.cx - cx0) / s0 + YAW_GAIN * (p.yaw - yaw0)
        dy = (p.cy - cy0) / s0 + PITCH_GAIN * (p.pitch - pitch0)
        peak = max(peak, float(np.hypot(dx, dy)))
        labels.append((p.t, _label(dx, dy)))

    # Runs of one label; a run shorter than MIN_MOVE_S is dropped so it neither
    # counts as a move nor splits a move in two.
    runs: list[tuple[str | None, float, float]] = []
    for t, label in labels:
        if runs and runs[-1][0] == label:
            runs[-1] = (label, runs[-1][1], t)
        else:
            runs.append((label, t, t))
    kept = [r for r in runs if (r[2] - r[1] + sample_period_s) >= MIN_MOVE_S]
    moves: list[str] = []
    spans: list[tuple[str, float, float]] = []
    previous: str | None = "start"
    for label, start, end in kept:
        if label is not None and label != previous:
            moves.append(label)
            spans.append((label, start, end))
        elif label is not None and spans and spans[-1][0] == label:
            spans[-1] = (label, spans[-1][1], end)  # the same move, on either side of a dropped blip
        previous = label
    return Liveness(moves, round(peak, 3), tuple(spans))


def interocular(landmarks: np.ndarray) -> float:
    return max(float(np.linalg.norm(landmarks[36:42].mean(0) - landmarks[42:48].mean(0))), 1.0)


def _conditioning(points: np.ndarray) -> np.ndarray:
    """Hartley's normalisation: centred, mean distance sqrt(2), so the fit is well conditioned."""
    centre = points.mean(axis=0)
    spread = np.sqrt(((points - centre) ** 2).sum(axis=1).mean()) or 1.0
    k = np.sqrt(2.0) / spread
    return np.array([[k, 0.0, -k * centre[0]], [0.0, k, -k * centre[1]], [0.0, 0.0, 1.0]])


def homography(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The 3x3 homography that best maps `source` points onto `target` (normalised DLT)."""
    ts, tt = _conditioning(source), _conditioning(target)
    p = (np.c_[source, np.ones(len(source))] @ ts.T)[:, :2]
    q = (np.c_[target, np.ones(len(target))] @ tt.T)[:, :2]
    a = np.zeros((2 * len(p), 9))
    a[0::2, 0:2], a[0::2, 2], a[0::2, 6:8], a[0::2, 8] = -p, -1.0, q[:, :1] * p, q[:, 0]
    a[1::2, 3:5], a[1::2, 5], a[1::2, 6:8], a[1::2, 8] = -p, -1.0, q[:, 1:] * p, q[:, 1]
    return np.linalg.inv(tt) @ np.linalg.svd(a)[2][-1].reshape(3, 3) @ ts


def _miss(h: np.ndarray, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per point, how far `target` is from `source` mapped by `h` (pixels)."""
    mapped = np.c_[source, np.ones(len(source))] @ h.T
    w = mapped[:, 2:3]
    w = np.where(np.abs(w) < 1e-9, 1e-9, w)
    return np.linalg.norm(mapped[:, :2] / w - target, axis=1)


def depth(frontal: np.ndarray, seen: np.ndarray) -> float:
    """How far a face's landmarks are from any plane-to-plane view of its frontal ones, in pixels.

    Two views of non-planarity, summed: the RMS miss of the best homography over all
    the head's rigid points, and half the miss of the nose tip and nostrils from the
    homography of the eyes and brows (the nose stands out of their plane).
    """
    whole = _miss(homography(frontal[RIGID], seen[RIGID]), frontal[RIGID], seen[RIGID])
    eyes = homography(frontal[EYES_AND_BROWS], seen[EYES_AND_BROWS])
    nose = _miss(eyes, frontal[NOSE_TIP], seen[NOSE_TIP])
    return float(np.sqrt((whole**2).mean()) + nose.mean() / 2)


def depth_of_moves(track: list[PosePoint], live: Liveness) -> list[float]:
    """Per move seen, the median depth of its frames in interocular distances."""
    points = [p for p in track if p.landmarks is not None]
    if len(points) < BASELINE_FRAMES + 1:
        return [0.0 for _ in live.spans]
    frontal = np.median(np.stack([p.landmarks for p in points[:BASELINE_FRAMES]]), axis=0).astype(np.float64)
    scale = interocular(frontal)
    depths = []
    for _, start, end in live.spans:
        inside = [depth(frontal, p.landmarks.astype(np.float64)) for p in points if start <= p.t <= end]
        depths.append(round(float(np.median(inside)) / scale, 4) if inside else 0.0)
    return depths


def mouth_opening(landmarks: np.ndarray) -> float:
    """The inner lips' gap (mean of three pairs) plus the outer lips' height, in nose lengths.

    Vertical over vertical: a head turn narrows the face (so a width as the unit would
    make a shut mouth look open at every turn) and a nod shortens both alike.
    """
    inner = np.mean([np.linalg.norm(landmarks[a] - landmarks[b]) for a, b in ((61, 67), (62, 66), (63, 65))])
    outer = np.linalg.norm(landmarks[51] - landmarks[57])
    nose = max(float(np.linalg.norm(landmarks[27] - landmarks[33])), 1.0)
    return float(inner + outer) / nose


def lip_sync(track: list[PosePoint], segments: list[tuple[float, float]]) -> float | None:
    """Mean mouth opening in voiced frames minus that in silent ones; None with under two of either."""
    voiced, silent = [], []
    for p in track:
        if p.landmarks is None:
            continue
        heard = any(a - VOICE_MARGIN_S <= p.t <= b + VOICE_MARGIN_S for a, b in segments)
        (voiced if heard else silent).append(mouth_opening(p.landmarks))
    if len(voiced) < 2 or len(silent) < 2:
        return None
    return round(float(np.mean(voiced) - np.mean(silent)), 4)
