"""GET /feed: sources, bulk hydration, filters, reasons, paging."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Block, Follow
from cameos.models import Appearance
from feed.models import Like, View
from feed.pipeline import hydrate, load_context
from feed.pipeline.context import Candidate
from tests.conftest import client_for
from tests.factories import CameoFactory, TeenFactory, UserFactory
from tests.feed.conftest import make_corpus, make_videos, topics_of, video_items
from videos.models import Video

pytestmark = pytest.mark.django_db


def feed(user, cursor=None):
    response = client_for(user).get("/api/v1/feed", {"cursor": cursor} if cursor else {})
    assert response.status_code == 200, response.content
    return response.json()


def test_every_item_has_a_reason_and_a_full_video(user):
    make_corpus(per_topic=3)

    body = feed(user)

    items = video_items(body)
    assert len(items) == 20 and body["next"]
    assert all(item["reason"] for item in items)
    assert {"id", "owner", "prompt", "media", "like_count", "remix_count"} <= set(items[0]["video"])


def test_reasons_say_why_in_words(user):
    ana, bea = UserFactory(username="ana"), UserFactory(username="bea")
    Follow.objects.create(follower=user, followee=ana)
    followed = make_videos(["a guitar solo on a rooftop"], owners=[ana])[0]
    liked = make_videos(["a fox in the snow"], owners=[bea], hours_ago=30)[0]
    Like.objects.create(user=user, video=liked)
    View.objects.create(user=user, video=liked, watch_ms=9000)
    remix = make_videos(["a fox in the snow, now in neon"], hours_ago=2)[0]
    Video.objects.filter(pk=remix.pk).update(remix_of=liked)
    popular = make_videos(["a robot assembling a phone"], like_count=500, hours_ago=5)[0]

    reasons = {i["video"]["id"]: i["reason"] for i in video_items(feed(user))}

    assert reasons[str(followed.pk)] == "Because you follow @ana"
    assert reasons[str(remix.pk)] == "Remixed from a video you liked"
    assert reasons[str(popular.pk)] == "Popular right now"
    assert str(liked.pk) not in reasons  # already watched


def test_similar_videos_come_from_the_vector_index(user):
    liked = make_videos(["a penguin sliding on the ice", "penguins huddling in a blizzard"], hours_ago=40)
    for v in liked:
        Like.objects.create(user=user, video=v)
    near = make_videos(["a colony of penguins on an iceberg"], hours_ago=200)[0]  # old: only similarity finds it
    make_videos([f"a sports car on a race track {i}" for i in range(30)], like_count=40)

    items = video_items(feed(user))

    reasons = {i["video"]["id"]: i["reason"] for i in items}
    assert reasons.get(str(near.pk)) == "Similar to videos you liked"


def test_hydration_is_a_fixed_number_of_queries(user, django_assert_num_queries):
    ctx = load_context(viewer=user)
    few = make_videos([f"a cat {i}" for i in range(3)])
    many = make_videos([f"a dog {i}" for i in range(60)])

    with django_assert_num_queries(2):
        assert len(hydrate.hydrate(ctx, [Candidate(str(v.pk), "fresh") for v in few])) == 3
    with django_assert_num_queries(2):
        assert len(hydrate.hydrate(ctx, [Candidate(str(v.pk), "fresh") for v in many])) == 60


def test_a_feed_page_costs_the_same_queries_whatever_the_corpus(user):
    def steady_page_queries(viewer):
        Follow.objects.create(follower=viewer, followee=UserFactory())
        Like.objects.create(user=viewer, video=Video.objects.first())
        feed(viewer)  # the first page also creates the viewer's counters
        cache.clear()  # the shared popular list is cached: make every page pay for it
        with CaptureQueriesContext(connection) as queries:
            feed(viewer)
        return len(queries.captured_queries)

    # Big enough that the measured page is not the last (the end card adds its own two).
    make_corpus(per_topic=4)
    small = steady_page_queries(user)
    make_corpus(per_topic=12, seed=1)
    large = steady_page_queries(UserFactory())

    assert large == small <= 30


def test_filters_remove_what_may_not_be_served(user):
    teen_viewer = TeenFactory()
    blocked, blocker, followed_only = UserFactory(), UserFactory(), UserFactory()
    Block.objects.create(blocker=user, blocked=blocked)
    Block.objects.create(blocker=blocker, blocked=user)
    ok = make_videos(["a cat on a sofa"])[0]
    bad = {
        "blocked": make_videos(["a dog in the snow"], owners=[blocked])[0],
        "blocked_by": make_videos(["a dog in the park"], owners=[blocker])[0],
        "removed": make_videos(["a dog on a boat"], state="removed")[0],
        "draft": make_videos(["a dog on a bike"], state="draft")[0],
        "followers": make_videos(["a dog in a hat"], owners=[followed_only], visibility="followers")[0],
        "private": make_videos(["a dog in a car"], visibility="private")[0],
        "own": make_videos(["my own dog"], owners=[user])[0],
        "seen": make_videos(["a dog at the beach"])[0],
        "revoked_cameo": make_videos(["me and my dog"])[0],
        "taken_down": make_videos(["me and my puppy"])[0],
    }
    View.objects.create(user=user, video=bad["seen"], watch_ms=100)
    revoked = CameoFactory(revoked_at=timezone.now())
    Appearance.objects.create(cameo=revoked, video=bad["revoked_cameo"])
    Appearance.objects.create(cameo=CameoFactory(), video=bad["taken_down"], taken_down_at=timezone.now())
    scary = make_videos(["a zombie in a haunted house"])[0]

    served = {i["video"]["id"] for i in video_items(feed(user))}
    served_to_teen = {i["video"]["id"] for i in video_items(feed(teen_viewer))}

    assert str(ok.pk) in served and str(scary.pk) in served
    assert not served & {str(v.pk) for v in bad.values()}
    assert str(ok.pk) in served_to_teen and str(scary.pk) not in served_to_teen


def test_teens_do_not_get_unlabelled_videos(teen):
    from tests.factories import VideoFactory

    VideoFactory(prompt="a cat", published_at=timezone.now())  # never went through the publish hook

    assert video_items(feed(teen)) == []


def test_pages_do_not_repeat_and_the_feed_ends(user):
    make_corpus(per_topic=3)  # 36 videos

    first = feed(user)
    second = feed(user, first["next"])

    ids = [i["video"]["id"] for i in video_items(first) + video_items(second)]
    assert len(ids) == len(set(ids)) == 36
    assert second["next"] is None


def test_a_bad_cursor_is_400(user):
    response = client_for(user).get("/api/v1/feed", {"cursor": "forged"})

    assert response.status_code == 400
    assert response.json()["error"] == "invalid_cursor"


def test_creator_cap_and_topic_diversity_shape_a_page(user):
    prolific = UserFactory()
    make_videos([f"a cat video number {i}" for i in range(10)], owners=[prolific], like_count=100)
    make_videos([f"a dog video number {i}" for i in range(10)], like_count=100)
    make_videos([f"a dragon over a castle {i}" for i in range(10)], like_count=1)
    make_videos([f"a whale in the ocean {i}" for i in range(10)], like_count=0)

    items = video_items(feed(user))

    owners = [i["video"]["owner"]["id"] for i in items]
    assert owners.count(str(prolific.pk)) == 2
    primary = [sorted(t - {"animals"})[0] for t in topics_of(items)]
    assert not any(primary[i] == primary[i + 1] == primary[i + 2] for i in range(len(primary) - 2))


def test_a_failing_source_does_not_take_the_feed_down(user, monkeypatch):
    from feed.pipeline import sources

    make_corpus(per_topic=2)

    def boom(self, ctx):
        raise RuntimeError("index is down")

    monkeypatch.setattr(sources.Similar, "fetch", boom)
    monkeypatch.setattr(sources.Popular, "fetch", boom)

    assert len(video_items(feed(user))) == 20


# ---------------------------------------------------------------- how a feed ends


def end_of(body):
    assert body["results"] and body["results"][-1]["type"] == "end", body["results"][-1:]
    return body["results"][-1]


def test_a_creator_alone_with_their_own_videos_is_told_why_the_feed_is_empty(user):
    from generation.capabilities import read_prompt

    mine = make_videos(["my first video", "my second video"], owners=[user], like_count=3)

    body = feed(user)

    assert video_items(body) == [] and body["next"] is None
    end = end_of(body)
    assert end["reason"] == "nothing_yet"
    assert end["your_videos"] == {"published": len(mine), "likes": 6, "comments": 0, "remixes": 0}
    assert "other people's" in end["detail"]
    make = end["actions"][0]
    assert make["type"] == "create" and read_prompt(make["prompt"]).has_subject  # a prompt the model draws
    assert [a["type"] for a in end["actions"]] == ["create"]  # nobody else's video to remix or creator to follow


def test_a_drained_feed_ends_caught_up_with_a_video_to_remix_and_a_creator_to_follow(user):
    ana = UserFactory(username="ana")
    make_videos([f"a lighthouse in a storm {i}" for i in range(5)], owners=[ana], like_count=9)
    make_videos([f"a kite over a field {i}" for i in range(20)])

    pages, cursor = [], None
    for _ in range(10):
        body = feed(user, cursor)
        pages.append(body)
        cursor = body["next"]
        if not cursor:
            break

    assert not cursor, "the feed never ended"
    assert all(p["results"][-1]["type"] != "end" for p in pages[:-1])
    end = end_of(pages[-1])
    assert end["reason"] == "caught_up" and end["your_videos"] is None
    kinds = {a["type"]: a for a in end["actions"]}
    assert Video.objects.get(pk=kinds["remix"]["video"]).owner == ana  # the most liked one
    assert kinds["follow"]["username"] == "ana"


def test_the_end_card_never_suggests_following_someone_followed_or_a_video_across_a_block(user):
    ana, bea = UserFactory(username="ana"), UserFactory(username="bea")
    Follow.objects.create(follower=user, followee=ana)
    make_videos(["a bonfire on the beach"], owners=[ana], like_count=5)
    blocked = make_videos(["a waterfall at dawn"], owners=[bea], like_count=50)[0]
    Block.objects.create(blocker=bea, blocked=user)

    end = end_of(feed(user))

    kinds = {a["type"]: a for a in end["actions"]}
    assert kinds["remix"]["video"] != str(blocked.pk)
    assert "follow" not in kinds
