import numpy as np

from generation.diffusion import evaluate, world


def test_training_items_are_training_distribution_without_cameos():
    items = evaluate.training_items(12)
    assert len(items) == 12
    for it in items:
        assert it.spec.cameo is None and it.reference is None
        assert it.spec.aspect == "square" and it.spec.duration_s == 4
        assert not any(world.is_held_out(o, it.spec.background) for o in it.spec.objects)
        assert it.caption
    # the same scenes every time: the CFG choice is reproducible
    assert [i.caption for i in evaluate.training_items(12)] == [i.caption for i in items]


def test_training_cameo_items_use_training_faces_and_their_clean_reference():
    items = evaluate.training_items(6, seed=11, cameo=True)
    assert len(items) == 6
    for it in items:
        assert it.spec.cameo is not None and not world.face_is_held_out(it.spec.cameo.face_id)
        assert np.array_equal(it.reference, world.face_reference(it.spec.cameo.face_id))
        assert "@" + it.spec.cameo.handle in it.caption
        assert not any(world.is_held_out(o, it.spec.background) for o in it.spec.objects)


def test_choose_cameo_scale_scores_each_scale_against_the_ceiling(tmp_path):
    args = evaluate.parse_args(
        ["--choose-cameo-scale", "1", "4", "--n-scenes", "2", "--steps", "2", "--out-dir", str(tmp_path / "eval")]
    )
    results = evaluate.main(args)
    assert list(results) == ["cameo scale 1", "cameo scale 4", "real (ceiling)"]
    assert results["real (ceiling)"]["cameo"] > 0.9  # the rendered face is the reference
    assert 0.0 <= results["cameo scale 1"]["cameo"] < results["real (ceiling)"]["cameo"]
    assert results["cameo scale 1"]["cameo"] != results["cameo scale 4"]["cameo"]  # the scale reaches the sampler
    assert not (tmp_path / "eval").exists()


def test_choose_cfg_scores_each_scale_and_never_reads_held_out(tmp_path):
    args = evaluate.parse_args(
        ["--choose-cfg", "1", "5", "--n-scenes", "2", "--steps", "2", "--out-dir", str(tmp_path / "eval")]
    )
    results = evaluate.main(args)
    assert sorted(results) == [1.0, 5.0]
    for scores in results.values():
        assert set(scores) == set(evaluate.METRICS)
        assert all(np.isnan(v) or 0.0 <= v <= 1.0 for v in scores.values())
        assert not np.isnan(scores["colour"])
    assert not (tmp_path / "eval").exists()  # no held-out table, no contact sheet


def test_denoise_check_scores_one_step_predictions_by_noise_level(tmp_path):
    args = evaluate.parse_args(
        ["--denoise-check", "0.05", "0.95", "--n-scenes", "4", "--out-dir", str(tmp_path / "eval")]
    )
    results = evaluate.main(args)
    assert set(results) == {
        f"{m}, text scale {s:g}" for m in ("shape", "colour") for s in (1.0, evaluate.DEFAULT_TEXT_SCALE)
    }
    # from a nearly clean clip the committed network gives the colours back; from nearly pure noise it cannot
    assert results["colour, text scale 1"][0.05] == 1.0
    assert results["colour, text scale 1"][0.95] < results["colour, text scale 1"][0.05]
    assert not (tmp_path / "eval").exists()


def test_a_remix_edit_is_applied_only_when_the_new_colour_replaces_the_old_and_the_rest_is_kept():
    from dataclasses import replace

    triples = evaluate.remix_items(6)
    for parent, target, edit in triples:
        assert edit == f"make it {target.spec.objects[0].colour}" and parent.spec.seed == target.spec.seed
        differ = set(target.caption.split()) ^ set(parent.caption.split())  # the colour (and "a"/"an")
        assert differ - {"a", "an"} == {target.spec.objects[0].colour, parent.spec.objects[0].colour}
        assert evaluate.edit_verdict(world.render(target.spec)[0], parent, target) == (True, True)  # the ceiling
        # the edit ignored: not applied, and nothing in the new colour moves as the parent did
        assert evaluate.edit_verdict(world.render(parent.spec)[0], parent, target) == (False, False)
        # the old object kept and a new one added beside it: not applied
        both = replace(parent.spec, objects=(*parent.spec.objects, replace(target.spec.objects[0], motion="up")))
        assert not evaluate.edit_verdict(world.render(both)[0], parent, target)[0]


def test_everything_but_the_edited_object_unchanged_is_judged_away_from_it():
    from dataclasses import replace

    for parent, target, _ in evaluate.remix_items(4):
        assert evaluate.rest_unchanged(world.render(target.spec)[0], parent, target)  # only the object differs
        assert evaluate.rest_unchanged(world.render(parent.spec)[0], parent, target)
        elsewhere = replace(target.spec, background="studio" if parent.spec.background != "studio" else "beach")
        assert not evaluate.rest_unchanged(world.render(elsewhere)[0], parent, target)  # the place redrawn
