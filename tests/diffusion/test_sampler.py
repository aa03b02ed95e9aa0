import numpy as np
import pytest
import torch

from generation.diffusion import checker, world
from generation.diffusion.model import DiT, DiT_T
from generation.diffusion.sampler import GenerationCancelled, Pipeline, timesteps
from generation.diffusion.text import random_embedding

from .helpers import tiny_model, tiny_pipeline


def test_same_seed_same_frames_and_another_seed_differs():
    pipe, e = tiny_pipeline(), random_embedding(1)
    a = pipe.generate(e, seed=7, steps=4)
    b = pipe.generate(e, seed=7, steps=4)
    c = pipe.generate(e, seed=8, steps=4)
    assert a.frames.shape == (16, 32, 32, 3) and a.frames.dtype == np.uint8 and a.fps == world.FPS
    assert np.array_equal(a.frames, b.frames)
    assert not np.array_equal(a.frames, c.frames)


@pytest.mark.parametrize("aspect,duration", [("portrait", 2), ("landscape", 8)])
def test_aspects_and_durations(aspect, duration):
    res = tiny_pipeline().generate(random_embedding(1), aspect=aspect, duration_s=duration, steps=2)
    h, w = world.SIZES_PX[aspect]
    assert res.frames.shape == (duration * world.FPS, h, w, 3)


def test_progress_callback_and_heun():
    calls = []
    res = tiny_pipeline().generate(
        random_embedding(1), steps=5, method="heun", on_step=lambda i, n: calls.append((i, n))
    )
    assert calls == [(i, 5) for i in range(1, 6)] and res.steps == 5


def test_cancel_stops_between_steps():
    calls = []
    with pytest.raises(GenerationCancelled):
        tiny_pipeline().generate(
            random_embedding(1), steps=6, on_step=lambda i, n: calls.append(i), should_cancel=lambda: len(calls) >= 2
        )
    assert calls == [1, 2]


def test_cameo_reference_of_any_size_is_accepted_and_changes_the_result():
    pipe, e = tiny_pipeline(), random_embedding(1)
    face = world.face_reference("lfw:3")
    big_face = np.kron(face, np.ones((4, 4, 1), np.uint8))  # 64x64
    with_ref = pipe.generate(e, cameo_reference=big_face, seed=1, steps=3)
    without = pipe.generate(e, seed=1, steps=3)
    assert not np.array_equal(with_ref.frames, without.frames)


def test_video_to_video_starts_from_the_noised_source():
    # a zero-initialised v-prediction network moves nothing, so the output is exactly the noised start
    pipe, e = Pipeline(DiT(DiT_T(prediction="v")), encoder=None), random_embedding(1)
    src, _ = world.render(
        world.SceneSpec(objects=(world.ObjectSpec("star", "yellow", "big", "left"),), background="grass")
    )
    src = np.concatenate([src, src[:4]])  # any length and size is resampled onto the grid
    low = pipe.generate(e, init_video=src, strength=0.2, steps=10, seed=3)
    high = pipe.generate(e, init_video=src, strength=1.0, steps=10, seed=3)
    ref = src[np.linspace(0, len(src) - 1, 16).round().astype(int)].astype(float)
    assert low.steps == 2
    assert np.abs(low.frames - ref).mean() < np.abs(high.frames - ref).mean() / 2
    with pytest.raises(ValueError):
        pipe.generate(e, init_video=src, strength=0.0)


def test_a_recolouring_draws_again_only_the_old_colour_and_keeps_every_other_pixel():
    pipe, e = tiny_pipeline(), random_embedding(1)
    src, truth = world.render(
        world.SceneSpec(objects=(world.ObjectSpec("ball", "red", "big", "right"),), background="studio", seed=2)
    )
    plain = pipe.generate(e, init_video=src, strength=1.0, steps=4, seed=3).frames
    recolour = pipe.generate(e, init_video=src, strength=1.0, steps=4, seed=3, edit_colours=("red",)).frames
    region = checker.colour_region(src, ("red",), grow=1)
    assert 0 < region.mean() < 0.3
    # outside the red ball (grown by a pixel) the parent comes back as it was; inside it is drawn again
    assert np.abs(recolour[~region].astype(int) - src[~region]).max() <= 1
    assert np.abs(recolour[region].astype(int) - src[region]).mean() > 10
    assert np.abs(plain[~region].astype(int) - src[~region]).mean() > 10  # without it, the whole frame is drawn
    # a colour the video does not show: nothing to recolour, so the whole frame is drawn
    absent = pipe.generate(e, init_video=src, strength=1.0, steps=4, seed=3, edit_colours=("cyan",)).frames
    assert np.array_equal(absent, plain)


