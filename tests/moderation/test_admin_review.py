"""The reviewers' admin: queue, case page with evidence, decision buttons, permissions."""

import pytest
from moderation.roles import ensure_trust_and_safety_group

from moderation.models import ReviewCase
from tests.conftest import client_for
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(db):
    user = UserFactory(is_staff=True)
    user.groups.add(ensure_trust_and_safety_group())
    return user


@pytest.fixture
def case(user, other):
    video = VideoFactory(owner=other, prompt="a knight duels a dragon")
    client_for(user).post("/api/v1/reports", {"target_type": "video", "target_id": str(video.pk),
                                              "reason": "violence", "details": "too gory"}, format="json")
    return ReviewCase.objects.get()


def test_the_queue_filters_by_category_and_priority(client, reviewer, case):
    client.force_login(reviewer)

    everything = client.get("/admin/moderation/reviewcase/", follow=True)
    violence = client.get("/admin/moderation/reviewcase/?category__exact=violence&priority__exact=1")
    hate = client.get("/admin/moderation/reviewcase/?category__exact=hate")

    assert everything.status_code == 200 and str(case.video_id) in everything.content.decode()
    assert str(case.video_id) in violence.content.decode()
    assert str(case.video_id) not in hate.content.decode()


def test_the_case_page_shows_the_evidence(client, reviewer, case):
    client.force_login(reviewer)
    page = client.get(f"/admin/moderation/reviewcase/{case.pk}/change/").content.decode()

    assert 'id="case-video"' in page and "/api/v1/media/" in page
    assert "a knight duels a dragon" in page and "too gory" in page
    assert 'name="_remove_strike"' in page


def test_a_button_decides_with_the_reviewers_reason(client, reviewer, case, user):
    client.force_login(reviewer)
    r = client.post(f"/admin/moderation/reviewcase/{case.pk}/change/", {"note": "Gore.", "_remove": "Remove"})

    case.refresh_from_db()
    assert r.status_code == 302 and case.status == "decided"
    decision = case.decisions.get()
    assert (decision.action, decision.reviewer, decision.reason) == ("remove", reviewer, "Gore.")
    assert client_for(user).get(f"/api/v1/videos/{case.video_id}").status_code == 404


def test_reviewers_cannot_delete_or_add(client, reviewer, case):
    client.force_login(reviewer)
    assert client.get("/admin/moderation/reviewcase/add/").status_code == 403
    assert client.get(f"/admin/moderation/reviewcase/{case.pk}/delete/").status_code == 403


def test_staff_outside_the_group_see_no_cases(client, case):
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/admin/moderation/reviewcase/").status_code == 403


def test_the_queue_opens_on_open_cases_urgent_first_and_a_decision_moves_to_the_next(client, reviewer, case):
    from tests.factories import TeenFactory

    reporter = UserFactory()
    normal = VideoFactory(prompt="an ordinary later case")
    urgent_owner = TeenFactory()
    urgent = VideoFactory(owner=urgent_owner, prompt="an urgent later case")
    for video in (normal, urgent):
        client_for(reporter).post("/api/v1/reports", {"target_type": "video", "target_id": str(video.pk),
                                                      "reason": "hate"}, format="json")
    client.force_login(reviewer)

    first = client.get("/admin/moderation/reviewcase/")
    assert first.status_code == 302 and first["Location"].endswith("?status__exact=open")

    decided = client.post(f"/admin/moderation/reviewcase/{case.pk}/change/", {"note": "Gore.", "_remove": "1"})
    urgent_case = ReviewCase.objects.get(target_id=str(urgent.pk))
    assert decided["Location"] == f"/admin/moderation/reviewcase/{urgent_case.pk}/change/"

    listed = client.get("/admin/moderation/reviewcase/?status__exact=open").content.decode()
    assert str(case.pk) not in listed
    everything = client.get("/admin/moderation/reviewcase/?o=").content.decode()
    order = [everything.index(str(c.target_id)) for c in
             (urgent_case, ReviewCase.objects.get(target_id=str(normal.pk)), case)]
    assert order == sorted(order), "open urgent, then open normal, then decided"
