"""Test captures made in code from photographs that scikit-image ships.

A face (astronaut, or one of lfw_subset's 100 small real faces) becomes a
head: its photo is laid on a 3-D surface (an ellipsoid with a nose ridge
placed at the face's own landmarks) that really turns, left/right about the
vertical axis and up/down about the horizontal one, seen through a phone's
perspective at arm's length, so the nose moves against the cheeks and jaw as
on a real head. Its jaw opens with the loudness of the audio track, so the
mouth moves with the voice. The moves follow the verifier's convention
(cameos.verification.liveness): "left" is the person's left, towards the
image's right in an unmirrored recording.

The spoofs the verifier must refuse are made the same way: `subject="photo"`
is a flat print of the face slid and squashed by hand per the challenge,
`"tilted_photo"` one turned as a card in front of the lens (a plane, in
perspective), `"scaled_photo"` one slid and brought nearer; `mouth="still"`
keeps the jaw shut over the audio; `face_after` swaps in another face half
way; `refilm` plays a capture back on a screen and records it again.

Audio is one voice-like tone burst per digit (a harmonic series at speaking
pitch), or espeak-ng speech when that binary is installed and asked for;
"silent" keeps an audio track of near silence, "none" has no audio track,
"hum" one long voiced sound instead of digits. Encoded with PyAV: H.264 +
AAC in MP4, or VP9 + Opus in WebM.
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
from scipy import ndimage

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


# ---------------------------------------------------------------- a head that turns


TURN_DEG = 28.0  # a comfortable head turn; dlib's frontal detector holds to ~35 degrees
NOD_DEG = 18.0  # looking up or down
NECK = 0.6  # in face widths behind the face: a head turns and nods about the neck, so the face also shifts
CAMERA_DISTANCE = 3.0  # in face widths: a phone held at arm's length
MOUTH_OPEN = 0.06  # of the face height, the jaw's drop at full voice


def _landmarks_of(face_px: np.ndarray) -> np.ndarray:
    """The 68 landmarks of a frontal face photo, found on an enlarged padded copy."""
    from cameos.verification import faces as facelib

    pad = 60
    for zoom in (3, 2, 4):
        big = np.asarray(
            Image.fromarray(face_px).resize((face_px.shape[1] * zoom, face_px.shape[0] * zoom), Image.BICUBIC)
        )
        found = facelib.detect(np.pad(big, ((pad, pad), (pad, pad), (0, 0)), mode="edge"), upsample=1)
        if len(found) == 1:
            return (found[0].landmarks - pad) / zoom
    raise ValueError("no single face found in the texture")


class Head:
    """A face photo on a 3-D surface: an ellipsoid the face's width with a nose ridge where its nose is."""

    def __init__(self, face: str, height: int, supersample: int = 2):
        face_px = face_image(face)
        width = max(8, int(round(height * face_px.shape[1] / face_px.shape[0])))
        self.texture = np.asarray(Image.fromarray(face_px).resize((width, height), Image.BICUBIC))
        self.landmarks = _landmarks_of(self.texture)
        self.h, self.w = height, width
        ys, xs = np.mgrid[0 : height * supersample, 0 : width * supersample].astype(np.float32) / supersample
        self.yi = np.clip(ys.astype(np.int32), 0, height - 1)
        self.xi = np.clip(xs.astype(np.int32), 0, width - 1)
        alpha = _oval(height, width)[..., 0][self.yi, self.xi]
        keep = alpha > 0.01
        self.yi, self.xi, self.alpha = self.yi[keep], self.xi[keep], alpha[keep]
        self.x = xs[keep] - (width - 1) / 2
        self.y = ys[keep] - (height - 1) / 2
        self.z = self._depth()[self.yi, self.xi]

    def _depth(self) -> np.ndarray:
        lm, h, w = self.landmarks, self.h, self.w
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        cx, half_w = (lm[0, 0] + lm[16, 0]) / 2, (lm[16, 0] - lm[0, 0]) / 2
        cy, half_h = (lm[27, 1] + lm[8, 1]) / 2, (lm[8, 1] - lm[19:25, 1].mean()) * 0.75
        u, v = (x - cx) / (half_w * 1.15), (y - cy) / (half_h * 1.3)
        skull = np.sqrt(np.clip(1 - u**2 - v**2, 0, None)) * half_w * 0.9
        top, tip = lm[27], lm[30]
        run = np.sum((tip - top) ** 2) or 1.0
        along = np.clip(((x - top[0]) * (tip[0] - top[0]) + (y - top[1]) * (tip[1] - top[1])) / run, -0.2, 1.2)
        px = top[0] + along * (tip[0] - top[0])  # the ridge line's x at this height
        width = half_w * (0.10 + 0.12 * np.clip(along, 0, 1))
        ridge = np.exp(-((x - px) ** 2) / (2 * width**2)) * np.exp(-(np.clip(along - 1, 0, None) ** 2) / 0.01)
        ridge *= np.exp(-(np.clip(-along, 0, None) ** 2) / 0.01) * (0.4 + 0.6 * np.clip(along, 0, 1))
        return (skull + ridge * half_w * 0.45).astype(np.float32)

    def _open_mouth(self, amount: float) -> np.ndarray:
        """The texture with the jaw dropped by `amount` (0-1): the chin slides down, the gap is dark."""
        if amount <= 0.02:
            return self.texture
        lm, h, w = self.landmarks, self.h, self.w
        drop = amount * MOUTH_OPEN * h
        y, x = np.mgrid[0:h, 0:w].astype(np.float32)
        lip_y, chin_y = lm[60:68, 1].mean(), lm[8, 1]
        mid, half = (lm[48, 0] + lm[54, 0]) / 2, (lm[54, 0] - lm[48, 0]) / 2
        lens = np.sqrt(np.clip(1 - ((x - mid) / (half * 1.1)) ** 2, 0, 1))
        fade = np.clip(1 - np.clip(y - chin_y, 0, None) / (0.35 * (chin_y - lip_y)), 0, 1)
        shift = np.where(y > lip_y, drop * lens * fade, 0)
        source = y - shift
        out = self.texture[np.clip(np.round(source).astype(np.int32), 0, h - 1), x.astype(np.int32)].copy()
        out[(y > lip_y) & (source < lip_y)] = (60, 25, 30)  # the inside of the mouth
        return out

    def draw(
        self,
        canvas: np.ndarray,
        cx: float,
        cy: float,
        *,
        yaw: float = 0.0,
        pitch: float = 0.0,
        mouth: float = 0.0,
        flat: bool = False,
    ) -> None:
        """Composite the head onto `canvas`, turned by yaw/pitch degrees (> 0: the person's left, up)."""
        colours = self._open_mouth(mouth)[self.yi, self.xi].astype(np.float32)
        neck = 0.0 if flat else NECK * self.w  # a card turns about itself, a head about the neck
        z = (np.zeros_like(self.z) if flat else self.z) + neck
        th, ph = np.radians(yaw), np.radians(pitch)
        x1 = self.x * np.cos(th) + z * np.sin(th)
        z1 = -self.x * np.sin(th) + z * np.cos(th)
        y2 = self.y * np.cos(ph) - z1 * np.sin(ph)
        z2 = self.y * np.sin(ph) + z1 * np.cos(ph) - neck
        distance = CAMERA_DISTANCE * self.w
        persp = distance / (distance - z2)
        H, W = canvas.shape[:2]
        ix = np.round(x1 * persp + cx).astype(np.int32)
        iy = np.round(y2 * persp + cy).astype(np.int32)
        ok = (ix >= 0) & (ix < W) & (iy >= 0) & (iy < H)
        if not ok.any():
            return
        order = np.argsort(z2[ok], kind="stable")  # far to near: the nearest surface is written last
        ix, iy = ix[ok][order], iy[ok][order]
        x0, x1b, y0, y1b = max(ix.min() - 3, 0), min(ix.max() + 4, W), max(iy.min() - 3, 0), min(iy.max() + 4, H)
        bw, bh = x1b - x0, y1b - y0
        img = np.zeros((bh, bw, 3), np.float32)
        alpha = np.zeros((bh, bw), np.float32)
        hit = np.zeros((bh, bw), np.float32)
        img[iy - y0, ix - x0] = colours[ok][order]
        alpha[iy - y0, ix - x0] = self.alpha[ok][order]
        hit[iy - y0, ix - x0] = 1.0
        # splat holes (where the surface stretches towards the camera) filled from their neighbours
        cover = ndimage.gaussian_filter(hit, 1.2)
        filled = ndimage.gaussian_filter(img * hit[..., None], (1.2, 1.2, 0)) / np.maximum(cover, 1e-6)[..., None]
        img = np.where(hit[..., None] > 0, img, filled)
        alpha = np.where(hit > 0, alpha, ndimage.gaussian_filter(alpha, 1.2) / np.maximum(cover, 1e-6))
        alpha = (np.clip(alpha, 0, 1) * (cover > 0.05))[..., None]
        region = canvas[y0:y1b, x0:x1b].astype(np.float32)
        canvas[y0:y1b, x0:x1b] = np.clip(alpha * img + (1 - alpha) * region, 0, 255).astype(np.uint8)


