"""Owner restrictions read in twelve more languages: rules and prompts in their own scripts,
romanised, and code-mixed with English."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cameos import restriction_words
from cameos.evaluate_restrictions import evaluate, load
from cameos.restrictions import parse_rules, restriction_violation

DEV = Path(__file__).parent / "data" / "restrictions_ml_dev.jsonl"

REFUSED = [
    # English rule, prompt in another language
    ("no alcohol", "@ana bebiendo cerveza en un bar"),
    ("no alcohol", "让@ana在酒吧喝啤酒"),
    ("never in political content", "@ana bei einer Wahlkampfrede im Parlament"),
    ("no violence", "un video de @ana getting punched en la calle"),
    ("only wholesome stuff", "@ana курит сигарету в подворотне"),
    # rule in the language, prompt in the language or in English
    ("nada de política", "@ana dando un discurso en una campaña electoral"),
    ("pas d'alcool svp", "@ana boit du vin rouge au restaurant"),
    ("keine Gewalt", "@ana in a street fight"),
    ("不要喝酒的视频", "@ana在酒吧喝啤酒"),
    ("ホラーはNG", "@anaがゾンビに追いかけられる"),
    ("mujhe sharab peete mat dikhana", "@ana bar mein sharab pee rahi hai"),
    ("никакой политики", "@ana на предвыборном митинге"),
    ("asla alkol yok", "@ana barda bira içiyor"),
    ("jangan ada kekerasan", "@ana berkelahi di jalan"),
]

ALLOWED = [
    ("no alcohol", "@ana bebiendo jugo de naranja en la playa"),
    ("nada de política", "@ana cocinando paella con su familia"),
    ("keine Gewalt", "@ana kocht Spaghetti in der Küche"),
    ("不要喝酒的视频", "@ana在公园里散步"),
    ("никакой политики", "@ana гуляет с собакой в парке"),
    # the prompt negates the topic itself
    ("no alcohol", "una cena tranquila sin alcohol"),
]


@pytest.mark.parametrize(("rule", "prompt"), REFUSED)
def test_a_prompt_that_breaks_the_rule_in_another_language_is_refused(rule, prompt):
    assert restriction_violation(prompt, rule) == rule


@pytest.mark.parametrize(("rule", "prompt"), ALLOWED)
def test_a_prompt_about_something_else_is_allowed(rule, prompt):
    assert restriction_violation(prompt, rule) is None


def test_a_rule_in_another_language_names_its_topics():
    (rule,) = parse_rules("不要喝酒和打架")

    assert rule.kind == "never"
    assert set(rule.concepts) == {"alcohol", "violence"}


def test_words_that_are_not_a_rule_make_none():
    assert parse_rules("¡Gracias por usar mi cameo!") == []


def test_the_lexicon_covers_every_topic_in_every_language():
    topics, markers = restriction_words._entries()
    data = json.loads(restriction_words.DATA_PATH.read_text(encoding="utf-8"))

    assert len(topics) == 15
    for topic, by_lang in data["topics"].items():
        assert set(restriction_words.LANGUAGES) <= set(by_lang), topic
    for kind in ("never", "only", "wholesome"):
        assert set(restriction_words.LANGUAGES) <= set(data[kind]), kind


def test_the_development_set_stays_read():
    results = evaluate(load(DEV))["all"]

    assert results["caught"] >= 0.85 * results["breaking"]
    assert results["refused"] <= 0.15 * results["innocent"]
