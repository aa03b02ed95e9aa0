"""Reads for reviewers."""

from accounts.models import User
from sora_social.ids import is_uuid


def review_media_servable(viewer_id: str | None, video_id: str) -> bool:
    """A reviewer's player link works while its reviewer may still review (removed videos included)."""
    if not (viewer_id and is_uuid(viewer_id)):
        return False
    reviewer = User.objects.filter(pk=viewer_id, is_active=True, is_staff=True).first()
    return reviewer is not None and reviewer.has_perm("moderation.view_reviewcase")
