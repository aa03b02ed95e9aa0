"""Rectified-flow sampling: the noise schedule, CFG, Euler/Heun, video-to-video, and `generate`.

Convention (rectified flow / flow matching): x_t = (1 - t) * x_0 + t * noise,
t in [0, 1], the network predicts v = noise - x_0, and sampling integrates
dx/dt = v from t = 1 (noise) down to t = 0 (data). Video-to-video starts at
t = strength from the noised frames of an existing video.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from . import DEFAULT_CHECKPOINT, world
from .model import DiT, DiTConfig, known_input
from .text import TextEmbedding, TextEncoder

DEFAULT_STEPS = 12
# Both chosen on 192 training-distribution scenes (never the held-out set), with the
# committed model (step 36456): text scale 4 / 5 / 6 at eta 0.5 gave shape 0.55 / 0.56 / 0.54,
# colour 0.97 / 0.95 / 0.94, count 0.97 / 0.96 / 0.93; at eta 0 shape 0.48 / 0.48 / 0.47 (docs/model/card.md).
DEFAULT_TEXT_SCALE = 4.0
# The cameo's own guidance on top of the text's (guided_velocity). Chosen on 96 training-distribution
# cameo scenes (training faces; evaluate --choose-cameo-scale) with step 36456: scale 1 / 2 / 3 / 4 gave
# cameo fidelity 0.60 / 0.62 / 0.64 / 0.65 of the ceiling, at a cost: object count in those scenes
# 0.87 / 0.87 / 0.84 / 0.77 (the object merges into the figure; docs/model/card.md).
DEFAULT_CAMEO_SCALE = 4.0
# share of fresh noise in each Euler step's noise estimate (0: the deterministic ODE)
DEFAULT_ETA = 0.5
# guidance only at t <= this (1.0: every step); above it the plain conditional prediction
DEFAULT_GUIDANCE_T_MAX = 1.0
# A checkpoint's JSON carries the sampler settings chosen for it ("sampler"); these are
# the fallback for a checkpoint without them. Pipeline.generate's arguments override both.
SAMPLER_FALLBACK = {
    "steps": DEFAULT_STEPS,
    "method": "euler",
    "text_scale": DEFAULT_TEXT_SCALE,
    "cameo_scale": DEFAULT_CAMEO_SCALE,
    "eta": DEFAULT_ETA,
    "guidance_t_max": DEFAULT_GUIDANCE_T_MAX,
}


class GenerationCancelled(Exception):
    """Raised between steps when should_cancel() returns True."""


# ----------------------------------------------------------------------------
# Schedule (the only place that knows about noise levels)
# ----------------------------------------------------------------------------


def sample_train_t(n: int, generator: torch.Generator | None = None) -> torch.Tensor:
    """Logit-normal timesteps (SD3): most training signal at mid noise, where few-step samplers need it."""
    return torch.sigmoid(torch.randn(n, generator=generator))


def add_noise(x0: torch.Tensor, noise: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    t = t.view(-1, *([1] * (x0.dim() - 1)))
    return (1 - t) * x0 + t * noise


T_MIN = 0.05  # x-prediction divides by t; below this the velocity is clipped (as in JiT)


def velocity(model: DiT, x_t: torch.Tensor, t: torch.Tensor, *cond, known: torch.Tensor | None = None) -> torch.Tensor:
    """The network's output as a velocity, whatever it was trained to predict."""
    out = model(x_t, t, *cond, known=known) if known is not None else model(x_t, t, *cond)
    if model.cfg.prediction == "x":
        return (x_t - out) / t.clamp(min=T_MIN).view(-1, *([1] * (x_t.dim() - 1)))
    return out


def timesteps(steps: int, t_start: float = 1.0, shift: float = 2.0) -> list[float]:
    """Decreasing t from t_start to 0; shift > 1 spends more of the few steps at high noise, where layout forms."""
    s = np.linspace(1.0, 0.0, steps + 1)
    ts = shift * s / (1 + (shift - 1) * s)
    return [float(t) * t_start for t in ts]


# ----------------------------------------------------------------------------
# Guided velocity and the integrators
# ----------------------------------------------------------------------------


@dataclass
class Conditioning:
    text: TextEmbedding  # batch of 1
    reference: torch.Tensor | None  # (1, K, 3, 16, 16) in [-1, 1] for K cameos (or (1, 3, 16, 16): one)


