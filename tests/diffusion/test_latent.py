"""The world at 4x size and 12 fps, the spacetime autoencoder, and the DiT over its latent."""

import json

import numpy as np
import pytest
import torch

from generation.diffusion import autoencoder, evaluate, latent, train, world
from generation.diffusion.model import DIT_CONFIGS
from generation.diffusion.sampler import fit_video, frames_to_tensor, load_pipeline, tensor_to_frames
from generation.diffusion.text import random_embedding


def _spec(motion="bouncing", **kw):
    obj = world.ObjectSpec("star", "red", "big", motion, direction="right")
    return world.SceneSpec(objects=(obj,), background=kw.pop("background", "grass"), seed=4, **kw)


@pytest.mark.parametrize(
    "spec",
    [
        _spec("bouncing", duration_s=4),
        _spec("right", aspect="landscape", duration_s=3, pan=0.5),
        _spec("left", aspect="portrait", duration_s=2, occluder=True),
        world.SceneSpec(
            objects=(),
            background="beach",
            cameo=world.CameoSpec("ana", "walking", "synth:7"),
            seed=9,
        ),
    ],
)
def test_the_world_drawn_finer_and_faster_is_the_same_scene(spec):
    frames, truth = world.render(spec)
    fine, fine_truth = world.render(spec, scale=4, fps=12)
    t, h, w, _ = frames.shape
    assert fine.shape == (3 * t, 4 * h, 4 * w, 3)
    # every third frame, brought back to the world's pixels, is the world's own frame
    back = latent.to_world(fine, 4, 12)
    assert back.shape == frames.shape
    assert np.abs(back.astype(float) - frames).mean() < 6.0
    np.testing.assert_allclose(fine_truth.centres[:, ::3] / 4, truth.centres)
    assert fine_truth.mask.shape == (3 * t, 4 * h, 4 * w)
    assert [i // 3 for i in fine_truth.impacts if i % 3 == 0] == [
        i for i in truth.impacts if 3 * i in fine_truth.impacts
    ]
    if spec.cameo is not None:
        np.testing.assert_allclose(fine_truth.face_boxes[::3] / 4, truth.face_boxes)
        assert fine_truth.face.shape == (4 * world.FACE_PX, 4 * world.FACE_PX, 3)


def test_the_world_refuses_a_rate_that_is_not_a_multiple_of_its_own():
    with pytest.raises(ValueError):
        world.render(_spec(), fps=10)
    with pytest.raises(ValueError):
        world.render(_spec(), scale=0)


def _tiny_ae(tmp_path, stats=True):
    torch.manual_seed(0)
    cfg = autoencoder.AEConfig(latent_channels=16, widths=(8, 8, 16))
    if stats:
        cfg.latent_mean, cfg.latent_std = [0.0] * 16, [1.0] * 16
    model = autoencoder.SpacetimeAutoencoder(cfg)
    path = tmp_path / "stae.safetensors"
    autoencoder.save(model, path, {"step": 0, "trained_seconds": 0.0, "history": []})
    return model, path


