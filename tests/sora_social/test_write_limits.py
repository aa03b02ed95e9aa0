"""Per-user limits on social writes: one account cannot flood others, and says so with a clear 429."""

import pytest
from django.test import override_settings

from accounts.models import Notification
from moderation.models import Report
from parental.models import ParentLink
from tests.conftest import client_for
from tests.factories import TeenFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }
}


@pytest.fixture
def rates(settings):
    def set_rate(kind, rate):
        settings.SORA_USER_WRITE_RATES = {**settings.SORA_USER_WRITE_RATES, kind: rate}

    return set_rate


def assert_limited(r, kind):
    assert r.status_code == 429, r.content
    body = r.json()
    assert body["error"] == "rate_limited" and body["kind"] == kind
    assert 0 < int(r["Retry-After"]) <= 86400 and body["retry_after"] == int(r["Retry-After"])


def test_the_same_person_reporting_one_thing_again_is_a_conflict_not_a_second_report():
    reporter, video = UserFactory(), VideoFactory()
    client = client_for(reporter)
    body = {"target_type": "video", "target_id": str(video.pk), "reason": "spam"}

    codes = [client.post("/api/v1/reports", body, format="json").status_code for _ in range(50)]

    assert codes[0] == 201 and set(codes[1:]) == {409}
    assert Report.objects.count() == 1
    again = client.post("/api/v1/reports", body, format="json")
    assert again.json()["error"] == "already_reported"


def test_reports_are_limited_per_reporter(rates):
    rates("report", "3/hour")
    client = client_for(UserFactory())
    codes = []
    for _ in range(4):
        video = VideoFactory()
        codes.append(
            client.post(
                "/api/v1/reports", {"target_type": "video", "target_id": str(video.pk), "reason": "spam"}, format="json"
            )
        )
    assert [r.status_code for r in codes[:3]] == [201, 201, 201]
    assert_limited(codes[3], "report")
    assert Report.objects.count() == 3


def test_comments_are_limited_per_author_and_others_can_still_comment(rates):
    rates("comment", "2/min")
    video = VideoFactory()
    spammer, someone = client_for(UserFactory()), client_for(UserFactory())
    codes = [
        spammer.post(f"/api/v1/videos/{video.pk}/comments", {"text": f"nice {i}"}, format="json") for i in range(3)
    ]
    assert [r.status_code for r in codes[:2]] == [201, 201]
    assert_limited(codes[2], "comment")
    assert someone.post(f"/api/v1/videos/{video.pk}/comments", {"text": "lovely"}, format="json").status_code == 201


def test_follow_unfollow_cycles_notify_once_and_are_limited(rates):
    rates("follow", "5/hour")
    fan, star = UserFactory(), UserFactory()
    client = client_for(fan)
    codes = []
    for _ in range(6):
        codes.append(client.post(f"/api/v1/users/{star.username}/follow").status_code)
        client.delete(f"/api/v1/users/{star.username}/follow")

    assert codes == [201] * 5 + [429]
    assert Notification.objects.filter(recipient=star, kind="follow").count() == 1


def test_following_someone_you_already_follow_is_not_counted(rates):
    rates("follow", "1/hour")
    fan, star = UserFactory(), UserFactory()
    client = client_for(fan)
    assert [client.post(f"/api/v1/users/{star.username}/follow").status_code for _ in range(3)] == [201, 200, 200]


def test_messages_are_limited_per_sender(rates):
    rates("message", "2/min")
    sender, recipient = UserFactory(dm_policy="everyone"), UserFactory(dm_policy="everyone")
    client = client_for(sender)
    codes = [
        client.post(f"/api/v1/messages/{recipient.username}", {"text": f"hi {i}"}, format="json") for i in range(3)
    ]
    assert [r.status_code for r in codes[:2]] == [201, 201]
    assert_limited(codes[2], "message")


def test_a_stranger_cannot_spam_teens_with_parental_link_requests(rates):
    rates("parental_link", "2/day")
    stranger = client_for(UserFactory())
    teens = [TeenFactory() for _ in range(3)]
    codes = [stranger.post("/api/v1/parental/links", {"teen_username": t.username}, format="json") for t in teens]
    assert [r.status_code for r in codes[:2]] == [201, 201]
    assert_limited(codes[2], "parental_link")
    assert ParentLink.objects.count() == 2
    assert not Notification.objects.filter(recipient=teens[2]).exists()


def test_write_limits_fail_open_when_the_cache_is_down(rates):
    rates("comment", "1/min")
    video = VideoFactory()
    client = client_for(UserFactory())
    with override_settings(CACHES=DEAD_REDIS):
        codes = [
            client.post(f"/api/v1/videos/{video.pk}/comments", {"text": f"ok {i}"}, format="json").status_code
            for i in range(3)
        ]
    assert codes == [201, 201, 201]
