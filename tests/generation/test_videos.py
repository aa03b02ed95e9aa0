"""Videos: visibility in every read path, publishing, removal, lineage, signed media."""

import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from accounts.models import Block, Follow
from sora_social.media import signed_url
from tests.conftest import client_for
from tests.factories import VideoFactory

pytestmark = pytest.mark.django_db


def url(video, suffix=""):
    return f"/api/v1/videos/{video.pk}{suffix}"


@pytest.mark.parametrize(
    "state, visibility, relation, visible",
    [
        ("published", "public", None, True),
        ("published", "followers", None, False),
        ("published", "followers", "follows", True),
        ("published", "private", "follows", False),
        ("draft", "public", "follows", False),
        ("removed", "public", "follows", False),
        ("published", "public", "blocked", False),
        ("published", "public", "blocked_by", False),
    ],
)
def test_who_sees_a_video(user, other, state, visibility, relation, visible):
    video = VideoFactory(owner=other, state=state, visibility=visibility)
    if relation == "follows":
        Follow.objects.create(follower=user, followee=other)
    elif relation == "blocked":
        Block.objects.create(blocker=user, blocked=other)
    elif relation == "blocked_by":
        Block.objects.create(blocker=other, blocked=user)
    client = client_for(user)

    single = client.get(url(video))
    listing = client.get(f"/api/v1/users/{other.username}/videos")

    assert single.status_code == (200 if visible else 404)
    if listing.status_code == 200:
        assert [v["id"] for v in listing.data["results"]] == ([str(video.pk)] if visible else [])
    else:
        assert relation in ("blocked", "blocked_by") and listing.status_code == 404


@pytest.mark.parametrize("state, visible", [("draft", True), ("published", True), ("removed", False)])
def test_owner_sees_own_drafts_but_not_removed(user, state, visible):
    video = VideoFactory(owner=user, state=state, visibility="private")
    client = client_for(user)

    assert client.get(url(video)).status_code == (200 if visible else 404)
    listed = [v["id"] for v in client.get(f"/api/v1/users/{user.username}/videos").data["results"]]
    assert (str(video.pk) in listed) is visible


def test_video_body_follows_the_contract(user):
    video = VideoFactory(owner=user, caption="hi", like_count=3)

    body = client_for(user).get(url(video)).data

    assert body["owner"]["username"] == user.username
    assert body["state"] == "published" and body["visibility"] == "public"
    assert set(body["media"]) == {"video_url", "thumbnail_url"}
    assert body["remix_of"] is None and body["remix_count"] == 0 and body["like_count"] == 3
    assert body["cameos"] == [] and body["provenance"] == {"c2pa": False, "mark": False}


def test_publish_a_draft_with_caption_and_visibility(user):
    video = VideoFactory(owner=user, state="draft")

    r = client_for(user).post(url(video, "/publish"), {"caption": "my first", "visibility": "followers"}, format="json")

    assert r.status_code == 200
    assert (r.data["state"], r.data["caption"], r.data["visibility"]) == ("published", "my first", "followers")
    assert r.data["published_at"]


def test_only_the_owner_publishes_or_edits(user, other):
    public = VideoFactory(owner=other)
    draft = VideoFactory(owner=other, state="draft")
    client = client_for(user)

    assert client.post(url(public, "/publish"), {}, format="json").status_code == 403
    assert client.patch(url(public), {"caption": "mine now"}, format="json").data["error"] == "not_owner"
    assert client.delete(url(public)).status_code == 403
    assert client.post(url(draft, "/publish"), {}, format="json").status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [({"visibility": "world"}, "visibility"), ({"caption": "x" * 501}, "caption"), ({"caption": 5}, "caption")],
)
def test_bad_publish_input_is_400(user, body, field):
    video = VideoFactory(owner=user, state="draft")
    r = client_for(user).post(url(video, "/publish"), body, format="json")
    assert r.status_code == 400 and field in r.data["fields"]
    video.refresh_from_db()
    assert video.state == "draft"


def test_delete_removes_the_video_for_everyone(user, other):
    video = VideoFactory(owner=user)

    assert client_for(user).delete(url(video)).status_code == 204
    assert client_for(user).get(url(video)).status_code == 404
    assert client_for(other).get(url(video)).status_code == 404
    video.refresh_from_db()
    assert video.state == "removed" and video.removed_at