@pytest.mark.parametrize("aspect,duration", [("square", 4), ("landscape", 2), ("portrait", 3)])
def test_the_autoencoder_compresses_8x_in_space_and_4x_in_time_for_every_aspect(aspect, duration):
    model = autoencoder.SpacetimeAutoencoder(autoencoder.AEConfig(widths=(8, 8, 16)))
    frames, _ = world.render(_spec(aspect=aspect, duration_s=duration), scale=4, fps=12)
    x = frames_to_tensor(frames)[None]
    with torch.no_grad():
        z = model.encode(x)
        y = model.decode(z)
    t, h, w, _ = frames.shape
    assert z.shape == (1, 16, t // 4, h // 8, w // 8)
    assert y.shape == x.shape
    assert tensor_to_frames(frames_to_tensor(frames)).tolist() == frames.tolist()


def test_the_autoencoder_refuses_a_clip_it_cannot_fold():
    model = autoencoder.SpacetimeAutoencoder(autoencoder.AEConfig(widths=(8, 8, 16)))
    with pytest.raises(ValueError, match="multiple"):
        model.encode(torch.zeros(1, 3, 6, 64, 64))
    with pytest.raises(ValueError, match="multiple"):
        model.encode(torch.zeros(1, 3, 8, 60, 64))


def test_a_short_autoencoder_run_lowers_the_loss_and_resumes(tmp_path):
    out = tmp_path / "stae.safetensors"
    common = ["--out", str(out), "--batch", "2", "--crop", "32", "--frames", "8", "--buffer", "3"]
    common += ["--warmup", "1", "--log-every", "5", "--stats-clips", "2", "--latent-channels", "8"]
    train_autoencoder = pytest.importorskip("generation.diffusion.train_autoencoder")
    result = train_autoencoder.main(train_autoencoder.parse_args(["--steps", "40", *common]))
    losses = [h["loss"] for h in result["history"]]
    assert losses[-1] < 0.6 * losses[0]
    meta = json.loads(out.with_suffix(".json").read_text())
    assert meta["step"] == 40 and len(meta["model"]["latent_std"]) == 8
    assert out.with_suffix(".state.pt").exists()
    again = train_autoencoder.main(train_autoencoder.parse_args(["--steps", "3", "--resume", *common]))
    assert again["step"] == 43
    assert len(again["history"]) == len(result["history"])  # carried over; no new log line in 3 steps
    model, meta = autoencoder.load(out)
    assert meta["step"] == 43 and model.cfg.latent_channels == 8
    with pytest.raises(SystemExit):
        train_autoencoder.parse_args(["--steps", "1", "--frames", "6"])


def test_the_object_weight_weighs_the_objects_pixels_on_the_plain_losss_scale():
    from generation.diffusion import train_autoencoder

    torch.manual_seed(0)
    model = autoencoder.SpacetimeAutoencoder(autoencoder.AEConfig(widths=(8, 8, 16)))
    buffer = train_autoencoder.ClipBuffer(model.cfg, 3, seed=5)
    x, mask = buffer.batch(2, 8, 32)
    assert mask.shape == (2, 1, 8, 32, 32) and set(mask.unique().tolist()) <= {0.0, 1.0}
    assert any(m.any() for _, m in buffer.clips)  # the masks mark the objects and faces of the scenes
    plain, _ = train_autoencoder.recon_loss(model, x, 0.0)
    none, _ = train_autoencoder.recon_loss(model, x, 0.0, torch.zeros_like(mask), 10.0)
    torch.testing.assert_close(plain, none)  # no object under the mask: the plain loss
    # a mask over the pixels the model gets most wrong weighs the loss up
    with torch.no_grad():
        err = (model(x)[0] - x).pow(2).mean(1, keepdim=True)
    worst = (err >= err.flatten().quantile(0.9)).float()
    heavy, _ = train_autoencoder.recon_loss(model, x, 0.0, worst, 10.0)
    assert heavy > plain


def test_latents_are_standardised_with_the_autoencoders_own_statistics(tmp_path):
    model, path = _tiny_ae(tmp_path)
    model.cfg.latent_mean = [float(i) for i in range(16)]
    model.cfg.latent_std = [2.0] * 16
    z = torch.randn(1, 16, 3, 4, 4)
    torch.testing.assert_close(model.denormalise(model.normalise(z)), z)
    assert float(model.normalise(torch.full((1, 16, 1, 1, 1), 5.0))[0, 5]) == 0.0
    plain = autoencoder.SpacetimeAutoencoder(autoencoder.AEConfig(widths=(8, 8, 16)))
    with pytest.raises(ValueError, match="statistics"):
        plain.normalise(z)
    # the fp16 checkpoint gives back the same network, to fp16 precision
    loaded, _ = autoencoder.load(path)
    frames, _ = world.render(_spec(duration_s=2), scale=4, fps=12)
    a = autoencoder.reconstruct(loaded, frames).astype(int)
    b = autoencoder.reconstruct(_tiny_ae(tmp_path / "again", stats=True)[0], frames).astype(int)
    assert np.abs(a - b).max() <= 2


def test_the_latent_dit_has_the_pixel_dits_token_budget():
    sl, s = DIT_CONFIGS["DiT-SL"](), DIT_CONFIGS["DiT-S"]()
    assert train.bucket_tokens("square", 4, sl) == train.bucket_tokens("square", 4, s) == 256
    for aspect in world.ASPECTS:
        for d in world.DURATIONS_S:
            assert train.bucket_tokens(aspect, d, sl) == train.bucket_tokens(aspect, d, s)


def test_a_latent_dit_trains_on_encoded_clips_and_samples_frames_at_4x_and_12_fps(tmp_path):
    _, ae_path = _tiny_ae(tmp_path)
    out = tmp_path / "dit.safetensors"
    base = ["--model", "DiT-TL", "--max-steps", "3", "--batch", "2", "--fake-text", "--no-prefetch"]
    base += ["--curriculum", "1", "2", "--log-every", "1", "--autoencoder", str(ae_path)]
    result = train.main(train.parse_args([*base, "--out", str(out)]))
    assert result["step"] == 3 and all(np.isfinite(result["losses"]))
    meta = json.loads(out.with_suffix(".json").read_text())
    assert meta["autoencoder"]["file"] == "stae.safetensors" and meta["fps"] == 12
    assert meta["sizes"]["landscape"] == [128, 224]
    pipe = load_pipeline(out, text_encoder=object(), device="cpu")
    for aspect, d in (("square", 4), ("portrait", 3)):
        res = pipe.generate(random_embedding(1, seed=1), seed=2, duration_s=d, aspect=aspect, steps=2)
        h, w = world.SIZES_PX[aspect]
        assert res.frames.shape == (12 * d, 4 * h, 4 * w, 3) and res.fps == 12
        assert all(i % 3 == 0 for i in res.impacts)
    again = pipe.generate(random_embedding(1, seed=1), seed=2, duration_s=3, aspect="portrait", steps=2)
    assert np.array_equal(again.frames, res.frames)
    # a remix, an extension and a picture to animate go through the autoencoder
    emb = random_embedding(1, seed=1)
    remix = pipe.generate(emb, seed=3, duration_s=2, aspect="square", steps=2, init_video=res.frames, strength=0.5)
    assert remix.frames.shape == (24, 128, 128, 3)
    for given, at in ((res.frames[-12:], "start"), (res.frames[:5], "end"), (res.frames[:1], "start")):
        out = pipe.generate(emb, seed=3, duration_s=2, aspect="square", steps=2, known_frames=given, known_at=at)
        assert out.frames.shape == (24, 128, 128, 3)
    noise = torch.zeros(1, 16, 6, 16, 16)
    known = pipe._known(res.frames[:5], "end", noise)  # 5 frames fill 2 latent frames, the first one repeated
    assert known.mask[0, 0, :, 0, 0].tolist() == [0, 0, 0, 0, 1, 1]
    padded = np.concatenate([np.repeat(res.frames[:1], 3, axis=0), res.frames[:5]])
    want = pipe.latent.encode([fit_video(padded, 8, 128, 128)])[0]
    assert torch.allclose(known.x0[0, :, 4:], want, atol=1e-5)
    with pytest.raises(ValueError, match="leave"):
        pipe._known(res.frames[:21], "start", noise)
    # an autoencoder from elsewhere, or of another latent, is refused before training
    elsewhere = tmp_path / "other"
    elsewhere.mkdir()
    with pytest.raises(SystemExit, match="folder"):
        train.main(train.parse_args([*base, "--out", str(elsewhere / "d.safetensors")]))
    space = latent.LatentSpace.load(ae_path)
    with pytest.raises(ValueError, match="channels"):
        space.check(DIT_CONFIGS["DiT-S"]())


def test_the_reconstruction_check_scores_the_rendered_and_the_reconstructed_clips(tmp_path):
    _, ae_path = _tiny_ae(tmp_path)
    sheet = tmp_path / "sheet.png"
    args = ["--recon-check", "2", "--autoencoder", str(ae_path), "--recon-sheet", str(sheet)]
    result = evaluate.main(evaluate.parse_args(args))
    assert sheet.stat().st_size > 1000
    assert result["clips"] == 2 and np.isfinite(result["psnr_mean"])
    assert result["psnr_min"] <= result["psnr_p10"] <= result["psnr_mean"]
    assert np.isfinite(result["psnr_objects_mean"])
    for row in result["checker"].values():
        assert row["scenes"] >= 1 and 0.0 <= row["rendered"] <= 1.0 and 0.0 <= row["reconstructed"] <= 1.0
    # an untrained autoencoder draws nothing the checker recognises
    assert result["checker"]["motion"]["ratio"] < 0.5
    # the same held-out scenes every time, none of them a training combination
    items = evaluate.recon_items(5)
    assert [i.spec for i in items] == [i.spec for i in evaluate.recon_items(5)]
    assert all(any(world.is_held_out(o, i.spec.background) for o in i.spec.objects) for i in items)


def test_the_latent_pool_carries_every_cameos_reference_in_order(tmp_path):
    _, ae_path = _tiny_ae(tmp_path)
    pool = latent.LatentPool(latent.LatentSpace.load(ae_path), fresh=2, max_cameos=3)
    rng = np.random.default_rng(5)
    for _ in range(40):  # until three clips have more than one cameo (four rounds with this seed)
        pool.add(rng, 1, "square", 2, 4)
        entries = [e for p in pool.pools.values() for e in p]
        several = [e for e in entries if len(e[2]) > 1]
        if len(several) >= 3:
            break
    assert several and all(e[2] == () or all(r.shape == (16, 16, 3) for r in e[2]) for e in entries)
    for _, caption, refs in several:
        assert caption.count("@") == len(refs)
