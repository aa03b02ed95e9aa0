"""Likes, comments and views: visibility (404), the prompt policy (422), and
counts that stay right under concurrent writes."""

import threading

import pytest
from django.db import connection

from accounts.models import Block, Follow
from feed.models import Comment, Like, View
from tests.conftest import client_for
from tests.factories import UserFactory, VideoFactory
from videos.models import Video

pytestmark = pytest.mark.django_db


def url(video_id, suffix):
    return f"/api/v1/videos/{video_id}/{suffix}"


def test_like_is_idempotent_and_unlike_undoes_it(user, other):
    video = VideoFactory(owner=other)
    client = client_for(user)

    first = client.post(url(video.pk, "like"))
    again = client.post(url(video.pk, "like"))

    assert first.status_code == again.status_code == 200
    assert again.json() == {"video": str(video.pk), "liked": True, "like_count": 1}
    assert client.delete(url(video.pk, "like")).json()["like_count"] == 0
    assert client.delete(url(video.pk, "like")).json() == {"video": str(video.pk), "liked": False, "like_count": 0}
    assert not Like.objects.exists()


@pytest.fixture(params=["missing", "not_a_uuid", "private", "followers", "draft", "removed", "blocked", "blocked_by"])
def invisible(request, user, other):
    case = request.param
    if case == "missing":
        return "8f14e45f-ceea-467a-9575-3e7b3a0f3a11"
    if case == "not_a_uuid":
        return "nope"
    if case in ("blocked", "blocked_by"):
        blocker, blocked = (user, other) if case == "blocked" else (other, user)
        Block.objects.create(blocker=blocker, blocked=blocked)
        return VideoFactory(owner=other).pk
    state = case if case in ("draft", "removed") else "published"
    visibility = case if case in ("private", "followers") else "public"
    return VideoFactory(owner=other, state=state, visibility=visibility).pk


def test_interactions_with_a_video_the_caller_may_not_see_are_404(user, invisible):
    client = client_for(user)

    for method, suffix, body in [
        ("post", "like", None),
        ("delete", "like", None),
        ("get", "comments", None),
        ("post", "comments", {"text": "nice"}),
        ("post", "views", {"watch_ms": 1200}),
    ]:
        response = getattr(client, method)(url(invisible, suffix), body, format="json")
        assert response.status_code == 404, (method, suffix)
        assert response.json()["error"] == "video_not_found"
    assert not (Like.objects.exists() or Comment.objects.exists() or View.objects.exists())


def test_followers_only_videos_are_open_to_followers(user, other):
    video = VideoFactory(owner=other, visibility="followers")
    Follow.objects.create(follower=user, followee=other)

    assert client_for(user).post(url(video.pk, "like")).status_code == 200


def test_comments_are_listed_newest_first_and_counted(user, other):
    video = VideoFactory(owner=other)
    client = client_for(user)

    created = [client.post(url(video.pk, "comments"), {"text": t}, format="json") for t in ("first!", "so good")]
    listing = client.get(url(video.pk, "comments")).json()

    assert [r.status_code for r in created] == [201, 201]
    assert created[0].json()["author"]["username"] == user.username
    assert [c["text"] for c in listing["results"]] == ["so good", "first!"]
    assert listing["next"] is None
    assert Video.objects.get(pk=video.pk).comment_count == 2


def test_a_comment_the_prompt_policy_blocks_is_422_and_not_stored(user, other):
    video = VideoFactory(owner=other)

    response = client_for(user).post(url(video.pk, "comments"), {"text": "immigrants are vermin"}, format="json")

    assert response.status_code == 422
    assert response.json()["error"] == "prompt_blocked"
    assert "hate" in response.json()["categories"]
    assert not Comment.objects.exists()
    assert Video.objects.get(pk=video.pk).comment_count == 0


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": 42}, {"text": "x" * 1001}])
def test_malformed_comments_are_400(user, other, body):
    video = VideoFactory(owner=other)

    response = client_for(user).post(url(video.pk, "comments"), body, format="json")

    assert response.status_code == 400
    assert response.json()["error"] == "invalid"


def test_comments_across_a_block_are_hidden(user, other):
    video = VideoFactory(owner=other)
    troll = UserFactory()
    Comment.objects.create(video=video, author=troll, text="ugh")
    Comment.objects.create(video=video, author=other, text="thanks all")
    Block.objects.create(blocker=user, blocked=troll)

    texts = [c["text"] for c in client_for(user).get(url(video.pk, "comments")).json()["results"]]

    assert texts == ["thanks all"]


def test_views_record_watch_time(user, other):
    video = VideoFactory(owner=other)

    response = client_for(user).post(url(video.pk, "views"), {"watch_ms": 4200}, format="json")

    assert response.status_code == 201
    assert response.json() == {"video": str(video.pk), "watch_ms": 4200}
    assert View.objects.get().watch_ms == 4200


@pytest.mark.parametrize("body", [{}, {"watch_ms": -1}, {"watch_ms": "100"}, {"watch_ms": True}, {"watch_ms": 1.5}])
def test_malformed_views_are_400(user, other, body):
    video = VideoFactory(owner=other)

    assert client_for(user).post(url(video.pk, "views"), body, format="json").status_code == 400


def test_anonymous_callers_get_401(api):
    video = VideoFactory()

    assert api.post(url(video.pk, "like")).status_code == 401
    assert api.get("/api/v1/feed").status_code == 401


@pytest.mark.django_db(transaction=True)
def test_counts_stay_right_under_concurrent_likes_and_comments():
    if connection.vendor == "sqlite":
        pytest.skip("SQLite serialises writers; the race needs PostgreSQL")
    video = VideoFactory()
    users = [UserFactory() for _ in range(12)]
    barrier = threading.Barrier(len(users))
    failures = []

    def act(u):
        from django.db import connections

        from feed import services

        try:
            barrier.wait()
            services.video_like(user=u, video_id=video.pk)
            services.video_like(user=u, video_id=video.pk)  # a double tap
            services.comment_create(user=u, video_id=video.pk, text="wow")
            if users.index(u) % 3 == 0:
                services.video_unlike(user=u, video_id=video.pk)
        except Exception as exc:  # pragma: no cover - reported below
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(u,)) for u in users]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    video.refresh_from_db()
    assert failures == []
    assert video.like_count == Like.objects.filter(video=video).count() == 8
    assert video.comment_count == Comment.objects.filter(video=video).count() == 12
