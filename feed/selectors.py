"""Reads of interactions and steering."""

from __future__ import annotations

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import blocked_ids_for
from sora_social.errors import NotFound
from sora_social.ids import is_uuid
from videos.models import Video
from videos.selectors import video_visible_get, videos_visible_to

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
    """One page of the viewer's feed, served from their pool: see feed/pipeline/__init__.py
    for the stages and feed/pool.py for the pool."""
    from .pipeline.serve import serve_page

    return serve_page(viewer=viewer, page=page)


# --- what moderation asks of comments (registered in FeedConfig.ready) ---------------------


def comment_for_report(reporter: User, comment_id) -> tuple[Video, User, bool]:
    """(the video it is on, its author, urgent?) for a comment the reporter can see; else 404."""
    comment = (
        Comment.objects.filter(
            pk=comment_id, removed_at__isnull=True, video__in=videos_visible_to(reporter).values("pk")
        )
        .exclude(author_id__in=blocked_ids_for(reporter))
        .select_related("author", "video", "video__owner")
        .first()
        if is_uuid(comment_id)
        else None
    )
    if comment is None:
        raise NotFound("No such comment.", code="comment_not_found")
    return comment.video, comment.author, comment.author.is_teen or comment.video.owner.is_teen


def comment_get(comment_id) -> Comment | None:
    """A comment by id, removed or not (a reviewer's case about it)."""
    return Comment.objects.filter(pk=comment_id).first()
