import pytest
import torch

from generation.diffusion import world
from generation.diffusion.model import DIT_CONFIGS, DiT, DiT_T, DiTConfig, count_parameters, sincos_3d
from generation.diffusion.text import random_embedding

from .helpers import tiny_model


@pytest.mark.parametrize("aspect", world.ASPECTS)
@pytest.mark.parametrize("duration", [2, 8])
def test_one_model_handles_every_aspect_and_duration(aspect, duration):
    model = tiny_model()
    h, w = world.SIZES_PX[aspect]
    x = torch.randn(2, 3, duration * world.FPS, h, w)
    e = random_embedding(2)
    v = model(x, torch.rand(2), e.tokens, e.mask, e.pooled, torch.randn(2, 3, 16, 16), torch.tensor([True, False]))
    assert v.shape == x.shape


def test_adaln_zero_init_starts_with_a_zero_output():
    model = DiT(DiT_T())
    x = torch.randn(1, 3, 8, 32, 32)
    e = random_embedding(1)
    v = model(x, torch.rand(1), e.tokens, e.mask, e.pooled, torch.zeros(1, 3, 16, 16), torch.tensor([False]))
    assert torch.count_nonzero(v) == 0


def test_text_and_cameo_change_the_prediction():
    model = tiny_model()
    x, t = torch.randn(1, 3, 8, 32, 32), torch.tensor([0.5])
    a, b = random_embedding(1, seed=1), random_embedding(1, seed=2)
    ref = torch.randn(1, 3, 16, 16)
    on, off = torch.tensor([True]), torch.tensor([False])
    base = model(x, t, a.tokens, a.mask, a.pooled, ref, off)
    assert not torch.allclose(base, model(x, t, b.tokens, b.mask, b.pooled, ref, off))
    assert not torch.allclose(base, model(x, t, a.tokens, a.mask, a.pooled, ref, on))


def test_positions_are_distinct_for_every_token_of_any_grid():
    pos = sincos_3d(2, 7, 4, 48)
    assert pos.shape == (56, 48)
    assert torch.cdist(pos, pos).add(torch.eye(56) * 10).min() > 1e-3


def test_named_sizes_and_config_round_trip():
    for factory in DIT_CONFIGS.values():
        cfg = factory()
        assert DiTConfig.from_dict(cfg.to_dict()) == cfg
    assert 3e6 < count_parameters(DiT(DIT_CONFIGS["DiT-S"]())) < 8e6
