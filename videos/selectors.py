"""Reads of videos. `videos_visible_to` is the one visibility rule for videos."""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Follow, User
from accounts.selectors import blocked_ids_for
from sora_social.errors import NotFound
from sora_social.ids import is_uuid

from . import plugins
from .models import Video, VideoState, Visibility

LINEAGE_MAX_DEPTH = 100


def videos_visible_to(viewer: User) -> QuerySet:
    """Videos `viewer` may see: never removed ones, nothing across a block; published
    ones by visibility (public; followers when the viewer follows the owner; private to
    the owner); drafts to their owner and the owners of cameos in them. A video that
    carries a revoked cameo (its own or inherited through a remix) is shown to nobody
    but its creator, and a draft that does to nobody at all. Nobody signed in (an
    anonymous viewer) sees what anyone may: published, public, by an active owner,
    carrying no revoked cameo. (What a cameo carries and whether it was revoked is the
    consent the cameos app registers: `videos.plugins`.)"""
    uses_revoked = plugins.withheld()
    if not getattr(viewer, "is_authenticated", False):
        return (
            Video.objects.annotate(uses_revoked=uses_revoked)
            .filter(state=VideoState.PUBLISHED, visibility=Visibility.PUBLIC, owner__is_active=True, uses_revoked=False)
            .select_related("owner")
        )
    follows_owner = Exists(Follow.objects.filter(follower=viewer, followee=OuterRef("owner_id")))
    published = Q(state=VideoState.PUBLISHED) & (
        Q(visibility=Visibility.PUBLIC) | Q(visibility=Visibility.FOLLOWERS, follows_owner=True)
    )
    own = Q(owner=viewer) & ~Q(state=VideoState.REMOVED)
    # A draft is also shown to the owners of the cameos in it, so they can review it.
    appears_in = plugins.shown_to(viewer)
    # A revoked cameo takes every video that carries it out of service, remixes included
    # (inherited likenesses have appearances of their own).
    draft = Q(state=VideoState.DRAFT)
    # One filter call: every chained filter() or exclude() clones the query, and building it
    # was a third of a 20-video list's time (bench/bench_feed.py).
    return (
        Video.objects.annotate(follows_owner=follows_owner, appears_in=appears_in, uses_revoked=uses_revoked)
        .filter(
            (published | own | (draft & Q(appears_in=True)))
            & ~(draft & Q(uses_revoked=True))
            & ~(Q(uses_revoked=True) & ~Q(owner=viewer))
            & Q(owner__is_active=True)
            & ~Q(owner_id__in=blocked_ids_for(viewer))
        )
        .select_related("owner")
    )


def video_visible_get(*, viewer: User, video_id) -> Video:
    video = videos_visible_to(viewer).filter(pk=video_id).first() if is_uuid(video_id) else None
    if video is None:
        raise NotFound("No such video.", code="video_not_found")
    return video


def video_media_servable(viewer_id: str | None, video_id: str) -> bool:
    """May a media URL issued to `viewer_id` for this video still serve it (asked on every request)?

    What the viewer may see now under the visibility rule, or a video that
    carries the viewer's cameo and was not taken down (the cameo's owner
    audits those through their appearances). Two indexed queries.
    """
    if not (viewer_id and is_uuid(viewer_id) and is_uuid(video_id)):
        return False
    viewer = User.objects.filter(pk=viewer_id, is_active=True).first()
    if viewer is None:
        return False
    if videos_visible_to(viewer).filter(pk=video_id).exists():
        return True
    return plugins.carries_for(viewer, video_id)


def videos_of(*, viewer: User, owner: User) -> QuerySet:
    return videos_visible_to(viewer).filter(owner=owner)


def video_remixes(*, viewer: User, video: Video) -> QuerySet:
    return videos_visible_to(viewer).filter(remix_of=video)


def video_lineage(*, viewer: User, video: Video) -> list[Video]:
    """Ancestors, nearest first, up to the root; ones the viewer may not see are skipped."""
    chain_ids = []
    parent_id = video.remix_of_id
    while parent_id and len(chain_ids) < LINEAGE_MAX_DEPTH:
        chain_ids.append(parent_id)
        parent_id = Video.objects.filter(pk=parent_id).values_list("remix_of_id", flat=True).first()
    visible = {v.pk: v for v in videos_visible_to(viewer).filter(pk__in=chain_ids)}
    return [visible[pk] for pk in chain_ids if pk in visible]
