"""Reports, review cases, decisions, strikes, appeals, and matching removed videos."""

import numpy as np
import pytest

from cameos.models import Appearance
from moderation import phash, review
from moderation.models import Action, Appeal, RemovedHash, ReviewCase, Strike
from tests.conftest import client_for
from tests.factories import CameoFactory, TeenFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


def report(user, target_type, target_id, reason="harassment"):
    return client_for(user).post(
        "/api/v1/reports", {"target_type": target_type, "target_id": str(target_id), "reason": reason}, format="json"
    )


def test_reports_about_one_video_share_one_case(user, other):
    video = VideoFactory(owner=other)

    first = report(user, "video", video.pk)
    second = report(UserFactory(), "video", video.pk, reason="hate")

    assert first.status_code == second.status_code == 201
    case = ReviewCase.objects.get()
    assert case.reports.count() == 2 and case.subject == other and case.priority == 1


def test_a_cameo_owners_report_goes_to_the_front(user, other):
    video = VideoFactory(owner=other)
    Appearance.objects.create(cameo=CameoFactory(owner=user, permission="everyone"), video=video)
    report(UserFactory(), "video", VideoFactory().pk)

    report(user, "video", video.pk, reason="likeness")

    queue = list(ReviewCase.objects.order_by("priority", "created_at"))
    assert queue[0].video == video and queue[0].priority == 0


def test_a_report_about_a_teen_goes_to_the_front(user):
    teen = TeenFactory()
    assert report(user, "user", teen.username).status_code == 201
    assert ReviewCase.objects.get().priority == 0


@pytest.mark.parametrize(
    "body, field",
    [
        ({"target_type": "planet", "target_id": "x", "reason": "hate"}, "target_type"),
        ({"target_type": "video", "target_id": "x", "reason": "boring"}, "reason"),
        ({"target_type": "video", "reason": "hate"}, "target_id"),
    ],
)
def test_bad_reports_are_400(user, body, field):
    r = client_for(user).post("/api/v1/reports", body, format="json")
    assert r.status_code == 400 and field in r.data["fields"]


def test_reporting_what_you_cannot_see_is_404(user, other):
    private = VideoFactory(owner=other, visibility="private")
    assert report(user, "video", private.pk).status_code == 404
    assert report(user, "cameo", CameoFactory(owner=other).pk).status_code == 404
    assert report(user, "user", "nobody_here").status_code == 404
    assert report(user, "comment", "0").status_code == 404
    assert not ReviewCase.objects.exists()


def test_remove_decision_hides_the_video_and_tells_its_owner(user, other, reviewer):
    video = VideoFactory(owner=other, frame_hashes=[1, 2, 3])
    report(user, "video", video.pk)

    decision = review.case_decide(
        case=ReviewCase.objects.get(), reviewer=reviewer, action=Action.REMOVE, reason="Graphic violence."
    )

    assert client_for(user).get(f"/api/v1/videos/{video.pk}").status_code == 404
    notes = client_for(other).get("/api/v1/notifications").data["results"]
    assert notes[0]["kind"] == "moderation_decision" and notes[0]["data"]["reason"] == "Graphic violence."
    assert decision.reviewer == reviewer and RemovedHash.objects.filter(video=video).count() == 3


def test_a_decision_needs_a_reason_and_happens_once(user, other, reviewer):
    from sora_social.errors import Conflict, Invalid

    report(user, "video", VideoFactory(owner=other).pk)
    case = ReviewCase.objects.get()
    with pytest.raises(Invalid):
        review.case_decide(case=case, reviewer=reviewer, action=Action.DISMISS, reason="  ")
    review.case_decide(case=case, reviewer=reviewer, action=Action.DISMISS, reason="Fine.")
    with pytest.raises(Conflict):
        review.case_decide(case=case, reviewer=reviewer, action=Action.REMOVE, reason="Changed my mind.")


def test_three_strikes_suspend(user, other, reviewer):
    for _ in range(3):
        report(user, "video", VideoFactory(owner=other).pk)
        case = ReviewCase.objects.filter(status="open").get()
        review.case_decide(case=case, reviewer=reviewer, action=Action.REMOVE_STRIKE, reason="Hate.")
        other.refresh_from_db()

    assert Strike.objects.filter(user=other).count() == 3
    assert other.is_active is False


