"""The soundtrack: impact sound effects over an ambience bed that matches the scene.

Everything is synthesised with numpy (filters are done in the frequency
domain over the whole clip, which for a few seconds of audio is cheaper and
simpler than IIR sections). Deterministic: the random generator is seeded
from the inputs, never from the clock or Python's salted ``hash``.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np

SCENES = ("night", "grass", "beach", "underwater", "plain")

# Order matters: the first scene whose words appear wins ("a fish at night
# under the sea" is underwater, not night).
_SCENE_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "underwater",
        (
            "underwater",
            "under water",
            "under the sea",
            "undersea",
            "ocean floor",
            "seabed",
            "reef",
            "fish",
            "submarine",
            "diver",
            "diving",
            "aquarium",
            "coral",
            "scuba",
        ),
    ),
    ("beach", ("beach", "seaside", "shore", "coast", "sand", "sandy", "surf", "waves", "ocean", "sea", "tide")),
    (
        "night",
        (
            "night",
            "nighttime",
            "midnight",
            "moon",
            "moonlit",
            "stars",
            "starry",
            "dark",
            "evening",
            "dusk",
            "nocturnal",
        ),
    ),
    (
        "grass",
        (
            "grass",
            "grassy",
            "meadow",
            "field",
            "lawn",
            "park",
            "garden",
            "forest",
            "prairie",
            "pasture",
            "hill",
            "outdoors",
            "countryside",
        ),
    ),
)


def scene_from_prompt(prompt: str) -> str:
    """A scene hint from prompt keywords; "plain" when nothing matches."""
    text = " " + re.sub(r"[^a-z]+", " ", (prompt or "").lower()) + " "
    for scene, words in _SCENE_WORDS:
        if any(f" {w} " in text for w in words):
            return scene
    return "plain"


def audio_length(n_frames: int, fps: float, sample_rate: int) -> int:
    """Samples covering exactly n_frames / fps seconds (rounded to a whole sample)."""
    return int(round(n_frames * sample_rate / fps))


def synth_audio(
    *,
    n_frames: int,
    fps: float,
    impacts: Iterable[int],
    scene: str,
    sample_rate: int = 48000,
    voice_profile: Mapping[str, Any] | None = None,
) -> np.ndarray:
    """Mono float32 in [-1, 1], ``audio_length(n_frames, fps, sample_rate)`` samples long.

    ``impacts`` are frame indexes at ``fps`` (the same frames ``n_frames``
    counts); each gets a thump at the start of its frame. Unknown scenes fall
    back to "plain". ``voice_profile`` is accepted for the cameo voice work and
    not used yet: nothing here speaks.
    """
    if scene not in SCENES:
        scene = "plain"
    impacts = sorted({int(i) for i in impacts if 0 <= int(i) < n_frames})
    n = audio_length(n_frames, fps, sample_rate)
    if n == 0:
        return np.zeros(0, dtype=np.float32)
    key = f"{n_frames}|{fps}|{sample_rate}|{scene}|{impacts}".encode()
    rng = np.random.default_rng(zlib.crc32(key))

    bed = _AMBIENCE[scene](n, sample_rate, rng)
    bed *= 0.05 / max(_rms(bed), 1e-9)  # ambience ~ -26 dBFS RMS: heard, but ~10 dB under the hits

    fx = np.zeros(n, dtype=np.float64)
    for frame in impacts:
        start = int(round(frame * sample_rate / fps))
        hit = _thump(sample_rate, rng, strength=0.6 + 0.3 * rng.random())
        end = min(n, start + hit.size)
        fx[start:end] += hit[: end - start]

    mix = bed + fx
    peak = float(np.max(np.abs(mix)))
    if peak > 0.95:  # several hits stacked: scale down rather than clip
        mix *= 0.95 / peak
    return mix.astype(np.float32)


# --- Building blocks --------------------------------------------------------


def _rms(x: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(x)))) if x.size else 0.0


def _band(x: np.ndarray, sr: int, low: float | None, high: float | None, order: int = 2) -> np.ndarray:
    """Butterworth-shaped magnitude response applied in the frequency domain (zero phase)."""
    spec = np.fft.rfft(x)
    f = np.fft.rfftfreq(x.size, 1.0 / sr)
    gain = np.ones_like(f)
    if high is not None:
        gain /= np.sqrt(1.0 + (f / high) ** (2 * order))
    if low is not None:
        with np.errstate(divide="ignore"):
            gain /= np.sqrt(1.0 + (low / np.maximum(f, 1e-6)) ** (2 * order))
    return np.fft.irfft(spec * gain, n=x.size)


def _smooth_noise(n: int, sr: int, rng: np.random.Generator, rate_hz: float) -> np.ndarray:
    """A slowly varying control signal in [0, 1] (for gusts, swells, pulses)."""
    points = max(2, int(n / sr * rate_hz) + 2)
    knots = rng.random(points)
    curve = np.interp(np.linspace(0, points - 1, n), np.arange(points), knots)
    return curve


def _thump(sr: int, rng: np.random.Generator, *, strength: float) -> np.ndarray:
    """One impact: a pitch-dropping decaying sine (the body) plus a filtered noise click (the contact).

    Each hit draws its own pitch, decay and brightness, so a run of bounces
    does not sound like one sample repeated.
    """
    length = int(0.45 * sr)
    t = np.arange(length) / sr
    f0 = rng.uniform(70.0, 160.0)
    decay = rng.uniform(0.06, 0.16)
    # Pitch falls by ~40% over the first 50 ms, as a struck body settles.
    freq = f0 * (1.0 + 0.7 * np.exp(-t / 0.05))
    phase = 2 * np.pi * np.cumsum(freq) / sr
    body = np.sin(phase) * np.exp(-t / decay)
    knock_f = rng.uniform(600.0, 2500.0)
    click = _band(rng.standard_normal(length), sr, knock_f * 0.5, knock_f * 2.0) * np.exp(-t / 0.012)
    click /= max(np.max(np.abs(click)), 1e-9)
    attack = np.minimum(1.0, t / 0.002)  # 2 ms ramp: no DC click at the onset
    hit = (0.8 * body + rng.uniform(0.25, 0.5) * click) * attack
    return strength * hit / max(np.max(np.abs(hit)), 1e-9)


# --- Ambience beds ----------------------------------------------------------


def _night(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    """Crickets (trains of 4.5 kHz pulses) over a faint mains hum and air."""
    t = np.arange(n) / sr
    hum = 0.15 * np.sin(2 * np.pi * 60 * t) + 0.07 * np.sin(2 * np.pi * 120 * t)
    air = 0.1 * _band(rng.standard_normal(n), sr, None, 400.0)
    crickets = np.zeros(n)
    for _ in range(2):  # two insects, slightly different pitch and rhythm
        carrier = np.sin(2 * np.pi * rng.uniform(4200, 4900) * t)
        pulses = (np.sin(2 * np.pi * rng.uniform(28, 34) * t) > 0.3).astype(float)
        chirp_rate = rng.uniform(2.0, 3.2)
        gate = (np.mod(t * chirp_rate + rng.random(), 1.0) < 0.22).astype(float)
        crickets += carrier * _band(pulses * gate, sr, None, 300.0)
    return hum + air + 0.6 * crickets


def _grass(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    """Wind in gusts (low-passed noise with a slow envelope) and a few bird chirps."""
    wind = _band(rng.standard_normal(n), sr, 60.0, 700.0) * (0.3 + _smooth_noise(n, sr, rng, 0.7))
    birds = np.zeros(n)
    duration = n / sr
    for _ in range(max(1, int(duration * 1.2))):
        length = int(rng.uniform(0.06, 0.14) * sr)
        start = int(rng.uniform(0, max(1e-3, duration - 0.2)) * sr)
        tt = np.arange(length) / sr
        f_start, f_end = rng.uniform(2500, 4000), rng.uniform(3500, 6000)
        freq = f_start + (f_end - f_start) * tt / tt[-1]
        chirp = np.sin(2 * np.pi * np.cumsum(freq) / sr) * np.sin(np.pi * tt / tt[-1]) ** 2
        end = min(n, start + length)
        birds[start:end] += 0.5 * chirp[: end - start]
    return wind / max(_rms(wind), 1e-9) + birds


def _beach(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    """Waves: broadband noise swelling and breaking on a ~5 s cycle, plus foam hiss."""
    t = np.arange(n) / sr
    period = rng.uniform(4.0, 6.0)
    swell = 0.5 - 0.5 * np.cos(2 * np.pi * (t / period + rng.random()))
    swell = swell**2
    surf = _band(rng.standard_normal(n), sr, 150.0, 2500.0) * (0.15 + swell)
    hiss = 0.25 * _band(rng.standard_normal(n), sr, 3000.0, 9000.0) * swell
    return surf + hiss


def _underwater(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    """A low rumble and bubbles (short upward-sweeping tones)."""
    rumble = _band(rng.standard_normal(n), sr, 20.0, 140.0, order=3)
    rumble /= max(_rms(rumble), 1e-9)
    bubbles = np.zeros(n)
    duration = n / sr
    for _ in range(max(2, int(duration * 4))):
        length = int(rng.uniform(0.03, 0.08) * sr)
        start = int(rng.uniform(0, duration) * sr)
        tt = np.arange(length) / sr
        f = rng.uniform(300, 900) * (1.0 + 2.0 * tt / tt[-1])
        blip = np.sin(2 * np.pi * np.cumsum(f) / sr) * np.exp(-tt / (length / sr / 3))
        end = min(n, start + length)
        bubbles[start:end] += 0.6 * blip[: end - start]
    return rumble + bubbles


def _plain(n: int, sr: int, rng: np.random.Generator) -> np.ndarray:
    """Room tone: quiet pink-ish noise (energy falling 3 dB per octave) with a little low end."""
    spec = np.fft.rfft(rng.standard_normal(n))
    f = np.fft.rfftfreq(n, 1.0 / sr)
    pink = np.fft.irfft(spec / np.sqrt(np.maximum(f, 20.0)), n=n)
    return _band(pink, sr, 30.0, 6000.0)


_AMBIENCE: dict[str, Callable[[int, int, np.random.Generator], np.ndarray]] = {
    "night": _night,
    "grass": _grass,
    "beach": _beach,
    "underwater": _underwater,
    "plain": _plain,
}
