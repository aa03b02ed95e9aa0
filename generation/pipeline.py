"""The seam between Django and the model: one function, `render_job`, that tasks call.

It takes plain data (a `JobSpec`), never ORM objects, and returns files on disk:
sample frames with the configured model (backends.py: the in-tree DiT by
default, or an open-weight diffusers pipeline), upscale to 24 fps, burn in the moving
watermark and embed the invisible one, synthesise sound at the impacts plus a scene ambience, encode an
H.264/AAC MP4 (faststart), sign it with C2PA, and check the result.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from moderation.phash import frame_hashes

from .backends import BackendConfig, loaded_backend
from .capabilities import OUTPUT_FPS, delivered_short_side
from .media import (
    burn_watermark,
    decode_audio,
    decode_frames,
    encode_mp4,
    invisible,
    poster,
    probe,
    scene_from_prompt,
    synth_audio,
    upscale,
    watermark_present,
)
from .provenance import read_manifest, sign_mp4

SAMPLE_RATE = 48000


class OutputCheckFailed(Exception):
    """The rendered file is not fit to store; the message says why."""


@dataclass(frozen=True)
class JobSpec:
    job_id: str
    prompt: str
    seed: int
    duration_s: int
    aspect: str
    steps: int | None = None
    cameo_references: tuple[np.ndarray, ...] = ()
    cameo_consents: tuple[dict, ...] = ()  # {"cameo": id, "consent": record id}
    model_prompt: str = ""  # the prompt as the model reads it (capabilities.model_prompt); "" = prompt
    parent_path: Path | None = None  # the parent's MP4, for a remix
    parent_title: str | None = None
    remix_strength: float = 0.9  # the service passes SORA_REMIX_STRENGTH
    edit_colours: tuple[str, ...] = ()  # a recolouring remix: the parent's colours drawn again, the rest kept
    extend: str = ""  # "forward" / "backward": continue the parent instead of remixing it
    first_frame: np.ndarray | None = None  # (H, W, 3) uint8: image to video, the picture it starts from
    mark_key: int | None = None  # the invisible mark's key; None renders without one
    mark_strength: float = invisible.TARGET_RMS  # its strength in the frames (luma RMS)


@dataclass
class JobOutput:
    video_path: Path
    poster_path: Path
    duration_s: float
    width: int
    height: int
    impacts: list[int]
    model_version: str
    c2pa_valid: bool
    frame_hashes: list[int] = field(default_factory=list)  # perceptual, for matching removed videos
    timings: dict[str, float] = field(default_factory=dict)


def load_init_video(path: Path) -> np.ndarray:
    """Every frame of an existing MP4 (uint8, T×H×W×3); the sampler fits them to its grid."""
    frames = decode_frames(path)
    if not len(frames):
        raise OutputCheckFailed("the parent video has no frames")
    return frames


def joint_frames(video: np.ndarray, *, fps_in: int, fps_model: int, seconds: int, end: bool) -> np.ndarray:
    """The frames the model drew for the first (or last) `seconds` of a delivered video.

    Delivered frame i shows time (i + 0.5) / fps_in (media.upscale); the model's
    frame j showed (j + 0.5) / fps_model; each is read back from the delivered
    frame nearest that time, so the joint keeps the parent's own timing.
    """
    n_model = max(1, int(round(len(video) * fps_model / fps_in)))
    k = min(seconds * fps_model, n_model)
    js = range(n_model - k, n_model) if end else range(k)
    idx = [min(len(video) - 1, max(0, round((j + 0.5) * fps_in / fps_model - 0.5))) for j in js]
    return video[idx]


def _encode_and_sign(spec: JobSpec, frames, audio, version: str, workdir: Path, lap) -> tuple[Path, Path]:
    t = time.perf_counter()
    raw = workdir / "raw.mp4"
    encode_mp4(frames, audio, sample_rate=SAMPLE_RATE, path=raw, fps=OUTPUT_FPS)
    poster_path = workdir / "poster.jpg"
    poster_path.write_bytes(poster(frames))
    t = lap("encode", t)
    signed = workdir / "video.mp4"
    sign_mp4(
        raw,
        signed,
        title=f"{spec.job_id}.mp4",
        model_version=version,
        parent=(spec.parent_path, spec.parent_title) if spec.parent_path else None,
        cameos=list(spec.cameo_consents),
    )
    lap("sign", t)
    return signed, poster_path


def _weak_marks(spec: JobSpec, decoded, signed: Path) -> list[str]:
    """What of the invisible mark does not read back from the finished file (empty: all of it)."""
    if spec.mark_key is None:
        return []
    weak = []
    seen = invisible.read_in_place(decoded)
    if seen.key != spec.mark_key:
        weak.append(f"the invisible mark does not read back (confidence {seen.confidence:.2f})")
    heard = invisible.detect_audio(decode_audio(signed, rate=SAMPLE_RATE))
    if heard.key != spec.mark_key:
        weak.append(f"the audio mark does not read back (confidence {heard.confidence:.2f})")
    return weak


def render_job(
    spec: JobSpec,
    *,
    workdir: Path,
    on_step: Callable[[int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    backend: BackendConfig | None = None,
) -> JobOutput:
    timings: dict[str, float] = {}

    def lap(name: str, started: float) -> float:
        """Record a stage's seconds since ``started`` (added to what the stage already took)."""
        now = time.perf_counter()
        timings[name] = round(timings.get(name, 0.0) + now - started, 4)
        return now

    t = time.perf_counter()
    model = loaded_backend(backend or BackendConfig())
    version = model.version
    t = lap("load", t)
    init_video = load_init_video(spec.parent_path) if spec.parent_path is not None else None
    known = {}
    if spec.extend and init_video is not None:
        # Forwards, the parent's last second opens the clip; backwards, its first closes it.
        forward = spec.extend == "forward"
        known = dict(
            known_frames=joint_frames(init_video, fps_in=OUTPUT_FPS, fps_model=model.fps, seconds=1, end=forward),
            known_at="start" if forward else "end",
            skill="extend",
        )
        init_video = None
    elif spec.first_frame is not None:
        known = dict(known_frames=spec.first_frame[None], known_at="start", skill="image")
    elif init_video is not None and spec.edit_colours:
        known = dict(edit_colours=spec.edit_colours)  # the rest of the parent is kept pixel for pixel
    kwargs = dict(
        seed=spec.seed,
        duration_s=spec.duration_s,
        aspect=spec.aspect,
        # every named cameo, in the order the prompt names them (run._cameo_inputs); the API allowed no more
        # than the model draws (backends.BackendConfig.max_cameos)
        cameo_reference=list(spec.cameo_references) or None,
        steps=spec.steps,
        init_video=init_video,
        strength=spec.remix_strength,
        on_step=on_step,
        should_cancel=should_cancel,
        **known,
    )
    sample = model.generate(spec.model_prompt or spec.prompt, **kwargs)
    if "known_frames" in known:
        version = model.version_for(known["skill"])  # the model that drew a clip around given frames
    t = lap("sampling", t)

    # Never below the model's own size (an open-weight model may draw larger frames than we serve).
    short_side = delivered_short_side(*sample.frames.shape[1:3])
    frames = upscale(sample.frames, sample.fps, short_side=short_side, fps_out=OUTPUT_FPS)
    t = lap("upscale", t)
    frames = burn_watermark(frames)
    t = lap("watermark", t)
    if spec.mark_key is not None:
        invisible.embed(frames, spec.mark_key, strength=spec.mark_strength, in_place=True)
        t = lap("invisible_mark", t)
    audio = synth_audio(
        n_frames=len(sample.frames),
        fps=sample.fps,
        impacts=list(sample.impacts),
        scene=scene_from_prompt(spec.prompt),
        sample_rate=SAMPLE_RATE,
    )
    t = lap("audio", t)
    if spec.mark_key is not None:
        audio = invisible.embed_audio(audio, spec.mark_key, sample_rate=SAMPLE_RATE)
        t = lap("invisible_mark", t)

    for attempt in (1, 2):
        signed, poster_path = _encode_and_sign(spec, frames, audio, version, workdir, lap)
        t = time.perf_counter()
        # Decoded once: the frame count gives the duration a player shows, the frames
        # carry the watermark checks and the perceptual hashes.
        decoded = decode_frames(signed)
        info = probe(signed, decode=False)
        if not info["fps"]:
            raise OutputCheckFailed("the video stream has no frame rate")
        duration_s = len(decoded) / info["fps"]
        manifest = read_manifest(signed)
        expected = len(sample.frames) / sample.fps
        if abs(duration_s - expected) > 2.0 / OUTPUT_FPS:
            raise OutputCheckFailed(f"duration {duration_s:.2f}s, expected {expected:.2f}s")
        if not info["has_audio"]:
            raise OutputCheckFailed("the file has no audio track")
        if not manifest["valid"]:
            raise OutputCheckFailed(f"C2PA manifest is {manifest['validation_state']}")
        if not watermark_present(decoded, fps=OUTPUT_FPS):
            raise OutputCheckFailed("the visible watermark is missing")
        weak = _weak_marks(spec, decoded, signed)
        if not weak:
            break
        if attempt == 2:
            raise OutputCheckFailed("; ".join(weak))
        # A scene that hides the mark too well (flat, dark, very short): mark it once more
        # over the first (the same pattern adds up: 1.5x in the frames, 2x in the sound)
        # and encode again, rather than refuse the person their video.
        t = lap("checks", t)
        invisible.embed(frames, spec.mark_key, strength=0.5 * invisible.TARGET_RMS, in_place=True)
        audio = invisible.embed_audio(audio, spec.mark_key, sample_rate=SAMPLE_RATE)
        lap("invisible_mark", t)
        timings["mark_strengthened"] = 1.0

    hashes = frame_hashes(decoded)
    lap("checks", t)
    return JobOutput(
        video_path=signed,
        poster_path=poster_path,
        duration_s=duration_s,
        width=info["width"],
        height=info["height"],
        impacts=list(sample.impacts),
        model_version=version,
        c2pa_valid=manifest["valid"],
        frame_hashes=hashes,
        timings=timings,
    )
