"""A reviewer in the browser: sign in, open a reported case, the video plays, remove it."""

import pytest

from moderation.models import ReviewCase
from moderation.roles import ensure_trust_and_safety_group
from tests.conftest import client_for
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_reviewer_removes_a_reported_video(live_server, chromium, eager, fast_render, tmp_path):
    owner, reporter = UserFactory(), UserFactory()
    reviewer = UserFactory(username="reviewer1", is_staff=True)
    reviewer.groups.add(ensure_trust_and_safety_group())  # transactional tests flush migration data
    client = client_for(owner)
    job = client.post(
        "/api/v1/generations", {"prompt": "a white star bouncing under the sea", "duration_s": 2}, format="json"
    ).data
    video_id = client.get(f"/api/v1/generations/{job['id']}").data["video"]
    client.post(f"/api/v1/videos/{video_id}/publish", {}, format="json")
    client_for(reporter).post(
        "/api/v1/reports", {"target_type": "video", "target_id": video_id, "reason": "violence"}, format="json"
    )
    case = ReviewCase.objects.get()

    with chromium() as page:
        _sign_in(page, live_server, "reviewer1")
        page.goto(f"{live_server.url}/admin/moderation/reviewcase/")
        page.click(f'a[href*="{case.pk}"]')
        page.wait_for_selector("#case-video", timeout=30000)
        page.wait_for_function("document.getElementById('case-video').readyState >= 2", timeout=30000)
        page.screenshot(path=str(tmp_path / "case.png"))
        page.on("dialog", lambda dialog: dialog.accept())  # "Remove video" asks first
        page.fill("#id_note", "Violent content.")
        page.click("input[name=_remove]")
        page.wait_for_url(f"{live_server.url}/admin/moderation/reviewcase/?status__exact=open", timeout=30000)

    assert client_for(reporter).get(f"/api/v1/videos/{video_id}").status_code == 404
    assert ReviewCase.objects.get().status == "decided"


def test_reviewer_removes_a_reported_comment_and_the_video_stays(live_server, chromium, tmp_path):
    from feed.models import Comment
    from tests.factories import VideoFactory
    from videos.models import Video

    creator, commenter, reporter = UserFactory(), UserFactory(), UserFactory()
    reviewer = UserFactory(username="reviewer2", is_staff=True)
    reviewer.groups.add(ensure_trust_and_safety_group())
    video = VideoFactory(owner=creator, published_at="2026-01-01T00:00:00Z")
    comment_id = (
        client_for(commenter)
        .post(f"/api/v1/videos/{video.pk}/comments", {"text": "why do you even bother making these"}, format="json")
        .data["id"]
    )
    client_for(reporter).post(
        "/api/v1/reports", {"target_type": "comment", "target_id": comment_id, "reason": "spam"}, format="json"
    )
    case = ReviewCase.objects.get()

    with chromium() as page:
        _sign_in(page, live_server, "reviewer2")
        page.goto(f"{live_server.url}/admin/moderation/reviewcase/")
        page.click(f'a[href*="{case.pk}"]')
        page.wait_for_selector("#case-comment", timeout=30000)
        assert "even bother" in page.inner_text("#case-comment")
        assert page.locator("input[name=_remove]").get_attribute("value") == "Remove comment"
        page.screenshot(path=str(tmp_path / "comment-case.png"))
        page.on("dialog", lambda dialog: dialog.accept())
        page.fill("#id_note", "Spam.")
        page.click("input[name=_remove]")
        page.wait_for_url(f"{live_server.url}/admin/moderation/reviewcase/?status__exact=open", timeout=30000)

    assert Comment.objects.get(pk=comment_id).removed_at is not None
    assert Video.objects.get(pk=video.pk).state == "published"
    told = {n.recipient_id for n in commenter.notifications.model.objects.filter(kind="moderation_decision")}
    assert told == {commenter.pk}