def test_schedule_runs_from_start_to_zero_front_loaded():
    ts = timesteps(8)
    assert ts[0] == 1.0 and ts[-1] == 0.0 and all(a > b for a, b in zip(ts, ts[1:]))
    assert ts[0] - ts[1] < ts[-2] - ts[-1]  # finer steps at high noise
    assert timesteps(4, t_start=0.5)[0] == 0.5


def test_stochastic_euler_is_seeded_and_eta_zero_is_the_plain_ode():
    from generation.diffusion.sampler import DEFAULT_ETA

    pipe, e = tiny_pipeline(), random_embedding(1)
    plain = pipe.generate(e, seed=3, steps=4, eta=0.0)
    # the stochastic step with (almost) no fresh noise is the Euler step, written the other way round
    tiny = pipe.generate(e, seed=3, steps=4, eta=1e-6)
    assert np.abs(tiny.frames.astype(int) - plain.frames).max() <= 1
    assert np.array_equal(
        pipe.generate(e, seed=3, steps=4).frames, pipe.generate(e, seed=3, steps=4, eta=DEFAULT_ETA).frames
    )
    a = pipe.generate(e, seed=3, steps=4, eta=0.5)
    b = pipe.generate(e, seed=3, steps=4, eta=0.5)
    assert np.array_equal(a.frames, b.frames)  # the fresh noise comes from the seeded generator
    assert not np.array_equal(a.frames, plain.frames)
    assert not np.array_equal(a.frames, pipe.generate(e, seed=4, steps=4, eta=0.5).frames)


def test_bad_arguments_are_refused():
    pipe = tiny_pipeline()
    for bad in ({"eta": 1.5}, {"eta": -0.1}, {"eta": 0.5, "method": "heun"}, {"method": "rk4"}):
        with pytest.raises(ValueError):
            pipe.generate(random_embedding(1), steps=2, **bad)
    with pytest.raises(ValueError):
        pipe.generate(random_embedding(1), aspect="cinema")
    with pytest.raises(ValueError):
        pipe.generate(random_embedding(1), duration_s=20)


def test_guidance_interval_skips_guidance_only_above_its_t():
    from generation.diffusion.sampler import Conditioning, guided_velocity, reference_to_tensor

    pipe, e = tiny_pipeline(), random_embedding(1)
    face = world.face_reference("lfw:3")
    # both scales 1 is the fully conditioned prediction: one evaluation gives what the three branches give
    x = torch.randn(1, 3, 8, 32, 32, generator=torch.Generator().manual_seed(0))
    for ref in (None, face):
        cond = Conditioning(e, None if ref is None else reference_to_tensor(ref, 16))
        short = guided_velocity(pipe.model, x, 0.7, cond, 1.0, 1.0)
        calls = []
        hook = pipe.model.register_forward_hook(lambda m, i, o, calls=calls: calls.append(i[0].shape[0]))
        full = guided_velocity(pipe.model, x, 0.7, cond, 1.0 + 1e-12, 1.0)  # not the shortcut
        hook.remove()
        assert calls == [2 if ref is None else 3]
        assert torch.allclose(short, full, atol=1e-5)
    everywhere = pipe.generate(e, seed=2, steps=4, text_scale=4.0)
    assert np.array_equal(
        pipe.generate(e, seed=2, steps=4, text_scale=4.0, guidance_t_max=1.0).frames, everywhere.frames
    )
    unguided = pipe.generate(e, seed=2, steps=4, text_scale=1.0)
    assert np.array_equal(pipe.generate(e, seed=2, steps=4, text_scale=4.0, guidance_t_max=0.0).frames, unguided.frames)
    between = pipe.generate(e, seed=2, steps=4, text_scale=4.0, guidance_t_max=0.8)
    assert not np.array_equal(between.frames, everywhere.frames) and not np.array_equal(between.frames, unguided.frames)
    for bad in (-0.1, 1.5):
        with pytest.raises(ValueError):
            pipe.generate(e, steps=2, guidance_t_max=bad)


