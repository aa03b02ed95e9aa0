import pytest

from accounts.models import Block
from accounts.notifications import notify
from tests.conftest import client_for
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def test_a_follow_is_a_notification_with_an_unread_count(user, other):
    client_for(other).post(f"/api/v1/users/{user.username}/follow")

    r = client_for(user).get("/api/v1/notifications")

    assert r.data["unread"] == 1
    [n] = r.data["results"]
    assert (n["kind"], n["actor"], n["read"]) == ("follow", other.username, False)


def test_mark_read_some_or_all(user):
    first = notify(recipient=user, kind="follow", actor=UserFactory())
    notify(recipient=user, kind="follow", actor=UserFactory())
    client = client_for(user)

    one = client.post("/api/v1/notifications/read", {"ids": [str(first.pk)]}, format="json")
    after_one = client.get("/api/v1/notifications").data["unread"]
    rest = client.post("/api/v1/notifications/read", {}, format="json")

    assert one.data == {"marked": 1} and after_one == 1
    assert rest.data == {"marked": 1} and client.get("/api/v1/notifications").data["unread"] == 0


def test_no_notification_leaks_what_its_recipient_may_not_see(user, other):
    stranger = UserFactory()
    notify(recipient=user, kind="follow", actor=stranger)
    now_private = VideoFactory(owner=other)
    notify(recipient=user, kind="like", actor=other, video=now_private)
    now_private.visibility = "private"
    now_private.save()
    Block.objects.create(blocker=user, blocked=stranger)

    r = client_for(user).get("/api/v1/notifications")

    assert r.data["results"] == [] and r.data["unread"] == 0


def test_nobody_is_notified_of_their_own_action(user):
    assert notify(recipient=user, kind="like", actor=user) is None


def test_bad_mark_read_is_400(user):
    r = client_for(user).post("/api/v1/notifications/read", {"ids": ["nope"]}, format="json")
    assert r.status_code == 400


def test_likes_and_comments_notify_the_videos_owner(user, other):
    video = VideoFactory(owner=other)
    client_for(user).post(f"/api/v1/videos/{video.pk}/like")
    client_for(user).post(f"/api/v1/videos/{video.pk}/comments", {"text": "love the colours"}, format="json")

    kinds = sorted(n["kind"] for n in client_for(other).get("/api/v1/notifications").data["results"])

    assert kinds == ["comment", "like"]
