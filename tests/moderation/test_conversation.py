"""Comments and direct messages go through the conversation policy, not the prompt policy."""

import json
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Follow, Message
from feed.models import Comment
from moderation.policy import conversation
from moderation.policy.evaluate_conversation import rates, report
from moderation.policy.train_conversation import held_out_rows
from moderation.services import conversation_verdict, prompt_verdict
from tests.conftest import client_for
from tests.factories import TeenFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.usefixtures("policy_loaded")

ORDINARY = [
    "you killed it 💀💀",
    "I'm dead 😂 this is too good",
    "0:42 had me on the floor",
    "answer me",
    "why are you ignoring me",
    "part 2?? day 14 of asking",
    "not your best one tbh, the audio is off",
    "me muero jajaja 😂",
    "笑死我了 哈哈哈",
]
ABUSIVE = [
    ("I know where you live. see you soon", "threat"),
    ("how old are you? send me a pic, don't tell your mom", "grooming"),
    ("kys nobody would miss you", "self_harm"),
    ("earn $500 a day from home, DM me now bit.ly/xx12", "spam"),
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_comments_and_messages_pass(text):
    assert conversation_verdict(text=text).allowed, conversation_verdict(text=text).scores


@pytest.mark.parametrize("text, rule", ABUSIVE)
def test_abuse_is_refused_and_the_refusal_names_the_rule(text, rule):
    verdict = conversation_verdict(text=text)
    assert not verdict.allowed and rule in verdict.categories, verdict.scores


def test_the_prompt_policy_refused_ordinary_messages_the_conversation_policy_lets_through():
    # What the prompt policy did to direct messages before this policy existed.
    assert not prompt_verdict(text="answer me").allowed
    assert conversation_verdict(text="answer me").allowed


def test_a_teen_thread_is_stricter():
    for reader in ("en", "multilingual"):
        adult = conversation.thresholds_for(reader, teen=False)
        teen = conversation.thresholds_for(reader, teen=True)
        assert all(teen[c] < adult[c] for c in conversation.CATEGORIES if adult[c] > conversation.MIN_THRESHOLD)
    said = conversation.Said(scores=dict.fromkeys(conversation.CATEGORIES, 0.0), reader="en")
    line = conversation.thresholds_for("en", teen=False)["grooming"]
    between = conversation.Said(scores={**said.scores, "grooming": line * 0.9}, reader="en")
    assert conversation.blocked(between, teen=False) == [] and conversation.blocked(between, teen=True) == ["grooming"]


@pytest.mark.django_db
def test_a_threat_in_a_comment_is_422_naming_the_rule_and_nothing_is_stored():
    author, video = UserFactory(), VideoFactory()
    r = client_for(author).post(
        f"/api/v1/videos/{video.pk}/comments", {"text": "I know where you live. see you soon"}, format="json"
    )
    assert r.status_code == 422 and r.data["error"] == "prompt_blocked" and "threat" in r.data["categories"]
    assert "threat" in r.data["detail"] and not Comment.objects.exists()


@pytest.mark.django_db
def test_slang_praise_is_posted_as_a_comment():
    author, video = UserFactory(), VideoFactory()
    r = client_for(author).post(f"/api/v1/videos/{video.pk}/comments", {"text": "you killed it 💀💀"}, format="json")
    assert r.status_code == 201


def _mutuals(a, b):
    Follow.objects.create(follower=a, followee=b)
    Follow.objects.create(follower=b, followee=a)


def _send(sender, recipient, text):
    return client_for(sender).post(f"/api/v1/messages/{recipient.username}", {"text": text}, format="json")


@pytest.mark.django_db
def test_an_impatient_message_is_sent_and_a_grooming_one_to_a_teen_is_not():
    adult, friend = UserFactory(), UserFactory()
    _mutuals(adult, friend)
    assert _send(adult, friend, "why are you ignoring me").status_code == 201
    teen, other_teen = TeenFactory(), TeenFactory()
    _mutuals(teen, other_teen)
    r = _send(other_teen, teen, "how old are you? send me a pic, don't tell your mom")
    assert r.status_code == 422 and "grooming" in r.data["categories"]
    assert Message.objects.count() == 1


def test_check_prompt_checks_comments_with_the_conversation_policy():
    out = StringIO()
    lines = '{"prompt": "answer me"}\n{"prompt": "I know where you live. see you soon", "teen": true}\n'
    call_command("check_prompt", "--conversation", stdin=StringIO(lines), stdout=out)
    first, second = (json.loads(line) for line in out.getvalue().splitlines())
    assert first["allowed"] and set(first["scores"]) == set(conversation.CATEGORIES)
    assert not second["allowed"] and "threat" in second["categories"]


def test_held_out_messages_stay_above_their_floors():
    """A regression guard on the held-out messages (not the goal itself: docs/benchmarks.md has the table)."""
    rows = held_out_rows()
    result = report(rows, prompt_policy=False)
    caught, refused = rates([bool(b) for b in result["as_labelled"]], rows)
    assert caught >= FLOOR_CAUGHT and refused <= CEILING_REFUSED, (caught, refused)


FLOOR_CAUGHT = 0.85
CEILING_REFUSED = 0.02


@pytest.mark.parametrize(
    "name, size, measured_caught, measured_refused",
    [("heldout_i", 478, 152, 1), ("heldout_j", 480, 151, 0)],
)
def test_the_latest_read_sets_which_the_heads_never_trained_on_hold_their_measured_numbers(
    name, size, measured_caught, measured_refused
):
    """The served heads train on the held-out sets read before them (rules/conversation_read_sets.md,
    rules/read_sets_more.md), so the guard above is mostly their fit. The ninth set was read once for
    that choice, the tenth once for the next (rules/read_sets_g_i.md, not adopted); neither is trained
    on. Their numbers when first read whole, with two messages of slack either way for CPU kernels
    (ONNX Runtime differs between AVX2 and AVX-512)."""
    rows = held_out_rows([f"{name}_en", f"{name}_latin", f"{name}_world"])
    trained_on = set(conversation.head("en").meta["read_sets"]) | set(
        conversation.head("multilingual").meta["read_sets"]
    )
    assert len(rows) == size and not any(r.source in trained_on for r in rows)
    flags = [bool(b) for b in report(rows, prompt_policy=False)["as_labelled"]]
    caught = sum(f for f, r in zip(flags, rows) if r.harmful)
    refused = sum(f for f, r in zip(flags, rows) if not r.harmful)
    assert caught >= measured_caught - 2 and refused <= measured_refused + 2, (caught, refused)
