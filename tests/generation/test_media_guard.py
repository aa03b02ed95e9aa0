"""A media URL stops serving the moment its video may no longer be shown to the viewer it was issued to."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cameos.models import Appearance, Cameo
from moderation import review
from moderation.models import Action, ReviewCase
from moderation.roles import ensure_trust_and_safety_group
from sora_social.media import signed_url
from tests.conftest import client_for
from tests.factories import CameoFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

MP4 = b"\x00\x00\x00\x18ftypmp42" + bytes(2000)


@pytest.fixture
def video():
    owner = UserFactory()
    name = default_storage.save("videos/guarded.mp4", ContentFile(MP4))
    return VideoFactory(owner=owner, file=name, thumbnail=name, published_at="2026-01-01T00:00:00Z")


def media_of(viewer, video) -> dict:
    r = client_for(viewer).get(f"/api/v1/videos/{video.pk}")
    assert r.status_code == 200, r.content
    return r.data["media"]


def fetch(client, link):
    return client.get(link)


def test_a_viewers_url_serves_while_the_video_is_visible(client, video):
    media = media_of(UserFactory(), video)
    assert fetch(client, media["video_url"]).status_code == 200
    assert fetch(client, media["thumbnail_url"]).status_code == 200


def test_removed_by_its_owner_stops_serving_at_once(client, video):
    media = media_of(UserFactory(), video)
    assert client_for(video.owner).delete(f"/api/v1/videos/{video.pk}").status_code in (200, 204)

    r = fetch(client, media["video_url"])
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    assert fetch(client, media["thumbnail_url"]).status_code == 404


def test_turned_private_stops_serving_to_others_but_not_the_owner(client, video):
    stranger_media, owner_media = media_of(UserFactory(), video), media_of(video.owner, video)
    r = client_for(video.owner).patch(f"/api/v1/videos/{video.pk}", {"visibility": "private"}, format="json")
    assert r.status_code == 200

    assert fetch(client, stranger_media["video_url"]).status_code == 404
    assert fetch(client, owner_media["video_url"]).status_code == 200


def test_a_suspended_owners_video_stops_serving(client, video):
    media = media_of(UserFactory(), video)
    type(video.owner).objects.filter(pk=video.owner.pk).update(is_active=False)
    assert fetch(client, media["video_url"]).status_code == 404


def test_a_suspended_viewers_urls_stop_serving(client, video):
    viewer = UserFactory()
    media = media_of(viewer, video)
    type(viewer).objects.filter(pk=viewer.pk).update(is_active=False)
    assert fetch(client, media["video_url"]).status_code == 404


def test_a_block_stops_serving_to_the_blocked(client, video):
    viewer = UserFactory()
    media = media_of(viewer, video)
    assert client_for(video.owner).post(f"/api/v1/users/{viewer.username}/block").status_code in (200, 201)
    assert fetch(client, media["video_url"]).status_code == 404


def test_a_draft_stops_serving_when_its_cameo_is_revoked(client):
    creator, cameo_owner = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=cameo_owner, permission="everyone")
    name = default_storage.save("videos/draft.mp4", ContentFile(MP4))
    draft = VideoFactory(owner=creator, file=name, state="draft", published_at=None)
    Appearance.objects.create(cameo=cameo, video=draft)
    media = media_of(creator, draft)
    assert fetch(client, media["video_url"]).status_code == 200

    assert client_for(cameo_owner).delete(f"/api/v1/cameos/{cameo.pk}").status_code in (200, 204)

    assert fetch(client, media["video_url"]).status_code == 404


def test_a_revoked_cameos_preview_stops_serving(client):
    owner = UserFactory()
    cameo = CameoFactory(owner=owner)
    preview = next(c for c in client_for(owner).get("/api/v1/cameos/mine").data["results"] if c["id"] == str(cameo.pk))[
        "preview_url"
    ]
    assert fetch(client, preview).status_code == 200

    client_for(owner).delete(f"/api/v1/cameos/{cameo.pk}")

    assert Cameo.objects.get(pk=cameo.pk).revoked_at is not None
    assert fetch(client, preview).status_code == 404


def test_a_reviewer_still_plays_a_removed_video_in_the_admin_and_a_stranger_does_not(client, video):
    reviewer = UserFactory(is_staff=True)
    reviewer.groups.add(ensure_trust_and_safety_group())
    stranger_media = media_of(UserFactory(), video)
    client_for(UserFactory()).post(
        "/api/v1/reports", {"target_type": "video", "target_id": str(video.pk), "reason": "violence"}, format="json"
    )
    case = ReviewCase.objects.get()
    review.case_decide(case=case, reviewer=reviewer, action=Action.REMOVE, reason="Gore.")

    client.force_login(reviewer)
    page = client.get(f"/admin/moderation/reviewcase/{case.pk}/change/").content.decode()
    link = page.split('id="case-video" src="', 1)[1].split('"', 1)[0].replace("&amp;", "&")

    assert fetch(client, link).status_code == 200
    assert fetch(client, stranger_media["video_url"]).status_code == 404
    reviewer.groups.clear()
    type(reviewer).objects.filter(pk=reviewer.pk).update(is_staff=False)
    assert fetch(client, link).status_code == 404


def test_a_guard_nobody_registered_refuses(client, video):
    link = signed_url(video.file, guard=("no-such-kind", video.pk), viewer=video.owner)
    assert fetch(client, link).status_code == 404


def test_the_recheck_costs_a_few_queries(client, video):
    link = media_of(UserFactory(), video)["video_url"]
    with CaptureQueriesContext(connection) as queries:
        assert fetch(client, link).status_code == 200
    assert len(queries) <= 2, [q["sql"] for q in queries]
