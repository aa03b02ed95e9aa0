"""Owner restrictions against prompts: the shared embedder plus negation-aware rules."""

from __future__ import annotations

import pytest

from cameos.restrictions import parse_rules, restriction_violation

VIOLATING = [
    ("me giving a speech at a presidential campaign rally", "never in political content", "never in political content"),
    (
        "a senator and me debating immigration policy on TV",
        "Never in political content.",
        "Never in political content.",
    ),
    ("me eating a giant burger at a diner", "no videos where I'm eating", "no videos where I'm eating"),
    ("me devouring a plate of spaghetti", "No videos where I\u2019m eating", "No videos where I\u2019m eating"),
    ("me running from a zombie horde in an abandoned hospital", "don't put me in horror", "don't put me in horror"),
    ("me in a haunted house with ghosts at midnight", "Don't put me in horror movies", "Don't put me in horror movies"),
    ("me in a bloody sword fight", "only wholesome stuff", "only wholesome stuff"),
    ("me drinking beer at a bar with friends", "only wholesome stuff", "only wholesome stuff"),
    ("me skydiving over the desert", "only cooking videos", "only cooking videos"),
    ("me doing shots of tequila at a party", "I love cooking.\nNo alcohol please.", "No alcohol please."),
    ("me casting my ballot in the election", "- no sports\n- never anything political", "never anything political"),
    ("me kissing a stranger on a beach at sunset", "no romance", "no romance"),
    (
        "me in a soda commercial holding the can",
        "never in ads or sponsored content",
        "never in ads or sponsored content",
    ),
    ("me smoking a cigarette in an alley", "keep it family friendly", "keep it family friendly"),
    # the prompt negates politics, not the dinner
    ("a calm dinner with friends and no politics", "no videos where I'm eating", "no videos where I'm eating"),
    (
        "me at a protest holding a sign",
        "only wholesome stuff, never political",
        "only wholesome stuff, never political",
    ),
    ("me getting pranked and humiliated on stage", "nothing embarrassing", "nothing embarrassing"),
    ("me praying in a church", "no religious content", "no religious content"),
    ("me dancing at a wedding", "no dancing!", "no dancing!"),
    ("me doing the tango in Buenos Aires", "no dancing", "no dancing"),  # the embedder, no lexicon word
    ("me screaming as a masked killer chases me", "don't put me in scary stuff", "don't put me in scary stuff"),
    ("me crying at my own funeral", "Avoid anything about death.", "Avoid anything about death."),
    ("a horror film that is not scary at all", "no horror", "no horror"),  # negating "scary" leaves "horror"
]

ALLOWED = [
    ("a calm dinner with no politics", "never in political content"),
    ("me walking my dog in the park", "never in political content"),
    ("me reading a book in a cozy library", "no videos where I'm eating"),
    ("me playing guitar on a rooftop", "don't put me in horror"),
    ("me and my grandma baking cookies", "only wholesome stuff"),
    ("me surfing a big wave at sunrise", "no videos where I'm eating"),
    ("me cooking pasta in a bright kitchen", "only cooking videos"),
    ("me painting a mural with kids", "keep it family friendly"),
    ("me hiking up a snowy mountain", "no alcohol please"),
    ("a peaceful protest-free picnic", "never in political content"),
    ("me teaching a puppy to sit", "no romance"),
    ("me as an astronaut floating in space", "never in ads or sponsored content"),
    ("me riding a bike with no hands down a quiet street", "nothing embarrassing"),
    ("me at the beach building a sandcastle", "no religious content"),
    ("me playing chess in the park", "no dancing!"),
    ("a sunny birthday party without any alcohol", "no alcohol"),
    ("me giving a science talk about volcanoes", "never in political content"),
    ("me laughing with friends at a bonfire", "don't put me in scary stuff"),
    ("me juggling in a circus tent", "Thanks for asking! Have fun."),
    ("me planting trees with my neighbours", "only wholesome stuff"),
    ("me sleeping in a hammock", ""),
]


@pytest.mark.parametrize(("prompt", "restrictions", "rule"), VIOLATING, ids=[p for p, _, _ in VIOLATING])
def test_prompt_breaking_a_rule_returns_that_rule_as_written(prompt, restrictions, rule):
    assert restriction_violation(prompt, restrictions) == rule


@pytest.mark.parametrize(("prompt", "restrictions"), ALLOWED, ids=[p for p, _ in ALLOWED])
def test_prompt_within_the_rules_passes(prompt, restrictions):
    assert restriction_violation(prompt, restrictions) is None


def test_the_first_broken_rule_in_the_owners_order_is_quoted():
    restrictions = "Never in political content.\nNo videos where I'm eating."

    assert (
        restriction_violation("me eating popcorn at a presidential debate", restrictions)
        == "Never in political content."
    )


def test_rules_are_read_with_their_topics():
    rules = parse_rules(
        "Never in political content. No videos where I'm eating\n- don't put me in horror\nonly wholesome stuff\nThanks!"
    )

    assert [(r.kind, r.topic) for r in rules] == [
        ("never", "political"),
        ("never", "eating"),
        ("never", "horror"),
        ("only", "wholesome"),
    ]
    assert "election" in rules[0].keywords and "pizza" in rules[1].keywords
    assert rules[3].opposites  # "wholesome" forbids violence, horror, ...


def test_empty_prompt_or_rules_break_nothing():
    assert restriction_violation("", "no horror") is None
    assert restriction_violation("me in a haunted house", "   ") is None