def guided_velocity(
    model: DiT,
    x,
    t: float,
    cond: Conditioning,
    text_scale: float,
    cameo_scale: float,
    known: torch.Tensor | None = None,
):
    """CFG with text and cameo guided independently: v = v_0 + s_t (v_text - v_0) + s_c (v_text+cameo - v_text).

    With both scales 1 that is the fully conditioned prediction alone, computed in one evaluation.
    """
    n = x.shape[0]
    e = cond.text
    zeros_tok = torch.zeros_like(e.tokens)
    no_mask = torch.zeros_like(e.mask)
    ref = (
        cond.reference
        if cond.reference is not None
        else torch.zeros(1, 3, model.cfg.ref_px, model.cfg.ref_px, device=x.device)
    )
    branches = [(zeros_tok, no_mask, torch.zeros_like(e.pooled), False), (e.tokens, e.mask, e.pooled, False)]
    if cond.reference is not None:
        branches.append((e.tokens, e.mask, e.pooled, True))
    if text_scale == 1.0 and (cond.reference is None or cameo_scale == 1.0):
        branches = branches[-1:]
    k = len(branches)
    tok = torch.cat([b[0] for b in branches]).repeat_interleave(n, 0)
    msk = torch.cat([b[1] for b in branches]).repeat_interleave(n, 0)
    pooled = torch.cat([b[2] for b in branches]).repeat_interleave(n, 0)
    ref_mask = torch.tensor([b[3] for b in branches], device=x.device).repeat_interleave(n, 0)
    v = velocity(
        model,
        x.repeat(k, 1, 1, 1, 1),
        torch.full((k * n,), t, device=x.device),
        tok,
        msk,
        pooled,
        ref.expand(k * n, *ref.shape[1:]),
        ref_mask,
        known=None if known is None else known.repeat(k, 1, 1, 1, 1),  # every branch sees the given frames
    ).chunk(k)
    if k == 1:
        return v[0]
    out = v[0] + text_scale * (v[1] - v[0])
    if cond.reference is not None:
        out = out + cameo_scale * (v[2] - v[1])
    return out


def euler_step(x, v, t, t_next, eta: float = 0.0, generator: torch.Generator | None = None):
    """One Euler step from t to t_next (floats, or per-clip tensors shaped to broadcast against x).

    With eta > 0 the step splits x into the predicted clean video and noise
    and replaces a share of that noise with fresh noise (eta^2 of its variance).
    """
    if eta == 0:
        return x + (t_next - t) * v
    x0, noise = x - t * v, x + (1 - t) * v  # x = (1 - t) x0 + t noise, v = noise - x0
    fresh = torch.randn(x.shape, generator=generator).to(x.device)
    return (1 - t_next) * x0 + t_next * ((1 - eta**2) ** 0.5 * noise + eta * fresh)


@dataclass
class Known:
    """Frames of the clip that are given, not sampled: clean video, a per-frame mask, and their noise."""

    x0: torch.Tensor  # (1, 3, T, H, W) in [-1, 1]; only the masked frames matter
    mask: torch.Tensor  # (1, 1, T, 1, 1): 1 where a frame is known
    noise: torch.Tensor  # (1, 3, T, H, W)

    resample: int = 1  # each step taken this many times, re-noised in between (RePaint's jumps of 1)
    generator: torch.Generator | None = None

    def model_input(self) -> torch.Tensor:
        """What a model trained with known frames reads beside x_t (model.known_input)."""
        return known_input(self.x0, self.mask)

    def put_back(self, x: torch.Tensor, t: float) -> torch.Tensor:
        return self.mask * ((1 - t) * self.x0 + t * self.noise) + (1 - self.mask) * x

    def renoise(self, x: torch.Tensor, t_from: float, t_to: float) -> torch.Tensor:
        """x at t_from -> a sample at t_to > t_from: x_t = a x_s + sigma eps, a = (1-t)/(1-s), sigma^2 = t^2 - a^2 s^2."""
        a = (1 - t_to) / (1 - t_from)
        sigma = max(t_to**2 - (a * t_from) ** 2, 0.0) ** 0.5
        return a * x + sigma * torch.randn(x.shape, generator=self.generator).to(x.device)


