"""A decision acts on the case's own target, of whatever kind: never on the video a comment is on.

One test per target kind: what was removed, what was left alone, who was told,
and which decisions the kind refuses.
"""

import pytest

from accounts.models import DMPolicy, Follow, Message, Notification
from cameos.models import Cameo
from feed.models import Comment
from moderation import review
from moderation.models import Action, RemovedHash, ReviewCase
from sora_social.errors import Conflict, Invalid
from tests.conftest import client_for
from tests.factories import CameoFactory, TeenFactory, UserFactory, VideoFactory
from videos.models import Video

pytestmark = pytest.mark.django_db


def report(user, target_type, target_id, reason="harassment"):
    r = client_for(user).post(
        "/api/v1/reports", {"target_type": target_type, "target_id": str(target_id), "reason": reason}, format="json"
    )
    assert r.status_code == 201, r.content
    return ReviewCase.objects.get(target_type=target_type, target_id=str(target_id), status="open")


def decisions_told_to(user):
    return list(Notification.objects.filter(recipient=user, kind="moderation_decision"))


@pytest.fixture
def commented():
    """An innocent creator's video with a spam comment by someone else on it."""
    creator, commenter = UserFactory(), UserFactory()
    video = VideoFactory(owner=creator, frame_hashes=[7, 8, 9], published_at="2026-01-01T00:00:00Z")
    r = client_for(commenter).post(
        f"/api/v1/videos/{video.pk}/comments", {"text": "why do you even bother making these"}, format="json"
    )
    assert r.status_code == 201, r.content
    return creator, commenter, video, Comment.objects.get(pk=r.data["id"])


@pytest.mark.parametrize("action", [Action.REMOVE, Action.REMOVE_STRIKE])
def test_removing_on_a_comment_case_removes_the_comment_not_the_video(commented, reviewer, action):
    creator, commenter, video, comment = commented
    viewer = UserFactory()
    case = report(viewer, "comment", comment.pk)

    decision = review.case_decide(case=case, reviewer=reviewer, action=action, reason="Spam.")

    video.refresh_from_db()
    assert video.state == "published" and video.removed_at is None
    assert not RemovedHash.objects.exists()
    assert client_for(viewer).get(f"/api/v1/videos/{video.pk}").status_code == 200
    listed = client_for(viewer).get(f"/api/v1/videos/{video.pk}/comments").data["results"]
    assert str(comment.pk) not in {c["id"] for c in listed}
    assert video.comment_count == 0
    assert decision.video is None and decision.target_type == "comment"
    assert decision.target_id == str(comment.pk) and decision.evidence == "why do you even bother making these"
    told = decisions_told_to(commenter)
    assert len(told) == 1 and told[0].data["target_type"] == "comment" and told[0].data["video"] is None
    assert decisions_told_to(creator) == []
    assert (commenter.strikes.count() == 1) == (action == Action.REMOVE_STRIKE)
    assert creator.strikes.count() == 0


def test_the_video_owner_has_nothing_to_appeal_after_a_comment_removal(commented, reviewer):
    creator, _, video, comment = commented
    review.case_decide(
        case=report(UserFactory(), "comment", comment.pk), reviewer=reviewer, action=Action.REMOVE, reason="Spam."
    )
    r = client_for(creator).post("/api/v1/appeals", {"video_id": str(video.pk), "text": "why?"}, format="json")
    assert r.status_code == 404 and r.data["error"] == "nothing_to_appeal"


def test_a_removed_comment_cannot_be_reported_again(commented, reviewer):
    _, _, _, comment = commented
    review.case_decide(
        case=report(UserFactory(), "comment", comment.pk), reviewer=reviewer, action=Action.REMOVE, reason="Spam."
    )
    r = client_for(UserFactory()).post(
        "/api/v1/reports", {"target_type": "comment", "target_id": str(comment.pk), "reason": "hate"}, format="json"
    )
    assert r.status_code == 404


def test_removing_on_a_video_case_removes_that_video_and_tells_its_owner(reviewer):
    owner = UserFactory()
    video = VideoFactory(owner=owner, frame_hashes=[1, 2])
    bystander = VideoFactory(owner=owner)

    decision = review.case_decide(
        case=report(UserFactory(), "video", video.pk), reviewer=reviewer, action=Action.REMOVE, reason="Violence."
    )

    assert Video.objects.get(pk=video.pk).state == "removed"
    assert Video.objects.get(pk=bystander.pk).state == "published"
    assert decision.video == video and decision.target_type == "video"
    assert RemovedHash.objects.filter(video=video).count() == 2
    assert len(decisions_told_to(owner)) == 1


