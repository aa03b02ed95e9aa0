"""Check-ins after a stretch of scrolling, a calmer feed after a low mood,
teen daily caps and the parents' non-personalised feed."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Follow
from feed.models import Checkin, FeedSession, Like
from feed.topics import CALM, INTENSE
from parental.models import ParentalControls, ParentLink
from tests.conftest import client_for
from tests.factories import TeenFactory, UserFactory
from tests.feed.conftest import make_corpus, topics_of, video_items

pytestmark = pytest.mark.django_db


def pages(client, n):
    out, cursor = [], None
    for _ in range(n):
        body = client.get("/api/v1/feed", {"cursor": cursor} if cursor else {}).json()
        out.append(body)
        cursor = body["next"]
        if not cursor:
            break
    return out


def test_a_checkin_card_comes_after_the_configured_stretch(user, settings):
    settings.SORA_FEED_CHECKIN_AFTER = 25
    make_corpus(per_topic=5)

    first, second = pages(client_for(user), 2)

    assert [i["type"] for i in first["results"]] == ["video"] * 20
    types = [i["type"] for i in second["results"]]
    assert types.index("checkin") == 5 and types.count("checkin") == 1
    card = second["results"][5]["checkin"]
    assert card["id"] and card["prompt"]


def test_a_pause_starts_a_new_stretch(user, settings):
    settings.SORA_FEED_CHECKIN_AFTER = 25
    make_corpus(per_topic=5)
    client = client_for(user)
    pages(client, 1)
    FeedSession.objects.filter(user=user).update(last_served_at=timezone.now() - timedelta(hours=2))

    (body,) = pages(client, 1)

    assert "checkin" not in [i["type"] for i in body["results"]]


def test_a_low_mood_makes_the_feed_calm_and_suggests_making_or_messaging(user, settings):
    settings.SORA_FEED_CHECKIN_AFTER = 20
    make_corpus(per_topic=6)
    friend = UserFactory(username="mo")
    Follow.objects.create(follower=user, followee=friend)
    Follow.objects.create(follower=friend, followee=user)
    client = client_for(user)
    _, second = pages(client, 2)
    checkin = next(i["checkin"] for i in second["results"] if i["type"] == "checkin")

    answer = client.post(f"/api/v1/feed/checkins/{checkin['id']}", {"mood": 1, "note": "meh"}, format="json")
    (after,) = pages(client, 1)

    assert answer.status_code == 200
    kinds = [s["type"] for s in answer.json()["suggestions"]]
    assert {"create", "message", "calm"} <= set(kinds)
    assert next(s for s in answer.json()["suggestions"] if s["type"] == "message")["username"] == "mo"
    items = video_items(after)
    top = topics_of(items)[:10]
    assert all(t & CALM for t in top) and not any(t & INTENSE for t in top)
    assert items[0]["reason"] == "Something calm, after your check-in"


def test_a_good_mood_changes_nothing_but_says_so(user):
    checkin = Checkin.objects.create(user=user)

    answer = client_for(user).post(f"/api/v1/feed/checkins/{checkin.pk}", {"mood": 5}, format="json")

    assert answer.status_code == 200
    assert "calm" not in [s["type"] for s in answer.json()["suggestions"]]
    # the "make something" prompt is one the model draws, not one it would refuse
    make = next(s for s in answer.json()["suggestions"] if s["type"] == "create")
    assert client_for(user).post("/api/v1/generations", {"prompt": make["prompt"]}, format="json").status_code == 202


@pytest.mark.parametrize("body", [{}, {"mood": 0}, {"mood": 6}, {"mood": "3"}, {"mood": True}, {"mood": 3, "note": 5}])
def test_malformed_checkin_answers_are_400(user, body):
    checkin = Checkin.objects.create(user=user)

    assert client_for(user).post(f"/api/v1/feed/checkins/{checkin.pk}", body, format="json").status_code == 400


def test_checkins_of_others_are_404_and_answered_ones_409(user, other):
    mine, theirs = Checkin.objects.create(user=user), Checkin.objects.create(user=other)
    client = client_for(user)

    assert client.post(f"/api/v1/feed/checkins/{theirs.pk}", {"mood": 3}, format="json").status_code == 404
    assert client.post("/api/v1/feed/checkins/nope", {"mood": 3}, format="json").status_code == 404
    assert client.post(f"/api/v1/feed/checkins/{mine.pk}", {"mood": 3}, format="json").status_code == 200
    again = client.post(f"/api/v1/feed/checkins/{mine.pk}", {"mood": 3}, format="json")
    assert again.status_code == 409 and again.json()["error"] == "checkin_answered"


def test_a_teen_feed_ends_at_the_daily_cap_with_limit_reached(settings):
    settings.SORA_TEEN_FEED_DAILY_LIMIT = 25
    settings.SORA_FEED_CHECKIN_AFTER = 0
    teen = TeenFactory()
    make_corpus(per_topic=5)
    client = client_for(teen)

    first, second = pages(client, 2)
    (later,) = pages(client, 1)

    assert len(video_items(first)) == 20 and first["next"]
    assert [i["type"] for i in second["results"]] == ["video"] * 5 + ["limit_reached"]
    assert second["next"] is None
    assert second["results"][-1]["detail"]
    assert [i["type"] for i in later["results"]] == ["limit_reached"]


def test_adults_have_no_cap_by_default(user, settings):
    settings.SORA_TEEN_FEED_DAILY_LIMIT = 25
    settings.SORA_FEED_CHECKIN_AFTER = 0
    make_corpus(per_topic=5)

    bodies = pages(client_for(user), 3)

    assert sum(len(video_items(b)) for b in bodies) == 60
    assert not any(i["type"] == "limit_reached" for b in bodies for i in b["results"])


def _parented(teen, **controls):
    parent = UserFactory()
    ParentLink.objects.create(parent=parent, teen=teen, status="active", accepted_at=timezone.now())
    ParentalControls.objects.create(teen=teen, **controls)


def test_a_parents_lower_limit_applies(settings):
    settings.SORA_FEED_CHECKIN_AFTER = 0
    teen = TeenFactory()
    _parented(teen, feed_daily_limit=7)
    make_corpus(per_topic=2)

    (body,) = pages(client_for(teen), 1)

    assert [i["type"] for i in body["results"]] == ["video"] * 7 + ["limit_reached"]


def test_a_non_personalised_feed_ignores_history_and_steering():
    teen = TeenFactory()
    _parented(teen, personalized_feed=False)
    videos = make_corpus(per_topic=5)
    client = client_for(teen)
    client.put("/api/v1/feed/steering", {"instruction": "only cats please"}, format="json")
    for v in videos[:10]:
        Like.objects.create(user=teen, video=v)
    baseline = TeenFactory()

    items = video_items(client.get("/api/v1/feed").json())
    same = video_items(client_for(baseline).get("/api/v1/feed").json())

    # Exactly what a teen with no history and no steering gets.
    assert [i["video"]["id"] for i in items] == [i["video"]["id"] for i in same]
    assert {i["reason"] for i in items} <= {"Popular right now", "New on Sora"}
