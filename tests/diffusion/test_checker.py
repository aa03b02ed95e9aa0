import numpy as np

from generation.diffusion import checker, world


def _clips(n, level=1, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(n):
        spec = world.random_spec(rng, level=level)
        clip = world.make_clip(spec)
        ref = world.face_reference(spec.cameo.face_id) if spec.cameo else None
        yield clip, ref


def test_real_clips_score_high_and_noise_scores_low():
    real, noise = {}, {}
    for i, (clip, ref) in enumerate(_clips(40)):
        for k, v in checker.score_clip(clip.frames, clip.spec, clip.truth, ref, clip.frames).items():
            real.setdefault(k, []).append(v)
        junk = np.random.default_rng(i).integers(0, 256, clip.frames.shape).astype(np.uint8)
        for k, v in checker.score_clip(junk, clip.spec, clip.truth, ref, clip.frames).items():
            noise.setdefault(k, []).append(v)
    for k in ("colour", "shape", "count", "motion"):
        assert np.nanmean(real[k]) >= 0.9, k
        assert np.nanmean(noise[k]) <= 0.3, k


def test_shape_classifier_knows_every_shape():
    for shape in world.SHAPES:
        for size in ("small", "big"):
            r = world.SIZE_RADIUS[size]
            mask = world.shape_alpha(shape, 15.3, 16.2, r, 0.4, 32, 32) >= 0.5
            assert checker.classify_shape(mask, r)[0] == shape


def test_bounce_physics_passes_the_real_bounce_and_fails_a_linear_drop():
    obj = world.ObjectSpec("ball", "cyan", "big", "bouncing")
    spec = world.SceneSpec(objects=(obj,), background="grass", seed=1)
    frames, truth = world.render(spec)
    assert checker.score_clip(frames, spec, truth)["bounce"] == 1.0
    fake = truth.centres[0, :, 1].copy()
    fake[:] = np.linspace(fake[0], truth.floor_y - truth.radii[0], len(fake))
    assert not checker._bounce_ok(fake, truth, 0)


def test_detect_impacts_finds_the_true_landings():
    obj = world.ObjectSpec("cube", "yellow", "big", "bouncing")
    frames, truth = world.render(world.SceneSpec(objects=(obj,), background="night sky", duration_s=6, seed=2))
    found = checker.detect_impacts(frames)
    assert found
    for f in truth.impacts[:3]:
        assert any(abs(f - g) <= 1 for g in found)


def test_cameo_fidelity_tells_the_right_face_from_another():
    cameo = world.CameoSpec("leo", "waving", "lfw:85")
    frames, _ = world.render(world.SceneSpec(objects=(), background="studio", cameo=cameo))
    right = checker.cameo_fidelity(frames, world.face_reference("lfw:85"))
    wrong = checker.cameo_fidelity(frames, world.face_reference("synth:100003"))
    assert right > 0.95 and wrong < right - 0.1


def test_flicker_is_low_for_real_clips_and_high_for_noise():
    clip, _ = next(_clips(1))
    junk = np.random.default_rng(0).integers(0, 256, clip.frames.shape).astype(np.uint8)
    assert checker.flicker(clip.frames) < 10 < checker.flicker(junk)


def test_the_known_frame_checks_pass_the_real_clip_and_fail_a_frozen_or_jumping_one():
    rng = np.random.default_rng(11)
    real, frozen, jumped, judged = [], [], [], 0
    while judged < 12:
        spec = world.random_spec(rng, level=1, duration_s=6)
        frames, truth = world.render(spec)
        clip = frames[8:24]  # a 4 s clip whose frame 0 is the scene's frame 8; frames 0-3 "known"
        v = checker.seam_continuity(clip, spec, truth, 8, (4, 5))
        if v is None:
            continue
        judged += 1
        real.append(v)
        still = clip.copy()
        still[4:] = clip[3]  # the last known frame held: the step across the joint is lost, then everything stops
        frozen.append(checker.drawn_motion(still, spec, truth, 8, range(4, 16)))
        rolled = clip.copy()
        rolled[4:] = np.roll(clip[4:], 8, axis=2)  # everything drawn 8 px off
        jumped.append(checker.seam_continuity(rolled, spec, truth, 8, (4, 5)))

    assert np.mean(real) == 1.0
    assert np.mean(jumped) <= 0.2
    assert np.nanmean([f for f in frozen if f is not None]) <= 0.3
    image = [checker.image_kept(world.render(s)[0], s, world.render(s)[1], range(1, 4)) for s in _specs(rng, 8)]
    assert np.mean([v for v in image if v is not None]) == 1.0


def _specs(rng, n):
    return [world.random_spec(rng, level=1) for _ in range(n)]