@lru_cache(maxsize=16)
def head(face: str, height: int) -> Head:
    return Head(face, height)


def _envelope(samples: np.ndarray | None, rate: int) -> callable:
    """Loudness 0-1 of the audio at time t, from 40 ms windows: how far the jaw opens."""
    if samples is None or samples.size == 0:
        return lambda t: 0.0
    hop = int(0.02 * rate)
    n = samples.size // hop
    rms = np.sqrt((samples[: n * hop].reshape(n, hop).astype(np.float64) ** 2).mean(axis=1))
    rms = np.convolve(rms, np.ones(2) / 2, mode="same")
    loud = np.percentile(rms, 98) or 1.0
    level = np.clip((rms / loud - 0.08) / 0.6, 0, 1)
    return lambda t: float(level[min(n - 1, max(0, int(t / 0.02)))])


def _pose(t: float, moves: list[str], duration_s: float) -> tuple[float, float, float]:
    """(direction x, direction y, amount 0-1) at time t: neutral, then each move out-hold-back."""
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
    return vx, vy, float(amount)


# ---------------------------------------------------------------- audio


def _tones(digits: str, duration_s: float, rate: int, bursts: int | None = None, hum: bool = False) -> np.ndarray:
    n = int(duration_s * rate)
    audio = np.random.default_rng(3).normal(0, 0.0005, n).astype(np.float32)  # room noise
    count = 1 if hum else (len(digits) if bursts is None else bursts)
    if not count:
        return audio
    span = duration_s - 0.6
    for i in range(count):
        start = 0.3 + i * span / count
        length = span * 0.8 if hum else min(0.4, span / count * 0.6)
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