def test_the_sampler_settings_travel_with_the_checkpoint():
    import json

    from generation.diffusion.sampler import DEFAULT_CHECKPOINT, SAMPLER_FALLBACK

    committed = json.loads(DEFAULT_CHECKPOINT.with_suffix(".json").read_text())["sampler"]
    assert {k: committed[k] for k in SAMPLER_FALLBACK} == SAMPLER_FALLBACK  # the service's settings today

    e = random_embedding(1)
    chosen = Pipeline(tiny_model(0), encoder=None, config={"sampler": {"steps": 3, "text_scale": 1.5}})
    calls = []
    chosen.generate(e, seed=2, on_step=lambda i, n: calls.append(n))
    explicit = Pipeline(tiny_model(0), encoder=None).generate(e, seed=2, steps=3, text_scale=1.5)
    assert calls[-1] == 3  # the checkpoint's step count, not the fallback's 12
    assert np.array_equal(chosen.generate(e, seed=2).frames, explicit.frames)
    assert Pipeline(tiny_model(0), encoder=None).sampler == SAMPLER_FALLBACK


@pytest.mark.parametrize("at", ["start", "end"])
def test_known_frames_are_kept_exactly_and_the_rest_is_drawn_to_match(at):
    pipe, e = tiny_pipeline(), random_embedding(1)
    known = np.random.default_rng(3).integers(0, 255, (4, 32, 32, 3), dtype=np.uint8)

    res = pipe.generate(e, seed=2, steps=4, known_frames=known, known_at=at)
    plain = pipe.generate(e, seed=2, steps=4)

    kept = res.frames[:4] if at == "start" else res.frames[-4:]
    drawn = res.frames[4:] if at == "start" else res.frames[:-4]
    assert np.array_equal(kept, known)
    # the network saw the known frames: what it drew differs from the same seed without them
    assert not np.array_equal(drawn, plain.frames[4:] if at == "start" else plain.frames[:-4])


def test_known_frames_of_another_size_are_fitted_and_bad_ones_refused():
    pipe, e = tiny_pipeline(), random_embedding(1)
    big = np.full((1, 96, 64, 3), 200, np.uint8)  # one still, image-to-video style

    res = pipe.generate(e, seed=1, steps=2, known_frames=big)

    assert res.frames.shape == (16, 32, 32, 3) and (res.frames[0] == 200).all()
    for bad in (np.zeros((16, 32, 32, 3), np.uint8), np.zeros((32, 32, 3), np.uint8)):
        with pytest.raises(ValueError):
            pipe.generate(e, steps=2, known_frames=bad)
    with pytest.raises(ValueError):
        pipe.generate(e, steps=2, known_frames=big, known_at="middle")
    with pytest.raises(ValueError):
        pipe.generate(e, steps=2, known_frames=big, init_video=np.zeros((4, 32, 32, 3), np.uint8))


def test_resampling_and_holding_keep_the_given_frames_and_hold_is_bounded():
    pipe, e = tiny_pipeline(), random_embedding(1)
    known = np.random.default_rng(4).integers(0, 255, (4, 32, 32, 3), dtype=np.uint8)

    resampled = pipe.generate(e, seed=2, steps=3, known_frames=known, resample=2)
    held = pipe.generate(e, seed=2, steps=4, known_frames=known, known_at="end", hold=0.5)

    assert np.array_equal(resampled.frames[:4], known) and np.array_equal(held.frames[-4:], known)
    assert held.steps == 2  # a held start runs only the low-noise half of the schedule
    with pytest.raises(ValueError):
        pipe.generate(e, steps=2, known_frames=known, hold=1.5)


def _extension(seed: int = 1):
    """A tiny extension model: other weights than the base, reading the given frames through its stem."""
    from generation.diffusion.model import widen_for_known_frames

    extension = widen_for_known_frames(tiny_model(seed))
    with torch.no_grad():
        extension.stem[0].weight[:, 3:] += 0.05
    return extension.eval()


def test_an_extension_model_draws_only_the_clips_given_frames():
    base, extension = tiny_model(0), _extension()
    pipe, alone, e = Pipeline(base, None, extension=extension), Pipeline(base, None), random_embedding(1)
    known = np.random.default_rng(5).integers(0, 255, (4, 32, 32, 3), dtype=np.uint8)
    parent = alone.generate(e, seed=9, steps=2).frames

    # plain clips and remixes: the model alone, byte for byte
    assert np.array_equal(pipe.generate(e, seed=2, steps=3).frames, alone.generate(e, seed=2, steps=3).frames)
    remix = dict(seed=2, steps=3, init_video=parent, strength=0.5)
    assert np.array_equal(pipe.generate(e, **remix).frames, alone.generate(e, **remix).frames)
    # clips given frames: the extension model draws them, around the frames as given
    for at in ("start", "end"):
        drawn = pipe.generate(e, seed=2, steps=3, known_frames=known, known_at=at).frames
        by_extension = Pipeline(extension, None).generate(e, seed=2, steps=3, known_frames=known, known_at=at).frames
        by_model = alone.generate(e, seed=2, steps=3, known_frames=known, known_at=at).frames
        assert np.array_equal(drawn, by_extension) and not np.array_equal(drawn, by_model)
        assert np.array_equal(drawn[:4] if at == "start" else drawn[-4:], known)