def test_a_user_case_can_be_suspended_but_has_nothing_to_remove(reviewer):
    subject = UserFactory()
    their_video = VideoFactory(owner=subject)
    case = report(UserFactory(), "user", subject.username)

    for action in (Action.REMOVE, Action.REMOVE_STRIKE):
        with pytest.raises(Invalid) as refused:
            review.case_decide(case=case, reviewer=reviewer, action=action, reason="No.")
        assert refused.value.code == "action_not_for_target"
    review.case_decide(case=case, reviewer=reviewer, action=Action.SUSPEND, reason="Spam account.")

    subject.refresh_from_db()
    assert subject.is_active is False
    assert Video.objects.get(pk=their_video.pk).state == "published"
    assert len(decisions_told_to(subject)) == 1


def test_removing_on_a_cameo_case_revokes_that_cameo_only(reviewer):
    owner = UserFactory()
    cameo = CameoFactory(owner=owner, permission="everyone")
    other_cameo = CameoFactory(owner=owner, permission="everyone")

    decision = review.case_decide(
        case=report(UserFactory(), "cameo", cameo.pk, reason="likeness"),
        reviewer=reviewer,
        action=Action.REMOVE,
        reason="Not their face.",
    )

    assert Cameo.objects.get(pk=cameo.pk).revoked_at is not None
    assert Cameo.objects.get(pk=other_cameo.pk).revoked_at is None
    assert decision.video is None and decision.target_type == "cameo"
    assert len(decisions_told_to(owner)) == 1


def test_a_target_that_vanished_is_a_conflict_and_nothing_is_decided(commented, reviewer):
    _, _, video, comment = commented
    case = report(UserFactory(), "comment", comment.pk)
    Comment.objects.filter(pk=comment.pk).delete()

    with pytest.raises(Conflict):
        review.case_decide(case=case, reviewer=reviewer, action=Action.REMOVE, reason="Spam.")
    case.refresh_from_db()
    assert case.status == "open" and Video.objects.get(pk=video.pk).state == "published"


@pytest.mark.parametrize(
    "target_type, offered",
    [
        ("video", ["Dismiss", "Remove video", "Remove video + strike", "Suspend account", "Escalate to senior review"]),
        (
            "comment",
            ["Dismiss", "Remove comment", "Remove comment + strike", "Suspend author", "Escalate to senior review"],
        ),
        ("user", ["Dismiss", "Suspend account", "Escalate to senior review"]),
        (
            "message",
            ["Dismiss", "Remove message", "Remove message + strike", "Suspend sender", "Escalate to senior review"],
        ),
        (
            "cameo",
            [
                "Dismiss",
                "Restrict cameo to its owner",
                "Revoke cameo",
                "Revoke cameo + strike",
                "Suspend owner",
                "Escalate to senior review",
            ],
        ),
    ],
)
def test_each_kind_offers_only_the_actions_that_fit_it(target_type, offered):
    assert list(review.case_actions(ReviewCase(target_type=target_type)).values()) == offered


def test_the_admin_shows_the_comment_and_comment_buttons_and_acts_on_the_comment(commented, reviewer, client):
    creator, commenter, video, comment = commented
    case = report(UserFactory(), "comment", comment.pk)
    client.force_login(reviewer)

    page = client.get(f"/admin/moderation/reviewcase/{case.pk}/change/").content.decode()
    assert "why do you even bother making these" in page and 'value="Remove comment"' in page
    assert 'value="Remove video"' not in page

    r = client.post(f"/admin/moderation/reviewcase/{case.pk}/change/", {"_remove": "1", "note": "Spam."})
    assert r.status_code == 302
    comment.refresh_from_db()
    video.refresh_from_db()
    assert comment.removed_at is not None and video.state == "published"


# --- direct messages -----------------------------------------------------------------


@pytest.fixture
def thread():
    """Two people who message each other; the sender's third message is rude (the policy lets it through; the recipient reports it)."""
    sender, recipient = UserFactory(dm_policy=DMPolicy.EVERYONE), UserFactory(dm_policy=DMPolicy.EVERYONE)
    sent = []
    for who, to, text in [
        (sender, recipient, "hey, loved your video"),
        (recipient, sender, "thanks!"),
        (sender, recipient, "why do you even bother making these"),
        (sender, recipient, "see you tomorrow then"),
    ]:
        r = client_for(who).post(f"/api/v1/messages/{to.username}", {"text": text}, format="json")
        assert r.status_code == 201, r.content
        sent.append(Message.objects.get(pk=r.data["id"]))
    return sender, recipient, sent


