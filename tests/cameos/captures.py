"""Test captures made in code from photographs that scikit-image ships.

A face (astronaut, or one of lfw_subset's 100 small real faces) is
composited with a soft oval mask on a plain background and moved per the
challenge: a head turn is a horizontal shift plus a slight horizontal
squash, up/down a vertical shift. The moves follow the verifier's convention
(cameos.verification.liveness): "left" is the person's left, towards the
image's right in an unmirrored recording. Audio is one voice-like tone burst
per digit (a harmonic series at speaking pitch), or espeak-ng speech when that
binary is installed and asked for; "silent" keeps an audio track of near
silence, "none" has no audio track. Encoded with PyAV: H.264 + AAC in MP4, or
VP9 + Opus in WebM.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tempfile
from functools import lru_cache

import av
import numpy as np
from PIL import Image

MOVE_VECTORS = {"left": (1.0, 0.0), "right": (-1.0, 0.0), "up": (0.0, -1.0), "down": (0.0, 1.0)}
AMPLITUDE = 0.55  # of the face size, comfortably past the verifier's 0.25
AUDIO_RATE = 48_000


# ---------------------------------------------------------------- faces


@lru_cache(maxsize=1)
def _lfw() -> np.ndarray:
    from skimage import data

    return data.lfw_subset()[:100]  # the first 100 are faces, the rest are not


def face_image(face: str) -> np.ndarray:
    """An RGB uint8 head-and-shoulders crop: "astronaut", "astronaut_mirror" or "lfw:<0-99>"."""
    from skimage import data

    if face in ("astronaut", "astronaut_mirror"):
        crop = data.astronaut()[40:215, 150:295]  # Eileen Collins' head, with some hair and neck
        return crop[:, ::-1].copy() if face == "astronaut_mirror" else crop.copy()
    if face.startswith("lfw:"):
        gray = (_lfw()[int(face.split(":")[1])] * 255).astype(np.uint8)
        big = np.asarray(Image.fromarray(gray).resize((120, 120), Image.Resampling.BICUBIC))
        # lfw_subset crops are tight: pad with the edge so the oval mask keeps the whole face
        big = np.pad(big, ((22, 22), (16, 16)), mode="edge")
        return np.stack([big] * 3, axis=-1)
    raise ValueError(f"unknown face {face!r}")


def photo(face: str = "astronaut", *, size: tuple[int, int] = (320, 240)) -> np.ndarray:
    """One still frame (RGB) with the face in the middle, as a photo of it would look."""
    canvas = _background(size)
    _paste(canvas, face_image(face), size[0] / 2, size[1] / 2, _face_height(size), 1.0, 1.0)
    return canvas


def _face_height(size: tuple[int, int]) -> int:
    return int(size[1] * 0.62)


@lru_cache(maxsize=8)
def _background(size: tuple[int, int]) -> np.ndarray:
    w, h = size
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    rng = np.random.default_rng(7)
    base = np.stack([120 + 60 * x / w, 140 - 30 * y / h, 110 + 40 * (x + y) / (w + h)], axis=-1)
    base += rng.normal(0, 4, size=(h, w, 1))
    return np.clip(base, 0, 255).astype(np.uint8)


@lru_cache(maxsize=32)
def _oval(h: int, w: int) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    r = ((x - (w - 1) / 2) / (w / 2)) ** 2 + ((y - (h - 1) / 2) / (h / 2)) ** 2
    return np.clip((1.08 - r) / 0.15, 0, 1)[..., None]


def _paste(canvas: np.ndarray, face: np.ndarray, cx: float, cy: float, height: int, sx: float, sy: float) -> None:
    h = max(8, int(height * sy))
    w = max(8, int(height * face.shape[1] / face.shape[0] * sx))
    sprite = np.asarray(Image.fromarray(face).resize((w, h), Image.Resampling.BILINEAR), dtype=np.float32)
    alpha = _oval(h, w)
    x0, y0 = int(round(cx - w / 2)), int(round(cy - h / 2))
    H, W = canvas.shape[:2]
    cx0, cy0, cx1, cy1 = max(0, x0), max(0, y0), min(W, x0 + w), min(H, y0 + h)
    if cx0 >= cx1 or cy0 >= cy1:
        return
    sp = sprite[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
    al = alpha[cy0 - y0 : cy1 - y0, cx0 - x0 : cx1 - x0]
    region = canvas[cy0:cy1, cx0:cx1].astype(np.float32)
    canvas[cy0:cy1, cx0:cx1] = (al * sp + (1 - al) * region).astype(np.uint8)


def _pose(t: float, moves: list[str], duration_s: float) -> tuple[float, float, float]:
    """(dx, dy in face sizes, turn amount 0-1) at time t: neutral, then each move out-hold-back."""
    lead = min(0.8, duration_s * 0.2)
    if not moves:
        return 0.0, 0.0, 0.0
    slot = (duration_s - lead - 0.2) / len(moves)
    k = int((t - lead) // slot) if t >= lead else -1
    if k < 0 or k >= len(moves):
        return 0.0, 0.0, 0.0
    u = (t - lead - k * slot) / slot  # 0..1 within this move's slot
    # ramp out over 20 %, hold 35 %, ramp back 20 %, rest neutral
    amount = np.interp(u, [0.0, 0.2, 0.55, 0.75, 1.0], [0.0, 1.0, 1.0, 0.0, 0.0])
    vx, vy = MOVE_VECTORS[moves[k]]
    return vx * AMPLITUDE * amount, vy * AMPLITUDE * amount, float(amount)


# ---------------------------------------------------------------- audio


def _tones(digits: str, duration_s: float, rate: int) -> np.ndarray:
    n = int(duration_s * rate)
    audio = np.random.default_rng(3).normal(0, 0.0005, n).astype(np.float32)  # room noise
    if not digits:
        return audio
    span = duration_s - 0.6
    for i, _ in enumerate(digits):
        start = 0.3 + i * span / len(digits)
        length = min(0.4, span / len(digits) * 0.6)
        t = np.arange(int(length * rate)) / rate
        f0 = 150.0 + 12.0 * i  # a speaking voice's pitch, drifting a little per word
        burst = sum((0.5 / k) * np.sin(2 * np.pi * f0 * k * t) for k in range(1, 6))
        burst *= np.hanning(t.size)
        s = int(start * rate)
        audio[s : s + t.size] += (0.3 * burst).astype(np.float32)[: n - s]
    return audio


def _speech(digits: str, duration_s: float, rate: int) -> np.ndarray | None:
    binary = shutil.which("espeak-ng")
    if binary is None:
        return None
    words = ". ".join(
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"][int(d)] for d in digits
    )
    with tempfile.TemporaryDirectory() as tmp:
        wav = os.path.join(tmp, "speech.wav")
        subprocess.run([binary, "-s", "130", "-g", "12", "-w", wav, words], check=True, capture_output=True)
        with av.open(wav) as container:
            resampler = av.AudioResampler(format="flt", layout="mono", rate=rate)
            parts = [o.to_ndarray().reshape(-1) for f in container.decode(audio=0) for o in resampler.resample(f)]
    speech = np.concatenate(parts).astype(np.float32)
    out = np.random.default_rng(3).normal(0, 0.0005, int(duration_s * rate)).astype(np.float32)
    start = int(0.3 * rate)
    speech = speech[: out.size - start]
    out[start : start + speech.size] += speech
    return out


def audio_track(digits: str, duration_s: float, audio: str, rate: int = AUDIO_RATE) -> np.ndarray | None:
    if audio == "none":
        return None
    if audio == "silent":
        return np.random.default_rng(3).normal(0, 0.0005, int(duration_s * rate)).astype(np.float32)
    if audio == "speech":
        spoken = _speech(digits, duration_s, rate)
        if spoken is not None:
            return spoken
    return _tones(digits, duration_s, rate)


# ---------------------------------------------------------------- encoding


def make_capture(
    path: str | os.PathLike | None = None,
    *,
    face: str = "astronaut",
    moves: list[str] | tuple[str, ...] = ("left", "up"),
    digits: str = "123",
    audio: str = "tones",
    two_faces: bool = False,
    second_face: str = "lfw:1",
    static: bool = False,
    no_face: bool = False,
    duration_s: float = 5.0,
    size: tuple[int, int] = (640, 480),
    fps: int = 15,
    container: str = "mp4",
    rotation: int = 0,
    hand: int = 11,
) -> bytes:
    """Encode a capture and return its bytes (also written to `path` when given).

    audio: "tones" | "speech" (espeak-ng, tones without it) | "silent" | "none".
    container: "mp4" (H.264 + AAC) or "webm" (VP9 + Opus).
    rotation: 90 or 270 stores the frames sideways with a display matrix, as phones
    store portrait clips; `size` is the upright picture.
    hand: seeds the small shake of the hand holding the phone; two recordings of one
    face with one challenge differ only by it (the bytes differ, so no replay).
    """
    moves = [] if static else list(moves)
    w, h = size
    face_px = face_image(face)
    other_px = face_image(second_face) if two_faces else None
    height = _face_height(size) if not two_faces else int(h * 0.55)
    face_size = height * 0.55  # the detector's box is roughly this share of the crop

    buf = io.BytesIO()
    out = av.open(buf, mode="w", format="mp4" if container == "mp4" else "webm")
    if container == "mp4":
        vs = out.add_stream("libx264", rate=fps, options={"preset": "veryfast", "crf": "23"})
    else:
        vs = out.add_stream(
            "libvpx-vp9", rate=fps, options={"deadline": "realtime", "cpu-used": "8", "crf": "34", "b": "0"}
        )
    sideways = rotation % 180 == 90
    vs.width, vs.height = (h, w) if sideways else (w, h)
    vs.pix_fmt = "yuv420p"
    if rotation:
        vs.set_display_rotation(rotation)
    samples = audio_track(digits, duration_s, audio)
    aud_rate = AUDIO_RATE
    if samples is not None:
        acodec = "aac" if container == "mp4" else "libopus"
        ast = out.add_stream(acodec, rate=aud_rate)
        ast.layout = "mono"

    rng = np.random.default_rng(hand)
    for i in range(int(round(duration_s * fps))):
        t = i / fps
        canvas = _background(size).copy()
        if not no_face:
            dx, dy, amount = _pose(t, moves, duration_s)
            jitter = rng.normal(0, 0.6, 2)  # a hand holding the phone (or the photo)
            turning = abs(dx) > abs(dy)
            sx = 1.0 - (0.15 * amount if turning else 0.0)
            sy = 1.0 - (0.06 * amount if not turning and amount else 0.0)
            if two_faces:
                _paste(
                    canvas,
                    face_px,
                    w * 0.28 + dx * face_size + jitter[0],
                    h / 2 + dy * face_size + jitter[1],
                    height,
                    sx,
                    sy,
                )
                _paste(canvas, other_px, w * 0.72, h / 2, height, 1.0, 1.0)
            else:
                _paste(
                    canvas,
                    face_px,
                    w / 2 + dx * face_size + jitter[0],
                    h / 2 + dy * face_size + jitter[1],
                    height,
                    sx,
                    sy,
                )
        if rotation:  # stored = upright turned clockwise by `rotation`; display turns it back
            canvas = np.ascontiguousarray(np.rot90(canvas, k=-(rotation // 90)))
        frame = av.VideoFrame.from_ndarray(canvas, format="rgb24")
        for packet in vs.encode(frame):
            out.mux(packet)
    for packet in vs.encode(None):
        out.mux(packet)

    if samples is not None:
        chunk = 960 if container == "webm" else 1024
        pts = 0
        for s in range(0, samples.size, chunk):
            piece = samples[s : s + chunk]
            if piece.size < chunk:
                piece = np.pad(piece, (0, chunk - piece.size))
            af = av.AudioFrame.from_ndarray(piece[None, :].astype(np.float32), format="flt", layout="mono")
            af.sample_rate = aud_rate
            af.pts = pts
            pts += chunk
            for packet in ast.encode(af):
                out.mux(packet)
        for packet in ast.encode(None):
            out.mux(packet)
    out.close()
    data = buf.getvalue()
    if path is not None:
        with open(path, "wb") as fh:
            fh.write(data)
    return data


def corrupt_bytes(seed: int = 0) -> bytes:
    """An MP4 header followed by noise: it claims to be a video and is not one."""
    rng = np.random.default_rng(seed)
    return (
        b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"
        + rng.integers(0, 256, 60_000, dtype=np.uint8).tobytes()
    )


def truncated_bytes(capture: bytes) -> bytes:
    """A real capture cut off half way (an interrupted upload)."""
    return capture[: len(capture) // 2]


def wrong_container_bytes(kind: str = "png") -> bytes:
    """A file that is not a video: a PNG photo (the cat) or plain text."""
    if kind == "text":
        return b"this is not a video, it is a note about one\n" * 40
    from skimage import data

    out = io.BytesIO()
    Image.fromarray(data.chelsea()).save(out, format="PNG")
    return out.getvalue()


def cat_png() -> bytes:
    """scikit-image's chelsea, for character cameos."""
    return wrong_container_bytes("png")


def png_bytes(image: np.ndarray) -> bytes:
    out = io.BytesIO()
    Image.fromarray(image).save(out, format="PNG")
    return out.getvalue()
