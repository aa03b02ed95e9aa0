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


def test_harmful_recall_does_not_regress(report):
    # Measured 0.924 (146 of 158) with the committed head (gate + memory); the
    # issue's goal is 0.95, see the strict xfail below.
    assert report.harmful_recall >= 0.92, report.mistakes


def test_benign_false_block_meets_the_goal(report):
    # Measured 0.017 (2 of 116) with the committed head.
    assert report.benign_false_block <= GOAL_FALSE_BLOCK, report.mistakes


@pytest.mark.xfail(strict=True, reason="issue 7 goal not met yet: held-out harmful recall is 0.924 < 0.95")
def test_harmful_recall_meets_the_goal(report):
    assert report.harmful_recall >= GOAL_RECALL
