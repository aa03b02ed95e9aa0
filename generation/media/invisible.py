"""The invisible mark: a 32-bit key in every frame, found again after re-encoding, scaling, cropping and rotation.

How it works (a self-synchronising spread-spectrum mark, after Kutter's
periodic marks and Pereira & Pun's template matching):

* A 128x128 luma tile is built in the frequency domain. Every bin of a ring
  of middle frequencies (periods of 8.9 to 12.8 pixels) gets the same
  magnitude. That band is where the mark survives best: lower, the picture's
  own content drowns it; higher, H.264 at a high quantiser, blur and a 50 %
  downscale flatten it. Some bins carry a fixed, public phase (the *sync*
  bins); each of the others carries one channel bit as the sign of its
  phase.
* The tile repeats over the whole frame and is the same in every frame, so a
  crop only shifts it, a new frame rate or a trimmed start do not touch it,
  and averaging frames makes it stronger while moving content fades.
* The payload is 48 bits, a 32-bit key and its CRC-16, protected by a
  rate-1/2, constraint-length-7 convolutional code (the 171/133 pair) and
  decoded with soft-decision Viterbi.
* The strength follows the picture: textured areas, where the eye cannot see
  it, get up to 2.5x ``TARGET_RMS`` luma units, flat colour 0.6x, and no
  frame more than ``TARGET_RMS`` overall (PSNR >= 40.8 dB).

Detection needs no original. The frames' averaged high-pass residual goes to
a power spectrum, where a repeating tile shows as a lattice of peaks;
rotation and scale rotate and scale that lattice, so a search over angle and
scale against the known ring finds the geometry (translation does not move
a power spectrum). The residual is then folded onto one tile under that
geometry, the sync bins give the shift and the confidence, and the data bins
give the bits.

Videos made before 2026-12-06 carry the first design (a 64-pixel tile over
periods of 6 to 64 pixels, which H.264 at CRF 35 erased too often). The
reader still knows it, but counts it only when its key decodes (see
``FIRST``), so keeping it costs no false positives.

Pure numpy/scipy over (T, H, W, 3) uint8 frames; no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy import ndimage

KEY_BITS = 32
CRC_BITS = 16
PAYLOAD_BITS = KEY_BITS + CRC_BITS
_G = (0o171, 0o133)  # the CCSDS K=7 generator pair
_K = 7
CHANNEL_BITS = (PAYLOAD_BITS + _K - 1) * len(_G)
PATTERN_SEED = 0x50_52_41  # public: anyone may check a clip, so nothing here is secret
TARGET_RMS = 2.3  # luma units added per pixel, RMS over the frame
MASK_STEP = 8  # the strength mask is computed on every 8th pixel ...
MASK_EVERY = 6  # ... of every 6th frame (the model draws 4 frames a second, the output has 24)
MASK_FLOOR, MASK_CEILING = 0.6, 2.5  # strength on flat colour and on the busiest texture, x TARGET_RMS
# Detection: the sync correlation (0..1) at the best shift. Under no mark, each of the
# 68 sync bins adds a random phase, so the correlation at one shift has a spread of
# 1/sqrt(136) = 0.086 and the best of 16,384 shifts x 4 geometries exceeds 0.55 with
# probability under 0.01 %. A key whose CRC-16 checks is evidence on its own (a chance
# match is 1 in 65,536 a geometry), so a lower correlation suffices with one.
SYNC_THRESHOLD = 0.55
SYNC_WITH_KEY = 0.30
MAX_FRAMES = 96  # frames averaged for a reading, evenly spaced
DETECT_SHORT_SIDE = 256  # larger uploads are brought down to about our own size first
ANGLES = np.deg2rad(np.arange(-8.0, 8.01, 0.25))
SCALES = np.exp(np.arange(-69, 70) * 0.01)  # 0.50 .. 2.0 in 1 % steps, 1.0 exactly on the grid
REFINE_SCALE = 0.003  # refinement steps around the best candidate: 0.3 % of scale ...
REFINE_ANGLE = 0.1  # ... and 0.1 degree


class MarkError(ValueError):
    """Frames or a key the mark cannot work with."""


# --- the code ------------------------------------------------------------------------------


def crc16(bits: np.ndarray) -> np.ndarray:
    """CRC-16/CCITT (polynomial 0x1021, initial 0xFFFF) of a bit array, as 16 bits."""
    reg = 0xFFFF
    for b in bits.astype(np.uint8):
        top = ((reg >> 15) & 1) ^ int(b)
        reg = (reg << 1) & 0xFFFF
        if top:
            reg ^= 0x1021
    return np.array([(reg >> (15 - i)) & 1 for i in range(16)], dtype=np.uint8)


def key_bits(key: int) -> np.ndarray:
    """The 48 payload bits of ``key``: 32 key bits, then their CRC-16."""
    if not 0 <= int(key) < (1 << KEY_BITS):
        raise MarkError(f"key must fit in {KEY_BITS} bits")
    bits = np.array([(int(key) >> (KEY_BITS - 1 - i)) & 1 for i in range(KEY_BITS)], dtype=np.uint8)
    return np.concatenate([bits, crc16(bits)])


def key_from_bits(bits: np.ndarray) -> int | None:
    """The key when the CRC-16 checks, else None."""
    if not np.array_equal(crc16(bits[:KEY_BITS]), bits[KEY_BITS:PAYLOAD_BITS]):
        return None
    return int("".join(str(int(b)) for b in bits[:KEY_BITS]), 2)


def _parity(x: int) -> int:
    return bin(x).count("1") & 1


def conv_encode(bits: np.ndarray) -> np.ndarray:
    state = 0
    out = []
    for b in np.concatenate([bits, np.zeros(_K - 1, dtype=np.uint8)]):
        state = ((state << 1) | int(b)) & ((1 << _K) - 1)
        out.extend(_parity(state & g) for g in _G)
    return np.array(out, dtype=np.uint8)


@lru_cache(maxsize=1)
def _trellis():
    n_states = 1 << (_K - 1)
    prev = np.zeros((n_states, 2), dtype=np.int64)  # the two predecessors of each state
    outs = np.zeros((n_states, 2, len(_G)), dtype=np.float64)  # +-1 expected symbols on each branch
    for s in range(n_states):
        b = s & 1  # the newest bit is the low bit of the next state
        for j, p in enumerate(((s >> 1), (s >> 1) | (1 << (_K - 2)))):
            prev[s, j] = p
            full = ((p << 1) | b) & ((1 << _K) - 1)
            outs[s, j] = [1.0 - 2.0 * _parity(full & g) for g in _G]
    return prev, outs


def viterbi_decode(soft: np.ndarray) -> np.ndarray:
    """Soft values (positive = bit 0) -> the most likely PAYLOAD_BITS."""
    prev, outs = _trellis()
    n_states = prev.shape[0]
    steps = soft.reshape(-1, len(_G))
    metric = np.full(n_states, -np.inf)
    metric[0] = 0.0
    back = np.zeros((len(steps), n_states), dtype=np.int8)
    for t, sym in enumerate(steps):
        cand = metric[prev] + outs @ sym  # (states, 2)
        choice = np.argmax(cand, axis=1)
        back[t] = choice
        metric = cand[np.arange(n_states), choice]
    state = 0  # the tail bits bring the encoder back to zero
    bits = []
    for t in range(len(steps) - 1, -1, -1):
        bits.append(state & 1)
        state = prev[state, back[t, state]]
    return np.array(bits[::-1][:PAYLOAD_BITS], dtype=np.uint8)


# --- the pattern ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """One version of the frame mark: the tile, its ring of frequencies and how the reader treats it."""

    tile: int  # pixels on a side
    ring: tuple[float, float]  # radius in bins of the tile
    spectrum: int  # the reader's power spectrum: at least 8 points between two of the lattice's peaks
    key_required: bool  # counted as found only when its key decodes


# Written into every video since 2026-12-06: periods 12.8 .. 8.9 px.
CURRENT = Design(tile=128, ring=(10.0, 14.4), spectrum=1024, key_required=False)
# Videos made before: periods 64 .. 6.4 px. Read only when its key decodes (a chance match
# is 1 in 65,536), so trying it after CURRENT adds no false positives worth counting.
FIRST = Design(tile=64, ring=(1.0, 10.0), spectrum=512, key_required=True)
DESIGNS = (CURRENT, FIRST)  # the order the reader tries them in
TILE = CURRENT.tile


@dataclass(frozen=True)
class _Layout:
    bins: np.ndarray  # (n, 2) int (u, v) in the half plane, in the tile's bins
    phase: np.ndarray  # (n,) the public phase of each bin
    sync: np.ndarray  # indices into bins
    data: np.ndarray  # indices into bins, CHANNEL_BITS of them, in code order: a random
    # interleaver, so a band the channel loses costs scattered code bits, not a burst
    design: Design | None = None  # the frames' design (None for the sound track)


@lru_cache(maxsize=len(DESIGNS))
def layout(design: Design = CURRENT) -> _Layout:
    half = design.tile // 2
    uu, vv = np.meshgrid(np.arange(-half, half), np.arange(-half, half), indexing="ij")
    r = np.hypot(uu, vv)
    keep = (r >= design.ring[0]) & (r <= design.ring[1]) & ((uu > 0) | ((uu == 0) & (vv > 0)))
    bins = np.stack([uu[keep], vv[keep]], axis=1)
    rng = np.random.default_rng(PATTERN_SEED)
    order = rng.permutation(len(bins))
    if len(bins) < CHANNEL_BITS + 24:
        raise MarkError("the ring is too small for the payload")
    phase = rng.uniform(0, 2 * np.pi, len(bins))
    return _Layout(bins, phase, sync=np.sort(order[CHANNEL_BITS:]), data=order[:CHANNEL_BITS], design=design)


@lru_cache(maxsize=64)
def tile_for(key: int, design: Design = CURRENT) -> np.ndarray:
    """The float tile (unit RMS) carrying ``key`` in ``design``."""
    lay = layout(design)
    n = design.tile
    signs = np.ones(len(lay.bins))
    signs[lay.data] = 1.0 - 2.0 * conv_encode(key_bits(key))
    coef = signs * np.exp(1j * lay.phase)
    spec = np.zeros((n, n), dtype=np.complex128)
    spec[lay.bins[:, 0] % n, lay.bins[:, 1] % n] = coef
    spec[(-lay.bins[:, 0]) % n, (-lay.bins[:, 1]) % n] = np.conj(coef)
    tile = np.fft.ifft2(spec).real
    return (tile / tile.std()).astype(np.float32)


def _luma(frames: np.ndarray) -> np.ndarray:
    f = frames.astype(np.float32)
    return f[..., 0] * 0.299 + f[..., 1] * 0.587 + f[..., 2] * 0.114


def _check_frames(frames: np.ndarray) -> np.ndarray:
    frames = np.asarray(frames)
    if frames.ndim != 4 or frames.shape[-1] != 3 or frames.dtype != np.uint8 or frames.shape[0] == 0:
        raise MarkError("frames must be uint8 (T, H, W, 3) with at least one frame")
    return frames


def embed(
    frames: np.ndarray,
    key: int,
    *,
    strength: float = TARGET_RMS,
    in_place: bool = False,
    design: Design = CURRENT,
) -> np.ndarray:
    """``frames`` (T, H, W, 3) uint8 carrying ``key`` invisibly (a copy unless ``in_place``)."""
    frames = _check_frames(frames)
    n, h, w, _ = frames.shape
    t = design.tile
    if min(h, w) < t:
        raise MarkError(f"frames must be at least {t} pixels on each side")
    pattern = np.tile(tile_for(int(key), design), (h // t + 1, w // t + 1))[:h, :w] * np.float32(strength)
    out = frames if in_place else np.empty_like(frames)
    up = down = room = None
    for i in range(n):
        if i % MASK_EVERY == 0:
            delta = np.rint(_mask(frames[i], h, w) * pattern)
            # Full (h, w, 3) operands: uint8 ufuncs over a broadcast channel axis run 4x slower.
            up = np.repeat(np.clip(delta, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
            down = np.repeat(np.clip(-delta, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
            room = 255 - up
        # frame + delta clipped to 0..255, in uint8 without overflow: lower what would pass 255,
        # add, raise what would pass 0, subtract (twice as fast as a round trip through int16).
        o = out[i]
        np.minimum(frames[i], room, out=o)
        o += up
        np.maximum(o, down, out=o)
        o -= down
    return out


def _mask(frame: np.ndarray, h: int, w: int) -> np.ndarray:
    """Where the mark may be stronger: local contrast on a subsampled luma.

    Texture hides the mark, so it is lifted there (up to 2.5x); flat colour,
    where a pattern would show, keeps a floor of 0.6x so that every part of
    the picture carries some of it. The mask is scaled down when the frame
    would exceed ``TARGET_RMS`` overall, never up: a flat frame stays gentle.
    """
    small = _luma(frame[::MASK_STEP, ::MASK_STEP])
    gy, gx = np.gradient(small)
    act = ndimage.uniform_filter(np.abs(gx) + np.abs(gy), size=3)
    mask = np.clip(MASK_FLOOR + act / (3.0 * MASK_STEP), MASK_FLOOR, MASK_CEILING)
    mask *= min(1.0, 1.0 / max(float(np.sqrt(np.mean(mask * mask))), 1e-6))
    return np.repeat(np.repeat(mask, MASK_STEP, axis=0), MASK_STEP, axis=1)[:h, :w].astype(np.float32)


# --- detection -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    found: bool
    confidence: float  # the sync correlation at the best shift, 0..1 (see SYNC_THRESHOLD)
    key: int | None  # the decoded key when its CRC checks
    angle_deg: float = 0.0  # the rotation and scale the detector undid
    scale: float = 1.0


NOT_FOUND = Reading(False, 0.0, None)


def _residual(frames: np.ndarray, max_frames: int = MAX_FRAMES) -> np.ndarray:
    """The high-passed mean luma of up to ``max_frames`` frames: the mark stays, slow shading goes."""
    n = frames.shape[0]
    picks = np.unique(np.linspace(0, n - 1, min(n, max_frames)).round().astype(int))
    acc = None
    for i in picks:
        y = _luma(frames[i])
        r = y - ndimage.gaussian_filter(y, 3.0)
        # Object edges dominate a residual; clamped, they cannot drown the mark.
        np.clip(r, -6.0, 6.0, out=r)
        acc = r if acc is None else acc + r
    return acc / len(picks)


def _spectrum(res: np.ndarray, points: int) -> np.ndarray:
    h, w = res.shape
    win = np.outer(np.hanning(h), np.hanning(w))
    size = max(points, 1 << int(np.ceil(np.log2(max(h, w)))))
    p = np.abs(np.fft.fft2(res * win, s=(size, size))) ** 2
    # Whitened by the local level, so the lattice's peaks stand out whatever the scene.
    pn = p / (ndimage.uniform_filter(p, size=9, mode="wrap") + 1e-9)
    return ndimage.maximum_filter(pn, size=3, mode="wrap")


def _geometry(res: np.ndarray, lay: _Layout, top: int = 3) -> list[tuple[float, float]]:
    """The ``top`` (angle, scale) candidates for how ``lay``'s tile lies in the frame."""
    pn = _spectrum(res, lay.design.spectrum)
    size = pn.shape[0]
    pts = np.concatenate([lay.bins, -lay.bins]).astype(np.float64) / lay.design.tile  # cycles per pixel
    scores = np.empty((len(ANGLES), len(SCALES)))
    for i, a in enumerate(ANGLES):
        c, s = np.cos(a), np.sin(a)
        rot = pts @ np.array([[c, -s], [s, c]]).T
        # A tile scaled by s has its frequencies divided by s.
        f = rot[None, :, :] / SCALES[:, None, None]
        rr = np.rint(f[..., 0] * size).astype(np.int64) % size
        cc = np.rint(f[..., 1] * size).astype(np.int64) % size
        scores[i] = pn[rr, cc].mean(axis=1)
    peaks = scores == ndimage.maximum_filter(scores, size=5, mode="nearest")
    idx = np.argwhere(peaks)
    idx = idx[np.argsort(-scores[peaks])][:top]
    return [(float(ANGLES[i]), float(SCALES[j])) for i, j in idx]


