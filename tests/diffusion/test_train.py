import numpy as np
import pytest

from generation.diffusion import train
from generation.diffusion.sampler import load_model


def test_a_tiny_training_run_lowers_the_loss_and_checkpoints_resume(tmp_path):
    out = tmp_path / "tiny.safetensors"
    args = train.parse_args(
        [
            "--model",
            "DiT-T",
            "--max-steps",
            "30",
            "--batch",
            "4",
            "--lr",
            "3e-3",
            "--warmup",
            "5",
            "--out",
            str(out),
            "--fake-text",
            "--log-every",
            "10",
            "--no-prefetch",
        ]
    )
    result = train.main(args)
    losses = result["losses"]
    print(f"first 5: {np.mean(losses[:5]):.3f}, last 10: {np.mean(losses[-10:]):.3f}")
    assert np.mean(losses[-10:]) < 0.7 * np.mean(losses[:5])
    model, meta = load_model(out)
    assert meta["step"] == 30 and out.stat().st_size < 40e6
    resumed = train.main(
        train.parse_args(
            ["--max-steps", "2", "--resume", "--out", str(out), "--fake-text", "--batch", "2", "--no-prefetch"]
        )
    )
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
        video, captions, refs, has_ref, weight, _ = train.get_batch(rng, 8, 2, cfg, by_tokens=True)
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
    video, captions, refs, has_ref, weight, _ = train.get_batch(np.random.default_rng(5), 4, 1, cfg, object_weight=4.0)
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


def test_a_known_window_cuts_each_clip_from_a_longer_scene_at_its_own_frame(monkeypatch):
    import torch
    from scipy import ndimage

    from generation.diffusion import world
    from generation.diffusion.model import DIT_CONFIGS

    cfg = DIT_CONFIGS["DiT-T"]()
    rendered = []
    make_clip = world.make_clip

    def keep(spec, rng=None):
        rendered.append(make_clip(spec, rng))
        return rendered[-1]

    monkeypatch.setattr(world, "make_clip", keep)
    video, captions, refs, has_ref, weight, at_start = train.get_batch(
        np.random.default_rng(11), 4, 1, cfg, object_weight=4.0, window_s=2
    )
    n = video.shape[2]
    assert n in (2 * world.FPS, 4 * world.FPS)  # the bucket's duration, not the longer scene's
    starts = []
    for i, clip in enumerate(rendered):
        assert clip.frames.shape[0] == n + 2 * world.FPS  # rendered two seconds longer
        found = [
            a for a in range(2 * world.FPS + 1) if torch.equal(video[i], train.frames_to_tensor(clip.frames[a : a + n]))
        ]
        assert found, "each clip is a window of its scene"
        a = found[0]
        starts.append(a)
        grown = ndimage.maximum_filter(clip.truth.mask[a : a + n], size=(1, 3, 3)) > 0
        assert torch.equal(weight[i, 0] > 1, torch.from_numpy(grown))  # the objects' weights move with the window
        assert captions[i] == clip.caption
    assert len(set(starts)) > 1  # cut at different frames
    assert at_start.tolist() == [a == 0 for a in starts]
    plain, *_, plain_at_start = train.get_batch(np.random.default_rng(11), 4, 1, cfg)
    assert plain.shape[2] == n and bool(plain_at_start.all())  # without a window every clip starts its scene
    assert train.parse_args(["--minutes", "1"]).known_window == 0


@pytest.fixture
def rendered_specs(monkeypatch):
    """The scene specs get_batch renders, in order (world.make_clip still renders them)."""
    from generation.diffusion import world

    rendered = []
    make_clip = world.make_clip

    def keep(spec, rng=None):
        rendered.append(spec)
        return make_clip(spec, rng)

    monkeypatch.setattr(world, "make_clip", keep)
    return rendered


