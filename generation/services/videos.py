"""Writes to videos: publish, edit, remove."""

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import User

from .. import selectors
from ..errors import NotOwner
from ..models import Video, VideoState


def _owned(user: User, video_id) -> Video:
    video = selectors.video_visible_get(viewer=user, video_id=video_id)
    if video.owner_id != user.pk:
        raise NotOwner()
    return video


def video_publish(*, user: User, video_id, caption: str | None = None, visibility: str | None = None) -> Video:
    with transaction.atomic():
        video = Video.objects.select_for_update().get(pk=_owned(user, video_id).pk)
        if video.state == VideoState.DRAFT:
            _check_cameo_approvals(video)
        if caption is not None:
            video.caption = caption
        if visibility is not None:
            video.visibility = visibility
        if video.state == VideoState.DRAFT:
            video.state = VideoState.PUBLISHED
            video.published_at = timezone.now()
        video.save()
    from feed.services import video_published

    video_published(video)  # labels, embedding, index: after the commit, so never for a rolled-back publish
    return video


def _check_cameo_approvals(video: Video) -> None:
    """A cameo whose owner asks to approve first holds the video back until they do."""
    from cameos.errors import ApprovalDeclined, AwaitingApproval
    from cameos.selectors import publish_holds

    holds = publish_holds(video=video)
    if holds.get("declined"):
        raise ApprovalDeclined(cameos=holds["declined"])
    if holds.get("pending"):
        raise AwaitingApproval(cameos=holds["pending"])


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
        video.save(update_fields=fields)
        if caption is not None and video.state == VideoState.PUBLISHED:
            from feed.services import video_published

            video_published(video)  # the caption feeds the labels and the embedding
    return video


def video_remove(*, video: Video) -> None:
    """Removed videos stay stored (for appeals and review) but are never served."""
    with transaction.atomic():
        updated = (
            Video.objects.filter(pk=video.pk)
            .exclude(state=VideoState.REMOVED)
            .update(state=VideoState.REMOVED, removed_at=timezone.now())
        )
        if updated and video.remix_of_id:
            Video.objects.filter(pk=video.remix_of_id, remix_count__gt=0).update(remix_count=F("remix_count") - 1)
        if updated:
            from feed.services import video_removed

            transaction.on_commit(lambda: video_removed(video))


def video_delete(*, user: User, video_id) -> None:
    video_remove(video=_owned(user, video_id))