def _fold(res: np.ndarray, angle: float, scale: float, n: int) -> np.ndarray:
    """The residual folded onto one n x n tile under the given rotation and scale (bilinear splats)."""
    h, w = res.shape
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float64)
    yy -= h / 2
    xx -= w / 2
    c, s = np.cos(angle), np.sin(angle)
    # Frame point -> tile point: undo the scale and the rotation.
    ty = (c * yy + s * xx) / scale
    tx = (-s * yy + c * xx) / scale
    ty %= n
    tx %= n
    y0 = np.floor(ty).astype(np.int64)
    x0 = np.floor(tx).astype(np.int64)
    fy = ty - y0
    fx = tx - x0
    vals = res.ravel()
    acc = np.zeros(n * n)
    wsum = np.zeros(n * n)
    for dy, wy in ((0, 1 - fy), (1, fy)):
        for dx, wx in ((0, 1 - fx), (1, fx)):
            wgt = (wy * wx).ravel()
            idx = (((y0 + dy) % n) * n + ((x0 + dx) % n)).ravel()
            acc += np.bincount(idx, weights=vals * wgt, minlength=n * n)
            wsum += np.bincount(idx, weights=wgt, minlength=n * n)
    return (acc / np.maximum(wsum, 1e-9)).reshape(n, n)