def test_reviewer_removes_a_reported_direct_message_seen_in_its_thread(live_server, chromium, tmp_path):
    from accounts.models import DMPolicy, Message

    sender = UserFactory(dm_policy=DMPolicy.EVERYONE)
    recipient = UserFactory(dm_policy=DMPolicy.EVERYONE)
    reviewer = UserFactory(username="reviewer6", is_staff=True)
    reviewer.groups.add(ensure_trust_and_safety_group())
    ids = []
    for who, to, text in [
        (sender, recipient, "hey, loved your video"),
        (recipient, sender, "thanks!"),
        (sender, recipient, "why do you even bother making these"),
    ]:
        r = client_for(who).post(f"/api/v1/messages/{to.username}", {"text": text}, format="json")
        assert r.status_code == 201, r.content
        ids.append(r.data["id"])
    r = client_for(recipient).post(
        "/api/v1/reports", {"target_type": "message", "target_id": ids[2], "reason": "spam"}, format="json"
    )
    assert r.status_code == 201, r.content
    case = ReviewCase.objects.get()

    with chromium() as page:
        _sign_in(page, live_server, "reviewer6")
        page.goto(f"{live_server.url}/admin/moderation/reviewcase/")
        assert f"Direct message by {sender.username}" in page.inner_text("#result_list")
        page.click(f'a[href*="{case.pk}"]')
        page.wait_for_selector("#case-thread", timeout=30000)
        assert "even bother" in page.inner_text("#case-message")
        assert "thanks!" in page.inner_text("#case-thread")  # the recipient's side, for context
        assert page.locator("input[name=_remove]").get_attribute("value") == "Remove message"
        page.screenshot(path=str(tmp_path / "message-case.png"))
        page.on("dialog", lambda dialog: dialog.accept())
        page.fill("#id_note", "Spam in direct messages.")
        page.click("input[name=_remove]")
        page.wait_for_url(f"{live_server.url}/admin/moderation/reviewcase/?status__exact=open", timeout=30000)

    assert [str(m.pk) for m in Message.objects.filter(removed_at__isnull=False)] == [ids[2]]
    shown = client_for(recipient).get(f"/api/v1/messages/{sender.username}").data["results"]
    assert {m["id"] for m in shown} == {ids[0], ids[1]}
    told = {n.recipient_id for n in sender.notifications.model.objects.filter(kind="moderation_decision")}
    assert told == {sender.pk}


def _sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")


def test_reviewer_suspends_an_account_from_a_user_case(live_server, chromium):
    from accounts.models import User
    from tests.factories import VideoFactory

    subject, reporter = UserFactory(), UserFactory()
    reviewer = UserFactory(username="reviewer3", is_staff=True)
    reviewer.groups.add(ensure_trust_and_safety_group())
    VideoFactory(owner=subject, prompt="spam spam spam buy followers")
    client_for(reporter).post(
        "/api/v1/reports", {"target_type": "user", "target_id": subject.username, "reason": "spam"}, format="json"
    )
    case = ReviewCase.objects.get()

    with chromium() as page:
        _sign_in(page, live_server, "reviewer3")
        page.goto(f"{live_server.url}/admin/moderation/reviewcase/{case.pk}/change/")
        page.wait_for_selector("#case-recent", timeout=30000)
        assert "spam spam spam" in page.inner_text("#case-recent")
        assert page.locator("input[name=_remove]").count() == 0  # nothing to remove on an account
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
        page.fill("#id_note", "A spam account.")
        page.click("input[name=_suspend]")
        page.wait_for_url(f"{live_server.url}/admin/moderation/reviewcase/?status__exact=open", timeout=30000)

    assert dialogs and "suspends the account" in dialogs[0]
    assert User.objects.get(pk=subject.pk).is_active is False
    assert ReviewCase.objects.get().status == "decided"
    assert subject.notifications.filter(kind="moderation_decision").count() == 1


def test_a_second_reviewer_upholds_an_appeal_and_the_video_is_back(live_server, chromium):
    from moderation import review
    from moderation.models import Action, Appeal
    from tests.factories import VideoFactory

    owner, reporter = UserFactory(), UserFactory()
    first = UserFactory(username="reviewer4", is_staff=True)
    second = UserFactory(username="reviewer5", is_staff=True)
    for r in (first, second):
        r.groups.add(ensure_trust_and_safety_group())
    video = VideoFactory(owner=owner, prompt="a stage fight in a school play", published_at="2026-01-01T00:00:00Z")
    client_for(reporter).post(
        "/api/v1/reports", {"target_type": "video", "target_id": str(video.pk), "reason": "violence"}, format="json"
    )
    review.case_decide(
        case=ReviewCase.objects.get(), reviewer=first, action=Action.REMOVE_STRIKE, reason="Looked like real violence."
    )
    client_for(owner).post(
        "/api/v1/appeals", {"video_id": str(video.pk), "text": "It is a school play."}, format="json"
    )
    appeal = Appeal.objects.get()

    with chromium() as page:
        _sign_in(page, live_server, "reviewer5")
        page.goto(f"{live_server.url}/admin/moderation/appeal/{appeal.pk}/change/")
        body = page.inner_text("body")
        assert "Decision object" not in body and "Looked like real violence." in body
        assert "It is a school play." in body
        page.fill("#id_note", "A play, clearly staged.")
        page.click("input[name=_uphold]")
        page.wait_for_url(f"{live_server.url}/admin/moderation/appeal/", timeout=30000)

    assert client_for(reporter).get(f"/api/v1/videos/{video.pk}").status_code == 200
    assert Appeal.objects.get().status == "upheld"
    assert owner.strikes.get().revoked_at is not None
    assert owner.notifications.filter(kind="moderation_decision").count() == 2


