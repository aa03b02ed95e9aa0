"""The DiT over the spacetime autoencoder's latent: geometry, encoding, and training batches.

A latent DiT (config DiT-SL) draws the autoencoder's standardised latent
instead of frames; the autoencoder turns clips of the world rendered at its
scale and rate into latents for training, and turns the sampled latent back
into frames (128x128 at 12 fps for a square clip).

Rendering a clip at 4x size and encoding it costs about as much as a training
step of the DiT on it, so training draws its batches from a pool of encoded
clips per bucket, adding `fresh` new clips each step: each clip is seen a few
times, with new noise and a new time each time.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

import numpy as np
import torch

from . import world
from .autoencoder import CHECKPOINT, SpacetimeAutoencoder, load
from .model import DiTConfig
from .sampler import frames_to_tensor, tensor_to_frames


class LatentSpace:
    """The autoencoder a latent DiT was trained with, and the latent grid of a clip."""

    def __init__(self, autoencoder: SpacetimeAutoencoder):
        self.ae = autoencoder.eval()
        self.cfg = autoencoder.cfg

    @classmethod
    def load(cls, path: str | Path = CHECKPOINT) -> LatentSpace:
        return cls(load(path)[0])

    @property
    def fps(self) -> int:
        return self.cfg.fps

    def check(self, model_cfg: DiTConfig) -> None:
        """The DiT's channels and grid must be this autoencoder's."""
        c = self.cfg
        scale = (c.fps / world.FPS / c.temporal, c.scale / c.spatial, c.scale / c.spatial)
        if model_cfg.in_channels != c.latent_channels or tuple(model_cfg.grid_scale) != scale:
            raise ValueError(
                f"the DiT draws {model_cfg.in_channels} channels on grid {tuple(model_cfg.grid_scale)}, "
                f"the autoencoder's latent has {c.latent_channels} on grid {scale}"
            )

    def render(
        self, spec: world.SceneSpec, reference: np.ndarray | None = None
    ) -> tuple[np.ndarray, world.GroundTruth]:
        return world.render(spec, reference, scale=self.cfg.scale, fps=self.cfg.fps)

    @torch.no_grad()
    def encode(self, clips: list[np.ndarray]) -> torch.Tensor:
        """Clips (T, H, W, 3) uint8 of one size -> standardised latents (N, C, T/temporal, H/8, W/8)."""
        t = clips[0].shape[0] // self.cfg.temporal * self.cfg.temporal
        return self.ae.normalise(self.ae.encode(torch.stack([frames_to_tensor(c[:t]) for c in clips])))

    @torch.no_grad()
    def decode(self, z: torch.Tensor) -> list[np.ndarray]:
        """Standardised latents (N, C, T', H', W') -> frames (T' * temporal, H' * 8, W' * 8, 3) uint8 each."""
        return [tensor_to_frames(v) for v in self.ae.decode(self.ae.denormalise(z))]


def to_world(frames: np.ndarray, scale: int, fps: int) -> np.ndarray:
    """Frames rendered `scale` times finer at `fps` -> the world's size and rate (area mean, every k-th frame)."""
    k = fps // world.FPS
    f = frames[::k].astype(np.float32)
    t, h, w, _ = f.shape
    f = f.reshape(t, h // scale, scale, w // scale, scale, 3).mean(axis=(2, 4))
    return np.clip(np.round(f), 0, 255).astype(np.uint8)


class LatentPool:
    """Encoded training clips per (level, aspect, duration), drawn again with `fresh` new ones a step."""

    def __init__(self, space: LatentSpace, fresh: int, size: int = 256, world_version: int = 1, max_cameos: int = 1):
        self.space, self.fresh, self.size, self.world = space, fresh, size, world_version
        self.max_cameos = max_cameos
        self.pools: dict[tuple[int, str, int], deque] = {}

    def add(self, rng: np.random.Generator, level: int, aspect: str, duration: int, n: int) -> None:
        pool = self.pools.setdefault((level, aspect, duration), deque(maxlen=self.size))
        specs = [
            world.random_spec(
                rng, level, aspect=aspect, duration_s=duration, world_version=self.world, max_cameos=self.max_cameos
            )
            for _ in range(n)
        ]
        refs = [tuple(world.face_reference(c.face_id, rng) for c in s.cameos) for s in specs]  # every cameo's
        frames = [self.space.render(s, r[0] if r else None)[0] for s, r in zip(specs, refs)]
        latents = self.space.encode(frames)
        for spec, ref, z in zip(specs, refs, latents):
            pool.append((z, world.caption(spec, rng), ref))

    def batch(self, rng: np.random.Generator, level: int, aspect: str, duration: int, n: int, pt: int):
        """n clips of the bucket: (latents (n, C, T', H', W'), captions, references); T' cut to a multiple of pt."""
        key = (level, aspect, duration)
        have = len(self.pools.get(key, ()))
        self.add(rng, level, aspect, duration, max(self.fresh, n - have))
        pool = self.pools[key]
        picks = [pool[int(i)] for i in rng.choice(len(pool), size=n, replace=len(pool) < n)]
        z = torch.stack([p[0] for p in picks])
        z = z[:, :, : max(pt, z.shape[2] // pt * pt)]
        return z, [p[1] for p in picks], [p[2] for p in picks]
