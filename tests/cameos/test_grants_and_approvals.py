"""Control beyond a yes/no permission: grants scoped to face or voice that can expire,
and videos that wait for the cameo owner's approval before they are published."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cameos.models import Appearance, ApprovalState, CameoApproval, Refusal
from cameos.services import appearances_record
from tests.conftest import client_for
from tests.factories import CameoFactory, UserFactory, VideoFactory
from videos.models import Video

pytestmark = pytest.mark.django_db

PROMPT = "@ana waving on the beach"


def generate(client, cameo, **body):
    return client.post(
        "/api/v1/generations", {"prompt": PROMPT, "cameos": [str(cameo.pk)], "duration_s": 2, **body}, format="json"
    )


def grant(owner, cameo, user, **body):
    return client_for(owner).post(f"/api/v1/cameos/{cameo.pk}/approvals/{user.username}", body, format="json")


@pytest.fixture
def ana_bo():
    ana, bo = UserFactory(username="ana"), UserFactory(username="bob")
    return ana, bo, CameoFactory(owner=ana, permission="approved")


# ---------------------------------------------------------------- grants


def test_a_face_grant_in_force_lets_the_person_generate(ana_bo):
    ana, bo, cameo = ana_bo
    assert (
        grant(ana, cameo, bo, scope="face", expires_at=(timezone.now() + timedelta(days=1)).isoformat()).status_code
        == 204
    )

    assert generate(client_for(bo), cameo).status_code == 202


def test_an_expired_grant_is_refused_saying_it_expired_and_logged(ana_bo):
    ana, bo, cameo = ana_bo
    grant(ana, cameo, bo, expires_at=(timezone.now() + timedelta(hours=1)).isoformat())
    CameoApproval.objects.filter(cameo=cameo, user=bo).update(expires_at=timezone.now() - timedelta(minutes=1))

    r = generate(client_for(bo), cameo)

    assert r.status_code == 403 and r.data["error"] == "cameo_not_permitted"
    assert r.data["reason"] == "grant_expired" and "expired" in r.data["detail"]
    assert Refusal.objects.get(cameo=cameo, user=bo).rule == "grant_expired"
    available = client_for(bo).get("/api/v1/cameos/available").data["results"]
    assert str(cameo.pk) not in [c["id"] for c in available]


def test_a_voice_only_grant_does_not_cover_a_video_of_the_face(ana_bo):
    ana, bo, cameo = ana_bo
    grant(ana, cameo, bo, scope="voice")

    r = generate(client_for(bo), cameo)

    assert r.status_code == 403 and r.data["reason"] == "grant_scope"
    assert "voice only" in r.data["detail"] and "face" in r.data["detail"]
    assert Refusal.objects.get(cameo=cameo, user=bo).rule == "grant_scope"


def test_granting_again_replaces_scope_and_expiry(ana_bo):
    ana, bo, cameo = ana_bo
    grant(ana, cameo, bo, scope="voice")
    grant(ana, cameo, bo, scope="both")

    assert CameoApproval.objects.get(cameo=cameo, user=bo).scope == "both"
    assert generate(client_for(bo), cameo).status_code == 202


@pytest.mark.parametrize(
    "body", [{"scope": "hands"}, {"expires_at": "yesterday"}, {"expires_at": "2001-01-01T00:00:00Z"}]
)
def test_a_bad_grant_is_400_and_changes_nothing(ana_bo, body):
    ana, bo, cameo = ana_bo

    r = grant(ana, cameo, bo, **body)

    assert r.status_code == 400
    assert not CameoApproval.objects.exists()


def test_someone_without_a_grant_is_not_told_about_grants(ana_bo):
    _, _, cameo = ana_bo

    r = generate(client_for(UserFactory()), cameo)

    assert r.status_code == 403 and "reason" not in r.data


# ---------------------------------------------------------------- approve before publish


@pytest.fixture
def waiting(ana_bo):
    """bo's draft with ana's cameo, which ana asked to approve before it is published."""
    ana, bo, cameo = ana_bo
    assert (
        client_for(ana)
        .patch(f"/api/v1/cameos/{cameo.pk}", {"approve_before_publish": True}, format="json")
        .data["approve_before_publish"]
    )
    cameo.refresh_from_db()
    video = VideoFactory(owner=bo, state="draft")
    appearances_record(video=video, cameo_ids=[str(cameo.pk)])
    return ana, bo, cameo, video


def decide(owner, cameo, video, decision, message=""):
    return client_for(owner).post(
        f"/api/v1/cameos/{cameo.pk}/appearances/{video.pk}/decision",
        {"decision": decision, "message": message},
        format="json",
    )


def test_a_video_waits_in_the_owners_queue_and_cannot_be_published_yet(waiting):
    ana, bo, cameo, video = waiting

    queue = client_for(ana).get("/api/v1/cameos/approvals").data["results"]
    publish = client_for(bo).post(f"/api/v1/videos/{video.pk}/publish", {}, format="json")

    assert [(q["cameo"], q["video"]["id"], q["approval"]) for q in queue] == [(str(cameo.pk), str(video.pk), "pending")]
    kinds = [n["kind"] for n in client_for(ana).get("/api/v1/notifications").data["results"]]
    assert "cameo_approval_requested" in kinds
    assert publish.status_code == 409 and publish.data["error"] == "awaiting_approval"
    assert publish.data["cameos"] == [str(cameo.pk)]
    assert Video.objects.get(pk=video.pk).state == "draft"
    # the owner can watch the draft they are asked about
    assert client_for(ana).get(f"/api/v1/videos/{video.pk}").status_code == 200


def test_approved_the_creator_is_told_and_may_publish(waiting):
    ana, bo, cameo, video = waiting

    r = decide(ana, cameo, video, "approve", "looks great")
    publish = client_for(bo).post(f"/api/v1/videos/{video.pk}/publish", {}, format="json")

    assert r.status_code == 200 and r.data["approval"] == "approved" and r.data["decided_at"]
    told = [n for n in client_for(bo).get("/api/v1/notifications").data["results"] if n["kind"] == "cameo_approved"]
    assert told and told[0]["data"]["message"] == "looks great"
    assert publish.status_code == 200 and publish.data["state"] == "published"
    assert client_for(ana).get("/api/v1/cameos/approvals").data["results"] == []


def test_declined_it_can_be_neither_published_nor_remixed(waiting):
    ana, bo, cameo, video = waiting

    r = decide(ana, cameo, video, "decline", "not this one")
    publish = client_for(bo).post(f"/api/v1/videos/{video.pk}/publish", {}, format="json")
    remix = client_for(bo).post(
        "/api/v1/generations", {"prompt": "make it blue", "remix_of": str(video.pk)}, format="json"
    )
    again = decide(ana, cameo, video, "approve")

    assert r.status_code == 200 and r.data["approval"] == "declined"
    told = [n for n in client_for(bo).get("/api/v1/notifications").data["results"] if n["kind"] == "cameo_declined"]
    assert told and told[0]["data"]["message"] == "not this one"
    assert publish.status_code == 409 and publish.data["error"] == "approval_declined"
    assert remix.status_code == 409 and remix.data["error"] == "approval_declined"
    assert again.status_code == 409 and again.data["error"] == "not_pending"
    assert Video.objects.get(pk=video.pk).state == "draft"


def test_only_the_cameos_owner_decides(waiting):
    _, bo, cameo, video = waiting

    assert decide(bo, cameo, video, "approve").status_code == 404
    assert decide(UserFactory(), cameo, video, "approve").status_code == 404
    assert Appearance.objects.get(cameo=cameo, video=video).approval == ApprovalState.PENDING


@pytest.mark.parametrize("body", [{}, {"decision": "maybe"}, {"decision": "approve", "message": "x" * 501}])
def test_a_malformed_decision_is_400(waiting, body):
    ana, _, cameo, video = waiting

    r = client_for(ana).post(f"/api/v1/cameos/{cameo.pk}/appearances/{video.pk}/decision", body, format="json")

    assert r.status_code == 400
    assert Appearance.objects.get(cameo=cameo, video=video).approval == ApprovalState.PENDING


def test_the_owners_own_videos_and_cameos_without_the_option_need_no_approval(ana_bo):
    ana, bo, cameo = ana_bo
    cameo.approve_before_publish = True
    cameo.save()
    own = VideoFactory(owner=ana, state="draft")
    appearances_record(video=own, cameo_ids=[str(cameo.pk)])
    other = CameoFactory(owner=UserFactory(), permission="everyone")
    by_bo = VideoFactory(owner=bo, state="draft")
    appearances_record(video=by_bo, cameo_ids=[str(other.pk)])

    assert client_for(ana).post(f"/api/v1/videos/{own.pk}/publish", {}, format="json").status_code == 200
    assert client_for(bo).post(f"/api/v1/videos/{by_bo.pk}/publish", {}, format="json").status_code == 200


def test_through_a_real_render_the_video_waits_then_publishes(
    ana_bo, eager, fast_render, django_capture_on_commit_callbacks
):
    ana, bo, cameo = ana_bo
    cameo.permission, cameo.approve_before_publish = "everyone", True
    cameo.save()

    with django_capture_on_commit_callbacks(execute=True):
        r = generate(client_for(bo), cameo)
    job = client_for(bo).get(f"/api/v1/generations/{r.data['id']}").data
    assert job["status"] == "succeeded", job
    video = Video.objects.get(pk=job["video"])

    assert client_for(bo).post(f"/api/v1/videos/{video.pk}/publish", {}, format="json").status_code == 409
    assert decide(ana, cameo, video, "approve").status_code == 200
    assert client_for(bo).post(f"/api/v1/videos/{video.pk}/publish", {}, format="json").status_code == 200