def test_a_reviewer_escalates_and_a_senior_reviewer_removes(live_server, chromium):
    from moderation.roles import ensure_senior_group
    from tests.factories import VideoFactory
    from videos.models import Video

    owner, reporter = UserFactory(), UserFactory()
    reviewer = UserFactory(username="reviewer5", is_staff=True)
    reviewer.groups.add(ensure_trust_and_safety_group())
    senior = UserFactory(username="senior1", is_staff=True)
    senior.groups.add(ensure_trust_and_safety_group(), ensure_senior_group())
    video = VideoFactory(owner=owner, prompt="a figure waving at a playground", published_at="2026-01-01T00:00:00Z")
    client_for(reporter).post(
        "/api/v1/reports",
        {"target_type": "video", "target_id": str(video.pk), "reason": "sexual_minors"},
        format="json",
    )
    case = ReviewCase.objects.get()

    with chromium() as page:
        _sign_in(page, live_server, "reviewer5")
        page.goto(f"{live_server.url}/admin/moderation/reviewcase/{case.pk}/change/")
        page.fill("#id_note", "Possibly a minor: needs senior review.")
        page.click("input[name=_escalate]")  # no confirmation: nothing is taken down yet
        page.wait_for_url(f"{live_server.url}/admin/moderation/reviewcase/**", timeout=30000)
        page.goto(f"{live_server.url}/admin/moderation/reviewcase/{case.pk}/change/")
        assert page.locator("#case-senior-only").is_visible()
        assert page.locator("input[name=_remove]").count() == 0

    with chromium() as page:
        _sign_in(page, live_server, "senior1")
        page.goto(f"{live_server.url}/admin/moderation/reviewcase/?escalated_at__isnull=False")
        page.click(f'a[href*="{case.pk}"]')
        page.wait_for_selector("#case-escalated", timeout=30000)
        page.on("dialog", lambda dialog: dialog.accept())
        page.fill("#id_note", "Confirmed.")
        page.click("input[name=_remove_strike]")
        page.wait_for_url(f"{live_server.url}/admin/moderation/reviewcase/**", timeout=30000)

    case.refresh_from_db()
    assert case.status == "decided" and Video.objects.get(pk=video.pk).state == "removed"


def test_a_reviewer_verifies_a_clip_found_elsewhere(live_server, chromium, eager, tmp_path):
    import numpy as np
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    from generation.media import encode_mp4, invisible, synth_audio
    from tests.factories import VideoFactory
    from tests.generation.test_invisible_mark import scene

    reviewer = UserFactory(username="reviewer6", is_staff=True)
    reviewer.groups.add(ensure_trust_and_safety_group())
    key = 0x0BADCAFE
    path = tmp_path / "found.mp4"
    audio = invisible.embed_audio(synth_audio(n_frames=16, fps=4, impacts=[], scene="grass"), key)
    encode_mp4(invisible.embed(scene(31), key), audio, sample_rate=48000, path=path)
    name = default_storage.save("videos/found.mp4", ContentFile(path.read_bytes()))
    video = VideoFactory(file=name, mark_key=key, prompt="a green ball rolling on grass")
    other = tmp_path / "other.mp4"
    encode_mp4(scene(32), np.zeros(48000 * 4, np.float32), sample_rate=48000, path=other)

    with chromium() as page:
        _sign_in(page, live_server, "reviewer6")
        page.goto(f"{live_server.url}/admin/videos/video/")
        page.click("text=Verify a clip")
        page.set_input_files("input[name=file]", str(path))
        page.click("input[type=submit][value=Verify]")
        page.wait_for_selector("#verify-result", timeout=60000)
        assert page.inner_text("#made-here") == "yes"
        assert f"/admin/videos/video/{video.pk}/change/" in page.get_attribute("#verify-video", "href")
        page.set_input_files("input[name=file]", str(other))
        page.click("input[type=submit][value=Verify]")
        page.wait_for_selector("#verify-result", timeout=60000)
        assert page.inner_text("#made-here") == "no"
