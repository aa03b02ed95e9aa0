"""Reads of interactions and steering."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import blocked_ids_for
from generation.models import Video
from generation.selectors import video_visible_get

from .models import Comment, Steering


def video_for_interaction(*, viewer: User, video_id) -> Video:
    """The video if `viewer` may see it (the one visibility rule); 404 otherwise."""
    return video_visible_get(viewer=viewer, video_id=video_id)


def comments_of(*, viewer: User, video: Video) -> QuerySet:
    """A video's comments, minus removed ones and those by people on the other side of a block."""
    return (
        Comment.objects.filter(video=video, removed_at__isnull=True)
        .exclude(author_id__in=blocked_ids_for(viewer))
        .select_related("author")
    )


def steering_of(*, user: User) -> Steering | None:
    return Steering.objects.filter(user=user).first()


def feed_page_for(*, viewer: User, page: int = 0):
    """One page of the viewer's feed: see feed/pipeline/__init__.py for the stages."""
    from .pipeline import feed_page

    return feed_page(viewer=viewer, page=page)
