"""Decoding an uploaded clip with PyAV: metadata, sampled frames and mono audio.

Only the sampled frames are converted to RGB, at a small analysis size: on
two cores swscale of every 720p frame would cost more than face detection.
The decode stops at the duration limit whatever the header claims, so a file
that lies about its length cannot keep a worker busy.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import av
import numpy as np

# ffmpeg demuxer names for the containers the API accepts (mp4/mov/webm).
ACCEPTED_FORMATS = {"mov", "mp4", "m4a", "3gp", "3g2", "mj2", "matroska", "webm"}
AUDIO_RATE = 16_000
ANALYSIS_LONG_SIDE = 480  # faces in a selfie clip stay >= 80 px, the HOG window
# Sampled frames are kept (as YUV) for the descriptor and the reference crop, at
# most this size: a 4K clip would otherwise hold ~12 MB per sampled frame.
KEEP_LONG_SIDE = 1280


class DecodeError(Exception):
    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


@dataclass
class Clip:
    format_name: str
    width: int
    height: int
    fps: float
    duration_s: float
    times: list[float] = field(default_factory=list)  # seconds, per sampled frame
    frames: list[np.ndarray] = field(default_factory=list)  # (h, w, 3) uint8 at analysis size
    full_frames: list[av.VideoFrame] = field(default_factory=list)  # same frames, <= KEEP_LONG_SIDE, YUV
    scale: float = 1.0  # analysis size / full size
    keep_scale: float = 1.0  # kept size / full size
    rotation: int = 0  # degrees counter-clockwise to display upright (phones store portrait clips sideways)
    audio: np.ndarray | None = None  # (n,) float32 mono at AUDIO_RATE, None without a track


def _open(data: bytes):
    try:
        return av.open(io.BytesIO(data), mode="r")
    except Exception as exc:  # PyAV raises many FFmpegError subclasses, and a few others
        raise DecodeError("corrupt", error=type(exc).__name__) from exc


def probe_and_sample(
    data: bytes, *, sample_fps: float, max_duration_s: float, analysis_long_side: int = ANALYSIS_LONG_SIDE
) -> Clip:
    container = _open(data)
    try:
        formats = set(container.format.name.split(","))
        if not formats & ACCEPTED_FORMATS:
            raise DecodeError("unsupported_format", format=container.format.name)
        if not container.streams.video:
            raise DecodeError("unsupported_format", format=container.format.name, reason="no video stream")
        vstream = container.streams.video[0]
        vstream.thread_type = "AUTO"
        vstream.thread_count = 2
        width, height = vstream.codec_context.width, vstream.codec_context.height
        rate = vstream.average_rate or vstream.guessed_rate
        fps = float(rate) if rate else 0.0
        scale = min(1.0, analysis_long_side / max(width, height, 1))
        aw, ah = max(2, int(round(width * scale)) // 2 * 2), max(2, int(round(height * scale)) // 2 * 2)
        keep_scale = min(1.0, KEEP_LONG_SIDE / max(width, height, 1))
        kw, kh = max(2, int(round(width * keep_scale)) // 2 * 2), max(2, int(round(height * keep_scale)) // 2 * 2)
        clip = Clip(container.format.name, width, height, fps, 0.0, scale=scale, keep_scale=keep_scale)

        next_t, first_t, last_t, n_frames = 0.0, None, 0.0, 0
        for frame in container.decode(vstream):
            if frame.pts is None:
                continue
            t = float(frame.pts * vstream.time_base)
            first_t = t if first_t is None else first_t
            t -= first_t
            last_t = max(last_t, t)
            n_frames += 1
            if t > max_duration_s + 0.5:
                raise DecodeError("too_long", duration_s=round(t, 2))
            if t + 1e-6 >= next_t:
                if not clip.times:
                    clip.rotation = int(round(getattr(frame, "rotation", 0) or 0)) % 360 // 90 * 90
                clip.times.append(t)
                clip.frames.append(upright(frame.to_ndarray(format="rgb24", width=aw, height=ah), clip.rotation))
                clip.full_frames.append(frame if keep_scale == 1.0 else frame.reformat(width=kw, height=kh))
                next_t += 1.0 / sample_fps
        if n_frames == 0:
            raise DecodeError("corrupt", reason="no decodable video frames")
        frame_gap = (last_t / (n_frames - 1)) if n_frames > 1 else 0.0
        clip.duration_s = last_t + frame_gap
        if not clip.fps and frame_gap:
            clip.fps = 1.0 / frame_gap
    except DecodeError:
        container.close()
        raise
    except Exception as exc:  # a stream that breaks mid-way is a corrupt upload, not a 500
        container.close()
        raise DecodeError("corrupt", error=type(exc).__name__) from exc
    container.close()
    clip.audio = _audio(data, max_duration_s)
    return clip


def _audio(data: bytes, max_duration_s: float) -> np.ndarray | None:
    try:
        container = av.open(io.BytesIO(data), mode="r")
    except Exception:
        return None
    try:
        if not container.streams.audio:
            return None
        stream = container.streams.audio[0]
        resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
        chunks, total, limit = [], 0, int((max_duration_s + 0.5) * AUDIO_RATE)
        for frame in container.decode(stream):
            for out in resampler.resample(frame):
                chunk = out.to_ndarray().reshape(-1)
                chunks.append(chunk)
                total += chunk.size
            if total > limit:
                break
        for out in resampler.resample(None):
            chunks.append(out.to_ndarray().reshape(-1))
        if not chunks:
            return np.zeros(0, np.float32)
        return np.concatenate(chunks).astype(np.float32)[:limit]
    except Exception:
        return np.zeros(0, np.float32)  # a broken audio track counts as no sound
    finally:
        container.close()


def upright(image: np.ndarray, rotation: int) -> np.ndarray:
    """Apply the display matrix's rotation: the HOG detector only finds upright faces."""
    if rotation % 360 == 0:
        return image
    return np.ascontiguousarray(np.rot90(image, k=rotation // 90))


def full_rgb(frame: av.VideoFrame, rotation: int = 0) -> np.ndarray:
    return upright(frame.to_ndarray(format="rgb24"), rotation)
