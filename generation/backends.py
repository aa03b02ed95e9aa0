"""Which model draws the frames: the in-tree DiT (the default) or an open-weight pipeline.

Everything after the frames (upscale, the visible and invisible marks, sound,
encoding, C2PA, the output checks) is the same for both: `pipeline.render_job`
asks the loaded backend for frames at its native size and rate and does the rest.

- ``in-tree``: generation/diffusion, the committed checkpoint or another one of
  the same code (``SORA_MODEL_CHECKPOINT``). Closed vocabulary (the procedural
  world's), as many cameos as the checkpoint draws, remixes.
- ``diffusers``: a text-to-video ``DiffusionPipeline`` saved in a local folder
  (``SORA_MODEL_CHECKPOINT``; Wan 2.1, LTX-Video and others of that kind), on the
  GPU when the worker has one. Nothing is downloaded: the folder must hold every
  component. Open vocabulary; it takes no likeness reference and no parent
  video, so the API refuses cameos and remixes while it is the backend.

No Django here: settings come in as arguments (`BackendConfig`).
"""

from __future__ import annotations

import hashlib
import inspect
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BACKENDS = ("in-tree", "diffusers")
# The in-tree model takes as many likeness references per clip as its checkpoint learnt and
# offers (capabilities.served_max_cameos; one before checkpoints said); an open-weight backend
# none. The API refuses more rather than record (and cite in C2PA) a likeness not in the frames.


@dataclass(frozen=True)
class BackendConfig:
    name: str = "in-tree"
    checkpoint: str = ""  # in-tree: a .safetensors file; diffusers: a saved pipeline's folder
    short_side: int = 480  # diffusers: native frame size (short side, pixels)
    fps: int = 16  # diffusers: native frame rate
    steps: int = 30  # diffusers: sampling steps when the job does not say
    guidance: float = 5.0  # diffusers: classifier-free guidance scale

    def __post_init__(self):
        if self.name not in BACKENDS:
            raise ValueError(f"SORA_MODEL_BACKEND must be one of {BACKENDS}, not {self.name!r}")
        if self.name == "diffusers" and not self.checkpoint:
            raise ValueError("the diffusers backend needs SORA_MODEL_CHECKPOINT: the folder of a saved pipeline")

    @property
    def open_vocabulary(self) -> bool:
        return self.name == "diffusers"

    @property
    def max_cameos(self) -> int:
        if self.name != "in-tree":
            return 0
        from .capabilities import served_max_cameos

        return served_max_cameos(self.checkpoint)

    @property
    def remix(self) -> bool:
        return self.name == "in-tree"