def audio_track(
    digits: str, duration_s: float, audio: str, rate: int = AUDIO_RATE, bursts: int | None = None
) -> np.ndarray | None:
    if audio == "none":
        return None
    if audio == "silent":
        return np.random.default_rng(3).normal(0, 0.0005, int(duration_s * rate)).astype(np.float32)
    if audio == "speech":
        spoken = _speech(digits, duration_s, rate)
        if spoken is not None:
            return spoken
    return _tones(digits, duration_s, rate, bursts=bursts, hum=audio == "hum")


# ---------------------------------------------------------------- encoding


def make_capture(
    path: str | os.PathLike | None = None,
    *,
    face: str = "astronaut",
    moves: list[str] | tuple[str, ...] = ("left", "up"),
    digits: str = "123",
    audio: str = "tones",
    subject: str = "head",
    mouth: str = "voice",
    face_after: str | None = None,
    bursts: int | None = None,
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

    subject: "head" (turns in 3-D) | "photo" (a print slid and squashed) | "tilted_photo"
    (a print turned as a card) | "scaled_photo" (a print slid and brought nearer).
    mouth: "voice" (the jaw opens with the audio; heads only) | "still".
    face_after: another face from half way on.
    audio: "tones" | "speech" (espeak-ng, tones without it) | "silent" | "none" | "hum"
    (one long voiced sound); bursts: that many tone bursts instead of one per digit.
    container: "mp4" (H.264 + AAC) or "webm" (VP9 + Opus).
    rotation: 90 or 270 stores the frames sideways with a display matrix, as phones
    store portrait clips; `size` is the upright picture.
    hand: seeds the small shake of the hand holding the phone; two recordings of one
    face with one challenge differ only by it (the bytes differ, so no replay).
    """
    if subject not in ("head", "photo", "tilted_photo", "scaled_photo"):
        raise ValueError(f"unknown subject {subject!r}")
    moves = [] if static else list(moves)
    w, h = size
    height = _face_height(size) if not two_faces else int(h * 0.55)
    face_size = height * 0.55  # the detector's box is roughly this share of the crop
    face_px = face_image(face)
    other_px = face_image(second_face) if two_faces else None

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
    samples = audio_track(digits, duration_s, audio, bursts=bursts)
    aud_rate = AUDIO_RATE
    if samples is not None:
        acodec = "aac" if container == "mp4" else "libopus"
        ast = out.add_stream(acodec, rate=aud_rate)
        ast.layout = "mono"
    loudness = _envelope(samples, aud_rate) if mouth == "voice" else (lambda t: 0.0)

    rng = np.random.default_rng(hand)
    x_home = w * 0.28 if two_faces else w / 2
    for i in range(int(round(duration_s * fps))):
        t = i / fps
        canvas = _background(size).copy()
        if not no_face:
            vx, vy, amount = _pose(t, moves, duration_s)
            jitter = rng.normal(0, 0.6, 2)  # a hand holding the phone (or the photo)
            if two_faces:
                _paste(canvas, other_px, w * 0.72, h / 2, height, 1.0, 1.0)
            if subject == "head":
                person = head(face_after if face_after and t >= duration_s / 2 else face, height)
                person.draw(
                    canvas,
                    x_home + jitter[0],
                    h / 2 + jitter[1],
                    yaw=vx * TURN_DEG * amount,
                    pitch=-vy * NOD_DEG * amount,
                    mouth=loudness(t),
                )
            elif subject == "tilted_photo":  # a card turned and slid: a plane in perspective
                head(face, height).draw(
                    canvas,
                    x_home + vx * AMPLITUDE * amount * face_size + jitter[0],
                    h / 2 + vy * AMPLITUDE * amount * face_size + jitter[1],
                    yaw=vx * TURN_DEG * 1.2 * amount,
                    pitch=-vy * NOD_DEG * 1.2 * amount,
                    flat=True,
                )
            else:  # a print slid about, squashed as if turned, or brought nearer
                turning = abs(vx) > abs(vy)
                sx = 1.0 - (0.15 * amount if turning else 0.0)
                sy = 1.0 - (0.06 * amount if not turning and amount else 0.0)
                if subject == "scaled_photo":
                    sx = sy = 1.0 + 0.3 * amount
                _paste(
                    canvas,
                    face_px,
                    x_home + vx * AMPLITUDE * amount * face_size + jitter[0],
                    h / 2 + vy * AMPLITUDE * amount * face_size + jitter[1],
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
        _encode_audio(out, ast, samples, 960 if container == "webm" else 1024)
    out.close()
    data = buf.getvalue()
    if path is not None:
        with open(path, "wb") as fh:
            fh.write(data)
    return data


def _encode_audio(out, stream, samples: np.ndarray, chunk: int) -> None:
    pts = 0
    for s in range(0, samples.size, chunk):
        piece = samples[s : s + chunk]
        if piece.size < chunk:
            piece = np.pad(piece, (0, chunk - piece.size))
        af = av.AudioFrame.from_ndarray(piece[None, :].astype(np.float32), format="flt", layout="mono")
        af.sample_rate = AUDIO_RATE
        af.pts = pts
        pts += chunk
        for packet in stream.encode(af):
            out.mux(packet)
    for packet in stream.encode(None):
        out.mux(packet)


def refilm(capture: bytes, *, seed: int = 5) -> bytes:
    """The capture played on a screen and recorded again with another phone.

    The screen sits a little smaller in the new frame inside a dark bezel; its
    gamma and colour are off, the sensor adds noise and the lens a little blur.
    The sound is recorded again too (resampled, with some room noise). No byte of
    the original survives: only what the frames look like.
    """
    rng = np.random.default_rng(seed)
    frames, audio, fps = [], [], 15
    with av.open(io.BytesIO(capture)) as container:
        stream = container.streams.video[0]
        fps = int(round(float(stream.average_rate or 15)))
        for frame in container.decode(stream):
            frames.append(frame.to_ndarray(format="rgb24"))
        if container.streams.audio:
            container.seek(0)
            resampler = av.AudioResampler(format="flt", layout="mono", rate=AUDIO_RATE)
            for frame in container.decode(container.streams.audio[0]):
                audio.extend(o.to_ndarray().reshape(-1) for o in resampler.resample(frame))
    h, w = frames[0].shape[:2]
    inner = (int(w * 0.9) // 2 * 2, int(h * 0.9) // 2 * 2)
    buf = io.BytesIO()
    out = av.open(buf, mode="w", format="mp4")
    vs = out.add_stream("libx264", rate=fps, options={"preset": "veryfast", "crf": "28"})
    vs.width, vs.height, vs.pix_fmt = w, h, "yuv420p"
    samples = None
    if audio:
        samples = np.concatenate(audio) + rng.normal(0, 0.001, sum(a.size for a in audio)).astype(np.float32)
        ast = out.add_stream("aac", rate=AUDIO_RATE)
        ast.layout = "mono"
    shift = np.array([8.0, -4.0, 6.0], np.float32)
    for picture in frames:
        screen = np.asarray(Image.fromarray(picture).resize(inner, Image.BILINEAR), np.float32) / 255.0
        screen = 255.0 * screen**1.15 + shift
        canvas = np.full((h, w, 3), 18.0, np.float32)  # the bezel and the room around it
        y0, x0 = (h - inner[1]) // 2 + 3, (w - inner[0]) // 2 - 4
        canvas[y0 : y0 + inner[1], x0 : x0 + inner[0]] = screen
        canvas = ndimage.gaussian_filter(canvas, (0.7, 0.7, 0)) + rng.normal(0, 3.0, canvas.shape)
        frame = av.VideoFrame.from_ndarray(np.clip(canvas, 0, 255).astype(np.uint8), format="rgb24")
        for packet in vs.encode(frame):
            out.mux(packet)
    for packet in vs.encode(None):
        out.mux(packet)
    if samples is not None:
        _encode_audio(out, ast, samples, 1024)
    out.close()
    return buf.getvalue()


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