def test_a_bounce_phase_lets_each_scene_of_a_batch_go_at_its_own_time_within_the_bound(rendered_specs):
    from generation.diffusion.model import DIT_CONFIGS

    cfg = DIT_CONFIGS["DiT-T"]()
    rendered = rendered_specs
    train.get_batch(np.random.default_rng(4), 8, 1, cfg, window_s=2, bounce_phase_s=2.5)
    phases = [s.bounce_phase_s for s in rendered]
    assert all(0.0 <= p <= 2.5 for p in phases) and len(set(phases)) > 4
    rendered.clear()
    train.get_batch(np.random.default_rng(4), 8, 1, cfg, window_s=2)
    assert {s.bounce_phase_s for s in rendered} == {0.0}
    assert train.parse_args(["--minutes", "1", "--bounce-phase", "2.5"]).bounce_phase == 2.5
    with pytest.raises(SystemExit):
        train.parse_args(["--minutes", "1", "--bounce-phase", "-1"])


def test_a_forward_bounce_phase_lets_go_early_only_the_clips_extended_forwards_and_they_get_their_first_second(
    rendered_specs,
):
    import torch

    from generation.diffusion import world
    from generation.diffusion.model import DIT_CONFIGS

    cfg = DIT_CONFIGS["DiT-T"]()
    rendered = rendered_specs
    kinds, phases = [], []
    for seed in range(4):
        rendered.clear()
        video, *_, given = train.get_batch(
            np.random.default_rng(seed), 8, 1, cfg, window_s=2, start_share=0.3, bounce_phase_s=2.5, phase_forward=True
        )
        kinds += given.tolist()
        phases += [s.bounce_phase_s for s in rendered]
        # the clips marked forwards get their first second, backwards their last, pictures their first frame
        _, mask = train.known_frames_batch(video, 1.0, torch.Generator().manual_seed(seed), given)
        second = min(world.FPS, video.shape[2] - 1)
        for g, m in zip(given.tolist(), mask[:, 0, :, 0, 0]):
            first, last = int(m[:second].sum()), int(m[-second:].sum())
            if g == train.GIVEN_PICTURE:
                assert m.tolist() == [1.0] + [0.0] * (len(m) - 1)
            else:
                assert (first, last) == ((second, 0) if g == train.GIVEN_FORWARD else (0, second))
    assert set(kinds) == {train.GIVEN_PICTURE, train.GIVEN_FORWARD, train.GIVEN_BACKWARD}
    early = [p for k, p in zip(kinds, phases) if k == train.GIVEN_FORWARD]
    assert all(0.0 <= p <= 2.5 for p in early) and len(set(early)) > 3  # forwards: each at its own time
    assert {p for k, p in zip(kinds, phases) if k != train.GIVEN_FORWARD} == {0.0}  # the rest at the scene's start
    ok = ["--minutes", "1", "--known-window", "2", "--known-pictures", "0.3", "--bounce-phase", "2"]
    assert train.parse_args([*ok, "--bounce-phase-forward"]).bounce_phase_forward
    for bad in (ok[:-2], ok[:3] + ok[-2:]):  # without a phase, or without pictures (which clips go forwards)
        with pytest.raises(SystemExit):
            train.parse_args([*bad, "--bounce-phase-forward"])


def test_known_pictures_cut_a_share_at_the_scene_start_and_give_those_their_first_frame_alone():
    import torch

    from generation.diffusion.model import DIT_CONFIGS

    cfg = DIT_CONFIGS["DiT-T"]()
    shares = []
    for share in (0.0, 0.5, 1.0):
        flags = torch.cat(
            [train.get_batch(np.random.default_rng(s), 8, 1, cfg, window_s=2, start_share=share)[5] for s in range(6)]
        )
        shares.append(flags.float().mean().item())
    assert shares[0] < 0.3 and 0.3 < shares[1] < 0.8 and shares[2] == 1.0  # 1 in 9 windows start at 0 by chance
    video = torch.rand(12, 3, 16, 8, 8) * 2 - 1
    pictures = torch.tensor([True, False] * 6)
    known, mask = train.known_frames_batch(video, 1.0, torch.Generator().manual_seed(0), pictures)
    given = mask[:, 0, :, 0, 0]
    second = min(train.world.FPS, 15)
    for i in range(12):
        if pictures[i]:
            assert given[i].tolist() == [1.0] + [0.0] * 15  # the first frame alone
        else:
            assert given[i].sum().item() == second  # a whole second, first or last
            assert given[i, 0].item() + given[i, -1].item() == 1.0
    assert torch.equal(known[:, :3], video * mask) and torch.equal(known[:, 3:], mask.expand(12, 1, 16, 8, 8))
    ok = train.parse_args(["--minutes", "1", "--known-window", "2", "--known-pictures", "0.3"])
    assert ok.known_pictures == 0.3
    for bad in (["--known-pictures", "0.3"], ["--known-window", "2", "--known-pictures", "1.5"]):
        with pytest.raises(SystemExit):
            train.parse_args(["--minutes", "1", *bad])


