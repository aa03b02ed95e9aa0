"""videos.services: the one writer of a video's row, and what it tells the apps above."""

import pytest
from django.db import transaction
from django.utils import timezone

from sora_social.errors import Conflict
from tests.factories import UserFactory, VideoFactory
from videos import plugins
from videos.models import Video, VideoState
from videos.services import video_count, video_create, video_publish, video_remove, video_restore

pytestmark = pytest.mark.django_db


def _remix(parent):
    return video_create(owner=UserFactory(), prompt="again", file="videos/remix.mp4", remix_of=parent)


def test_a_remix_counts_on_its_parent_and_a_removal_and_restore_move_the_count_back():
    parent = VideoFactory()
    remix = _remix(parent)
    Video.objects.filter(pk=remix.pk).update(state=VideoState.PUBLISHED, published_at=remix.created_at)
    parent.refresh_from_db()
    assert parent.remix_count == 1

    assert video_remove(video=remix) is True
    assert video_remove(video=remix) is False  # twice removes once
    parent.refresh_from_db()
    remix.refresh_from_db()
    assert (remix.state, parent.remix_count) == (VideoState.REMOVED, 0)

    video_restore(video=remix)
    parent.refresh_from_db()
    remix.refresh_from_db()
    assert (remix.state, remix.removed_at, parent.remix_count) == (VideoState.PUBLISHED, None, 1)
    video_restore(video=remix)  # restoring a video that is not removed changes nothing
    parent.refresh_from_db()
    assert parent.remix_count == 1


def test_a_removed_draft_comes_back_a_draft():
    draft = VideoFactory(state=VideoState.DRAFT)
    video_remove(video=draft)
    assert video_restore(video=draft).state == VideoState.DRAFT


def test_counters_move_and_never_go_below_zero():
    video = VideoFactory()
    video_count(video_id=video.pk, counter="like_count", by=1)
    video_count(video_id=video.pk, counter="like_count", by=-1)
    video_count(video_id=video.pk, counter="like_count", by=-1)
    video.refresh_from_db()
    assert video.like_count == 0
    with pytest.raises(ValueError):
        video_count(video_id=video.pk, counter="remix_count", by=1)  # not the feed's to move


def test_listeners_hear_a_change_only_once_it_commits(monkeypatch, django_capture_on_commit_callbacks):
    heard = []
    monkeypatch.setattr(plugins, "_removed", [lambda v: heard.append(("removed", v.pk))])
    monkeypatch.setattr(plugins, "_published", [lambda v: heard.append(("published", v.pk))])
    video = VideoFactory(published_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(RuntimeError):
            with transaction.atomic():
                video_remove(video=video)
                raise RuntimeError("rolled back")
    video.refresh_from_db()
    assert video.state == VideoState.PUBLISHED and heard == []

    with django_capture_on_commit_callbacks(execute=True):
        video_remove(video=video)
    with django_capture_on_commit_callbacks(execute=True):
        video_restore(video=video)
    assert heard == [("removed", video.pk), ("published", video.pk)]


def test_a_publish_check_holds_a_draft_back(monkeypatch):
    def hold(video):
        raise Conflict("Wait.", code="awaiting_approval")

    monkeypatch.setattr(plugins, "_publish_checks", [hold])
    draft = VideoFactory(state=VideoState.DRAFT)
    with pytest.raises(Conflict):
        video_publish(user=draft.owner, video_id=draft.pk)
    draft.refresh_from_db()
    assert draft.state == VideoState.DRAFT and draft.published_at is None


def test_the_apps_above_are_plugged_in_when_django_starts():
    # cameos' consent and publish check, the feed's index listeners: registered by their AppConfig.ready
    from cameos.selectors import VideoConsent
    from cameos.services import publish_check
    from feed.services import video_published, video_removed

    assert isinstance(plugins._consent[0], VideoConsent)
    assert publish_check in plugins._publish_checks
    assert video_published in plugins._published and video_removed in plugins._removed