def _read_tile(tile: np.ndarray, lay: _Layout) -> tuple[float, np.ndarray]:
    """(sync correlation, soft channel bits) of a folded tile, at the shift the sync bins pick."""
    n = tile.shape[0]
    spec = np.fft.fft2(tile)
    u, v = lay.bins[:, 0] % n, lay.bins[:, 1] % n
    obs = spec[u, v]
    obs = obs / (np.abs(obs) + 1e-9)  # phase only: every bin counts the same
    ref = np.exp(1j * lay.phase)
    # The cross-power of the sync bins over every shift at once, one inverse FFT.
    cross = np.zeros((n, n), dtype=np.complex128)
    cross[u[lay.sync], v[lay.sync]] = obs[lay.sync] * np.conj(ref[lay.sync])
    surface = np.fft.ifft2(cross).real * (n * n / len(lay.sync))
    dy, dx = np.unravel_index(int(np.argmax(surface)), surface.shape)
    # A shift by (dy, dx) turned bin k by exp(-2 pi i k.d / n): turn it back.
    ramp = np.exp(2j * np.pi * (lay.bins[:, 0] * dy + lay.bins[:, 1] * dx) / n)
    aligned = (obs * np.conj(ref) * ramp).real
    return float(surface[dy, dx]), _weighted(aligned, np.hypot(lay.bins[:, 0], lay.bins[:, 1]), lay, width=1.5)


