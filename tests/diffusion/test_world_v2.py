"""The grown world (version 2): animals and vehicles, their motions, places, times of day and weather."""

import numpy as np
import pytest

from generation.diffusion import sprites, world


def _one(kind, motion, background="studio", direction="", **kw):
    obj = world.ObjectSpec(kind, "red", "big", motion, direction)
    return world.SceneSpec(objects=(obj,), background=background, seed=kw.pop("seed", 4), **kw)


def test_version_one_sampling_never_draws_the_grown_world():
    rng = np.random.default_rng(0)
    for i in range(300):
        spec = world.random_spec(rng, level=i % 3, held_out=i % 4 == 0)
        assert spec.background in world.BACKGROUNDS and not spec.time_of_day and not spec.weather
        assert all(o.shape in world.SHAPES and o.motion in world.MOTIONS for o in spec.objects)


def test_version_two_draws_every_entity_place_motion_time_and_weather_where_they_belong():
    rng = np.random.default_rng(1)
    specs = [world.random_spec(rng, level=2, world_version=2) for _ in range(600)]
    seen = {o.shape for s in specs for o in s.objects}
    assert set(sprites.SPRITES) <= seen and set(world.SHAPES) <= seen
    assert set(world.BACKGROUNDS_V2) <= {s.background for s in specs}
    assert set(world.MOTIONS_V2) <= {o.motion for s in specs for o in s.objects}
    assert set(world.TIMES_OF_DAY) <= {s.time_of_day for s in specs}
    assert set(world.WEATHER) <= {s.weather for s in specs}
    for s in specs:
        if s.time_of_day or s.weather:
            assert s.background in world.SKY_ROWS  # only under an open sky
        for o in s.objects:
            if o.shape == "fish":
                assert s.background == "underwater" and o.motion == "swimming"
            if o.shape == "boat":
                assert s.background == "beach"


def test_held_out_combinations_of_the_grown_world_stay_out_of_training():
    rng = np.random.default_rng(2)
    for _ in range(200):
        spec = world.random_spec(rng, level=2, world_version=2)
        assert not any(world.is_held_out(o, spec.background) for o in spec.objects)
    held = [world.random_spec(rng, level=2, held_out=True, world_version=2) for _ in range(100)]
    assert any(o.shape in sprites.SPRITES for s in held for o in s.objects)
    assert all(any(world.is_held_out(o, s.background) for o in s.objects) for s in held)


def test_unknown_versions_are_refused():
    with pytest.raises(ValueError):
        world.vocabulary(3)
    with pytest.raises(ValueError):
        world.random_spec(np.random.default_rng(0), world_version=0)


def test_the_grown_vocabulary_contains_version_one():
    one, two = world.vocabulary(1), world.vocabulary(2)
    for slot, terms in one.items():
        assert set(terms) <= set(two[slot])
    assert "cat" in two["entities"] and "cat" not in one["entities"]
    assert two["times_of_day"] == world.TIMES_OF_DAY and "weather" not in one


@pytest.mark.parametrize("kind", sprites.SPRITES)
@pytest.mark.parametrize("scale", [1, 4])
def test_each_entity_is_drawn_in_its_colour_inside_the_frame(kind, scale):
    motion = world._V2_MOTIONS[kind][0]
    place = world._V2_PLACES[kind][0]
    frames, truth = world.render(_one(kind, motion, place, direction="right"), scale=scale, fps=4 * scale)
    body = truth.mask > 0.99
    assert body.any(axis=(1, 2)).all()  # in every frame
    pixels = frames[body].astype(float)
    red = np.abs(pixels - world.COLOURS["red"]).sum(axis=1) < 30
    # details (eyes, wheels, windows) are the rest: at 32 px a car's are about 40% of it
    assert red.mean() > (0.5 if scale == 1 else 0.6)


@pytest.mark.parametrize("kind", ["cat", "dog", "horse", "car"])
def test_walkers_and_cars_stand_on_the_floor(kind):
    frames, truth = world.render(_one(kind, "running", direction="right"), scale=4, fps=12)
    lowest = np.nonzero(truth.mask[0].max(axis=1) > 0.5)[0].max()
    assert abs(lowest - truth.floor_y) <= 4  # a fine pixel or so at scale 4


