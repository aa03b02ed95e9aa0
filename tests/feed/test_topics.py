"""Topic labels: a fixed taxonomy, keywords first, the encoder for meaning."""

import pytest

from feed import topics
from sora_social.embedder import embed_one

REQUIRED = [
    "cats",
    "dogs",
    "animals",
    "nature",
    "ocean",
    "space",
    "science",
    "sports",
    "cars",
    "music",
    "dance",
    "comedy",
    "horror",
    "cooking",
    "anime",
    "gaming",
    "fashion",
    "travel",
    "art",
    "history",
    "fantasy",
    "family",
    "news",
    "tech",
]


def test_the_taxonomy_has_every_required_topic():
    assert set(REQUIRED) <= set(topics.TOPICS)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a cat chasing a laser dot", {"cats", "animals"}),
        ("two puppies wrestling", {"dogs", "animals"}),
        ("a kitten on a windowsill", {"cats"}),
        ("a spooky forest", {"horror"}),  # no keyword: the encoder knows what spooky means
        ("a zombie in a shopping mall", {"horror"}),
        ("an astronaut on mars", {"space"}),
        ("a chef baking bread", {"cooking"}),
        ("lofi beats to study to", {"music"}),
    ],
)
def test_labels(text, expected):
    labels = {t for t, _ in topics.label(text, embed_one(text))}

    assert expected <= labels


def test_unrelated_text_gets_no_label_rather_than_a_guess():
    assert topics.label("a blue cube sliding left", embed_one("a blue cube sliding left")) == []


@pytest.mark.parametrize(
    "labels, safe", [(["cats"], True), (["horror"], False), (["nature", "horror"], False), ([], True)]
)
def test_teen_safety_follows_the_labels(labels, safe):
    assert topics.is_teen_safe(labels) is safe