def _weighted(aligned: np.ndarray, freq: np.ndarray, lay: _Layout, *, width: float) -> np.ndarray:
    """The data bins' soft bits, each scaled by how much of the mark survived at its frequency.

    The sync bins within about ``width`` of a data bin's frequency tell that
    (compression and blur eat the high ones first, hiss drowns some bands);
    the scaling lets the decoder lean on the bins that survived.
    """
    near = np.exp(-0.5 * ((freq[lay.data][:, None] - freq[lay.sync][None, :]) / width) ** 2)
    survived = np.clip((near @ aligned[lay.sync]) / near.sum(axis=1), 0.02, 0.9)
    return aligned[lay.data] * survived / (1.0 - survived**2)


def _reading(res: np.ndarray, angle: float, scale: float, lay: _Layout) -> Reading:
    peak, soft = _read_tile(_fold(res, angle, scale, lay.design.tile), lay)
    key = key_from_bits(viterbi_decode(soft))
    found = key is not None and peak >= SYNC_WITH_KEY
    if not lay.design.key_required:
        found = found or peak >= SYNC_THRESHOLD
    return Reading(found, peak, key, float(np.rad2deg(angle)), scale)


def _normalised(frames: np.ndarray) -> tuple[np.ndarray, float]:
    """Frames of a large upload brought to about our own size (and the factor used)."""
    short = min(frames.shape[1:3])
    if short <= DETECT_SHORT_SIDE * 1.5:
        return frames, 1.0
    from PIL import Image

    f = DETECT_SHORT_SIDE / short
    h, w = round(frames.shape[1] * f), round(frames.shape[2] * f)
    out = np.stack([np.asarray(Image.fromarray(x).resize((w, h), Image.Resampling.BILINEAR)) for x in frames])
    return out, f


