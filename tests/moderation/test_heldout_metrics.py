"""The held-out numbers, read from the evaluation function: a regression fails here."""

import pytest

from moderation.policy.dataset import CATEGORIES, HELD_OUT_PATH, load, read, text_key
from moderation.policy.evaluate import GOAL_FALSE_BLOCK, GOAL_RECALL, evaluate

pytestmark = pytest.mark.usefixtures("policy_loaded")


@pytest.fixture(scope="module")
def report():
    return evaluate("test")


def test_held_out_set_is_its_own_file_and_never_trained_on():
    train, test = load("train"), load("test")

    assert test == read(HELD_OUT_PATH, default_source="heldout")
    assert {text_key(r.text) for r in train}.isdisjoint({text_key(r.text) for r in test})
    assert 300 <= len(test) <= 400 and len(train) > 4 * len(test)
    assert sum(not r.harmful for r in test) >= 100
    # Every category is judged on enough prompts to mean something.
    assert all(sum(c in r.categories for r in test) >= 18 for c in CATEGORIES)


def test_load_refuses_an_unknown_split():
    with pytest.raises(ValueError):
        load("validation")


def test_harmful_recall_meets_the_goal(report):
    # Measured 0.974 (186 of 191) with the committed head, on the first read of
    # this held-out set; the goal is 0.95.
    assert report.harmful_recall >= GOAL_RECALL, report.mistakes


def test_benign_false_block_meets_the_goal(report):
    # Measured 0.040 (6 of 149) with the committed head; the goal is 0.05.
    assert report.benign_false_block <= GOAL_FALSE_BLOCK, report.mistakes


def test_teen_accounts_are_stricter_on_the_same_prompts(report):
    teen = evaluate("test", teen=True)

    assert teen.harmful_recall >= report.harmful_recall
    assert teen.benign_false_block >= report.benign_false_block
