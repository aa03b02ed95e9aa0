"""Reads of jobs, and of a remix's parent. Which videos anyone may see is `videos.selectors`."""

from accounts.models import User
from accounts.selectors import blocked_between
from sora_social.errors import NotFound
from sora_social.ids import is_uuid
from videos.models import Video, VideoState, Visibility
from videos.selectors import videos_visible_to

from .models import GenerationImage, GenerationJob


def video_for_remix_get(*, viewer: User, video_id) -> Video:
    """The parent of a remix: visible to the viewer (404) and not removed (409)."""
    from .errors import ParentRemoved

    video = Video.objects.filter(pk=video_id).first() if is_uuid(video_id) else None
    if video is not None and video.state == VideoState.REMOVED:
        # Only say "removed" to someone who could see it before.
        was_visible = video.owner_id == viewer.pk or (
            video.visibility == Visibility.PUBLIC and not blocked_between(viewer, video.owner)
        )
        if was_visible:
            raise ParentRemoved()
        video = None
    if video is None or not videos_visible_to(viewer).filter(pk=video.pk).exists():
        raise NotFound("No such video.", code="video_not_found")
    return video


def image_owned_get(*, user: User, image_id) -> GenerationImage:
    """One of the user's uploaded pictures; anyone else's is 404 like a missing one."""
    image = GenerationImage.objects.filter(pk=image_id, owner=user).first() if is_uuid(image_id) else None
    if image is None:
        raise NotFound("No such image.", code="image_not_found")
    return image


def job_get(*, user: User, job_id) -> GenerationJob:
    job = GenerationJob.objects.filter(pk=job_id, owner=user).first() if is_uuid(job_id) else None
    if job is None:
        raise NotFound("No such generation.", code="generation_not_found")
    return job
