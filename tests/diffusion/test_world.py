import numpy as np
import pytest

from generation.diffusion import world


def _spec(motion, **kw):
    obj = world.ObjectSpec("ball", "red", "big", motion, direction=kw.pop("direction", ""))
    return world.SceneSpec(objects=(obj,), background=kw.pop("background", "studio"), seed=3, **kw)


@pytest.mark.parametrize("aspect", world.ASPECTS)
@pytest.mark.parametrize("duration", [2, 4, 8])
def test_render_has_the_spec_size_and_fps(aspect, duration):
    frames, truth = world.render(_spec("left", aspect=aspect, duration_s=duration))
    h, w = world.SIZES_PX[aspect]
    assert frames.shape == (duration * world.FPS, h, w, 3) and frames.dtype == np.uint8
    assert truth.centres.shape == (1, duration * world.FPS, 2)


def test_bouncing_ball_impacts_are_where_it_touches_the_floor_and_bounces_lose_height():
    frames, truth = world.render(_spec("bouncing", duration_s=8))
    y = truth.centres[0, :, 1]
    floor = truth.floor_y - truth.radii[0]
    assert len(truth.impacts) >= 3
    for f in truth.impacts:
        assert y[f] >= floor - 3.5  # within one frame of the contact
    apexes = [y[a:b].min() for a, b in zip(truth.impacts, truth.impacts[1:]) if b - a > 1]
    heights = [floor - ap for ap in apexes]
    assert heights == sorted(heights, reverse=True)  # energy loss


def test_a_bounce_phase_opens_the_scene_later_in_its_bounces_and_keeps_the_pace_of_other_motions():
    lead = 4  # frames: the ball was let go one second before the first frame
    _, plain = world.render(_spec("bouncing", duration_s=6))
    _, later = world.render(_spec("bouncing", duration_s=6, bounce_phase_s=lead / world.FPS))
    n = plain.centres.shape[1]
    np.testing.assert_allclose(later.centres[0, : n - lead], plain.centres[0, lead:], atol=1e-6)
    assert later.impacts == [f - lead for f in plain.impacts if f >= lead]
    assert len(later.impacts) >= 2
    for motion in ("right", "falling"):  # only bouncing objects are moved on: the rest keep their own pace
        _, a = world.render(_spec(motion, duration_s=6))
        _, b = world.render(_spec(motion, duration_s=6, bounce_phase_s=1.0))
        np.testing.assert_array_equal(a.centres, b.centres)
        assert a.impacts == b.impacts


def test_falling_lands_once_and_stays():
    frames, truth = world.render(_spec("falling"))
    y = truth.centres[0, :, 1]
    assert len(truth.impacts) == 1
    assert y[-1] == pytest.approx(truth.floor_y - truth.radii[0])
    assert (np.diff(y) >= -1e-6).all()


@pytest.mark.parametrize("motion,axis,sign", [("left", 0, -1), ("right", 0, 1), ("up", 1, -1), ("down", 1, 1)])
def test_linear_motions_move_the_way_they_say(motion, axis, sign):
    _, truth = world.render(_spec(motion))
    assert sign * (truth.centres[0, -1, axis] - truth.centres[0, 0, axis]) > 10


def test_rolling_rotates_with_distance_and_collision_reverses_the_pair():
    _, truth = world.render(_spec("rolling", direction="right"))
    assert truth.angles[0, -1] > 1.0
    pair = (
        world.ObjectSpec("cube", "red", "big", "colliding", "right"),
        world.ObjectSpec("star", "blue", "big", "colliding"),
    )
    _, truth = world.render(world.SceneSpec(objects=pair, background="grass"))
    gap = np.abs(truth.centres[0, :, 0] - truth.centres[1, :, 0])
    i = int(gap.argmin())
    assert 0 < i < len(gap) - 1 and gap[0] > gap[i] and gap[-1] > gap[i]
    assert i in truth.impacts or i - 1 in truth.impacts or i + 1 in truth.impacts