def test_loss_t_min_moves_weight_from_low_to_high_noise():
    import torch

    from generation.diffusion.model import DIT_CONFIGS, DiT

    cfg = DIT_CONFIGS["DiT-T"]()
    video, captions, refs, has_ref, _, _ = train.get_batch(np.random.default_rng(6), 2, 1, cfg)
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


def test_rollout_states_are_the_default_samplers_own_steps_with_the_true_clip_as_target(tmp_path):
    import json

    import torch

    from generation.diffusion.sampler import Conditioning, sample_loop, timesteps
    from generation.diffusion.text import TextEmbedding

    from .helpers import tiny_model

    cfg = tiny_model().cfg
    video, _, refs, has_ref, _, _ = train.get_batch(np.random.default_rng(3), 3, 1, cfg)
    n = video.shape[0]
    model = tiny_model(1)
    g = torch.Generator().manual_seed(0)
    tokens, mask = torch.randn(n, 5, 384, generator=g), torch.ones(n, 5, dtype=torch.bool)
    pooled = torch.randn(n, 384, generator=g)
    cond = (tokens, mask, pooled, refs, has_ref & False)
    noise = torch.randn(video.shape, generator=g)
    t = torch.full((n,), 0.5)
    x_t = train.add_noise(video, noise, t)

    same = train.rollout_states(model, video, noise, t, x_t, cond, torch.Generator().manual_seed(1), 0.0, 2)
    assert all(a is b for a, b in zip(same, (noise, t, x_t)))  # share 0: the batch is untouched

    # eta 0, one step: every clip moves by exactly one step of sample_loop at the same guidance
    new_noise, new_t, new_x = train.rollout_states(
        model, video, noise, t, x_t, cond, torch.Generator().manual_seed(1), 1.0, 1, text_scale=4.0, eta=0.0
    )
    ts = timesteps(12)
    for i in range(n):
        j = min(range(len(ts)), key=lambda j: abs(ts[j] - float(new_t[i])))
        assert abs(ts[j] - float(new_t[i])) < 1e-6 and 1 <= j <= 11  # a schedule time, never t = 0
        start = train.add_noise(video[i : i + 1], noise[i : i + 1], torch.tensor([ts[j - 1]]))
        c = Conditioning(TextEmbedding(tokens[i : i + 1], mask[i : i + 1], pooled[i : i + 1]), None)
        expected = sample_loop(model, start, [ts[j - 1], ts[j]], c, text_scale=4.0)
        assert torch.allclose(new_x[i : i + 1], expected, atol=1e-5)
        # the returned noise puts the state on the line from the true clip: the loss target is unchanged
        assert torch.allclose(
            train.add_noise(video[i : i + 1], new_noise[i : i + 1], new_t[i : i + 1]), new_x[i : i + 1], atol=1e-5
        )
    assert not torch.allclose(new_x, x_t)

    # a training run with rollouts goes through and records the setting
    out = tmp_path / "rollout.safetensors"
    train.main(
        train.parse_args(
            [
                "--model",
                "DiT-T",
                "--max-steps",
                "2",
                "--batch",
                "2",
                "--out",
                str(out),
                "--fake-text",
                "--no-prefetch",
                "--rollout-share",
                "1",
                "--rollout-steps",
                "3",
            ]
        )
    )
    meta = json.loads(out.with_suffix(".json").read_text())
    assert meta["step"] == 2 and (meta["rollout_share"], meta["rollout_steps"]) == (1.0, 3)
    assert train.parse_args(["--minutes", "1"]).rollout_share == 0.0
    for bad in (["--rollout-share", "1.5"], ["--rollout-steps", "12"], ["--rollout-steps", "0"]):
        try:
            train.parse_args(["--minutes", "1", *bad])
        except SystemExit as exc:
            assert exc.code == 2
        else:
            raise AssertionError(f"{bad} accepted")