def test_lineage_nearest_first_and_remixes(user, other):
    root = VideoFactory(owner=other)
    middle = VideoFactory(owner=user, remix_of=root)
    leaf = VideoFactory(owner=other, remix_of=middle)
    VideoFactory(owner=other, remix_of=middle, visibility="private")  # not for user's eyes
    client = client_for(user)

    lineage = client.get(url(leaf, "/lineage"))
    remixes = client.get(url(middle, "/remixes"))

    assert [v["id"] for v in lineage.data] == [str(middle.pk), str(root.pk)]
    assert [v["id"] for v in remixes.data["results"]] == [str(leaf.pk)]


def test_lineage_skips_ancestors_the_viewer_may_not_see(user, other):
    root = VideoFactory(owner=other)
    hidden = VideoFactory(owner=other, remix_of=root, visibility="private")
    leaf = VideoFactory(owner=user, remix_of=hidden)

    lineage = client_for(user).get(url(leaf, "/lineage"))

    assert [v["id"] for v in lineage.data] == [str(root.pk)]


# --- signed media URLs --------------------------------------------------------

BLOB = bytes(range(256)) * 40  # 10 240 bytes


@pytest.fixture
def stored():
    name = default_storage.save("videos/blob.mp4", ContentFile(BLOB))
    return name


def test_signed_url_serves_the_file_without_auth(client, stored):
    r = client.get(signed_url(stored))

    assert r.status_code == 200 and b"".join(r.streaming_content) == BLOB
    assert r["Accept-Ranges"] == "bytes" and r["Content-Type"] == "video/mp4"


@pytest.mark.parametrize(
    "header, status, start, end",
    [
        ("bytes=0-99", 206, 0, 99),
        ("bytes=100-", 206, 100, 10239),
        ("bytes=-50", 206, 10190, 10239),
        ("bytes=10000-20000", 206, 10000, 10239),
    ],
)
def test_range_requests_get_206(client, stored, header, status, start, end):
    r = client.get(signed_url(stored), HTTP_RANGE=header)

    assert r.status_code == status
    assert r["Content-Range"] == f"bytes {start}-{end}/{len(BLOB)}"
    assert b"".join(r.streaming_content) == BLOB[start : end + 1]


def test_unsatisfiable_range_is_416(client, stored):
    r = client.get(signed_url(stored), HTTP_RANGE="bytes=99999-")
    assert r.status_code == 416 and r["Content-Range"] == f"bytes */{len(BLOB)}"


def test_malformed_range_gets_the_whole_file(client, stored):
    r = client.get(signed_url(stored), HTTP_RANGE="lines=1-2")
    assert r.status_code == 200


def test_tampered_url_is_403(client, stored):
    good = signed_url(stored)
    token = good.rsplit("/", 1)[1]
    bad = good[: -len(token)] + token[:-3] + ("AAA" if token[-3:] != "AAA" else "BBB")

    r = client.get(bad)

    assert r.status_code == 403 and r.json()["error"] == "bad_signature"


def test_expired_url_is_403(client, stored):
    link = signed_url(stored, ttl=1)
    time.sleep(2.1)
    assert client.get(link).status_code == 403


def test_links_are_stable_within_a_bucket_and_never_outlive_their_ttl(client, stored, settings):
    import base64
    import json

    a, b = signed_url(stored, ttl=3600), signed_url(stored, ttl=3600)
    token = a.rsplit("/", 1)[1]
    data = token.split(".")[0]
    expires = json.loads(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))["e"]

    assert a == b  # the same link for 5 minutes: players and caches reuse it
    assert time.time() + 3600 - 300 <= expires <= time.time() + 3600
    assert client.get(a).status_code == 200


def test_a_rotated_key_keeps_links_working_and_a_foreign_key_does_not(client, stored, settings):
    link = signed_url(stored)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 40

    assert client.get(link).status_code == 200  # signed with the previous key, still in the fallbacks
    settings.SECRET_KEY_FALLBACKS = []
    assert client.get(link).status_code == 403


def test_links_made_before_the_hmac_tokens_work_until_they_expire(client, stored):
    from django.core import signing
    from django.urls import reverse

    token = signing.dumps({"n": stored, "t": 60}, salt="sora_social.media", compress=True)

    assert client.get(reverse("media-signed", kwargs={"token": token})).status_code == 200


def test_media_urls_of_a_video_point_at_its_files(user, stored):
    video = VideoFactory(owner=user, file=stored)
    body = client_for(user).get(url(video)).data
    path = body["media"]["video_url"].replace("http://testserver", "")
    assert b"".join(client_for(user).get(path).streaming_content) == BLOB
