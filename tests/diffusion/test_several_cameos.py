"""Several people's cameos in one scene: the world draws each with its own face, the model reads each
reference in its own slot, training and sampling carry them, and the checker looks for every face."""

import numpy as np
import pytest
import torch

from generation.diffusion import checker, train, world
from generation.diffusion.model import DiT, DiT_T, DiTConfig, widen_for_cameos
from generation.diffusion.sampler import Pipeline, load_model

from .helpers import tiny_model


def _scene(n_people: int, action: str = "waving") -> world.SceneSpec:
    faces = ("synth:11", "synth:22", "synth:33")[:n_people]
    cameos = [world.CameoSpec(h, action, f) for h, f in zip(("ana", "leo", "zoe"), faces)]
    return world.SceneSpec(objects=(), background="studio", cameo=cameos[0], more_cameos=tuple(cameos[1:]), seed=3)


@pytest.mark.parametrize("n_people", [2, 3])
def test_each_person_is_drawn_with_their_own_face_in_their_own_lane(n_people):
    spec = _scene(n_people)
    frames, truth = world.render(spec)
    assert len(truth.cameo_boxes) == n_people and (truth.face_boxes == truth.cameo_boxes[0]).all()
    lefts = [boxes[0][1] for boxes in truth.cameo_boxes]
    assert lefts == sorted(lefts) and min(np.diff(lefts)) >= world.FACE_PX  # in order, faces apart
    for c, boxes in zip(spec.cameos, truth.cameo_boxes):
        y0, x0, y1, x1 = (int(v) for v in boxes[0])
        drawn = frames[0, y0:y1, x0:x1].astype(np.float32)
        own = world._resize(world.face_reference(c.face_id), world.FACE_PX).astype(np.float32)
        others = [
            world._resize(world.face_reference(o.face_id), world.FACE_PX).astype(np.float32)
            for o in spec.cameos
            if o != c
        ]
        assert np.abs(drawn - own).mean() < min(np.abs(drawn - o).mean() for o in others)


def test_the_caption_names_every_person_in_slot_order_and_one_cameo_reads_as_before():
    text = world.caption(_scene(3), np.random.default_rng(0))
    assert text.index("@ana") < text.index("@leo") < text.index("@zoe")
    one = _scene(1)
    assert world.caption(one, np.random.default_rng(0)).startswith("@ana ") and "@leo" not in world.caption(one)


def test_training_scenes_get_more_people_only_when_asked_and_faces_stay_on_their_side_of_the_split():
    plain = np.random.default_rng(9)
    assert all(not world.random_spec(plain, level=1).more_cameos for _ in range(300))
    rng, several = np.random.default_rng(9), []
    for _ in range(600):
        spec = world.random_spec(rng, level=1, max_cameos=3)
        if spec.more_cameos:
            several.append(spec)
    assert several and max(len(s.cameos) for s in several) == 3
    for spec in several:
        ids = [c.face_id for c in spec.cameos]
        assert len(set(ids)) == len(ids) and not any(world.face_is_held_out(i) for i in ids)
        assert not spec.occluder
    held = world.random_spec(np.random.default_rng(1), level=1, held_out=True, max_cameos=3)
    assert all(world.face_is_held_out(c.face_id) for c in held.cameos)


def test_the_model_reads_each_reference_in_its_own_slot_and_refuses_more_than_it_draws():
    model = tiny_model()
    e = torch.randn(1, 4, model.cfg.text_dim)
    args = (torch.randn(1, 3, 8, 32, 32), torch.tensor([0.5]), e, torch.ones(1, 4, dtype=torch.bool), e.mean(1))
    one = torch.randn(1, 3, 16, 16)
    with pytest.raises(ValueError, match="at most 1"):
        model(*args, torch.randn(1, 2, 3, 16, 16), torch.ones(1, 2, dtype=torch.bool))
    wide = widen_for_cameos(model, 3)
    assert wide.cfg.max_cameos == 3
    # widened with a zero slot embedding: one cameo is drawn exactly as before
    assert torch.equal(wide(*args, one, torch.tensor([True])), model(*args, one, torch.tensor([True])))
    with torch.no_grad():
        wide.ref_slot.normal_(std=0.5)
    a, b = torch.randn(1, 3, 16, 16), torch.randn(1, 3, 16, 16)
    both = torch.tensor([[True, True]])
    ab = wide(*args, torch.stack([a, b], 1), both)
    assert not torch.allclose(ab, wide(*args, torch.stack([b, a], 1), both))  # the order is the prompt's
    masked = wide(*args, torch.stack([a, b], 1), torch.tensor([[True, False]]))
    assert torch.allclose(masked, wide(*args, a[:, None], torch.tensor([[True]])), atol=1e-5)
    with pytest.raises(ValueError, match="at most 3"):
        wide(*args, torch.randn(1, 4, 3, 16, 16), torch.ones(1, 4, dtype=torch.bool))


def test_references_batch_fills_slots_in_order_and_masks_the_empty_ones():
    pics = [np.full((16, 16, 3), v, np.uint8) for v in (0, 128, 255)]
    refs, has = train.references_batch([None, (pics[0],), (pics[1], pics[2])], 16, slots=3)
    assert refs.shape == (3, 3, 3, 16, 16) and has.tolist() == [[False] * 3, [True, False, False], [True, True, False]]
    assert refs[2, 0].mean() == pytest.approx(128 / 127.5 - 1, abs=1e-5) and refs[2, 1].mean() == 1.0
    assert refs[2, 2].abs().sum() == 0
    single, has1 = train.references_batch([pics[2], None, (pics[1], pics[0])], 16)
    assert single.shape == (3, 3, 16, 16) and has1.tolist() == [True, False, True]  # one slot: the first cameo
    assert single[2].mean() == pytest.approx(128 / 127.5 - 1, abs=1e-5)


