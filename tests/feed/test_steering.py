"""Steering: the parsers, the endpoint, and its three effects on a topic-labelled corpus."""

import pytest

from accounts.models import Follow
from feed.steering import embedded, validate
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.feed.conftest import make_corpus, make_videos, topics_of, video_items

pytestmark = pytest.mark.django_db

STEERING = "/api/v1/feed/steering"


@pytest.mark.parametrize(
    "instruction, boost, avoid, sources, objective",
    [
        ("more cats please", ["cats"], [], "everything", "default"),
        ("no horror", [], ["horror"], "everything", "default"),
        ("stop showing me horror", [], ["horror"], "everything", "default"),
        ("less cats, more dogs", ["dogs"], ["cats"], "everything", "default"),
        ("less cats and dogs", [], ["cats", "dogs"], "everything", "default"),
        ("no horror but lots of space", ["space"], ["horror"], "everything", "default"),
        ("I don't like anime, I love cooking", ["cooking"], ["anime"], "everything", "default"),
        ("show me more kittens", ["cats"], [], "everything", "default"),
        ("only from people I follow", [], [], "following_only", "default"),
        ("more from people I follow, and music", ["music"], [], "following_heavy", "default"),
        ("something calm and relaxing please", [], [], "everything", "calm"),
        ("give me ideas I can remix", [], [], "everything", "remixable"),
        ("the latest videos about the ocean", ["ocean"], [], "everything", "fresh"),
        # a new cue after content starts a clause, without a comma or "but"
        ("less sports more space and keep it calm", ["space"], ["sports"], "everything", "calm"),
        ("more dogs less cats", ["dogs"], ["cats"], "everything", "default"),
        # cue words with nothing between them stay one clause
        ("don't show me cats", [], ["cats"], "everything", "default"),
        ("no more horror", [], ["horror"], "everything", "default"),
    ],
)
def test_the_embedded_parser_understands_negation_and_contrast(instruction, boost, avoid, sources, objective):
    parsed = validate(embedded.parse(instruction))

    assert (parsed["boost"], parsed["avoid"], parsed["sources"], parsed["objective"]) == (
        boost,
        avoid,
        sources,
        objective,
    )
    assert parsed["notes"]


@pytest.mark.parametrize(
    "instruction, boost, avoid, sources, objective",
    [
        ("más gatos, menos perros", ["cats"], ["dogs"], "everything", "default"),
        ("nada de terror pero un montón de cocina", ["cooking"], ["horror"], "everything", "default"),
        ("moins de foot, plus de musique", ["music"], ["sports"], "everything", "default"),
        ("keine Nachrichten und keine Autos", [], ["news", "cars"], "everything", "default"),
        ("mais dança, menos moda", ["dance"], ["fashion"], "everything", "default"),
        ("solo la gente che seguo", [], [], "following_only", "default"),
        ("不要恐怖片，多一点太空", ["space"], ["horror"], "everything", "default"),
        ("猫和狗都不要", [], ["cats", "dogs"], "everything", "default"),
        ("ホラーはいらない、宇宙をもっと", ["space"], ["horror"], "everything", "default"),
        ("billi zyada aur kutte kam", ["cats"], ["dogs"], "everything", "default"),
        ("डरावने वीडियो नहीं", [], ["horror"], "everything", "default"),
        ("أقل رياضة وأكثر طبخ", ["cooking"], ["sports"], "everything", "default"),
        ("больше котиков", ["cats"], [], "everything", "default"),
        ("daha az futbol, daha fazla müzik", ["music"], ["sports"], "everything", "default"),
        ("kurangi berita, tambah masak", ["cooking"], ["news"], "everything", "default"),
        ("algo tranquilo, playas", ["ocean"], [], "everything", "calm"),
        ("un video de anime, no horror", ["anime"], ["horror"], "everything", "default"),
    ],
)
def test_steering_is_read_in_other_languages_and_mixed_with_english(instruction, boost, avoid, sources, objective):
    parsed = validate(embedded.parse(instruction))

    assert (sorted(parsed["boost"]), sorted(parsed["avoid"]), parsed["sources"], parsed["objective"]) == (
        sorted(boost),
        sorted(avoid),
        sources,
        objective,
    ), parsed
    assert parsed["notes"] != "Nothing to change understood; showing your usual feed."


def test_the_held_out_readings_in_other_languages_stay_at_their_measured_level():
    from feed.steering.evaluate import DATA, evaluate

    table = evaluate(DATA / "heldout_b.jsonl")
    exact, n = sum(v[0] for v in table.values()), sum(v[2] for v in table.values())

    assert n == 108 and len(table) == 13
    assert exact / n >= 0.75  # measured 0.787 (docs/benchmarks.md); the English-only parser read 0.04


def test_an_unknown_word_is_left_out_and_the_notes_say_what_was_understood():
    parsed = embedded.parse("menos gatos y más zarigüeyas")  # opossums: not a word the lists hold

    assert parsed["avoid"] == ["cats"] and parsed["boost"] == []
    assert parsed["notes"] == "Showing no cats."


def test_put_get_delete_steering(user):
    client = client_for(user)

    put = client.put(STEERING, {"instruction": "less cats, more dogs"}, format="json")
    got = client.get(STEERING)
    deleted = client.delete(STEERING)

    assert put.status_code == 200
    assert put.json()["instruction"] == "less cats, more dogs"
    assert put.json()["parsed"] == {
        "boost": ["dogs"],
        "avoid": ["cats"],
        "sources": "everything",
        "objective": "default",
        "notes": "Showing more dogs; no cats.",
    }
    assert put.json()["parser"] == "embedded"
    assert got.json()["parsed"] == put.json()["parsed"]
    assert deleted.status_code == 204
    assert client.get(STEERING).json()["instruction"] is None
    assert client.get(STEERING).json()["parsed"]["boost"] == []