def test_the_occluded_object_disappears_and_comes_back():
    _, truth = world.render(_spec("right", occluder=True))
    vis = truth.visible[0]
    hidden = np.nonzero(vis < 0.5)[0]
    assert len(hidden) >= 2 and vis.min() < 0.5
    assert vis[0] > 0.75 and vis[-1] > 0.75 and hidden[0] > 0 and hidden[-1] < len(vis) - 1


def test_cameo_draws_the_reference_face_where_the_truth_says():
    cameo = world.CameoSpec("maya", "walking", "synth:5")
    spec = world.SceneSpec(objects=(), background="beach", cameo=cameo)
    frames, truth = world.render(spec)
    y0, x0, y1, x1 = truth.face_boxes[5].astype(int)
    assert np.array_equal(frames[5, y0:y1, x0:x1], truth.face)
    assert world.caption(spec).startswith("@maya")


def test_the_mask_covers_the_objects_where_they_are_drawn_and_the_cameo_face():
    frames, truth = world.render(_spec("right"))
    red = np.linalg.norm(frames.astype(float) - world.COLOURS["red"], axis=-1) < 30  # (T, H, W)
    assert truth.mask.shape == frames.shape[:3] and truth.mask.max() == 1.0
    assert (truth.mask[red] > 0.5).all()  # every solidly red pixel is under the mask
    assert 0.5 < red.sum() / (truth.mask > 0.5).sum() <= 1.0
    x, y = truth.centres[0, 7]
    assert truth.mask[7, int(y), int(x)] == 1.0 and truth.mask[7, int(y), (int(x) + 16) % 32] == 0.0
    cameo = world.CameoSpec("maya", "waving", "synth:5")
    _, truth = world.render(world.SceneSpec(objects=(), background="grass", cameo=cameo))
    y0, x0, y1, x1 = truth.face_boxes[3].astype(int)
    assert (truth.mask[3, y0:y1, x0:x1] == 1.0).all() and truth.mask[3].sum() == (y1 - y0) * (x1 - x0)


def test_backgrounds_are_textured_and_distinct():
    rng = np.random.default_rng(0)
    means = {b: world.background_texture(b, 32, 32, rng).mean(axis=(0, 1)) for b in world.BACKGROUNDS}
    assert len(world.BACKGROUNDS) >= 5
    names = list(means)
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            assert np.abs(means[names[i]] - means[names[j]]).sum() > 20


def test_training_never_sees_held_out_combinations_or_faces():
    rng = np.random.default_rng(0)
    for _ in range(300):
        spec = world.random_spec(rng, level=2)
        assert not any(world.is_held_out(o, spec.background) for o in spec.objects)
        assert spec.cameo is None or not world.face_is_held_out(spec.cameo.face_id)
    held = world.random_spec(rng, held_out=True)
    assert any(world.is_held_out(o, held.background) for o in held.objects)


def test_every_value_still_appears_in_training():
    pairs = {
        (s, c, m, b) for s in world.SHAPES for c in world.COLOUR_NAMES for m in world.MOTIONS for b in world.BACKGROUNDS
    }
    seen = [t for t in pairs if not world.is_held_out(world.ObjectSpec(t[0], t[1], "big", t[2]), t[3])]
    for i, values in enumerate((world.SHAPES, world.COLOUR_NAMES, world.MOTIONS, world.BACKGROUNDS)):
        assert {t[i] for t in seen} == set(values)
    assert 0.05 < 1 - len(seen) / len(pairs) < 0.2


def test_captions_vary_and_name_what_is_rendered():
    spec = _spec("bouncing", background="beach")
    texts = {world.caption(spec, np.random.default_rng(i)) for i in range(20)}
    assert len(texts) > 3
    assert all("red" in t and "ball" in t for t in texts)


def test_real_and_synthetic_face_references_differ_between_people():
    a, b = world.face_reference("lfw:1"), world.face_reference("lfw:2")
    c = world.face_reference("synth:1")
    assert a.shape == (world.REF_PX, world.REF_PX, 3) and a.dtype == np.uint8
    assert np.abs(a.astype(int) - b).mean() > 5 and np.abs(a.astype(int) - c).mean() > 5
