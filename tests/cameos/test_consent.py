"""Who may use a cameo, and what its owner controls: permissions, approvals, restrictions,
appearances, revocation."""

import pytest

from accounts.models import Block, Follow
from cameos.models import Appearance
from cameos.selectors import cameo_usable_by
from tests.conftest import client_for
from tests.factories import CameoFactory, TeenFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def befriend(a, b):
    Follow.objects.create(follower=a, followee=b)
    Follow.objects.create(follower=b, followee=a)


@pytest.mark.parametrize(
    "permission, relation, usable",
    [
        ("only_me", "mutuals", False),
        ("only_me", "approved", False),
        ("approved", None, False),
        ("approved", "mutuals", False),
        ("approved", "approved", True),
        ("mutuals", None, False),
        ("mutuals", "follows", False),
        ("mutuals", "mutuals", True),
        ("mutuals", "approved", True),
        ("everyone", None, True),
        ("everyone", "blocked", False),
        ("everyone", "blocked_by", False),
        ("approved", "approved+blocked", False),
    ],
)
def test_consent_rules(user, other, permission, relation, usable):
    cameo = CameoFactory(owner=other, permission=permission)
    if relation == "mutuals":
        befriend(user, other)
    elif relation == "follows":
        Follow.objects.create(follower=user, followee=other)
    elif relation and relation.startswith("approved"):
        cameo.approvals.create(user=user)
    if relation in ("blocked", "approved+blocked"):
        Block.objects.create(blocker=other, blocked=user)
    elif relation == "blocked_by":
        Block.objects.create(blocker=user, blocked=other)

    listed = [c["id"] for c in client_for(user).get("/api/v1/cameos/available").data["results"]]

    assert cameo_usable_by(user=user, cameo=cameo) is usable
    assert (str(cameo.pk) in listed) is usable


def test_owner_always_may_and_revoked_nobody_may(user):
    cameo = CameoFactory(owner=user, permission="only_me")
    assert cameo_usable_by(user=user, cameo=cameo)

    assert client_for(user).delete(f"/api/v1/cameos/{cameo.pk}").status_code == 204
    cameo.refresh_from_db()
    assert not cameo_usable_by(user=user, cameo=cameo)
    assert client_for(user).get("/api/v1/cameos/mine").data["results"] == []


def test_owner_sets_permission_approves_and_unapproves(user, other):
    cameo = CameoFactory(owner=user)
    client = client_for(user)

    patched = client.patch(
        f"/api/v1/cameos/{cameo.pk}", {"permission": "approved", "restrictions": "never in horror"}, format="json"
    )
    approved = client.post(f"/api/v1/cameos/{cameo.pk}/approvals/{other.username}")
    usable_then = cameo_usable_by(user=other, cameo=cameo)
    unapproved = client.delete(f"/api/v1/cameos/{cameo.pk}/approvals/{other.username}")

    assert patched.status_code == 200 and patched.data["permission"] == "approved"
    assert patched.data["restrictions"] == "never in horror"
    assert approved.status_code == unapproved.status_code == 204
    assert usable_then and not cameo_usable_by(user=other, cameo=cameo)


def test_someone_elses_cameo_cannot_be_changed(user, other):
    cameo = CameoFactory(owner=other, permission="everyone")
    client = client_for(user)

    assert client.patch(f"/api/v1/cameos/{cameo.pk}", {"permission": "only_me"}, format="json").status_code == 404
    assert client.delete(f"/api/v1/cameos/{cameo.pk}").status_code == 404
    assert client.post(f"/api/v1/cameos/{cameo.pk}/approvals/{user.username}").status_code == 404
    assert client.get(f"/api/v1/cameos/{cameo.pk}/appearances").status_code == 404


@pytest.mark.parametrize(
    "body, field",
    [
        ({"permission": "friends"}, "permission"),
        ({"name": ""}, "name"),
        ({"restrictions": "x" * 1001}, "restrictions"),
        ({"name": 3}, "name"),
    ],
)
def test_bad_cameo_patch_is_400(user, body, field):
    cameo = CameoFactory(owner=user)
    r = client_for(user).patch(f"/api/v1/cameos/{cameo.pk}", body, format="json")
    assert r.status_code == 400 and field in r.data["fields"]