def conversation_texts(user, other):
    r = client_for(user).get(f"/api/v1/messages/{other.username}")
    assert r.status_code == 200
    return {m["text"] for m in r.data["results"]}


def test_only_the_person_a_message_was_sent_to_can_report_it(thread):
    sender, recipient, sent = thread
    abuse = sent[2]
    for outsider in (UserFactory(), sender):
        r = client_for(outsider).post(
            "/api/v1/reports",
            {"target_type": "message", "target_id": str(abuse.pk), "reason": "harassment"},
            format="json",
        )
        assert r.status_code == 404 and r.data["error"] == "message_not_found"
    r = client_for(recipient).post(
        "/api/v1/reports", {"target_type": "message", "target_id": "not-a-uuid", "reason": "spam"}, format="json"
    )
    assert r.status_code == 404 and r.data["error"] == "message_not_found"
    assert not ReviewCase.objects.exists()
    case = report(recipient, "message", abuse.pk)
    assert case.subject == sender and case.video is None and case.priority == 1


@pytest.mark.parametrize("action", [Action.REMOVE, Action.REMOVE_STRIKE])
def test_removing_on_a_message_case_hides_that_message_only_and_tells_its_sender(thread, reviewer, action):
    sender, recipient, sent = thread
    abuse = sent[2]
    case = report(recipient, "message", abuse.pk)

    decision = review.case_decide(case=case, reviewer=reviewer, action=action, reason="Harassment.")

    for a, b in ((sender, recipient), (recipient, sender)):
        assert conversation_texts(a, b) == {"hey, loved your video", "thanks!", "see you tomorrow then"}
    abuse.refresh_from_db()
    assert abuse.removed_at is not None and abuse.text == "why do you even bother making these"
    assert Message.objects.filter(removed_at__isnull=False).count() == 1
    assert decision.target_type == "message" and decision.target_id == str(abuse.pk) and decision.video is None
    assert decision.evidence == "why do you even bother making these"
    told = decisions_told_to(sender)
    assert len(told) == 1 and told[0].data["target_type"] == "message"
    assert decisions_told_to(recipient) == []
    assert (sender.strikes.count() == 1) == (action == Action.REMOVE_STRIKE)
    assert recipient.strikes.count() == 0 and sender.is_active
    again = client_for(recipient).post(
        "/api/v1/reports", {"target_type": "message", "target_id": str(abuse.pk), "reason": "hate"}, format="json"
    )
    assert again.status_code == 404


def test_a_message_to_or_from_a_teen_is_urgent(reviewer):
    teen, other_teen = TeenFactory(), TeenFactory()
    Follow.objects.create(follower=teen, followee=other_teen)
    Follow.objects.create(follower=other_teen, followee=teen)
    r = client_for(other_teen).post(f"/api/v1/messages/{teen.username}", {"text": "meet me"}, format="json")
    assert r.status_code == 201, r.content
    case = report(teen, "message", r.data["id"])
    assert case.priority == 0


def test_suspending_on_a_message_case_suspends_the_sender_and_keeps_the_message(thread, reviewer):
    sender, recipient, sent = thread
    case = report(recipient, "message", sent[2].pk)
    with pytest.raises(Invalid):
        review.case_decide(case=case, reviewer=reviewer, action=Action.RESTRICT, reason="No.")
    review.case_decide(case=case, reviewer=reviewer, action=Action.SUSPEND, reason="Serial harassment.")
    sender.refresh_from_db()
    recipient.refresh_from_db()
    assert not sender.is_active and recipient.is_active
    assert Message.objects.get(pk=sent[2].pk).removed_at is None


def test_the_admin_shows_the_message_in_its_thread_and_removes_only_it(thread, reviewer, client):
    sender, recipient, sent = thread
    case = report(recipient, "message", sent[2].pk)
    client.force_login(reviewer)

    page = client.get(f"/admin/moderation/reviewcase/{case.pk}/change/").content.decode()
    assert 'id="case-thread"' in page and "why do you even bother making these" in page
    assert "thanks!" in page and "see you tomorrow then" in page  # its context, both directions
    assert 'value="Remove message"' in page and 'value="Remove video"' not in page
    assert (
        f"Direct message by {sender.username}"
        in client.get("/admin/moderation/reviewcase/?status__exact=open").content.decode()
    )

    r = client.post(f"/admin/moderation/reviewcase/{case.pk}/change/", {"_remove": "1", "note": "Harassment."})
    assert r.status_code == 302
    assert [m.pk for m in Message.objects.filter(removed_at__isnull=False)] == [sent[2].pk]