def detect(frames: np.ndarray) -> Reading:
    """Whether ``frames`` (T, H, W, 3) uint8 carry the mark, and its key when it decodes.

    Searches rotations up to 8 degrees and scales from 0.5 to 2 (after a large
    upload is brought down to about 256 pixels on its short side), then
    refines the best candidate: the fold spans the whole frame, so a scale off
    by 1 % already smears the finer bins by several pixels at the edges. Each
    design is tried in turn (``DESIGNS``); the first that finds its mark wins.
    """
    frames = _check_frames(frames)
    n = frames.shape[0]
    picks = np.unique(np.linspace(0, n - 1, min(n, MAX_FRAMES)).round().astype(int))
    frames, _ = _normalised(frames[picks])
    res = _residual(frames)
    return _first_found(_search(res, layout(d)) for d in DESIGNS if min(res.shape) >= d.tile)


def _search(res: np.ndarray, lay: _Layout) -> Reading:
    """The best reading of ``lay``'s mark over the geometry search's candidates, refined."""
    # The untouched geometry always gets a reading: most copies are re-encodes, trims or new
    # frame rates, and a search step off by 0.25 degrees already blurs the finer bins.
    geometries = dict.fromkeys([(0.0, 1.0), *_geometry(res, lay)])
    best = max((_reading(res, angle, scale, lay) for angle, scale in geometries), key=_rank)
    if best.key is None and best.confidence >= SYNC_WITH_KEY:
        best = max(best, _refine(res, best, lay), key=_rank)
    return best