def test_an_appeal_goes_to_another_reviewer_and_restores(user, other, reviewer):
    from sora_social.errors import Forbidden

    video = VideoFactory(owner=other, published_at="2026-01-01T00:00:00Z")
    report(user, "video", video.pk)
    review.case_decide(
        case=ReviewCase.objects.get(), reviewer=reviewer, action=Action.REMOVE_STRIKE, reason="Looked like harassment."
    )

    filed = client_for(other).post(
        "/api/v1/appeals", {"video_id": str(video.pk), "text": "It is satire."}, format="json"
    )
    again = client_for(other).post("/api/v1/appeals", {"video_id": str(video.pk), "text": "Please."}, format="json")
    appeal = Appeal.objects.get()
    with pytest.raises(Forbidden):
        review.appeal_decide(appeal=appeal, reviewer=reviewer, uphold=True, reason="mine")
    second = UserFactory(is_staff=True)
    review.appeal_decide(appeal=appeal, reviewer=second, uphold=True, reason="Satire, not harassment.")

    assert filed.status_code == 201 and again.status_code == 409
    assert client_for(user).get(f"/api/v1/videos/{video.pk}").status_code == 200
    assert Strike.objects.get().revoked_at is not None
    assert not RemovedHash.objects.exists()


def test_only_the_owner_of_a_removed_video_appeals(user, other):
    video = VideoFactory(owner=other)
    r = client_for(user).post("/api/v1/appeals", {"video_id": str(video.pk), "text": "why"}, format="json")
    assert r.status_code == 404 and r.data["error"] == "nothing_to_appeal"


# --- perceptual hashes ---------------------------------------------------------


def moving_square(seed: int, n: int = 48) -> np.ndarray:
    """A square gliding over a smooth random backdrop (a flat one hashes to nothing useful)."""
    from PIL import Image

    rng = np.random.default_rng(seed)
    coarse = rng.integers(0, 255, (6, 6, 3), dtype=np.uint8)
    backdrop = np.asarray(Image.fromarray(coarse).resize((128, 128), Image.BICUBIC))
    frames = np.repeat(backdrop[None], n, axis=0).copy()
    colour, y = rng.integers(0, 255, 3), int(rng.integers(10, 80))
    for i in range(n):
        x = int(rng.integers(0, 10)) + i
        frames[i, y : y + 30, x : x + 30] = colour
    return frames


def test_hashes_survive_noise_and_tell_different_clips_apart():
    clip = moving_square(1)
    noisy = np.clip(clip.astype(int) + np.random.default_rng(9).integers(-6, 7, clip.shape), 0, 255).astype(np.uint8)
    others = [moving_square(s) for s in range(2, 8)]

    same = phash.distance(phash.frame_hashes(clip), phash.frame_hashes(noisy))
    different = [phash.distance(phash.frame_hashes(clip), phash.frame_hashes(o)) for o in others]

    assert same <= 3 < phash.MATCH_DISTANCE
    assert min(different) > phash.MATCH_DISTANCE


@pytest.mark.django_db(transaction=True)
def test_a_render_matching_a_removed_video_is_blocked(eager, fast_render):
    owner, reviewer_user = UserFactory(), UserFactory(is_staff=True)
    client = client_for(owner)
    body = {"prompt": "an orange cube sliding left at night", "duration_s": 2, "seed": 5}
    first = client.get(f"/api/v1/generations/{client.post('/api/v1/generations', body, format='json').data['id']}")
    video = first.data["video"]
    client.post(f"/api/v1/videos/{video}/publish", {}, format="json")
    report(UserFactory(), "video", video, reason="violence")
    review.case_decide(case=ReviewCase.objects.get(), reviewer=reviewer_user, action=Action.REMOVE, reason="No.")

    again = client.post("/api/v1/generations", body, format="json")
    job = client.get(f"/api/v1/generations/{again.data['id']}").data

    assert job["status"] == "blocked" and "removed" in job["error"] and job["video"] is None


@pytest.mark.parametrize(
    "text",
    ["I will kill you and your whole family tonight", "i'm gonna stab you", "go kill yourself", "you're going to die"],
)
def test_direct_threats_are_blocked_as_harassment(text):
    from moderation.services import prompt_verdict

    verdict = prompt_verdict(text=text)
    assert not verdict.allowed and "harassment" in verdict.categories


@pytest.mark.parametrize(
    "text", ["a detective says I will find you", "a kid shouts I'm going to win", "a cat that will steal your heart"]
)
def test_ordinary_future_tense_is_not_a_threat(text):
    from moderation.services import prompt_verdict

    # Not a threat; the current head does block the cat under `violence`
    # ("steal", 0.25 against 0.21), one of its false blocks on benign prompts.
    assert "harassment" not in prompt_verdict(text=text).categories