def test_render_workers_are_separate_processes_with_their_own_data_that_follow_the_trainers_step(tmp_path):
    import torch

    from generation.diffusion.model import DIT_CONFIGS

    args = train.parse_args(["--minutes", "1", "--batch", "2", "--curriculum", "2", "4", "--fake-text"])
    pool = train.RenderWorkers(train.BatchSource(args, DIT_CONFIGS["DiT-T"](), seed=7), workers=2)
    try:
        level, video, refs, has_ref, text, weight, given = pool.next(0)
        assert level == 0  # everything rendered before the step moves is at step 0's level
        assert video.dim() == 5 and video.shape[1] == 3 and text.tokens.shape[0] == video.shape[0] == refs.shape[0]
        assert weight is None and has_ref.dtype == torch.bool and given.dtype == torch.int8
        later = [pool.next(100) for _ in range(12)]
        assert [b[0] for b in later[-4:]] == [2, 2, 2, 2]  # the workers read the trainer's step
        seen = [video] + [b[1] for b in later]
        for i in range(len(seen)):  # each worker has its own random stream: no batch is repeated
            assert all(seen[i].shape != seen[j].shape or not torch.equal(seen[i], seen[j]) for j in range(i))
        for proc in pool.procs:  # a dead worker is an error, not a trainer waiting forever
            proc.kill()
        with pytest.raises(RuntimeError, match="render worker exited"):
            for _ in range(10):
                pool.next(100)
    finally:
        pool.close()

    out = tmp_path / "workers.safetensors"  # a training run takes its batches from the workers
    result = train.main(
        train.parse_args(
            [
                "--model",
                "DiT-T",
                "--max-steps",
                "3",
                "--batch",
                "2",
                "--out",
                str(out),
                "--fake-text",
                "--render-workers",
                "2",
            ]
        )
    )
    assert result["step"] == 3 and all(np.isfinite(result["losses"]))


def _clip_folder(folder, n=3):
    """n short real-looking clips (a gradient sliding over 2 s at 12 fps) with captions beside them."""
    from generation.media import encode_mp4

    folder.mkdir()
    for i in range(n):
        xs = np.linspace(0, 255, 96)
        frames = np.stack(
            [np.stack([np.tile(np.roll(xs, 4 * t + 10 * i), (64, 1))] * 3, axis=-1).astype(np.uint8) for t in range(24)]
        )
        encode_mp4(frames, None, sample_rate=48000, path=folder / f"clip{i}.mp4", fps=12)
        (folder / f"clip{i}.txt").write_text(f"a grey gradient sliding, take {i}\n")
    (folder / "uncaptioned.mp4").write_bytes((folder / "clip0.mp4").read_bytes())
    (folder / "broken.mp4").write_bytes(b"not a video")
    (folder / "broken.txt").write_text("a broken file")
    return folder


def test_a_folder_of_real_clips_is_read_at_the_models_rate_and_batched_in_any_bucket(tmp_path):
    from generation.diffusion import clips, world

    loaded = clips.load_folder(_clip_folder(tmp_path / "clips"))

    assert sorted(c.name for c in loaded) == ["clip0.mp4", "clip1.mp4", "clip2.mp4"]  # uncaptioned, broken: skipped
    assert loaded[0].frames.shape == (2 * world.FPS, 64, 96, 3) and loaded[0].caption.endswith("take 0")
    video, captions = clips.real_batch(loaded, np.random.default_rng(0), 3, "portrait", 16)
    assert video.shape == (3, 16, 56, 32, 3) and len(captions) == 3  # 2 s clips held to fill a 4 s window
    assert (video[:, 8:] == video[:, 7:8]).all()


def test_training_mixes_real_clips_with_the_world(tmp_path):
    folder = _clip_folder(tmp_path / "clips")
    args = ["--model", "DiT-T", "--max-steps", "6", "--batch", "2", "--fake-text", "--no-prefetch", "--log-every", "1"]
    args += ["--out", str(tmp_path / "m.safetensors"), "--clips", str(folder), "--clips-share", "0.5"]

    train.main(train.parse_args(args))

    model, meta = load_model(tmp_path / "m.safetensors")
    levels = {h["level"] for h in meta["history"]}
    assert train.REAL_LEVEL in levels and levels - {train.REAL_LEVEL}  # both kinds of batches
    assert meta["clips"] is True and meta["step"] == 6


