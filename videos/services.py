"""Writes to videos: make, publish, edit, remove, restore. Nothing else writes a `Video` row.

What follows a change (the feed's index) and what may hold a publish back (a
cameo's owner who approves first) plug in through `videos.plugins`; they run
after the change commits, so never for a rolled-back one.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User

from . import plugins, selectors
from .errors import NotOwner
from .models import Video, VideoState


def _owned(user: User, video_id) -> Video:
    video = selectors.video_visible_get(viewer=user, video_id=video_id)
    if video.owner_id != user.pk:
        raise NotOwner()
    return video


def video_create(**fields) -> Video:
    """A finished render becomes a draft; a remix counts on its parent. Call it in the
    transaction that records the render, so a re-run cannot make a second one."""
    video = Video.objects.create(**fields)
    if video.remix_of_id:
        Video.objects.filter(pk=video.remix_of_id).update(remix_count=F("remix_count") + 1)
    return video


COUNTERS = ("like_count", "comment_count")


def video_count(*, video_id, counter: str, by: int) -> None:
    """The feed's tallies on a video (likes, comments), moved in the caller's transaction;
    never below zero."""
    if counter not in COUNTERS:
        raise ValueError(f"not a counter: {counter}")
    videos = Video.objects.filter(pk=video_id)
    if by < 0:
        videos = videos.filter(**{f"{counter}__gte": -by})
    videos.update(**{counter: F(counter) + by})


def video_publish(*, user: User, video_id, caption: str | None = None, visibility: str | None = None) -> Video:
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=_owned(user, video_id).pk)
        if video.state == VideoState.DRAFT:
            plugins.publish_checks(video)
        if caption is not None:
            video.caption = caption
        if visibility is not None:
            video.visibility = visibility
        if video.state == VideoState.DRAFT:
            video.state = VideoState.PUBLISHED
            video.published_at = timezone.now()
        video.save()
        # labels, embedding, index: after the commit, so never for a rolled-back publish
        transaction.on_commit(lambda: plugins.tell_published(video))
    return video


def video_update(*, user: User, video_id, caption: str | None = None, visibility: str | None = None) -> Video:
    video = _owned(user, video_id)
    fields = []
    if caption is not None:
        video.caption = caption
        fields.append("caption")
    if visibility is not None:
        video.visibility = visibility
        fields.append("visibility")
    if fields:
        with transaction.atomic():
            video.save(update_fields=fields)
            if caption is not None and video.state == VideoState.PUBLISHED:
                # the caption feeds the labels and the embedding
                transaction.on_commit(lambda: plugins.tell_published(video))
    return video


def video_remove(*, video: Video) -> bool:
    """Removed videos stay stored (for appeals and review) but are never served.
    Returns whether this call removed it (False: it already was)."""
    with transaction.atomic():
        updated = (
            Video.objects.filter(pk=video.pk)
            .exclude(state=VideoState.REMOVED)
            .update(state=VideoState.REMOVED, removed_at=timezone.now())
        )
        if updated and video.remix_of_id:
            Video.objects.filter(pk=video.remix_of_id, remix_count__gt=0).update(remix_count=F("remix_count") - 1)
        if updated:
            transaction.on_commit(lambda: plugins.tell_removed(video))
    return bool(updated)


def video_restore(*, video: Video) -> Video:
    """An upheld appeal: the video comes back as it was before it was removed
    (published if it had been published, a draft otherwise)."""
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=video.pk)
        if video.state != VideoState.REMOVED:
            return video
        video.state = VideoState.PUBLISHED if video.published_at else VideoState.DRAFT
        video.removed_at = None
        video.save(update_fields=["state", "removed_at"])
        if video.remix_of_id:
            Video.objects.filter(pk=video.remix_of_id).update(remix_count=F("remix_count") + 1)
        if video.state == VideoState.PUBLISHED:
            transaction.on_commit(lambda: plugins.tell_published(video))
    return video


def video_delete(*, user: User, video_id) -> None:
    video_remove(video=_owned(user, video_id))