@pytest.mark.parametrize("direction,sign", [("right", 1), ("left", -1)])
def test_a_running_animal_faces_where_it_goes_and_its_legs_move(direction, sign):
    frames, truth = world.render(_one("dog", "running", direction=direction), scale=4, fps=12)
    cx = truth.centres[0, :, 0]
    assert sign * (cx[-1] - cx[0]) > 40
    m = truth.mask[10]
    rows = np.nonzero(m.max(axis=1) > 0.5)[0]
    upper = m[: (rows.min() + rows.max()) // 2]  # the head is in the upper half, ahead of the body
    head_x = (upper.sum(axis=0) * np.arange(m.shape[1])).sum() / upper.sum()
    assert sign * (head_x - cx[10]) > 0
    # the legs' band changes between frames while the body moves on (a gait, not a sliding sticker)
    legs = [truth.mask[f, int(truth.centres[0, f, 1]) + 8 :] for f in range(0, 12)]
    shapes = {np.round(np.sum(leg > 0.5)) for leg in legs}
    assert len(shapes) > 3


def test_a_chase_closes_the_gap_with_the_chaser_behind():
    pair = (
        world.ObjectSpec("dog", "red", "big", "chasing", "right"),
        world.ObjectSpec("cat", "blue", "small", "chasing"),
    )
    spec = world.SceneSpec(objects=pair, background="park", aspect="landscape", duration_s=4)
    _, truth = world.render(spec)
    gap = truth.centres[1, :, 0] - truth.centres[0, :, 0]
    assert (gap > 0).all() and (np.diff(gap) < 0).all() and gap[-1] < 0.6 * gap[0]
    assert truth.centres[1, -1, 0] - truth.centres[1, 0, 0] > 8  # the one chased runs too
    h, w = spec.hw
    assert (truth.centres[..., 0] > 0).all() and (truth.centres[..., 0] < w).all()  # both in view
    rng = np.random.default_rng(6)
    chases = [
        s
        for s in (world.random_spec(rng, world_version=2) for _ in range(400))
        if s.objects and s.objects[0].motion == "chasing"
    ]
    assert chases and all(s.aspect == "landscape" for s in chases)
    square = [world.random_spec(rng, world_version=2, aspect="square") for _ in range(200)]
    assert not any(o.motion == "chasing" for s in square for o in s.objects)


@pytest.mark.parametrize("motion", ["jumping", "dancing"])
def test_hops_land_on_the_ground(motion):
    _, truth = world.render(_one("cat", motion, direction="right", duration_s=4))
    y = truth.centres[0, :, 1]
    assert truth.impacts and y.min() < y.max() - 2
    ground = world._ground("cat", world.SIZE_RADIUS["big"], 32, truth.floor_y)
    assert y.max() == pytest.approx(ground, abs=0.2)


def test_a_bird_flaps_and_a_rocket_rises_on_its_flame():
    _, bird = world.render(_one("bird", "flying", "park", direction="left"), scale=4, fps=12)
    areas = bird.mask.sum(axis=(1, 2))
    assert areas.max() > 1.15 * areas.min()  # wings up and down
    frames, rocket = world.render(_one("rocket", "up", "space"), scale=4, fps=12)
    assert rocket.centres[0, -1, 1] < rocket.centres[0, 0, 1] - 40
    flame = np.abs(frames.astype(float) - sprites.FLAME_RGB).sum(axis=-1) < 20
    assert flame.any(axis=(1, 2)).all()


@pytest.mark.parametrize("background", world.BACKGROUNDS_V2)
def test_the_new_places_are_distinct_and_the_same_at_every_scale(background):
    spec = _one("cat" if background != "space" else "rocket", "dancing" if background != "space" else "up", background)
    small, _ = world.render(spec)
    fine, _ = world.render(spec, scale=4, fps=12)
    down = fine[::3].reshape(small.shape[0], 32, 4, 32, 4, 3).mean(axis=(2, 4))
    assert np.abs(down - small).mean() < 12
    means = {b: world.render(_one("car", "left", b))[0][0].mean(axis=(0, 1)) for b in world.BACKGROUNDS_V2}
    others = [np.abs(means[background] - m).sum() for b, m in means.items() if b != background]
    assert min(others) > 8


def test_sunset_night_and_weather_change_the_sky_and_move():
    base = _one("bird", "flying", "grass", direction="right", seed=9)
    plain, _ = world.render(base)
    sky = slice(0, int(32 * world.SKY_ROWS["grass"]))
    sunset, _ = world.render(world.SceneSpec(**{**base.__dict__, "time_of_day": "sunset"}))
    night, _ = world.render(world.SceneSpec(**{**base.__dict__, "time_of_day": "night"}))
    assert sunset[0, sky, :, 0].mean() > plain[0, sky, :, 0].mean() - 20  # warm
    assert sunset[0, sky, :, 2].mean() < plain[0, sky, :, 2].mean() - 40
    assert night[0].mean() < plain[0].mean() - 40
    for kind in world.WEATHER:
        wet, _ = world.render(world.SceneSpec(**{**base.__dict__, "weather": kind}))
        changed = np.abs(wet.astype(int) - plain.astype(int)).sum(axis=-1) > 20
        assert changed[0].mean() > 0.01
        assert not np.array_equal(changed[0], changed[2])  # the drops fall


def test_captions_name_what_is_drawn_and_read_fully_under_the_grown_vocabulary():
    from generation.capabilities import read_prompt

    rng = np.random.default_rng(7)
    grown = 0
    for i in range(300):
        spec = world.random_spec(rng, level=i % 3, world_version=2)
        text = world.caption(spec, rng)
        reading = read_prompt(text, has_cameo=spec.cameo is not None, world_version=2)
        assert reading.ignored == [], text
        for o in spec.objects:
            assert o.shape in text and o.colour in text
        if spec.time_of_day or spec.weather:
            grown += 1
            assert read_prompt(text, world_version=1).ignored, text  # version 1 does not read them
    assert grown > 20


def test_no_place_sky_or_weather_of_the_grown_world_reads_as_an_object_colour():
    from generation.diffusion import checker

    for i, background in enumerate(world.ALL_BACKGROUNDS):
        for time_of_day, weather in (("", ""), ("sunset", "rain"), ("night", "snow")):
            if (time_of_day or weather) and background not in world.SKY_ROWS:
                continue
            spec = world.SceneSpec((), background, seed=i, time_of_day=time_of_day, weather=weather)
            frames, _ = world.render(spec)
            assert (checker.colour_labels(frames) >= 0).mean() < 0.002, (background, time_of_day, weather)


@pytest.mark.parametrize("kind", sprites.SPRITES)
def test_the_checker_knows_each_entity_by_its_silhouette(kind):
    from generation.diffusion import checker

    motion = world._V2_MOTIONS[kind][0]
    spec = _one(kind, motion, world._V2_PLACES[kind][0], direction="left")
    frames, truth = world.render(spec)
    labels = checker.colour_labels(frames)
    sprite_pixels = labels[truth.mask > 0.99]
    assert set(np.unique(sprite_pixels)) <= {-1, world.COLOUR_NAMES.index("red")}  # details read as no colour
    clear = checker._clear_frames(spec, truth, 0)
    votes = [
        checker.classify_shape(checker._largest(labels[f] == 0), truth.radii[0], world.ALL_ENTITIES)[0] == kind
        for f in clear
    ]
    assert clear and np.mean(votes) >= 0.6
    assert checker.score_clip(frames, spec, truth)["colour"] == 1.0


def test_a_model_of_the_grown_world_is_evaluated_on_its_held_out_scenes_too(tmp_path):
    from generation.diffusion import evaluate

    first = evaluate.eval_items(6, 2)
    both = evaluate.eval_items(6, 2, world_version=2)
    assert [it.caption for it in both[: len(first)]] == [it.caption for it in first]  # version 1's list unchanged
    grown = [it for it in both if it.group == "grown"]
    assert len(grown) == 6
    for it in grown:
        assert any(o.shape in sprites.SPRITES for o in it.spec.objects)
        assert any(world.is_held_out(o, it.spec.background) for o in it.spec.objects)
    (tmp_path / "dit.json").write_text('{"world": 2}')
    assert evaluate.checkpoint_world(tmp_path / "dit.safetensors") == 2
    assert evaluate.checkpoint_world(tmp_path / "missing.safetensors") == 1


# ---------------------------------------------------------------- pets: character cameos drawn as themselves


def _pet_scene(face_id="cat:12", action="walking", background="park"):
    cameo = world.CameoSpec("ana", action, face_id, "right")
    return world.SceneSpec((), background, cameo=cameo, seed=5)


def test_a_pet_is_drawn_as_its_animal_in_the_coat_of_its_picture():
    spec = _pet_scene()
    reference = world.face_reference(spec.cameo.face_id)
    frames, truth = world.render(spec, reference, scale=4, fps=12)  # at 32 px a stripe is a pixel or two
    coat, marks, _ = world.pet_coat(spec.cameo.face_id)
    body = truth.mask > 0.99
    assert body.any(axis=(1, 2)).all() and truth.face_boxes is not None
    pixels = frames[body].astype(float)
    near = (np.abs(pixels - coat).sum(axis=1) < 40) | (np.abs(pixels - marks).sum(axis=1) < 40)
    assert near.mean() > 0.7  # the rest: its eye and ears
    # its picture is the same animal in the same coat, on a plain wall
    ref_pixels = reference.reshape(-1, 3).astype(float)
    pet = np.abs(ref_pixels - world.REF_BACKGROUND).sum(axis=1) > 60
    in_coat = (np.abs(ref_pixels[pet] - coat).sum(axis=1) < 40) | (np.abs(ref_pixels[pet] - marks).sum(axis=1) < 40)
    assert 0.2 < pet.mean() < 0.8 and in_coat.mean() > 0.4  # 16 px: stripes blend into their coat
    assert world.caption(spec).startswith("@ana the cat ")
    assert spec.cameo.form == "cat" and world.CameoSpec("ana", "waving", "lfw:3").form == "person"


def test_pets_are_held_out_by_id_and_only_the_grown_world_draws_them():
    assert world.face_is_held_out(f"dog:{world.PET_HELD_OUT}") and not world.face_is_held_out("dog:3")
    rng = np.random.default_rng(8)
    v1 = [world.random_spec(rng, level=2) for _ in range(300)]
    assert all(s.cameo is None or s.cameo.form == "person" for s in v1)
    v2 = [world.random_spec(rng, level=2, world_version=2) for _ in range(600)]
    forms = {s.cameo.form for s in v2 if s.cameo is not None}
    assert set(world.PET_FORMS) <= forms and "person" in forms
    held = [world.random_spec(rng, level=2, held_out=True, world_version=2) for _ in range(200)]
    assert all(world.face_is_held_out(s.cameo.face_id) for s in held if s.cameo is not None)


@pytest.mark.parametrize("action", world.ACTIONS)
def test_the_checker_sees_the_right_pet_and_not_a_wrong_one(action):
    from generation.diffusion import checker

    scores, wrong_coat, person = [], [], []
    for i, form in enumerate(world.PET_FORMS):
        spec = _pet_scene(f"{form}:{40 + i}", action, ("park", "grass", "beach")[i])
        reference = world.face_reference(spec.cameo.face_id)
        frames, truth = world.render(spec, reference)
        scores.append(checker.score_clip(frames, spec, truth, reference)["cameo"])
        other = f"{form}:{41 + i}"  # the same animal in another coat
        if np.abs(np.subtract(world.pet_coat(other)[0], world.pet_coat(spec.cameo.face_id)[0])).sum() > 60:
            wrong_coat.append(checker.pet_fidelity(frames, spec, truth, world.face_reference(other)))
        # a person's figure where the pet should be
        as_person = world.render(
            world.SceneSpec((), spec.background, cameo=world.CameoSpec("ana", action, "synth:7"), seed=5)
        )
        person.append(checker.pet_fidelity(as_person[0], spec, truth, reference))
    assert np.mean(scores) >= 0.8
    assert np.mean(wrong_coat) <= 0.2 and max(wrong_coat) <= 0.35  # a coat is a coarse colour histogram
    assert max(person) <= 0.1


def test_the_committed_identity_classifier_names_held_out_renders():
    from generation.diffusion import identity

    x, y = identity.dataset(np.random.default_rng(3), 400, held_out=True)
    acc, per = identity.accuracy(x, y, identity.CHECKPOINT)
    assert acc >= 0.9, per
    # it only answers among the candidates it is given
    assert set(identity.classify(list(x[:20]), ("cat", "dog"))) <= {"cat", "dog"}
    assert identity.window(np.zeros((32, 32), bool)) is None
