"""The reviewers' admin: queue, case page with evidence, decision buttons, permissions."""

import pytest

from moderation.models import ReviewCase
from moderation.roles import ensure_trust_and_safety_group
from tests.conftest import client_for
from tests.factories import UserFactory, VideoFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(user, other):
    video = VideoFactory(owner=other, prompt="a knight duels a dragon")
    client_for(user).post(
        "/api/v1/reports",
        {"target_type": "video", "target_id": str(video.pk), "reason": "violence", "details": "too gory"},
        format="json",
    )
    return ReviewCase.objects.get()


def test_the_queue_filters_by_category_and_priority(client, reviewer, case):
    client.force_login(reviewer)

    everything = client.get("/admin/moderation/reviewcase/", follow=True)
    violence = client.get("/admin/moderation/reviewcase/?category__exact=violence&priority__exact=1")
    hate = client.get("/admin/moderation/reviewcase/?category__exact=hate")

    assert everything.status_code == 200 and "a knight duels a dragon" in everything.content.decode()
    assert "a knight duels a dragon" in violence.content.decode()
    assert "a knight duels a dragon" not in hate.content.decode()


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
        client_for(reporter).post(
            "/api/v1/reports", {"target_type": "video", "target_id": str(video.pk), "reason": "hate"}, format="json"
        )
    client.force_login(reviewer)

    first = client.get("/admin/moderation/reviewcase/")
    assert first.status_code == 302 and first["Location"].endswith("?status__exact=open")

    decided = client.post(f"/admin/moderation/reviewcase/{case.pk}/change/", {"note": "Gore.", "_remove": "1"})
    urgent_case = ReviewCase.objects.get(target_id=str(urgent.pk))
    assert decided["Location"] == f"/admin/moderation/reviewcase/{urgent_case.pk}/change/"

    listed = client.get("/admin/moderation/reviewcase/?status__exact=open").content.decode()
    assert "a knight duels a dragon" not in listed and "an urgent later case" in listed
    everything = client.get("/admin/moderation/reviewcase/?o=").content.decode()
    order = [
        everything.index(prompt)
        for prompt in ("an urgent later case", "an ordinary later case", "a knight duels a dragon")
    ]
    assert order == sorted(order), "open urgent, then open normal, then decided"


def test_the_case_page_has_what_a_reviewer_needs_and_no_account_credentials(client, reviewer, case, user):
    client.force_login(reviewer)
    page = client.get(f"/admin/moderation/reviewcase/{case.pk}/change/").content.decode()

    assert 'id="case-provenance"' in page and "seed" in page
    assert 'id="case-scores"' in page and "violence" in page
    assert 'id="case-reporters"' in page and f"{user.username}: 1 report(s), 0 upheld" in page
    # the panel is above the record, irreversible buttons ask first
    assert page.index('id="decision-panel"') < page.index('id="evidence"')
    assert 'name="_remove"' in page and 'data-confirm="This takes it down' in page
    assert 'name="_dismiss" value="Dismiss">' in page  # dismissing asks nothing
    # the subject is text, not a door into the account record
    assert f"/admin/accounts/user/{case.subject_id}/" not in page


def test_a_reviewer_viewing_an_account_sees_no_password_or_reset(client, reviewer, case):
    client.force_login(reviewer)
    page = client.get(f"/admin/accounts/user/{case.subject_id}/change/").content.decode()
    assert page.count(case.subject.username) >= 1
    assert 'name="password"' not in page and "Reset password" not in page and "algorithm" not in page
    assert "md5" not in page.lower() and "/password/" not in page.replace("/admin/password_change/", "")


def test_a_decided_case_shows_the_decision_instead_of_a_form(client, reviewer, case):
    client.force_login(reviewer)
    client.post(f"/admin/moderation/reviewcase/{case.pk}/change/", {"note": "Gore.", "_remove": "1"})
    page = client.get(f"/admin/moderation/reviewcase/{case.pk}/change/").content.decode()
    assert 'id="case-decided"' in page and "Gore." in page and reviewer.username in page
    assert 'name="note"' not in page and 'name="_remove"' not in page


def test_a_user_case_shows_the_accounts_recent_content(client, reviewer, user, other):
    VideoFactory(owner=other, prompt="a very recent upload")
    client_for(user).post(
        "/api/v1/reports", {"target_type": "user", "target_id": other.username, "reason": "spam"}, format="json"
    )
    case = ReviewCase.objects.get(target_type="user")
    client.force_login(reviewer)
    page = client.get(f"/admin/moderation/reviewcase/{case.pk}/change/").content.decode()
    assert 'id="case-recent"' in page and "a very recent upload" in page
    assert 'name="_remove"' not in page and 'name="_suspend"' in page


def test_urgent_cases_say_which_rule_fired(client, reviewer):
    from tests.factories import TeenFactory

    teen_video = VideoFactory(owner=TeenFactory(), prompt="a teen's video")
    client_for(UserFactory()).post(
        "/api/v1/reports",
        {"target_type": "video", "target_id": str(teen_video.pk), "reason": "harassment"},
        format="json",
    )
    case = ReviewCase.objects.get()
    client.force_login(reviewer)
    page = client.get(f"/admin/moderation/reviewcase/{case.pk}/change/").content.decode()
    assert 'id="case-urgency"' in page and "the account is a teen" in page


def test_the_appeal_page_names_the_decision(client, reviewer, case, other):
    from moderation import review
    from moderation.models import Action

    review.case_decide(case=case, reviewer=reviewer, action=Action.REMOVE, reason="Too gory for the feed.")
    client_for(other).post(
        "/api/v1/appeals", {"video_id": str(case.video_id), "text": "It is a cartoon."}, format="json"
    )
    second = UserFactory(is_staff=True)
    second.groups.add(ensure_trust_and_safety_group())
    client.force_login(second)
    from moderation.models import Appeal

    page = client.get(f"/admin/moderation/appeal/{Appeal.objects.get().pk}/change/").content.decode()
    assert "Decision object" not in page
    assert "Remove" in page and "Too gory for the feed." in page and "It is a cartoon." in page