def diffusers_sizes(short_side: int) -> dict[str, tuple[int, int]]:
    """(H, W) per aspect for an open-weight model: multiples of 16 (its VAE and patch size), 16:9 kept."""
    s = max(16, short_side // 16 * 16)
    long = max(s, round(s * 16 / 9 / 16) * 16)
    return {"square": (s, s), "portrait": (long, s), "landscape": (s, long)}


class DiffusersBackend:
    """A text-to-video `DiffusionPipeline` from a local folder, driven like the in-tree sampler."""

    def __init__(self, config: BackendConfig, device: str | None = None):
        import torch
        from diffusers import DiffusionPipeline

        self.config = config
        self.device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        dtype = torch.bfloat16 if self.device == "cuda" else torch.float32
        path = Path(config.checkpoint)
        if not (path / "model_index.json").is_file():
            raise FileNotFoundError(f"{path} is not a saved diffusers pipeline (no model_index.json)")
        self.pipe = DiffusionPipeline.from_pretrained(str(path), dtype=dtype, local_files_only=True)
        self.pipe.to(self.device)
        self.pipe.set_progress_bar_config(disable=True)
        self.accepts = set(inspect.signature(self.pipe.__call__).parameters)
        self.sizes = diffusers_sizes(config.short_side)
        self.fps = config.fps
        self.lock = threading.Lock()
        self.version = f"diffusers:{type(self.pipe).__name__}@{_folder_digest(path)}"

    def version_for(self, skill: str) -> str:
        """The model that draws a clip given frames for this skill: this one (generate refuses such clips)."""
        return self.version

    def frame_count(self, duration_s: int) -> int:
        """Frames for the duration, in the 1 + k * (temporal compression) form video VAEs need."""
        per_latent = int(getattr(self.pipe, "vae_scale_factor_temporal", 1) or 1)
        return max(1, duration_s * self.config.fps // per_latent) * per_latent + 1

    def generate(
        self,
        prompt: str,
        *,
        seed: int,
        duration_s: int,
        aspect: str,
        steps: int | None = None,
        cameo_reference: np.ndarray | list[np.ndarray] | None = None,
        init_video: np.ndarray | None = None,
        strength: float = 0.6,
        on_step: Callable[[int, int], None] | None = None,
        should_cancel: Callable[[], bool] | None = None,
        known_frames: np.ndarray | None = None,
        known_at: str = "start",
        edit_colours: tuple[str, ...] = (),
        skill: str = "extend",
    ):
        import torch

        from .diffusion.sampler import GenerationCancelled, SampleResult

        if cameo_reference is not None or init_video is not None or known_frames is not None or edit_colours:
            # The API refuses these while this backend renders (capabilities: max_cameos 0, remix false).
            raise ValueError("the diffusers backend draws from a prompt only: no cameo, no parent video")
        if aspect not in self.sizes:
            raise ValueError(f"aspect must be one of {tuple(self.sizes)}")
        steps = steps or self.config.steps
        h, w = self.sizes[aspect]

        def step_end(pipe, i, t, tensors):
            if on_step is not None:
                on_step(i + 1, steps)
            if should_cancel is not None and should_cancel():
                raise GenerationCancelled()
            return {}

        kwargs = dict(
            prompt=prompt,
            height=h,
            width=w,
            num_frames=self.frame_count(duration_s),
            num_inference_steps=steps,
            guidance_scale=self.config.guidance,
            generator=torch.Generator("cpu").manual_seed(int(seed)),
            output_type="np",
            callback_on_step_end=step_end,
        )
        if "frame_rate" in self.accepts:  # LTX-Video conditions on it
            kwargs["frame_rate"] = self.config.fps
        if should_cancel is not None and should_cancel():
            raise GenerationCancelled()
        with self.lock, torch.inference_mode():
            video = self.pipe(**{k: v for k, v in kwargs.items() if k in self.accepts}).frames[0]
        frames = np.clip(np.asarray(video, dtype=np.float32) * 255.0 + 0.5, 0, 255).astype(np.uint8)
        # No physics ground truth to find impacts in: the sound is the scene's ambience only.
        return SampleResult(frames=frames, fps=self.config.fps, impacts=[], seed=int(seed), steps=steps)


class InTreeBackend:
    """The in-tree DiT (generation/diffusion), loaded once per process."""

    def __init__(self, config: BackendConfig):
        from .diffusion.sampler import DEFAULT_CHECKPOINT, extension_checkpoint, load_pipeline
        from .diffusion.world import FPS

        path = Path(config.checkpoint or DEFAULT_CHECKPOINT)
        self.config = config
        self.pipe = load_pipeline(path)
        self.fps = self.pipe.latent.fps if self.pipe.latent is not None else FPS  # what its frames come at
        self.version = f"sora-social-dit@{hashlib.sha256(path.read_bytes()).hexdigest()[:12]}"
        # Clips given frames are drawn by the extension model, when there is one, for the skills it serves.
        self.extension_version = self.version
        if self.pipe.extension is not None:
            known = extension_checkpoint(path).read_bytes()
            self.extension_version += f"+known@{hashlib.sha256(known).hexdigest()[:12]}"

    def version_for(self, skill: str) -> str:
        """The model that draws a clip given frames for this skill ("extend", "image"), as videos record it."""
        return self.extension_version if self.pipe.draws_with_extension(skill) else self.version

    def generate(self, prompt: str, *, steps: int | None = None, init_video=None, strength: float = 0.6, **kwargs):
        if steps:
            kwargs["steps"] = steps
        if init_video is not None:
            kwargs.update(init_video=init_video, strength=strength)
        return self.pipe.generate(prompt, **kwargs)


def _folder_digest(path: Path) -> str:
    """A short fingerprint of a saved pipeline: its index and every file's name and size (cheap on GBs)."""
    h = hashlib.sha256((path / "model_index.json").read_bytes())
    for f in sorted(p for p in path.rglob("*") if p.is_file()):
        h.update(f"{f.relative_to(path)}:{f.stat().st_size}".encode())
    return h.hexdigest()[:12]


_loaded: dict[BackendConfig, InTreeBackend | DiffusersBackend] = {}
_load_lock = threading.Lock()


def loaded_backend(config: BackendConfig) -> InTreeBackend | DiffusersBackend:
    """The backend for these settings, loaded once per process."""
    with _load_lock:
        if config not in _loaded:
            _loaded[config] = DiffusersBackend(config) if config.name == "diffusers" else InTreeBackend(config)
        return _loaded[config]