def test_training_with_several_cameos_widens_a_checkpoint_and_the_sampler_draws_with_them(tmp_path):
    out = tmp_path / "people.safetensors"
    base = ["--model", "DiT-T", "--batch", "4", "--out", str(out), "--fake-text", "--no-prefetch"]
    train.main(train.parse_args(base + ["--max-steps", "2"]))
    assert load_model(out)[0].cfg.max_cameos == 1
    train.main(train.parse_args(base + ["--max-steps", "2", "--resume", "--max-cameos", "3"]))
    model, meta = load_model(out)
    assert model.cfg.max_cameos == 3 and meta["step"] == 4 and meta["model"]["max_cameos"] == 3
    pipe = Pipeline(model, encoder=None)
    faces = [world.face_reference(f) for f in ("synth:1", "synth:2")]
    e = torch.randn(1, 4, model.cfg.text_dim)
    from generation.diffusion.text import TextEmbedding

    text = TextEmbedding(e, torch.ones(1, 4, dtype=torch.bool), e.mean(1))
    clip = pipe.generate(text, cameo_reference=faces, steps=2, duration_s=2).frames
    assert clip.shape[1:] == (32, 32, 3)
    with pytest.raises(ValueError, match="at most 3"):
        pipe.generate(text, cameo_reference=faces * 2, steps=1, duration_s=2)
    fresh = tmp_path / "fresh.safetensors"
    train.main(
        train.parse_args(
            base[:-4] + ["--out", str(fresh), "--fake-text", "--no-prefetch", "--max-steps", "1", "--max-cameos", "2"]
        )
    )
    assert load_model(fresh)[0].cfg.max_cameos == 2
    assert DiTConfig.from_dict({**DiT_T().to_dict()}).max_cameos == 1 and isinstance(DiT(DiT_T()), DiT)


def test_the_checker_looks_for_every_face_and_a_face_drawn_twice_misses_the_other():
    spec = _scene(2)
    real, truth = world.render(spec)
    refs = [world.face_reference(c.face_id) for c in spec.cameos]
    good = checker.score_clip(real, spec, truth, refs)["cameo"]
    # the same scene with the first person's face in both places
    twice = world.SceneSpec(
        objects=(),
        background="studio",
        cameo=spec.cameo,
        more_cameos=(world.CameoSpec("leo", "waving", spec.cameo.face_id),),
        seed=3,
    )
    wrong = checker.score_clip(world.render(twice)[0], spec, truth, refs)["cameo"]
    assert good > 0.95 and wrong < good - 0.1
    # each person where they are, with their own face: all of them, one of two, none when swapped
    assert checker.score_clip(real, spec, truth, refs)["people"] == 1.0
    assert checker.score_clip(world.render(twice)[0], spec, truth, refs)["people"] == 0.5
    swapped = world.SceneSpec(
        objects=(),
        background="studio",
        cameo=world.CameoSpec("ana", "waving", spec.cameos[1].face_id),
        more_cameos=(world.CameoSpec("leo", "waving", spec.cameo.face_id),),
        seed=3,
    )
    assert checker.score_clip(world.render(swapped)[0], spec, truth, refs)["people"] == 0.0
    with pytest.raises(ValueError):
        checker.score_clip(real, spec, truth, refs[:1])


def test_held_out_scenes_of_several_people_leave_version_ones_list_unchanged():
    from generation.diffusion import evaluate

    plain = evaluate.eval_items(3, 2)
    items = evaluate.eval_items(3, 2, people=4)
    assert [i.caption for i in items[: len(plain)]] == [i.caption for i in plain]
    people = [i for i in items if i.group == "people"]
    assert [len(i.spec.cameos) for i in people] == [2, 3, 2, 3]
    for item in people:
        assert len(item.reference) == len(item.spec.cameos)
        assert all(world.face_is_held_out(c.face_id) for c in item.spec.cameos)


def test_evaluate_scores_several_people_in_a_table_of_their_own(tmp_path):
    from generation.diffusion import evaluate

    ckpt = tmp_path / "people.safetensors"
    train.main(
        train.parse_args(
            ["--model", "DiT-T", "--max-steps", "1", "--batch", "2", "--out", str(ckpt), "--fake-text"]
            + ["--no-prefetch", "--max-cameos", "3"]
        )
    )
    out = tmp_path / "eval"
    args = ["--checkpoint", str(ckpt), "--n-objects", "1", "--n-each", "1", "--people", "2", "--steps", "1"]
    evaluate.main(evaluate.parse_args(args + ["--out-dir", str(out), "--floor-model", "DiT-T"]))
    import json

    record = json.loads((out / "results.json").read_text())
    people = record["results_people"]
    assert people["real (ceiling)"]["cameo"] > 0.95 and 0 <= people["model"]["cameo"] < 0.95
    assert "people (2 prompts)" in (out / "results.md").read_text() and (out / "contact_sheet_people.png").exists()
    assert record["n_prompts"] == 5  # version 1's set alone: 1 object, 1 pair, 1 bounce, 1 occluded, 1 cameo
