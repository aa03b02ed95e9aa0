"""Media pipeline: upscale, moving watermark and its detector, soundtrack, MP4 and poster."""

import io

import numpy as np
import pytest
from PIL import Image

from generation.media import (
    SCENES,
    audio_length,
    burn_watermark,
    decode_frames,
    encode_mp4,
    poster,
    probe,
    scene_from_prompt,
    synth_audio,
    upscale,
    watermark_present,
)
from generation.media.watermark import template, watermark_position

MODEL_FPS = 4
SR = 48000


def moving_square(seconds: float, height: int, width: int, fps: int = MODEL_FPS) -> np.ndarray:
    """A red square crossing a blue-green gradient: stands in for the model's frames."""
    n = int(seconds * fps)
    frames = np.zeros((n, height, width, 3), dtype=np.uint8)
    frames[..., 1] = np.linspace(20, 160, height, dtype=np.uint8)[None, :, None]
    frames[..., 2] = np.linspace(40, 220, width, dtype=np.uint8)[None, None, :]
    side = max(4, min(height, width) // 4)
    for t in range(n):
        x = int((width - side) * t / max(1, n - 1))
        y = int((height - side) * (0.5 + 0.4 * np.sin(t)))
        frames[t, y : y + side, x : x + side] = (230, 40, 40)
    return frames


@pytest.fixture(scope="module")
def portrait_24fps():
    return upscale(moving_square(2, 56, 32), MODEL_FPS)


# --- upscale -----------------------------------------------------------------


@pytest.mark.parametrize("seconds", [2, 4, 8])
@pytest.mark.parametrize("height,width", [(32, 32), (56, 32), (32, 56)])
def test_upscale_reaches_256_short_side_and_keeps_aspect_and_duration(seconds, height, width):
    frames = moving_square(seconds, height, width)

    out = upscale(frames, MODEL_FPS)

    t, h, w, c = out.shape
    assert out.dtype == np.uint8 and c == 3
    assert t / 24 == seconds == frames.shape[0] / MODEL_FPS
    assert min(h, w) >= 256 and h % 2 == 0 and w % 2 == 0
    assert abs((h / w) - (height / width)) < 0.02
    assert (h > w) == (height > width) and (h == w) == (height == width)


def test_upscale_blends_between_frames_rather_than_repeating():
    frames = np.zeros((4, 32, 32, 3), dtype=np.uint8)
    frames[1::2] = 240  # black, white, black, white

    out = upscale(frames, MODEL_FPS)

    means = out.reshape(out.shape[0], -1).mean(axis=1)
    in_between = (means > 30) & (means < 210)
    assert in_between.sum() >= 6  # the glides between neighbours, not 6 copies then a jump
    assert np.all(np.abs(np.diff(means)) < 100)  # no hard cuts


def test_upscale_refuses_float_frames():
    with pytest.raises(ValueError):
        upscale(np.zeros((4, 32, 32, 3), dtype=np.float32), MODEL_FPS)


# --- watermark ---------------------------------------------------------------


def test_watermark_moves_across_the_frame_over_time(portrait_24fps):
    marked = burn_watermark(portrait_24fps)

    changed = np.abs(marked.astype(int) - portrait_24fps.astype(int)).sum(axis=-1) > 0
    first = np.argwhere(changed[0]).mean(axis=0)
    last = np.argwhere(changed[-1]).mean(axis=0)
    assert changed.any(axis=(1, 2)).all()  # every frame carries it
    assert np.linalg.norm(first - last) > 50  # a different place on the picture
    h, w = portrait_24fps.shape[1:3]
    positions = {watermark_position(i, height=h, width=w) for i in range(0, marked.shape[0], 6)}
    assert len(positions) >= 3  # holds, then glides through intermediate positions


def test_watermark_seed_changes_the_trajectory_and_stays_detectable(portrait_24fps):
    h, w = portrait_24fps.shape[1:3]
    assert watermark_position(0, height=h, width=w, seed=0) != watermark_position(0, height=h, width=w, seed=3)

    assert watermark_present(burn_watermark(portrait_24fps, seed=3))


@pytest.mark.parametrize("height,width", [(32, 32), (56, 32), (32, 56)])
def test_watermark_detector_before_encode(height, width):
    clean = upscale(moving_square(2, height, width), MODEL_FPS)

    assert watermark_present(burn_watermark(clean))
    assert not watermark_present(clean)


def test_watermark_detector_after_h264_round_trip(tmp_path):
    clean = upscale(moving_square(2, 32, 56), MODEL_FPS)
    encode_mp4(burn_watermark(clean), None, sample_rate=SR, path=tmp_path / "marked.mp4")
    encode_mp4(clean, None, sample_rate=SR, path=tmp_path / "clean.mp4")

    assert watermark_present(decode_frames(tmp_path / "marked.mp4"))
    assert not watermark_present(decode_frames(tmp_path / "clean.mp4"))


def test_watermark_refuses_frames_too_small_for_it():
    with pytest.raises(ValueError):
        burn_watermark(np.zeros((2, 16, 16, 3), dtype=np.uint8))
    assert template(256, 256).fill.shape[1] < 256


# --- audio -------------------------------------------------------------------


def _envelope(audio: np.ndarray, win_s: float = 0.02) -> np.ndarray:
    win = int(win_s * SR)
    n = audio.size // win * win
    return np.sqrt(np.mean(audio[:n].reshape(-1, win) ** 2, axis=1))


@pytest.mark.parametrize("scene", SCENES)
def test_audio_has_energy_peaks_at_the_impacts(scene):
    impacts = [3, 9, 13]  # frames at 4 fps: 0.75 s, 2.25 s, 3.25 s

    audio = synth_audio(n_frames=16, fps=MODEL_FPS, impacts=impacts, scene=scene)

    assert audio.dtype == np.float32 and audio.ndim == 1
    assert audio.size == 4 * SR
    assert np.max(np.abs(audio)) <= 1.0
    env = _envelope(audio)
    bed = np.median(env)
    for frame in impacts:
        at = int(frame / MODEL_FPS / 0.02)
        assert env[at : at + 5].max() > 3 * bed, f"no thump at frame {frame}"
    quiet = env[int(1.4 / 0.02) : int(2.1 / 0.02)]  # between hits
    assert quiet.max() < env[int(0.75 / 0.02) : int(0.85 / 0.02)].max()


@pytest.mark.parametrize("n_frames,fps", [(8, 4), (16, 4), (32, 4), (10, 3)])
def test_audio_length_matches_video_duration(n_frames, fps):
    audio = synth_audio(n_frames=n_frames, fps=fps, impacts=[], scene="plain")

    assert audio.size == audio_length(n_frames, fps, SR) == round(n_frames / fps * SR)


def test_audio_is_deterministic_and_impacts_vary():
    a = synth_audio(n_frames=16, fps=MODEL_FPS, impacts=[2, 10], scene="grass")
    b = synth_audio(n_frames=16, fps=MODEL_FPS, impacts=[2, 10], scene="grass")
    assert np.array_equal(a, b)

    hit1 = a[int(0.5 * SR) : int(0.5 * SR) + 4800]
    hit2 = a[int(2.5 * SR) : int(2.5 * SR) + 4800]
    assert not np.allclose(hit1, hit2, atol=0.05)


def _band_profile(audio: np.ndarray) -> np.ndarray:
    spec = np.abs(np.fft.rfft(audio)) ** 2
    f = np.fft.rfftfreq(audio.size, 1 / SR)
    edges = [0, 150, 500, 1500, 3500, 6000, 24000]
    energy = np.array([spec[(f >= lo) & (f < hi)].sum() for lo, hi in zip(edges, edges[1:])])
    return energy / energy.sum()


def test_ambience_differs_per_scene():
    profiles = {s: _band_profile(synth_audio(n_frames=16, fps=MODEL_FPS, impacts=[], scene=s)) for s in SCENES}

    for i, a in enumerate(SCENES):
        for b in SCENES[i + 1 :]:
            assert np.abs(profiles[a] - profiles[b]).sum() > 0.15, (a, b)
    assert profiles["underwater"][:2].sum() > 0.6  # rumble: mostly below 500 Hz
    assert profiles["night"][4] > 0.2  # crickets around 4.5 kHz


@pytest.mark.parametrize(
    "prompt,scene",
    [
        ("A ball bouncing on the beach", "beach"),
        ("fish bumping into a rock under the sea", "underwater"),
        ("two cubes colliding at night under the moon", "night"),
        ("a dog running across a grassy meadow", "grass"),
        ("a red sphere hits a wall", "plain"),
        ("", "plain"),
    ],
)
def test_scene_from_prompt(prompt, scene):
    assert scene_from_prompt(prompt) == scene


# --- encode, probe, poster ---------------------------------------------------


@pytest.mark.parametrize("height,width,seconds", [(56, 32, 4), (32, 56, 2)])
def test_encode_then_probe(tmp_path, height, width, seconds):
    n_model = seconds * MODEL_FPS
    frames = burn_watermark(upscale(moving_square(seconds, height, width), MODEL_FPS))
    audio = synth_audio(n_frames=n_model, fps=MODEL_FPS, impacts=[1, n_model - 2], scene="beach")

    info = encode_mp4(frames, audio, sample_rate=SR, path=tmp_path / "v.mp4")
    got = probe(tmp_path / "v.mp4")

    assert info["n_frames"] == frames.shape[0]
    assert got["video_codec"] == "h264" and got["audio_codec"] == "aac" and got["has_audio"]
    assert got["pix_fmt"] == "yuv420p"
    assert got["fps"] == 24
    assert abs(got["duration_s"] - seconds) <= 1 / 24
    assert abs(got["container_duration_s"] - seconds) <= 1 / 24
    assert got["faststart"] is True
    assert min(got["width"], got["height"]) >= 256
    assert (got["height"] > got["width"]) == (height > width)
    assert got["audio_sample_rate"] == SR


def test_encode_without_audio_has_no_audio_track(tmp_path, portrait_24fps):
    encode_mp4(portrait_24fps, None, sample_rate=SR, path=tmp_path / "silent.mp4")

    got = probe(tmp_path / "silent.mp4")

    assert got["has_audio"] is False and got["video_codec"] == "h264"


def test_decode_frames_round_trips_the_encoded_clip(tmp_path, portrait_24fps):
    import av

    encode_mp4(portrait_24fps, None, sample_rate=SR, path=tmp_path / "v.mp4")

    frames = decode_frames(tmp_path / "v.mp4")

    assert frames.shape == portrait_24fps.shape and frames.dtype == np.uint8
    assert np.abs(frames.astype(int) - portrait_24fps).mean() < 4  # H.264 at crf 23
    with av.open(str(tmp_path / "v.mp4")) as container:  # PyAV's own per-frame conversion
        reference = np.stack([f.to_ndarray(format="rgb24") for f in container.decode(video=0)])
    assert np.array_equal(frames, reference)


def test_encode_refuses_odd_dimensions(tmp_path):
    with pytest.raises(ValueError):
        encode_mp4(np.zeros((4, 33, 32, 3), np.uint8), None, sample_rate=SR, path=tmp_path / "x.mp4")


@pytest.mark.parametrize("fmt", ["JPEG", "WEBP"])
def test_poster_decodes(portrait_24fps, fmt):
    data = poster(portrait_24fps, format=fmt)

    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == fmt
    assert image.size == (portrait_24fps.shape[2], portrait_24fps.shape[1])