def _first_found(readings) -> Reading:
    """The first reading that found its mark (designs in ``DESIGNS`` order, read lazily); when none
    did, the first design's reading, whose confidence means what it says."""
    first = NOT_FOUND
    for reading in readings:
        if reading.found:
            return reading
        first = reading if first is NOT_FOUND else first
    return first


def _rank(r: Reading) -> tuple:
    return (r.found, r.key is not None, r.confidence)


def _refine(res: np.ndarray, start: Reading, lay: _Layout) -> Reading:
    """Coordinate ascent on the sync correlation around a candidate: scale, then angle, then scale."""
    angle, scale = np.deg2rad(start.angle_deg), start.scale
    best_peak = start.confidence

    def peak_at(a: float, s: float) -> float:
        return _read_tile(_fold(res, a, s, lay.design.tile), lay)[0]

    for axis, steps in (("scale", REFINE_SCALE), ("angle", REFINE_ANGLE), ("scale", REFINE_SCALE / 3)):
        for step in (-2, -1, 1, 2):
            a = angle + (np.deg2rad(steps * step) if axis == "angle" else 0.0)
            s = scale * (1.0 + steps * step if axis == "scale" else 1.0)
            p = peak_at(a, s)
            if p > best_peak:
                best_peak, angle, scale = p, a, s
    return _reading(res, angle, scale, lay)


def read_in_place(frames: np.ndarray, *, max_frames: int = 12) -> Reading:
    """The reading of frames whose geometry is known to be untouched (our own output check).

    Skips the search, so it costs a fold and a decode per design: tens of milliseconds.
    """
    frames = _check_frames(frames)
    res = _residual(frames, max_frames)
    return _first_found(_reading(res, 0.0, 1.0, layout(d)) for d in DESIGNS if min(res.shape) >= d.tile)


# --- the audio track ----------------------------------------------------------------------
#
# The same payload and code in the soundtrack: a block of AUDIO_BLOCK samples whose
# spectrum has equal magnitudes over 1-5 kHz (where AAC keeps detail and our ambience
# masks it), phases public for the sync bins and carrying the channel bits for the data
# bins, repeated through the clip 12 dB under the soundtrack's own energy in that band. A trimmed start only
# shifts the repetition; the reader folds the track onto one block and finds the shift
# from the sync bins, as the frames' reader does in two dimensions.

AUDIO_RATE = 48000
AUDIO_BLOCK = 8192  # 0.17 s at 48 kHz: a 4 s clip holds 23 blocks
AUDIO_BAND_HZ = (1000.0, 5000.0)
AUDIO_IN_BAND = 0.25  # the mark's RMS against the soundtrack's own in 1-5 kHz (-12 dB) ...
AUDIO_RMS_RANGE = (0.002, 0.012)  # ... within -54 .. -38 dBFS (the ambience bed is -26 dBFS)
AUDIO_THRESHOLD = 0.2  # sync correlation; with ~570 sync bins and 8,192 shifts chance stays under 0.17


@lru_cache(maxsize=1)
def _audio_layout() -> _Layout:
    lo, hi = (round(f * AUDIO_BLOCK / AUDIO_RATE) for f in AUDIO_BAND_HZ)
    bins = np.arange(lo, hi + 1)
    rng = np.random.default_rng(PATTERN_SEED + 1)
    order = rng.permutation(len(bins))
    phase = rng.uniform(0, 2 * np.pi, len(bins))
    return _Layout(bins=bins[:, None], phase=phase, sync=np.sort(order[CHANNEL_BITS:]), data=order[:CHANNEL_BITS])


