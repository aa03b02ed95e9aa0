"""A spacetime autoencoder: the video compression network of the latent model.

The Sora report compresses raw video into a latent that is smaller in space
and in time, and the diffusion transformer works on patches of that latent.
This network does the same for the world rendered at 4x its own size and 3x
its rate (128x128 at 12 fps for a square clip; 128x224 and 224x128 for 16:9
and 9:16): 8x smaller in each spatial direction and 4x in time, so a 4 s
square clip of 48x128x128x3 values becomes 12x16x16 latent cells of
`latent_channels` each.

Shape of the network, chosen for CPUs: each frame goes down three levels on
its own (pixel unshuffle by 2, a 1x1 or 3x3 convolution, a residual block of
two 3x3 convolutions), then the frames meet: a temporal residual convolution,
four frames folded into channels, and a full 3x3x3 residual block at the
latent's size. The decoder mirrors it with pixel shuffle. It is convolutional
throughout, so one set of weights takes every aspect and any number of frames
that is a multiple of `temporal`, and it trains on small crops.

It is deterministic (no sampling in the latent); a small penalty on the
latent's size keeps it from drifting, and the per-channel mean and spread of
the latent over training clips are kept with the weights, so a diffusion
model can work on standardised latents.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .sampler import frames_to_tensor, tensor_to_frames

CHECKPOINT = Path(__file__).resolve().parent / "checkpoints" / "stae.safetensors"


@dataclass
class AEConfig:
    latent_channels: int = 16
    widths: tuple[int, int, int] = (32, 64, 128)  # features at 1/2, 1/4 and 1/8 of the frame's side
    temporal: int = 4  # frames folded into one latent frame
    scale: int = 4  # the world is rendered this many times finer than its own pixels
    fps: int = 12
    latent_mean: list[float] = field(default_factory=list)  # per channel, over training clips
    latent_std: list[float] = field(default_factory=list)

    @property
    def spatial(self) -> int:
        return 2 ** len(self.widths)

    def to_dict(self) -> dict:
        d = asdict(self)
        d["widths"] = list(self.widths)
        return d

    @classmethod
    def from_dict(cls, d: dict) -> AEConfig:
        d = dict(d)
        d["widths"] = tuple(d["widths"])
        return cls(**d)


class Res2d(nn.Module):
    """x + conv(act(conv(act(x)))), per frame; the second convolution starts at zero."""

    def __init__(self, c: int):
        super().__init__()
        self.a = nn.Conv2d(c, c, 3, padding=1)
        self.b = nn.Conv2d(c, c, 3, padding=1)
        nn.init.zeros_(self.b.weight)
        nn.init.zeros_(self.b.bias)

    def forward(self, x):
        return x + self.b(F.silu(self.a(F.silu(x))))


class Res3d(nn.Module):
    """A residual block over (C, T, H, W): kernel (kt, 3, 3) then (kt, 3, 3), or temporal only."""

    def __init__(self, c: int, spatial: bool = True):
        super().__init__()
        k, p = ((3, 3, 3), (1, 1, 1)) if spatial else ((3, 1, 1), (1, 0, 0))
        self.a = nn.Conv3d(c, c, k, padding=p)
        self.b = nn.Conv3d(c, c, k, padding=p)
        nn.init.zeros_(self.b.weight)
        nn.init.zeros_(self.b.bias)

    def forward(self, x):
        return x + self.b(F.silu(self.a(F.silu(x))))


def _frames(x: torch.Tensor) -> torch.Tensor:  # (B, C, T, H, W) -> (B*T, C, H, W)
    b, c, t, h, w = x.shape
    return x.permute(0, 2, 1, 3, 4).reshape(b * t, c, h, w)


def _video(x: torch.Tensor, b: int) -> torch.Tensor:  # (B*T, C, H, W) -> (B, C, T, H, W)
    bt, c, h, w = x.shape
    return x.reshape(b, bt // b, c, h, w).permute(0, 2, 1, 3, 4)


class SpacetimeAutoencoder(nn.Module):
    def __init__(self, cfg: AEConfig | None = None):
        super().__init__()
        self.cfg = cfg = cfg or AEConfig()
        w0, w1, w2 = cfg.widths
        tt = cfg.temporal
        # encoder
        self.e0 = nn.Conv2d(3 * 4, w0, 3, padding=1)
        self.e0r = Res2d(w0)
        self.e1 = nn.Conv2d(w0 * 4, w1, 1)
        self.e1r = Res2d(w1)
        self.e2 = nn.Conv2d(w1 * 4, w2, 1)
        self.e2r = Res2d(w2)
        self.e_time = Res3d(w2, spatial=False)
        self.e_fold = nn.Conv3d(w2 * tt, w2, 1)
        self.e_st = Res3d(w2)
        self.e_out = nn.Conv3d(w2, cfg.latent_channels, 1)
        # decoder
        self.d_in = nn.Conv3d(cfg.latent_channels, w2, 1)
        self.d_st = Res3d(w2)
        self.d_unfold = nn.Conv3d(w2, w2 * tt, 1)
        self.d_time = Res3d(w2, spatial=False)
        self.d2r = Res2d(w2)
        self.d2 = nn.Conv2d(w2, w1 * 4, 1)
        self.d1r = Res2d(w1)
        self.d1 = nn.Conv2d(w1, w0 * 4, 1)
        self.d0r = Res2d(w0)
        self.d0 = nn.Conv2d(w0, 16 * 4, 1)
        self.head_a = nn.Conv2d(16, 16, 3, padding=1)
        self.head_b = nn.Conv2d(16, 3, 3, padding=1)

    def check_shape(self, video: torch.Tensor) -> None:
        _, c, t, h, w = video.shape
        s, tt = self.cfg.spatial, self.cfg.temporal
        if c != 3 or t % tt or h % s or w % s:
            raise ValueError(f"video must be (B, 3, T, H, W) with T a multiple of {tt} and H, W of {s}")

    def encode(self, video: torch.Tensor) -> torch.Tensor:
        """(B, 3, T, H, W) in [-1, 1] -> (B, C, T/temporal, H/8, W/8)."""
        self.check_shape(video)
        b, tt = video.shape[0], self.cfg.temporal
        x = _frames(video)
        x = self.e0r(self.e0(F.pixel_unshuffle(x, 2)))
        x = self.e1r(self.e1(F.pixel_unshuffle(x, 2)))
        x = self.e2r(self.e2(F.pixel_unshuffle(x, 2)))
        x = self.e_time(_video(x, b))
        _, c, t, h, w = x.shape
        x = x.reshape(b, c, t // tt, tt, h, w).permute(0, 1, 3, 2, 4, 5).reshape(b, c * tt, t // tt, h, w)
        x = self.e_st(self.e_fold(x))
        return self.e_out(F.silu(x))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """(B, C, T', H', W') -> (B, 3, T' * temporal, H' * 8, W' * 8), roughly in [-1, 1]."""
        b, tt = z.shape[0], self.cfg.temporal
        x = self.d_st(self.d_in(z))
        x = self.d_unfold(F.silu(x))
        _, ct, t, h, w = x.shape
        c = ct // tt
        x = x.reshape(b, c, tt, t, h, w).permute(0, 1, 3, 2, 4, 5).reshape(b, c, t * tt, h, w)
        x = _frames(self.d_time(x))
        x = self.d2r(x)
        x = self.d1r(F.pixel_shuffle(self.d2(F.silu(x)), 2))
        x = self.d0r(F.pixel_shuffle(self.d1(F.silu(x)), 2))
        x = F.pixel_shuffle(self.d0(F.silu(x)), 2)
        x = self.head_b(F.silu(self.head_a(F.silu(x))))
        return _video(x, b)

    def forward(self, video: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        z = self.encode(video)
        return self.decode(z), z

    # standardised latents, for a diffusion model
    def _stats(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if not self.cfg.latent_mean:
            raise ValueError("this autoencoder has no latent statistics")
        shape = (1, -1, 1, 1, 1)
        mean = torch.tensor(self.cfg.latent_mean, dtype=z.dtype).view(shape)
        std = torch.tensor(self.cfg.latent_std, dtype=z.dtype).view(shape)
        return mean, std

    def normalise(self, z: torch.Tensor) -> torch.Tensor:
        mean, std = self._stats(z)
        return (z - mean) / std

    def denormalise(self, z: torch.Tensor) -> torch.Tensor:
        mean, std = self._stats(z)
        return z * std + mean


# ----------------------------------------------------------------------------
# Frames in and out
# ----------------------------------------------------------------------------


@torch.no_grad()
def reconstruct(model: SpacetimeAutoencoder, frames: np.ndarray) -> np.ndarray:
    """Encode and decode a clip (T, H, W, 3) uint8 whose length is a multiple of the model's `temporal`."""
    model.eval()
    return tensor_to_frames(model.decode(model.encode(frames_to_tensor(frames)[None]))[0])


def psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10.0 * np.log10(255.0**2 / mse)


# ----------------------------------------------------------------------------
# Checkpoint: fp16 safetensors plus a JSON of the config and the training record
# ----------------------------------------------------------------------------


def save(model: SpacetimeAutoencoder, path: Path, meta: dict) -> None:
    from safetensors.torch import save_file

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tensors = {k: v.detach().cpu().half().contiguous() for k, v in model.state_dict().items()}
    tmp = path.with_suffix(".tmp")
    save_file(tensors, str(tmp))
    os.replace(tmp, path)
    os.chmod(path, 0o644)
    meta = dict(meta, model=model.cfg.to_dict())
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2))


def load(path: Path = CHECKPOINT) -> tuple[SpacetimeAutoencoder, dict]:
    from safetensors.torch import load_file

    path = Path(path)
    meta = json.loads(path.with_suffix(".json").read_text())
    model = SpacetimeAutoencoder(AEConfig.from_dict(meta["model"]))
    model.load_state_dict({k: v.float() for k, v in load_file(str(path)).items()})
    model.eval()
    return model, meta