def test_approving_yourself_is_400(user):
    cameo = CameoFactory(owner=user)
    r = client_for(user).post(f"/api/v1/cameos/{cameo.pk}/approvals/{user.username}")
    assert r.status_code == 400 and r.data["error"] == "cannot_approve_self"


def test_teen_cameo_is_at_most_mutuals(db):
    teen = TeenFactory()
    cameo = CameoFactory(owner=teen)

    r = client_for(teen).patch(f"/api/v1/cameos/{cameo.pk}", {"permission": "everyone"}, format="json")
    ok = client_for(teen).patch(f"/api/v1/cameos/{cameo.pk}", {"permission": "mutuals"}, format="json")

    assert r.status_code == 403 and r.data["error"] == "teen_restricted"
    assert ok.status_code == 200


def test_appearances_list_other_peoples_drafts_to_the_owner_only(user, other):
    cameo = CameoFactory(owner=user, permission="everyone")
    draft = VideoFactory(owner=other, state="draft")
    Appearance.objects.create(cameo=cameo, video=draft)

    mine = client_for(user).get(f"/api/v1/cameos/{cameo.pk}/appearances")
    draft_seen_by_cameo_owner = client_for(user).get(f"/api/v1/videos/{draft.pk}")
    stranger = client_for(UserFactory()).get(f"/api/v1/videos/{draft.pk}")

    assert [a["video"]["id"] for a in mine.data["results"]] == [str(draft.pk)]
    assert draft_seen_by_cameo_owner.status_code == 200
    assert stranger.status_code == 404


def test_owner_takes_a_video_down(user, other):
    cameo = CameoFactory(owner=user, permission="everyone")
    video = VideoFactory(owner=other)
    Appearance.objects.create(cameo=cameo, video=video)

    r = client_for(user).delete(f"/api/v1/cameos/{cameo.pk}/appearances/{video.pk}")

    assert r.status_code == 204
    video.refresh_from_db()
    assert video.state == "removed"
    assert client_for(other).get(f"/api/v1/videos/{video.pk}").status_code == 404
    assert client_for(user).get(f"/api/v1/cameos/{cameo.pk}/appearances").data["results"] == []


def test_take_down_of_a_video_without_the_cameo_is_404(user, other):
    cameo = CameoFactory(owner=user)
    video = VideoFactory(owner=other)
    assert client_for(user).delete(f"/api/v1/cameos/{cameo.pk}/appearances/{video.pk}").status_code == 404


def test_revoking_stops_serving_drafts_that_use_it(user, other):
    cameo = CameoFactory(owner=user, permission="everyone")
    draft = VideoFactory(owner=other, state="draft")
    published = VideoFactory(owner=other, state="published")
    for video in (draft, published):
        Appearance.objects.create(cameo=cameo, video=video)

    client_for(user).delete(f"/api/v1/cameos/{cameo.pk}")

    assert client_for(other).get(f"/api/v1/videos/{draft.pk}").status_code == 404
    assert client_for(other).get(f"/api/v1/videos/{published.pk}").status_code == 200


def test_generation_with_a_cameo_you_may_not_use_is_403(user, other):
    cameo = CameoFactory(owner=other, permission="approved")
    r = client_for(user).post(
        "/api/v1/generations", {"prompt": "me and my friend on a beach", "cameos": [str(cameo.pk)]}, format="json"
    )
    assert r.status_code == 403 and r.data["error"] == "cameo_not_permitted" and r.data["cameo"] == str(cameo.pk)


def test_generation_against_a_restriction_is_422_quoting_the_rule(user, other):
    cameo = CameoFactory(owner=other, permission="everyone", restrictions="Never in horror movies.")
    r = client_for(user).post(
        "/api/v1/generations",
        {"prompt": "a terrifying zombie horror film scene", "cameos": [str(cameo.pk)]},
        format="json",
    )
    assert r.status_code == 422 and r.data["error"] == "cameo_restriction"
    assert r.data["cameo"] == str(cameo.pk) and "horror" in r.data["rule"]