def test_torchrun_trains_on_two_processes_over_gloo_in_step(tmp_path):
    import os
    import subprocess
    import sys

    out = tmp_path / "ddp.safetensors"
    cmd = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2"]
    cmd += ["-m", "generation.diffusion.train", "--model", "DiT-T", "--max-steps", "4", "--batch", "2"]
    cmd += ["--fake-text", "--no-prefetch", "--cpu", "--threads", "1", "--out", str(out), "--log-every", "2"]
    env = {**os.environ, "OMP_NUM_THREADS": "1"}

    run = subprocess.run(cmd, capture_output=True, text=True, timeout=240, env=env)

    assert run.returncode == 0, run.stderr[-3000:]
    assert "rank 0 of 2" in run.stdout and "rank 1 of 2" in run.stdout
    assert "2 ranks in sync" in run.stdout
    model, meta = load_model(out)
    assert meta["step"] == 4 and meta["ranks"] == 2


def test_training_on_the_grown_world_draws_its_scenes_and_the_checkpoint_says_so(tmp_path):
    from generation.capabilities import served_world_version
    from generation.diffusion import world
    from generation.diffusion.model import DIT_CONFIGS

    cfg = DIT_CONFIGS["DiT-T"]()
    captions = []
    rng = np.random.default_rng(4)
    for _ in range(6):
        captions += train.get_batch(rng, 4, 1, cfg, world_version=2)[1]
    assert any(any(kind in c for kind in world.ANIMALS + world.VEHICLES) for c in captions)
    out = tmp_path / "grown.safetensors"
    args = ["--model", "DiT-T", "--max-steps", "2", "--batch", "2", "--out", str(out), "--fake-text", "--no-prefetch"]
    train.main(train.parse_args(args + ["--world", "2"]))
    assert served_world_version(str(out)) == 2
    with pytest.raises(SystemExit):
        train.parse_args(args + ["--world", "3"])


def test_an_extension_model_trains_from_the_model_and_is_served_beside_it(tmp_path):
    from generation.diffusion.sampler import extension_checkpoint, load_pipeline
    from generation.diffusion.text import random_embedding

    base = tmp_path / "dit.safetensors"
    common = ["--model", "DiT-T", "--batch", "2", "--fake-text", "--no-prefetch", "--log-every", "1"]
    train.main(train.parse_args([*common, "--max-steps", "2", "--out", str(base)]))
    before = load_pipeline(base, text_encoder=object(), device="cpu")
    out = str(extension_checkpoint(base))
    known = ["--add-known-frames", "--known-share", "1.0", "--init", str(base), "--out", out]
    grown = train.main(train.parse_args([*common, *known, "--max-steps", "3"]))
    again = train.main(train.parse_args([*common, *known, "--max-steps", "1"]))

    assert grown["step"] == 5 and again["step"] == 6  # on from the model's step 2; the same command resumes
    extension, _ = load_model(extension_checkpoint(base))
    assert extension.cfg.known_frames
    pipe, e = load_pipeline(base, text_encoder=object(), device="cpu"), random_embedding(1)
    given = np.random.default_rng(0).integers(0, 255, (4, 32, 32, 3), dtype=np.uint8)
    assert pipe.extension is not None
    # plain clips come from the model as before; clips given frames from the extension
    assert np.array_equal(pipe.generate(e, seed=1, steps=2).frames, before.generate(e, seed=1, steps=2).frames)
    drawn = pipe.generate(e, seed=1, steps=2, known_frames=given).frames
    assert np.array_equal(drawn[:4], given)
    assert not np.array_equal(drawn, before.generate(e, seed=1, steps=2, known_frames=given).frames)


def test_closing_the_prefetcher_waits_for_the_batch_it_is_making():
    import time

    started = []

    def slow_batch(step):
        started.append(step)
        time.sleep(0.5)
        return step

    prefetch = train.Prefetcher(slow_batch, depth=1)
    assert prefetch.next(3) is not None
    while len(started) < 2:  # the thread is inside the next batch
        time.sleep(0.01)
    prefetch.close()
    assert not prefetch.thread.is_alive()  # nothing of it is left running when training returns