@lru_cache(maxsize=64)
def _audio_block(key: int) -> np.ndarray:
    lay = _audio_layout()
    signs = np.ones(len(lay.bins))
    signs[lay.data] = 1.0 - 2.0 * conv_encode(key_bits(key))
    spec = np.zeros(AUDIO_BLOCK // 2 + 1, dtype=np.complex128)
    spec[lay.bins[:, 0]] = signs * np.exp(1j * lay.phase)
    block = np.fft.irfft(spec, n=AUDIO_BLOCK)
    return (block / block.std()).astype(np.float32)


def embed_audio(samples: np.ndarray, key: int, *, sample_rate: int = AUDIO_RATE) -> np.ndarray:
    """Mono float32 ``samples`` at 48 kHz with the key's block repeated through them."""
    if sample_rate != AUDIO_RATE:
        raise MarkError(f"the audio mark is written at {AUDIO_RATE} Hz")
    samples = np.asarray(samples, dtype=np.float32)
    if samples.ndim != 1:
        raise MarkError("audio must be mono (N,)")
    # Hidden under the soundtrack's own energy in the band it uses: louder under surf and
    # hiss, quieter where the band is nearly empty.
    spec = np.fft.rfft(samples.astype(np.float64))
    freqs = np.fft.rfftfreq(samples.size, 1.0 / AUDIO_RATE)
    in_band = (freqs >= AUDIO_BAND_HZ[0]) & (freqs <= AUDIO_BAND_HZ[1])
    band_rms = float(np.sqrt(2.0 * np.sum(np.abs(spec[in_band]) ** 2)) / max(samples.size, 1))
    level = float(np.clip(AUDIO_IN_BAND * band_rms, *AUDIO_RMS_RANGE))
    reps = samples.size // AUDIO_BLOCK + 1
    mark = np.tile(_audio_block(int(key)), reps)[: samples.size] * np.float32(level)
    return np.clip(samples + mark, -1.0, 1.0).astype(np.float32)


def detect_audio(samples: np.ndarray, *, sample_rate: int = AUDIO_RATE) -> Reading:
    """The audio mark in mono float ``samples`` at 48 kHz (resample others before)."""
    samples = np.asarray(samples, dtype=np.float64)
    if sample_rate != AUDIO_RATE or samples.ndim != 1 or samples.size < AUDIO_BLOCK:
        return NOT_FOUND
    n = samples.size // AUDIO_BLOCK * AUDIO_BLOCK
    lay = _audio_layout()
    # Fold the blocks with weights: the mark has the same energy in every block, the
    # soundtrack does not (an impact is loud), so a block counts by 1 / its energy in band.
    spectra = np.fft.rfft(samples[:n].reshape(-1, AUDIO_BLOCK), axis=1)[:, lay.bins[:, 0]]
    energy = np.mean(np.abs(spectra) ** 2, axis=1)
    weights = 1.0 / (energy + 1e-6 * max(float(energy.max()), 1e-12) + 1e-20)
    obs = weights @ spectra
    obs = obs / (np.abs(obs) + 1e-12)
    ref = np.exp(1j * lay.phase)
    cross = np.zeros(AUDIO_BLOCK // 2 + 1, dtype=np.complex128)
    cross[lay.bins[lay.sync, 0]] = obs[lay.sync] * np.conj(ref[lay.sync])
    # irfft treats the half spectrum as Hermitian, so its values are twice the real part.
    surface = np.fft.irfft(cross, n=AUDIO_BLOCK) * (AUDIO_BLOCK / (2 * len(lay.sync)))
    shift = int(np.argmax(surface))
    aligned = (obs * np.conj(ref) * np.exp(2j * np.pi * lay.bins[:, 0] * shift / AUDIO_BLOCK)).real
    peak = float(surface[shift])
    key = key_from_bits(viterbi_decode(_weighted(aligned, lay.bins[:, 0].astype(np.float64), lay, width=40.0)))
    found = peak >= AUDIO_THRESHOLD or (key is not None and peak >= AUDIO_THRESHOLD / 2)
    return Reading(found, peak, key)
