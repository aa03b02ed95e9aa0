"""Reads of videos. `videos_visible_to` is the one visibility rule for videos."""

from functools import lru_cache

from django.db.models import QuerySet

from accounts.models import User
from accounts.selectors import blocked_ids_sql, follows_sql
from sora_social.errors import NotFound
from sora_social.ids import is_uuid
from sora_social.sql import Condition

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
    consent the cameos app registers: `videos.plugins`.)

    The rule is written in SQL (`_rule_sql`), the owner's being active is a join."""
    if not getattr(viewer, "is_authenticated", False):
        rule = Condition(
            _anonymous_sql(plugins.withheld_sql()),
            (PUBLISHED, PUBLIC),
            video="pk",
            state="state",
            visibility="visibility",
        )
    else:
        me = viewer.pk
        params = (
            (PUBLISHED, PUBLIC, FOLLOWERS, me)  # published, by visibility
            + (me, REMOVED)  # the owner's own, but what was taken down
            + (DRAFT, me)  # a draft, to the owners of cameos in it
            + (DRAFT, me)  # a revoked likeness: to its creator alone, and never a draft
            + (me, me)  # the block rule, both ways
        )
        rule = Condition(
            _rule_sql(plugins.shown_to_sql(), plugins.withheld_sql()),
            params,
            video="pk",
            owner="owner_id",
            state="state",
            visibility="visibility",
        )
    return Video.objects.filter(rule, owner__is_active=True).select_related("owner")


# Plain strings: a driver may write an enum member by its name.
PUBLISHED, DRAFT, REMOVED = VideoState.PUBLISHED.value, VideoState.DRAFT.value, VideoState.REMOVED.value
PUBLIC, FOLLOWERS = Visibility.PUBLIC.value, Visibility.FOLLOWERS.value


@lru_cache(maxsize=4)
def _rule_sql(shown_to: str, withheld: str) -> str:
    return (
        "(({state} = %s AND ({visibility} = %s OR ({visibility} = %s AND " + follows_sql() + ")))"
        " OR ({owner} = %s AND {state} <> %s)"
        " OR ({state} = %s AND " + shown_to + "))"
        " AND NOT (" + withheld + " AND ({state} = %s OR {owner} <> %s))"
        " AND {owner} NOT IN (" + blocked_ids_sql() + ")"
    )


@lru_cache(maxsize=4)
def _anonymous_sql(withheld: str) -> str:
    return "{state} = %s AND {visibility} = %s AND NOT " + withheld


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
