"""Escalating a case to senior review, and restricting a cameo to its owner.

An escalated case stays open and urgent, is decided by senior reviewers only,
and tells nobody outside review; a restricted cameo can be used by its owner
alone, and its owner cannot share it again.
"""

import pytest

from accounts.models import Notification
from cameos.models import Cameo
from cameos.selectors import cameo_usable_by
from moderation import review
from moderation.models import Action, Decision, Priority, ReviewCase
from moderation.roles import ensure_senior_group, ensure_trust_and_safety_group
from sora_social.errors import Conflict, Forbidden, Invalid
from tests.conftest import client_for
from tests.factories import CameoFactory, UserFactory, VideoFactory
from tests.moderation.test_case_targets import decisions_told_to, report
from videos.models import Video

pytestmark = pytest.mark.django_db


@pytest.fixture
def senior(db):
    user = UserFactory(is_staff=True)
    user.groups.add(ensure_trust_and_safety_group(), ensure_senior_group())
    return user


@pytest.fixture
def video_case():
    owner = UserFactory()
    video = VideoFactory(owner=owner, frame_hashes=[1, 2])
    return owner, video, report(UserFactory(), "video", video.pk, reason="sexual_minors")


def test_escalating_keeps_the_case_open_urgent_and_quiet(video_case, reviewer):
    owner, video, case = video_case

    decision = review.case_decide(case=case, reviewer=reviewer, action=Action.ESCALATE, reason="Possible minor.")

    case.refresh_from_db()
    assert case.status == "open" and case.escalated_at is not None and case.priority == Priority.URGENT
    assert decision.action == Action.ESCALATE and decision.reviewer == reviewer and decision.reason == "Possible minor."
    assert Video.objects.get(pk=video.pk).state == "published"  # nothing acted on yet
    assert decisions_told_to(owner) == [] and not Notification.objects.filter(recipient=owner).exists()


def test_only_a_senior_reviewer_decides_an_escalated_case(video_case, reviewer, senior):
    owner, video, case = video_case
    review.case_decide(case=case, reviewer=reviewer, action=Action.ESCALATE, reason="Possible minor.")

    with pytest.raises(Forbidden) as refused:
        review.case_decide(case=case, reviewer=reviewer, action=Action.REMOVE, reason="Removing.")
    assert refused.value.code == "senior_only"
    with pytest.raises(Conflict) as again:
        review.case_decide(case=case, reviewer=senior, action=Action.ESCALATE, reason="Again.")
    assert again.value.code == "already_escalated"

    review.case_decide(case=case, reviewer=senior, action=Action.REMOVE_STRIKE, reason="Confirmed.")

    case.refresh_from_db()
    assert case.status == "decided"
    assert Video.objects.get(pk=video.pk).state == "removed"
    assert len(decisions_told_to(owner)) == 1  # told once, of the final decision
    assert list(Decision.objects.filter(case=case).values_list("action", flat=True).order_by("created_at")) == [
        Action.ESCALATE,
        Action.REMOVE_STRIKE,
    ]


@pytest.mark.parametrize("target_type", ["video", "comment", "user", "cameo"])
def test_every_kind_of_case_can_be_escalated(target_type):
    case = ReviewCase(target_type=target_type, target_id="x", category="violence")
    assert Action.ESCALATE in review.case_actions(case)


def test_restricting_a_cameo_leaves_it_to_its_owner_alone(reviewer):
    owner, fan = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission="everyone")
    assert cameo_usable_by(user=fan, cameo=cameo)

    decision = review.case_decide(
        case=report(UserFactory(), "cameo", cameo.pk, reason="likeness"),
        reviewer=reviewer,
        action=Action.RESTRICT,
        reason="Used to harass.",
    )

    cameo = Cameo.objects.get(pk=cameo.pk)
    assert cameo.permission == "only_me" and cameo.restricted_at is not None and cameo.revoked_at is None
    assert not cameo_usable_by(user=fan, cameo=cameo) and cameo_usable_by(user=owner, cameo=cameo)
    assert decision.evidence == f"cameo {cameo.name!r} (was everyone)"
    assert len(decisions_told_to(owner)) == 1
    # the owner cannot open it again; keeping it to themselves is fine
    r = client_for(owner).patch(f"/api/v1/cameos/{cameo.pk}", {"permission": "everyone"}, format="json")
    assert r.status_code == 403 and r.data["error"] == "cameo_restricted"
    assert client_for(owner).patch(f"/api/v1/cameos/{cameo.pk}", {"name": "me"}, format="json").status_code == 200


def test_restrict_fits_cameo_cases_only(video_case, reviewer):
    _, _, case = video_case
    with pytest.raises(Invalid) as refused:
        review.case_decide(case=case, reviewer=reviewer, action=Action.RESTRICT, reason="No.")
    assert refused.value.code == "action_not_for_target"


def test_in_the_admin_escalating_moves_on_and_the_case_waits_for_a_senior(client, reviewer, senior, video_case):
    _, video, case = video_case
    later = report(UserFactory(), "video", VideoFactory().pk, reason="spam")
    client.force_login(reviewer)
    page = client.get(f"/admin/moderation/reviewcase/{case.pk}/change/").content.decode()
    assert 'name="_escalate"' in page and 'name="_restrict"' not in page

    r = client.post(f"/admin/moderation/reviewcase/{case.pk}/change/", {"_escalate": "1", "note": "Possible minor."})

    assert r.status_code == 302 and r["Location"].endswith(f"/admin/moderation/reviewcase/{later.pk}/change/")
    waiting = client.get(f"/admin/moderation/reviewcase/{case.pk}/change/").content.decode()
    assert 'id="case-senior-only"' in waiting and 'name="_remove"' not in waiting
    escalated = client.get("/admin/moderation/reviewcase/?escalated_at__isnull=False").content.decode()
    assert video.prompt in escalated

    client.force_login(senior)
    seen = client.get(f"/admin/moderation/reviewcase/{case.pk}/change/").content.decode()
    assert 'id="case-escalated"' in seen and 'name="_remove"' in seen and 'name="_escalate"' not in seen


def test_setup_reviewers_makes_seniors(db, capsys):
    from django.core.management import call_command

    user = UserFactory()
    call_command("setup_reviewers", user.username, "--senior")
    user.refresh_from_db()
    assert user.is_staff and user.has_perm("moderation.decide_escalated")
    assert user.has_perm("moderation.change_reviewcase")
