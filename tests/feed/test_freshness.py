"""What changes between two pages takes effect on the very next one.

The feed ranks per request today; these hold whatever serves it (a precomputed
pool included): a block, a removal, a revoked cameo and a visibility change made
after page one keep those videos off page two, and a followee's new video is
served on the next page asked for.
"""

import pytest

from accounts.services import block_create
from cameos.models import Appearance
from cameos.services import cameo_revoke
from tests.conftest import client_for
from tests.factories import CameoFactory, UserFactory
from tests.feed.conftest import make_corpus, make_videos, video_items
from videos.services import video_publish, video_remove, video_update

pytestmark = pytest.mark.django_db


def feed(user, cursor=None):
    response = client_for(user).get("/api/v1/feed", {"cursor": cursor} if cursor else {})
    assert response.status_code == 200, response.content
    return response.json()


def served(body) -> set[str]:
    return {item["video"]["id"] for item in video_items(body)}


def test_a_block_a_removal_a_revoke_and_a_visibility_change_hold_on_the_next_page(user):
    corpus = make_corpus(per_topic=3)  # 36 videos, each by its own creator
    first = feed(user)
    waiting = [v for v in corpus if str(v.pk) not in served(first)]
    assert first["next"] and len(waiting) >= 8
    blocked, removed, revoked, hidden = waiting[:4]

    block_create(blocker=user, blocked=blocked.owner)
    video_remove(video=removed)
    cameo = CameoFactory()
    Appearance.objects.create(cameo=cameo, video=revoked)
    cameo_revoke(owner=cameo.owner, cameo_id=cameo.pk)
    video_update(user=hidden.owner, video_id=hidden.pk, visibility="private")

    second = served(feed(user, first["next"]))
    gone = {str(v.pk) for v in (blocked, removed, revoked, hidden)}
    assert not second & gone
    assert {str(v.pk) for v in waiting[4:]} <= second  # the rest is still served


def test_a_followees_new_video_is_served_on_the_next_page(user, django_capture_on_commit_callbacks):
    make_corpus(per_topic=3)
    followee = UserFactory()
    client_for(user).post(f"/api/v1/users/{followee.username}/follow")
    first = feed(user)
    draft = make_videos(["a hedgehog eating a strawberry"], owners=[followee], state="draft")[0]

    # Published the way the app publishes: after the commit the feed labels it and puts
    # it at the head of the followers' ranked pools.
    with django_capture_on_commit_callbacks(execute=True):
        video_publish(user=followee, video_id=draft.pk)

    second = feed(user, first["next"])
    assert str(draft.pk) in served(second)
    assert next(i["reason"] for i in video_items(second) if i["video"]["id"] == str(draft.pk)) == (
        f"Because you follow @{followee.username}"
    )
