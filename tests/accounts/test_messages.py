"""Direct messages: both sides' DM policies, parental ceilings, blocks, policy, video sharing."""

import pytest

from accounts.models import Block, Follow, Message
from parental.models import ParentalControls, ParentLink
from tests.conftest import client_for
from tests.factories import TeenFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def send(sender, recipient, **body):
    return client_for(sender).post(f"/api/v1/messages/{recipient.username}", body, format="json")


def mutuals(a, b):
    Follow.objects.create(follower=a, followee=b)
    Follow.objects.create(follower=b, followee=a)


@pytest.mark.parametrize(
    "policy, relation, allowed",
    [
        ("everyone", None, True),
        ("followers", None, False),
        ("followers", "sender_follows", True),
        ("mutuals", "sender_follows", False),
        ("mutuals", "mutuals", True),
        ("nobody", "mutuals", False),
    ],
)
def test_the_recipients_dm_policy_decides(user, other, policy, relation, allowed):
    other.dm_policy = policy
    other.save()
    user.dm_policy = "everyone"
    user.save()
    if relation == "sender_follows":
        Follow.objects.create(follower=user, followee=other)
    elif relation == "mutuals":
        mutuals(user, other)

    r = send(user, other, text="hi there")

    assert r.status_code == (201 if allowed else 403)
    if not allowed:
        assert r.data["error"] == "dm_not_allowed"
    assert Message.objects.count() == (1 if allowed else 0)


def test_the_senders_own_policy_must_allow_a_reply(user, other):
    other.dm_policy = "everyone"
    other.save()
    user.dm_policy = "nobody"
    user.save()
    assert send(user, other, text="hi").status_code == 403


def test_messages_arrive_in_the_conversation_both_ways(user, other):
    mutuals(user, other)
    send(user, other, text="hello")
    send(other, user, text="hey!")

    mine = client_for(user).get(f"/api/v1/messages/{other.username}")
    theirs = client_for(other).get(f"/api/v1/messages/{user.username}")

    assert [m["text"] for m in mine.data["results"]] == ["hey!", "hello"]
    assert mine.data == theirs.data


def test_a_blocked_pair_is_404_not_a_hint(user, other):
    mutuals(user, other)
    Block.objects.create(blocker=other, blocked=user)
    assert send(user, other, text="hi").status_code == 404
    assert client_for(user).get(f"/api/v1/messages/{other.username}").status_code == 404


def test_a_parent_setting_nobody_closes_the_teens_dms(user):
    teen = TeenFactory()
    friend = TeenFactory()  # adults and teens never message (see below); a teen friend
    mutuals(teen, friend)
    assert send(friend, teen, text="hi").status_code == 201
    ParentLink.objects.create(parent=user, teen=teen, status="active")
    ParentalControls.objects.create(teen=teen, dm_policy="nobody")

    r = send(friend, teen, text="still there?")

    assert r.status_code == 403 and r.data["error"] == "dm_not_allowed"


def test_teens_take_messages_from_mutuals_only_by_default(user):
    teen, other_teen = TeenFactory(dm_policy="mutuals"), TeenFactory(dm_policy="mutuals")
    Follow.objects.create(follower=other_teen, followee=teen)
    r = send(other_teen, teen, text="hi")
    assert r.status_code == 403 and r.data["error"] == "dm_not_allowed"
    Follow.objects.create(follower=teen, followee=other_teen)
    assert send(other_teen, teen, text="hi").status_code == 201


@pytest.mark.parametrize("direction", ["adult_to_teen", "teen_to_adult"])
def test_an_adult_and_a_teen_cannot_message_even_as_mutuals(direction):
    teen, adult = TeenFactory(dm_policy="mutuals"), UserFactory(dm_policy="everyone")
    mutuals(teen, adult)
    sender, recipient = (adult, teen) if direction == "adult_to_teen" else (teen, adult)
    r = send(sender, recipient, text="hi")
    assert r.status_code == 403 and r.data["error"] == "teen_dm_not_allowed"
    assert not Message.objects.exists()


def test_a_thread_from_before_the_rule_is_closed_to_the_adult():
    teen, adult = TeenFactory(dm_policy="mutuals"), UserFactory(dm_policy="everyone")
    mutuals(teen, adult)
    Message.objects.create(sender=adult, recipient=teen, text="an old message")
    r = send(adult, teen, text="still there?")
    assert r.status_code == 403 and r.data["error"] == "teen_dm_not_allowed"


def test_a_linked_parent_and_their_teen_can_message(user):
    teen = TeenFactory(dm_policy="mutuals")
    user.dm_policy = "everyone"
    user.save()
    mutuals(teen, user)
    ParentLink.objects.create(parent=user, teen=teen, status="active")
    assert send(user, teen, text="dinner at 7").status_code == 201
    assert send(teen, user, text="ok").status_code == 201


def test_blocked_text_is_422(user, other):
    mutuals(user, other)
    r = send(user, other, text="you are a worthless idiot and everyone hates you")
    assert r.status_code == 422 and r.data["error"] == "prompt_blocked" and r.data["categories"]
    assert not Message.objects.exists()


def test_sharing_a_video_obeys_its_visibility(user, other):
    mutuals(user, other)
    public = VideoFactory(owner=user)
    private = VideoFactory(owner=user, visibility="private")
    theirs_private = VideoFactory(owner=UserFactory(), visibility="private")

    assert send(user, other, video=str(public.pk)).status_code == 201
    refused = send(user, other, video=str(private.pk))
    assert refused.status_code == 403 and refused.data["error"] == "video_not_shareable"
    assert send(user, other, video=str(theirs_private.pk)).status_code == 404


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "x" * 2001}, {"text": 5}])
def test_bad_messages_are_400(user, other, body):
    mutuals(user, other)
    assert send(user, other, **body).status_code == 400
