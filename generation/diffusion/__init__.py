"""The in-tree video diffusion model: plain PyTorch + numpy, no Django (a test proves it).

Interface the generation service calls (the seam is generation/pipeline.py)::

    from generation.diffusion import load_pipeline, SampleResult, GenerationCancelled

    pipe = load_pipeline()            # once per worker process; default checkpoint
                                      # generation/diffusion/checkpoints/dit.safetensors
    result: SampleResult = pipe.generate(
        prompt,                       # str, or a TextEmbedding from pipe.embed(prompt)
        cameo_reference=None,         # np.ndarray (h, w, 3) uint8 face crop, or None
        seed=0,                       # same seed + same device -> identical frames
        duration_s=4,                 # 2..8
        aspect="square",              # "square" 32x32 | "portrait" 56x32 | "landscape" 32x56 (H x W)
        steps=12,                     # DEFAULT_STEPS; Euler, or method="heun"
        init_video=None,              # (T, H, W, 3) uint8 of an existing video: video-to-video (remix)
        strength=0.6,                 # how far init_video is noised (1.0 = ignore it)
        on_step=None,                 # callable(step: int, total: int): progress
        should_cancel=None,           # callable() -> bool, checked before each step;
    )                                 #   True raises GenerationCancelled
    result.frames   # (T, H, W, 3) uint8 at the model's resolution (the service upscales)
    result.fps      # 4
    result.impacts  # frame indexes where something lands or collides (for sound)

Everything else (world, model, sampler, train, evaluate, checker) is
importable for research and tests.
"""

from __future__ import annotations

from pathlib import Path

# The committed checkpoint the service samples with unless SORA_MODEL_CHECKPOINT names another.
DEFAULT_CHECKPOINT = Path(__file__).parent / "checkpoints" / "dit.safetensors"


def checkpoint_meta(checkpoint: str | Path = "") -> dict:
    """The JSON beside a checkpoint (config, world version, frame size and rate); {} when unreadable.

    Light on purpose: the service reads it without loading torch."""
    import json

    try:
        meta = json.loads(Path(checkpoint or DEFAULT_CHECKPOINT).with_suffix(".json").read_text())
    except (OSError, ValueError):
        return {}
    return meta if isinstance(meta, dict) else {}


__all__ = ["load_pipeline", "Pipeline", "SampleResult", "GenerationCancelled", "DEFAULT_STEPS"]


def __getattr__(name):
    # torch loads only when the model is first used, so importing the package is cheap
    if name in ("load_pipeline", "Pipeline", "SampleResult", "GenerationCancelled", "DEFAULT_STEPS"):
        from . import sampler

        return getattr(sampler, name)
    raise AttributeError(name)
