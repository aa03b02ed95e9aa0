"""Small builders shared by the diffusion tests (no Django, no text encoder)."""

import torch

from generation.diffusion.model import DiT, DiT_T
from generation.diffusion.sampler import Pipeline


def tiny_model(seed: int = 0) -> DiT:
    """DiT-T with every weight nudged off its zero init, so outputs depend on the input."""
    torch.manual_seed(seed)
    model = DiT(DiT_T())
    with torch.no_grad():
        for p in model.parameters():
            p.add_(torch.randn_like(p) * 0.02)
    return model.eval()


def tiny_pipeline(seed: int = 0) -> Pipeline:
    return Pipeline(tiny_model(seed), encoder=None)
