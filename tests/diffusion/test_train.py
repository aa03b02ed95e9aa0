import numpy as np

from generation.diffusion import train
from generation.diffusion.sampler import load_model


def test_a_tiny_training_run_lowers_the_loss_and_checkpoints_resume(tmp_path):
    out = tmp_path / "tiny.safetensors"
    args = train.parse_args(["--model", "DiT-T", "--max-steps", "30", "--batch", "4", "--lr", "3e-3", "--warmup", "5",
                             "--out", str(out), "--fake-text", "--log-every", "10", "--no-prefetch"])
    result = train.main(args)
    losses = result["losses"]
    print(f"first 5: {np.mean(losses[:5]):.3f}, last 10: {np.mean(losses[-10:]):.3f}")
    assert np.mean(losses[-10:]) < 0.7 * np.mean(losses[:5])
    model, meta = load_model(out)
    assert meta["step"] == 30 and out.stat().st_size < 40e6
    resumed = train.main(train.parse_args(["--max-steps", "2", "--resume", "--out", str(out), "--fake-text", "--batch", "2",
                                           "--no-prefetch"]))
    assert resumed["step"] == 32


def test_learning_rate_warms_up_holds_and_cools_down_to_zero_at_the_end_of_the_run():
    args = train.parse_args(["--minutes", "100", "--decay-minutes", "20", "--lr", "1e-3", "--warmup", "10"])
    assert train.learning_rate(args, 0, 0.0) == 1e-3 / 10
    assert train.learning_rate(args, 50, 60 * 60.0) == 1e-3  # constant until the last 20 minutes
    assert abs(train.learning_rate(args, 5000, 90 * 60.0) - 0.5e-3) < 1e-12  # halfway through the cool-down
    assert train.learning_rate(args, 6000, 100 * 60.0) == 0.0
    plain = train.parse_args(["--minutes", "100", "--lr", "1e-3", "--warmup", "10"])
    assert train.learning_rate(plain, 6000, 99 * 60.0) == 1e-3  # no --decay-minutes: no cool-down


def test_batches_by_tokens_give_every_bucket_about_the_same_token_budget():
    from generation.diffusion.model import DIT_CONFIGS

    cfg = DIT_CONFIGS["DiT-S"]()
    assert train.bucket_tokens("square", 4, cfg) == 256
    assert train.bucket_tokens("landscape", 8, cfg) == 8 * 8 * 14
    rng = np.random.default_rng(3)
    sizes = set()
    for _ in range(12):
        video, captions, refs, has_ref, weight = train.get_batch(rng, 8, 2, cfg, by_tokens=True)
        assert weight is None  # plain mean unless --object-weight
        b, _, t, h, w = video.shape
        assert len(captions) == b == refs.shape[0] == has_ref.shape[0]
        tokens = b * (t // 4) * (h // 4) * (w // 4)
        assert abs(tokens - 8 * 256) <= 0.2 * 8 * 256, (b, t, h, w)
        sizes.add(b)
    assert len(sizes) > 1  # the clip count varies with the bucket
    video, *_ = train.get_batch(np.random.default_rng(3), 4, 2, cfg, by_tokens=False)
    assert video.shape[0] == 4


def test_object_weight_weighs_object_pixels_and_keeps_the_plain_loss_scale():
    import torch

    from generation.diffusion.model import DIT_CONFIGS, DiT

    cfg = DIT_CONFIGS["DiT-T"]()
    video, captions, refs, has_ref, weight = train.get_batch(np.random.default_rng(5), 4, 1, cfg, object_weight=4.0)
    assert weight.shape == (video.shape[0], 1, *video.shape[2:])
    assert weight.min() == 1.0 and weight.max() == 5.0 and 0.03 < ((weight - 1) / 4).mean() < 0.5
    torch.manual_seed(0)
    model = DiT(cfg).eval()
    n, s = video.shape[0], 4
    cond = (torch.zeros(n, s, 384), torch.zeros(n, s, dtype=torch.bool), torch.zeros(n, 384), refs, has_ref & False)
    noise, t = torch.randn(video.shape), torch.full((n,), 0.5)
    x_t = train.add_noise(video, noise, t)
    with torch.no_grad():
        plain = train.flow_loss(model, video, noise, t, x_t, *cond)
        same = train.flow_loss(model, video, noise, t, x_t, *cond, weight=torch.ones_like(weight))
        weighted = train.flow_loss(model, video, noise, t, x_t, *cond, weight=weight)
    assert torch.allclose(plain, same)
    # an untrained net predicts ~0: the error is largest on saturated object pixels, so weighing them raises the loss
    assert weighted > 1.05 * plain
    assert train.parse_args(["--minutes", "1"]).object_weight == 0.0


def test_loss_t_min_moves_weight_from_low_to_high_noise():
    import torch

    from generation.diffusion.model import DIT_CONFIGS, DiT

    cfg = DIT_CONFIGS["DiT-T"]()
    video, captions, refs, has_ref, _ = train.get_batch(np.random.default_rng(6), 2, 1, cfg)
    torch.manual_seed(0)
    model = DiT(cfg).eval()
    n, s = video.shape[0], 4
    cond = (torch.zeros(n, s, 384), torch.zeros(n, s, dtype=torch.bool), torch.zeros(n, 384), refs, has_ref & False)
    noise = torch.randn(video.shape)
    with torch.no_grad():
        for t_val, factor in ((0.3, (0.3 / 0.4) ** 2), (0.9, 1.0)):
            t = torch.full((n,), t_val)
            x_t = train.add_noise(video, noise, t)
            default = train.flow_loss(model, video, noise, t, x_t, *cond)
            raised = train.flow_loss(model, video, noise, t, x_t, *cond, t_min=0.4)
            # below the new floor the error is divided by 0.4 instead of t; above both floors nothing changes
            assert torch.allclose(raised, default * factor, rtol=1e-5)
    assert train.parse_args(["--minutes", "1"]).loss_t_min == train.LOSS_T_MIN == 0.2
    assert train.parse_args(["--minutes", "1", "--loss-t-min", "0.4"]).loss_t_min == 0.4


def test_curriculum_levels_and_mixing_level_one_back_into_level_two():
    schedule = (600, 5500)
    assert [train.curriculum_level(s, schedule) for s in (0, 599, 600, 5499, 5500, 90000)] == [0, 0, 1, 1, 2, 2]
    rng = np.random.default_rng(0)
    mixed = [train.curriculum_level(9000, schedule, rng, 0.3) for _ in range(2000)]
    assert set(mixed) == {1, 2} and 0.25 < mixed.count(1) / 2000 < 0.35
    early = [train.curriculum_level(100, schedule, rng, 0.3) for _ in range(50)]
    assert set(early) == {0}  # mixing only touches level 2
    assert train.parse_args(["--minutes", "1"]).mix_level1 == 0.0
