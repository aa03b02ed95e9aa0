"""Reads for reviewers."""

from accounts.models import User
from sora_social.ids import is_uuid


def is_reviewer(user) -> bool:
    """Staff in the reviewers' role (or a superuser), signed in and not suspended."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and user.has_perm("moderation.view_reviewcase")
    )


def review_media_servable(viewer_id: str | None, video_id: str) -> bool:
    """A reviewer's player link works while its reviewer may still review (removed videos included)."""
    if not (viewer_id and is_uuid(viewer_id)):
        return False
    return is_reviewer(User.objects.filter(pk=viewer_id).first())
