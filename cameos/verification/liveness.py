"""Liveness: does the face track follow the challenged head moves, in order?

Directions are the person's own: "left" is the person's left, which in an
unmirrored recording (what phones store, and what PyAV decodes) is towards
the image's right, i.e. increasing x. "up" is towards the top of the image.

Each sampled frame gives a displacement from the first frames' pose, in face
sizes: the face box's shift plus the landmarks' yaw/pitch change. A real head
turn moves both; the box shift alone also follows a turn, which is what keeps
this working when the 68-point pose is noisy on small faces. The honest limit:
a printed photo moved about by hand also shifts the box; a photo held still
is what this rejects.
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


@dataclass(frozen=True)
class PosePoint:
    t: float
    cx: float
    cy: float
    size: float
    yaw: float
    pitch: float


@dataclass(frozen=True)
class Liveness:
    moves_seen: list[str]
    max_displacement: float  # in face sizes


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
    previous: str | None = "start"
    for label, _, _ in kept:
        if label is not None and label != previous:
            moves.append(label)
        previous = label
    return Liveness(moves, round(peak, 3))