@torch.no_grad()
def sample_loop(
    model: DiT,
    x: torch.Tensor,
    ts: list[float],
    cond: Conditioning,
    method: str = "euler",
    text_scale: float = DEFAULT_TEXT_SCALE,
    cameo_scale: float = DEFAULT_CAMEO_SCALE,
    on_step: Callable[[int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
    eta: float = 0.0,
    generator: torch.Generator | None = None,
    guidance_t_max: float = DEFAULT_GUIDANCE_T_MAX,
    known: Known | None = None,
) -> torch.Tensor:
    """Integrate from ts[0] to ts[-1]; Heun adds a corrector (2 evaluations a step, none on the last).

    Steps at t > guidance_t_max use the plain conditional prediction (a
    guidance interval, as Kynkaanniemi et al. 2024). Off by default: guidance
    blurs the one-step prediction at high noise, yet dropping it there cost
    this model sampled shape (docs/model/card.md).

    With eta > 0 (Euler only) each step splits x into the predicted clean video
    and noise, as the deterministic step does, but replaces a share of that
    noise with fresh noise from `generator` (eta^2 of its variance, as DDIM's eta):
    the sample drifts back towards the noisy videos the network was trained
    on instead of carrying its own early mistakes forward.

    With `known` frames (extend, image to video) those frames are not
    sampled: after every step they are put back at the step's noise level,
    each with its own fixed noise, so the network always sees them as a
    noisy video of exactly that content and draws the rest to agree with it
    (replacement, as in RePaint and video-diffusion inpainting).
    """
    if method not in ("euler", "heun"):
        raise ValueError("method must be euler or heun")
    if not 0.0 <= eta <= 1.0 or (eta > 0 and method != "euler"):
        raise ValueError("eta must be in [0, 1], and only the euler method takes it")
    if not 0.0 <= guidance_t_max <= 1.0:
        raise ValueError("guidance_t_max must be in [0, 1]")

    given = known.model_input() if known is not None and model.cfg.known_frames else None

    def v_at(x, t):
        if t > guidance_t_max:
            return guided_velocity(model, x, t, cond, 1.0, 1.0, given)
        return guided_velocity(model, x, t, cond, text_scale, cameo_scale, given)

    n_steps = len(ts) - 1
    if known is not None:
        x = known.put_back(x, ts[0])
    for i in range(n_steps):
        if should_cancel is not None and should_cancel():
            raise GenerationCancelled()
        t, t_next = ts[i], ts[i + 1]
        rounds = 1 if known is None or t_next == 0 else known.resample
        for r in range(rounds):
            v = v_at(x, t)
            x_next = euler_step(x, v, t, t_next, eta if t_next > 0 else 0.0, generator)
            if method == "heun" and t_next > 0:
                v2 = v_at(x_next, t_next)
                x_next = x + (t_next - t) * 0.5 * (v + v2)
            x = x_next if known is None else known.put_back(x_next, t_next)
            if r < rounds - 1:  # back up to t: the drawn frames get another pass next to the known ones
                x = known.put_back(known.renoise(x, t_next, t), t)
        if on_step is not None:
            on_step(i + 1, n_steps)
    return x


# ----------------------------------------------------------------------------
# Pipeline: the public entry point
# ----------------------------------------------------------------------------


@dataclass
class SampleResult:
    frames: np.ndarray  # (T, H, W, 3) uint8 at the model's resolution
    fps: int
    impacts: list[int] = field(default_factory=list)  # frame indexes where something hits the ground or collides
    seed: int = 0
    steps: int = 0


def frames_to_tensor(frames: np.ndarray) -> torch.Tensor:
    """(T, H, W, 3) uint8 -> (3, T, H, W) in [-1, 1]."""
    return torch.from_numpy(frames).float().permute(3, 0, 1, 2) / 127.5 - 1.0


def tensor_to_frames(x: torch.Tensor) -> np.ndarray:
    """(3, T, H, W) in [-1, 1] -> (T, H, W, 3) uint8."""
    return ((x.clamp(-1, 1) + 1) * 127.5).round().byte().permute(1, 2, 3, 0).numpy()


def reference_to_tensor(reference: np.ndarray, ref_px: int) -> torch.Tensor:
    """Any (h, w, 3) uint8 face crop -> (1, 3, ref_px, ref_px) in [-1, 1]."""
    from PIL import Image

    img = np.asarray(
        Image.fromarray(np.asarray(reference, np.uint8)).convert("RGB").resize((ref_px, ref_px), Image.BILINEAR)
    )
    return torch.from_numpy(img.copy()).float().permute(2, 0, 1)[None] / 127.5 - 1.0


def fit_video(frames: np.ndarray, n_frames: int, h: int, w: int) -> np.ndarray:
    """Resample an existing video (any size, any length) onto the model's grid for video-to-video."""
    from PIL import Image

    idx = np.linspace(0, len(frames) - 1, n_frames).round().astype(int)
    return np.stack([np.asarray(Image.fromarray(frames[i]).convert("RGB").resize((w, h), Image.BILINEAR)) for i in idx])


MAX_EDIT_REGION = 0.5  # a recolouring draws again at most half of the clip's pixels


SKILLS = ("extend", "image")  # what clips given frames are for: a video extended, a picture animated


class Pipeline:
    """A loaded model and text encoder; `generate` is safe to call from one thread at a time per instance."""

    def __init__(
        self,
        model: DiT,
        encoder: TextEncoder | None,
        config: dict | None = None,
        latent=None,
        extension: DiT | None = None,
        extension_serves: tuple[str, ...] = SKILLS,
    ):
        self.model = model.eval()
        # The extension model: the same network taught to read given frames, drawn with only when frames
        # are given, for the skills it was adopted for (`extension_serves`: "extend", "image"); plain
        # generation, remixes and the other skills never touch it.
        if extension is not None:
            check_extension(model, extension)
        unknown = set(extension_serves) - set(SKILLS)
        if unknown:
            raise ValueError(f"an extension model serves only {SKILLS}, not {sorted(unknown)}")
        self.extension = extension.eval() if extension is not None else None
        self.extension_serves = tuple(extension_serves)
        self.encoder = encoder
        self.latent = latent  # a LatentSpace when the model draws the autoencoder's latent
        self.config = config or {}
        chosen = {k: v for k, v in self.config.get("sampler", {}).items() if k in SAMPLER_FALLBACK}
        self.sampler = {**SAMPLER_FALLBACK, **chosen}  # the defaults of `generate`
        self.lock = threading.Lock()

    def embed(self, prompt: str) -> TextEmbedding:
        if self.encoder is None:
            self.encoder = TextEncoder()
        return self.encoder.encode([prompt])

    def _references(self, cameo_reference, device) -> torch.Tensor | None:
        """One picture, or a list of them (the prompt's cameos in order) -> (1, K, 3, px, px); None without any."""
        if cameo_reference is None:
            return None
        pictures = [cameo_reference] if isinstance(cameo_reference, np.ndarray) else list(cameo_reference)
        if not pictures:
            return None
        if len(pictures) > self.model.cfg.max_cameos:
            raise ValueError(f"this model draws at most {self.model.cfg.max_cameos} cameo(s), not {len(pictures)}")
        return torch.cat([reference_to_tensor(r, self.model.cfg.ref_px) for r in pictures])[None].to(device)

    def draws_with_extension(self, skill: str) -> bool:
        """Whether clips given frames for this skill ("extend", "image") are drawn by the extension model."""
        return self.extension is not None and skill in self.extension_serves

    def generate(
        self,
        prompt: str | TextEmbedding,
        cameo_reference: np.ndarray | list[np.ndarray] | None = None,
        seed: int = 0,
        duration_s: int = 4,
        aspect: str = "square",
        steps: int | None = None,
        method: str | None = None,
        text_scale: float | None = None,
        cameo_scale: float | None = None,
        eta: float | None = None,
        guidance_t_max: float | None = None,
        init_video: np.ndarray | None = None,
        strength: float = 0.6,
        on_step: Callable[[int, int], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
        known_frames: np.ndarray | None = None,
        known_at: str = "start",
        resample: int = 1,
        hold: float | None = None,
        edit_colours: tuple[str, ...] = (),
        edit_grow: int = 1,
        skill: str = "extend",
    ) -> SampleResult:
        """A clip for the prompt; `known_frames` (k, h, w, 3) uint8 are given, not drawn.

        They are fitted to the model's grid and become the clip's first k frames
        (`known_at="start"`: extend forwards, or image to video with k = 1) or its
        last k (`"end"`: extend backwards); the rest is drawn to continue them.
        `skill` says which of the two it is ("extend" or "image"): an extension
        model beside the checkpoint draws only the skills it serves.
        A latent model takes them (and a video to remix) through its autoencoder:
        given frames fill whole latent frames (`temporal` frames each, the edge
        frame repeated to fill the last), which are then known in the latent.

        `edit_colours` with `init_video` recolours: only the pixels of those colours in the
        video (grown by `edit_grow`) are drawn again, and every other pixel is kept as given
        at every step (a pixel model; a latent one, or colours not found, remixes whole frames).
        """
        # Unset arguments take the checkpoint's sampler settings (self.sampler).
        steps = self.sampler["steps"] if steps is None else steps
        text_scale = self.sampler["text_scale"] if text_scale is None else text_scale
        cameo_scale = self.sampler["cameo_scale"] if cameo_scale is None else cameo_scale
        guidance_t_max = self.sampler["guidance_t_max"] if guidance_t_max is None else guidance_t_max
        if method is None:
            method = self.sampler["method"]
        if aspect not in world.SIZES_PX:
            raise ValueError(f"aspect must be one of {world.ASPECTS}")
        if not 2 <= duration_s <= 8:
            raise ValueError("duration_s must be 2..8")
        if skill not in SKILLS:
            raise ValueError(f"skill must be one of {SKILLS}")
        h, w = world.SIZES_PX[aspect]
        cfg = self.model.cfg
        pt = cfg.patch[0]
        gt, gh, gw = cfg.grid_scale
        n_frames = int(duration_s * world.FPS * gt)
        n_frames = max(pt, n_frames // pt * pt)
        h, w = int(h * gh), int(w * gw)
        device = next(self.model.parameters()).device
        text = self.embed(prompt) if isinstance(prompt, str) else prompt
        text = TextEmbedding(text.tokens.to(device), text.mask.to(device), text.pooled.to(device))
        ref = self._references(cameo_reference, device)
        cond = Conditioning(text=text, reference=ref)
        gen = torch.Generator().manual_seed(int(seed))  # CPU generator: the same noise on every device
        noise = torch.randn((1, cfg.in_channels, n_frames, h, w), generator=gen).to(device)
        known = None
        if known_frames is not None:
            known = self._known(known_frames, known_at, noise)
            known.resample, known.generator = resample, gen
            if init_video is not None:
                raise ValueError("known frames and a video to remix do not go together")
        if known is not None and hold is not None:
            # Start the drawn frames from the nearest known frame held still, noised to `hold`.
            if not 0.0 < hold <= 1.0:
                raise ValueError("hold must be in (0, 1]")
            idx = known.mask[0, 0, :, 0, 0].nonzero()[:, 0]
            edge = int(idx[0]) if known_at == "end" else int(idx[-1])
            held = torch.where(known.mask.bool(), known.x0, known.x0[:, :, edge : edge + 1])
            ts = timesteps(max(1, round(steps * hold)), t_start=hold)
            x = add_noise(held, noise, torch.tensor([hold], device=device))
        elif init_video is None:
            ts = timesteps(steps)
            x = noise
        else:
            if not 0.0 < strength <= 1.0:
                raise ValueError("strength must be in (0, 1]")
            fitted = fit_video(init_video, n_frames * self._per, h * self._spatial, w * self._spatial)
            x0 = self._given(fitted)[None].to(device)
            ts = timesteps(max(1, round(steps * strength)), t_start=strength)
            x = add_noise(x0, noise, torch.tensor([strength], device=device))
            if edit_colours and self.latent is None:
                from .checker import colour_region

                region = colour_region(fitted, tuple(edit_colours), edit_grow)
                if 0 < region.mean() <= MAX_EDIT_REGION:  # else not a recolouring: the whole frame is drawn
                    keep = torch.from_numpy(~region).float()[None, None].to(device)  # (1, 1, T, H, W)
                    known = Known(x0=x0, mask=keep, noise=noise)
        if eta is None:  # the default is stochastic Euler; Heun is the deterministic ODE
            eta = self.sampler["eta"] if method == "euler" else 0.0
        net = self.extension if known_frames is not None and self.draws_with_extension(skill) else self.model
        with self.lock:
            x = sample_loop(
                net,
                x,
                ts,
                cond,
                method,
                text_scale,
                cameo_scale,
                on_step,
                should_cancel,
                eta,
                gen,
                guidance_t_max,
                known,
            )
        from .checker import detect_impacts

        if self.latent is not None:
            from .latent import to_world

            frames = self.latent.decode(x.cpu())[0]
            per = self.latent.fps // world.FPS
            impacts = [i * per for i in detect_impacts(to_world(frames, self.latent.cfg.scale, self.latent.fps))]
            return SampleResult(frames=frames, fps=self.latent.fps, impacts=impacts, seed=int(seed), steps=len(ts) - 1)
        frames = tensor_to_frames(x[0].cpu())
        return SampleResult(
            frames=frames, fps=world.FPS, impacts=detect_impacts(frames), seed=int(seed), steps=len(ts) - 1
        )

    @property
    def _per(self) -> int:
        """Frames of the output per frame the model draws (the autoencoder's temporal folding)."""
        return self.latent.cfg.temporal if self.latent is not None else 1

    @property
    def _spatial(self) -> int:
        return self.latent.cfg.spatial if self.latent is not None else 1

    def _given(self, frames: np.ndarray) -> torch.Tensor:
        """Frames (T, H, W, 3) uint8 at the output's size and rate -> what the model draws (C, T', H', W')."""
        if self.latent is None:
            return frames_to_tensor(frames)
        return self.latent.encode([frames])[0]

    def _known(self, frames: np.ndarray, at: str, noise: torch.Tensor) -> Known:
        _, _, n_frames, h, w = noise.shape
        frames = np.asarray(frames, np.uint8)
        per, limit = self._per, n_frames * self._per
        if frames.ndim != 4 or frames.shape[-1] != 3 or not 1 <= len(frames) < limit:
            raise ValueError(f"known frames must be (k, h, w, 3) with 1 <= k < {limit}")
        if at not in ("start", "end"):
            raise ValueError("known_at must be start or end")
        k = -(-len(frames) // per)  # frames the model draws that the given ones fill
        if k >= n_frames:
            raise ValueError(f"known frames must leave at least {per} frames to draw")
        pad = np.repeat(frames[-1:] if at == "start" else frames[:1], k * per - len(frames), axis=0)
        frames = np.concatenate([frames, pad] if at == "start" else [pad, frames])
        x0 = torch.zeros_like(noise)
        mask = torch.zeros(1, 1, n_frames, 1, 1, device=noise.device)
        span = slice(0, k) if at == "start" else slice(n_frames - k, n_frames)
        x0[0, :, span] = self._given(fit_video(frames, k * per, h * self._spatial, w * self._spatial)).to(noise.device)
        mask[0, 0, span] = 1.0
        return Known(x0=x0, mask=mask, noise=noise)


def load_model(checkpoint_path: str | Path, device: str = "cpu") -> tuple[DiT, dict]:
    """Weights from a safetensors file and the config JSON beside it (same stem, .json)."""
    from safetensors.torch import load_file

    path = Path(checkpoint_path)
    meta = json.loads(path.with_suffix(".json").read_text())
    model = DiT(DiTConfig.from_dict(meta["model"]))
    state = {k: v.float() for k, v in load_file(str(path)).items() if not k.startswith("raw.")}
    model.load_state_dict(state)
    return model.to(device).eval(), meta


def extension_checkpoint(path: str | Path) -> Path:
    """Where a checkpoint's extension model lies, if it has one: beside it, `<name>_known.safetensors`."""
    path = Path(path)
    return path.with_name(f"{path.stem}_known{path.suffix}")


def check_extension(model: DiT, extension: DiT) -> None:
    """An extension model must read given frames and otherwise be the model's own shape (it draws the same grid)."""
    if not extension.cfg.known_frames:
        raise ValueError("the extension model does not read given frames (known_frames is off)")
    ours, its = model.cfg.to_dict(), extension.cfg.to_dict()
    differ = sorted(k for k in ours if k != "known_frames" and ours[k] != its.get(k))
    if differ:
        raise ValueError(f"the extension model differs from the model in {', '.join(differ)}")


def load_pipeline(
    checkpoint_path: str | Path | None = None, text_encoder: TextEncoder | None = None, device: str | None = None
) -> Pipeline:
    """Load once per process (model about 0.1 s, text encoder about 2 s); device defaults to cuda when present.

    A checkpoint's extension model (`extension_checkpoint`), when it lies beside it, is loaded too and
    draws the clips that are given frames.
    """
    device = device or ("cuda" if torch.cuda.is_available() else "cpu")
    path = Path(checkpoint_path or DEFAULT_CHECKPOINT)
    model, meta = load_model(path, device)
    extension, serves = None, SKILLS
    if extension_checkpoint(path).exists():
        extension, known_meta = load_model(extension_checkpoint(path), device)
        serves = tuple(known_meta.get("serves", SKILLS))  # what it was adopted for (its JSON says)
    latent = None
    if model.cfg.latent:  # the autoencoder it was trained with, named beside it
        from .latent import LatentSpace

        latent = LatentSpace.load(path.parent / meta["autoencoder"]["file"])
        latent.check(model.cfg)
    return Pipeline(model, text_encoder or TextEncoder(), meta, latent, extension, serves)
