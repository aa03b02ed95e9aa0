"""Voice activity and a voice profile from the clip's audio (16 kHz mono float).

Energy/zero-crossing VAD: a 20 ms frame is voiced when it is well above the
clip's own noise floor and its zero-crossing rate is speech-like (voiced
sounds cross rarely, hiss crosses often). Voiced frames merge into segments
across gaps under 150 ms; a segment must last 120 ms, about one syllable.
A spoken digit gives one or two segments, so the count of segments must lie
between the number of digits and twice it, and each must be as short as a
spoken word (`digits_heard`): one long hum, music, or a sentence is not the
digits. It cannot tell which digits were said (no speech recogniser here);
that the mouth in the video moves with these segments is checked in
liveness.lip_sync.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

RATE = 16_000
FRAME = 320  # 20 ms
MIN_DBFS = -50.0  # quieter than this is silence whatever the floor
ABOVE_FLOOR_DB = 12.0
MAX_ZCR = 0.25  # crossings per sample; white noise is ~0.5, voiced speech < 0.15
MERGE_GAP_S = 0.15
MIN_SEGMENT_S = 0.12
PITCH_RANGE_HZ = (60.0, 400.0)
MAX_WORD_S = 1.2  # a digit said slowly ("seven") lasts ~0.7 s; a longer stretch of voice is not a digit


@dataclass(frozen=True)
class Voice:
    segments: list[tuple[float, float]]
    median_pitch_hz: float | None
    energy_db: float | None

    @property
    def profile(self) -> dict:
        return {
            "median_pitch_hz": None if self.median_pitch_hz is None else round(self.median_pitch_hz, 1),
            "energy_db": None if self.energy_db is None else round(self.energy_db, 1),
            "voiced_segments": len(self.segments),
            "voiced_s": round(float(sum(b - a for a, b in self.segments)), 2),
        }


def _pitch(frame: np.ndarray) -> float | None:
    """Autocorrelation pitch of one 40 ms window, None when it is not periodic enough."""
    x = frame - frame.mean()
    energy = float(np.dot(x, x))
    if energy <= 1e-9:
        return None
    corr = np.correlate(x, x, mode="full")[x.size - 1 :] / energy
    lo, hi = int(RATE / PITCH_RANGE_HZ[1]), int(RATE / PITCH_RANGE_HZ[0])
    lag = lo + int(np.argmax(corr[lo:hi]))
    return RATE / lag if corr[lag] > 0.3 else None


def analyse(audio: np.ndarray | None) -> Voice:
    if audio is None or audio.size < FRAME * 5:
        return Voice([], None, None)
    n = audio.size // FRAME
    frames = audio[: n * FRAME].reshape(n, FRAME).astype(np.float64)
    rms = np.sqrt((frames**2).mean(axis=1)) + 1e-10
    db = 20 * np.log10(rms)
    floor = float(np.percentile(db, 10))
    signs = np.signbit(frames)
    zcr = (signs[:, 1:] != signs[:, :-1]).mean(axis=1)
    voiced = (db > max(MIN_DBFS, floor + ABOVE_FLOOR_DB)) & (zcr < MAX_ZCR)

    period = FRAME / RATE
    segments: list[list[float]] = []
    for i in np.flatnonzero(voiced):
        start, end = i * period, (i + 1) * period
        if segments and start - segments[-1][1] <= MERGE_GAP_S:
            segments[-1][1] = end
        else:
            segments.append([start, end])
    kept = [(round(a, 3), round(b, 3)) for a, b in segments if b - a >= MIN_SEGMENT_S]
    if not kept:
        return Voice([], None, None)

    pitches = []
    for i in np.flatnonzero(voiced)[::2]:  # every other voiced frame is plenty for a median
        window = audio[i * FRAME : i * FRAME + 2 * FRAME]
        if window.size == 2 * FRAME:
            f0 = _pitch(window.astype(np.float64))
            if f0 is not None:
                pitches.append(f0)
    pitch = float(np.median(pitches)) if pitches else None
    return Voice(kept, pitch, float(np.median(db[voiced])))


def digits_heard(segments: list[tuple[float, float]], digits: int) -> str | None:
    """None when the voiced segments could be `digits` spoken digits; else the refusal code."""
    if len(segments) > 2 * digits or any(b - a > MAX_WORD_S for a, b in segments):
        return "digits_mismatch"
    if len(segments) < digits:
        return "digits_missing"
    return None
