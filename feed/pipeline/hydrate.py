"""Hydration: everything the filters and the scorer need about the candidates,
in a fixed number of bulk queries whatever their count (tests pin it)."""

from __future__ import annotations

from cameos.models import Appearance
from videos.models import Video

from .context import Candidate, FeedContext

VIDEO_FIELDS = (
    "id",
    "owner_id",
    "owner__username",
    "state",
    "visibility",
    "remix_of_id",
    "like_count",
    "comment_count",
    "remix_count",
    "published_at",
    "features__primary_topic",
    "features__topics",
    "features__teen_safe",
)


def merge(candidates: list[Candidate]) -> list[Candidate]:
    """One candidate per video, keeping the first source's reason and remembering the others."""
    by_id: dict[str, Candidate] = {}
    for c in candidates:
        kept = by_id.get(c.video_id)
        if kept is None:
            c.sources.add(c.source)
            by_id[c.video_id] = c
        else:
            kept.sources.add(c.source)
            kept.similarity = max(kept.similarity, c.similarity)
    return list(by_id.values())


def hydrate(ctx: FeedContext, candidates: list[Candidate]) -> list[Candidate]:
    """Attach video rows with their labels, and cameo owners (2 queries)."""
    ids = [c.video_id for c in candidates]
    rows = {str(r["id"]): r for r in Video.objects.filter(pk__in=ids).values(*VIDEO_FIELDS)}
    friends: dict[str, list[str]] = {}
    hidden: set[str] = set()
    for vid, owner_id, username, revoked_at, taken_down_at in Appearance.objects.filter(video_id__in=ids).values_list(
        "video_id", "cameo__owner_id", "cameo__owner__username", "cameo__revoked_at", "taken_down_at"
    ):
        if revoked_at or taken_down_at:
            hidden.add(str(vid))
        elif owner_id in ctx.following:
            friends.setdefault(str(vid), []).append(username)
    out = []
    for c in candidates:
        row = rows.get(c.video_id)
        if row is None:
            continue  # deleted since the source saw it
        c.video = row
        ctx.usernames[row["owner_id"]] = row["owner__username"]
        c.topics = (row["features__topics"] or "").split()
        c.primary_topic = row["features__primary_topic"] or ""
        c.teen_safe = row["features__teen_safe"]  # None: never labelled
        c.friend_cameos = friends.get(c.video_id, [])
        c.hidden_cameo = c.video_id in hidden
        out.append(c)
    return out


def videos_for_page(video_ids: list[str]) -> dict[str, Video]:
    """The full rows of one page's videos, for serialisation (1 query)."""
    return {str(v.pk): v for v in Video.objects.filter(pk__in=video_ids).select_related("owner")}