def test_an_extension_model_beside_a_checkpoint_is_loaded_and_a_wrong_one_refused(tmp_path):
    from generation.diffusion.model import widen_for_cameos
    from generation.diffusion.sampler import extension_checkpoint, load_pipeline
    from generation.diffusion.train import save_checkpoint

    def save(path, model):
        save_checkpoint(path, model, model, {"model": model.cfg.to_dict()})

    base, path = tiny_model(0), tmp_path / "dit.safetensors"
    save(path, base)
    assert extension_checkpoint(path) == tmp_path / "dit_known.safetensors"
    assert load_pipeline(path, text_encoder=object(), device="cpu").extension is None

    save(extension_checkpoint(path), _extension())
    pipe = load_pipeline(path, text_encoder=object(), device="cpu")
    assert pipe.extension is not None and pipe.extension.cfg.known_frames and not pipe.model.cfg.known_frames

    save(extension_checkpoint(path), tiny_model(1))  # reads no given frames
    with pytest.raises(ValueError, match="does not read given frames"):
        load_pipeline(path, text_encoder=object(), device="cpu")
    save(extension_checkpoint(path), widen_for_cameos(_extension(), 2))  # another shape than the model's
    with pytest.raises(ValueError, match="max_cameos"):
        load_pipeline(path, text_encoder=object(), device="cpu")


def test_an_extension_model_serves_only_the_skills_it_was_adopted_for(tmp_path):
    import json

    from generation.diffusion.sampler import extension_checkpoint, load_pipeline
    from generation.diffusion.train import save_checkpoint

    base, extension, e = tiny_model(0), _extension(), random_embedding(1)
    picture = np.random.default_rng(6).integers(0, 255, (1, 32, 32, 3), dtype=np.uint8)
    second = np.random.default_rng(7).integers(0, 255, (4, 32, 32, 3), dtype=np.uint8)
    alone, by_extension = Pipeline(base, None), Pipeline(extension, None)
    pipe = Pipeline(base, None, extension=extension, extension_serves=("extend",))
    assert pipe.draws_with_extension("extend") and not pipe.draws_with_extension("image")
    run = dict(seed=3, steps=3)
    extended = pipe.generate(e, known_frames=second, skill="extend", **run).frames
    assert np.array_equal(extended, by_extension.generate(e, known_frames=second, **run).frames)
    animated = pipe.generate(e, known_frames=picture, skill="image", **run).frames
    assert np.array_equal(animated, alone.generate(e, known_frames=picture, skill="image", **run).frames)
    assert not np.array_equal(animated, by_extension.generate(e, known_frames=picture, skill="image", **run).frames)
    with pytest.raises(ValueError, match="skill"):
        pipe.generate(e, known_frames=picture, skill="picture", **run)
    with pytest.raises(ValueError, match="serves only"):
        Pipeline(base, None, extension=extension, extension_serves=("extend", "remix"))

    # beside a checkpoint, its JSON says what it serves (both skills when it does not say)
    path = tmp_path / "dit.safetensors"
    save_checkpoint(path, base, base, {"model": base.cfg.to_dict()})
    save_checkpoint(extension_checkpoint(path), extension, extension, {"model": extension.cfg.to_dict()})
    assert load_pipeline(path, text_encoder=object(), device="cpu").extension_serves == ("extend", "image")
    meta = extension_checkpoint(path).with_suffix(".json")
    meta.write_text(json.dumps({**json.loads(meta.read_text()), "serves": ["extend"]}))
    assert load_pipeline(path, text_encoder=object(), device="cpu").extension_serves == ("extend",)


def test_the_committed_extension_model_extends_and_animates_pictures():
    """Leg 16 was adopted for extensions and pictures (docs/model/logs/leg16_pictures.log)."""
    from generation.diffusion.sampler import DEFAULT_CHECKPOINT, check_extension, extension_checkpoint, load_model

    model, _ = load_model(DEFAULT_CHECKPOINT)
    extension, meta = load_model(extension_checkpoint(DEFAULT_CHECKPOINT))
    check_extension(model, extension)
    assert meta["serves"] == ["extend", "image"] and meta["step"] > 39243