@pytest.mark.parametrize("body", [{}, {"instruction": ""}, {"instruction": 3}, {"instruction": "x" * 501}])
def test_malformed_instructions_are_400(user, body):
    assert client_for(user).put(STEERING, body, format="json").status_code == 400


@pytest.mark.parametrize("instruction", ["only from people I follow", "less cats, more dogs"])
def test_plain_instructions_are_not_refused_as_prompts(user, instruction):
    # The prompt policy (tuned for video prompts) would refuse these; steering is
    # private configuration bounded by the taxonomy, so it is not policed as content.
    assert client_for(user).put(STEERING, {"instruction": instruction}, format="json").status_code == 200


def _cat_share(items):
    return sum("cats" in t for t in topics_of(items)) / max(1, len(items))


def test_more_cats_at_least_doubles_the_cats_in_the_first_20(user):
    make_corpus(per_topic=12)
    baseline_viewer = UserFactory()
    baseline = _cat_share(video_items(client_for(baseline_viewer).get("/api/v1/feed").json()))

    client = client_for(user)
    client.put(STEERING, {"instruction": "more cats please"}, format="json")
    items = video_items(client.get("/api/v1/feed").json())

    assert len(items) == 20
    assert _cat_share(items) >= max(2 * baseline, 0.25)
    cat_reasons = [i["reason"] for i, t in zip(items, topics_of(items)) if "cats" in t]
    assert set(cat_reasons) == {"You asked for more cats"}


def test_no_horror_leaves_none_in_the_first_50(user):
    make_corpus(per_topic=8)  # 96 videos, 8 of them horror
    client = client_for(user)
    client.put(STEERING, {"instruction": "no horror"}, format="json")

    items, cursor = [], None
    while len(items) < 50:
        body = client.get("/api/v1/feed", {"cursor": cursor} if cursor else {}).json()
        items += video_items(body)
        cursor = body["next"]
        assert cursor

    assert not any("horror" in t for t in topics_of(items[:50]))


def test_only_from_people_i_follow_leaves_nothing_else(user):
    make_corpus(per_topic=3)
    followed = [UserFactory() for _ in range(3)]
    for f in followed:
        Follow.objects.create(follower=user, followee=f)
    make_videos([f"a sunset over the hills {i}" for i in range(9)], owners=followed)
    client = client_for(user)
    client.put(STEERING, {"instruction": "only from people I follow"}, format="json")

    items = video_items(client.get("/api/v1/feed").json())

    assert len(items) == 9
    assert {i["video"]["owner"]["id"] for i in items} == {str(f.pk) for f in followed}
    assert all("you asked for only people you follow" in i["reason"] for i in items)


# --- the LLM backend, with a tiny model the test builds itself -------------------


@pytest.fixture(scope="module")
def tiny_lm(tmp_path_factory):
    """A 1-layer GPT-2 with random weights over MiniLM's tokenizer, saved to disk:
    the plumbing is real (load from a path, score, decode), the judgement random."""
    import torch
    from transformers import AutoTokenizer, GPT2Config, GPT2LMHeadModel

    from sora_social.embedder import model_dir

    path = tmp_path_factory.mktemp("tiny-lm")
    tokenizer = AutoTokenizer.from_pretrained(model_dir(), local_files_only=True)
    torch.manual_seed(0)
    model = GPT2LMHeadModel(GPT2Config(vocab_size=len(tokenizer), n_positions=512, n_embd=32, n_layer=1, n_head=2))
    model.save_pretrained(path)
    tokenizer.save_pretrained(path)
    return str(path)


def test_the_llm_parser_output_always_fits_the_schema(tiny_lm):
    from feed.steering.llm import LlmParser

    parser = LlmParser(tiny_lm)
    for instruction in ("more cats please", "no horror, only from people I follow"):
        parsed = parser.parse(instruction)
        assert validate(parsed) == parsed


def test_the_llm_backend_serves_the_endpoint(user, settings, tiny_lm):
    settings.SORA_FEED_STEERING_PARSER = "llm"
    settings.SORA_FEED_STEERING_MODEL_PATH = tiny_lm

    response = client_for(user).put(STEERING, {"instruction": "more cats please"}, format="json")

    assert response.status_code == 200
    assert response.json()["parser"] == "llm"
    assert validate(response.json()["parsed"])


def test_a_broken_llm_backend_falls_back_to_the_embedded_parser(user, settings, tmp_path):
    settings.SORA_FEED_STEERING_PARSER = "llm"
    settings.SORA_FEED_STEERING_MODEL_PATH = str(tmp_path / "no-model-here")

    response = client_for(user).put(STEERING, {"instruction": "more cats please"}, format="json")

    assert response.status_code == 200
    assert response.json()["parser"] == "embedded"
    assert response.json()["parsed"]["boost"] == ["cats"]


def test_the_constrained_choice_follows_the_model(tiny_lm):
    """Scoring picks what the model prefers: a model that loves one token picks
    the option made of it, whatever the order of the options."""
    import torch

    from feed.steering.llm import LlmParser

    parser = LlmParser(tiny_lm)
    target = parser._ids("fresh")[0]
    real = parser.model

    class Loves:
        def __call__(self, input_ids):
            logits = torch.zeros(*input_ids.shape, len(parser.tokenizer))
            logits[..., target] = 20.0
            return type("Out", (), {"logits": logits})()

    parser.model = Loves()
    try:
        for options in (["default", "remixable", "fresh", "calm"], ["calm", "fresh", "default"]):
            assert parser.choose('"objective": "', options) == "fresh"
    finally:
        parser.model = real
