"""Candidate sources: each proposes videos and says why (`Candidate.source`).

Sources are recall, not judgement: they over-fetch cheaply and leave
visibility, blocks and taste to the filters and the scorer. Every source is
fail-open: if one raises, the feed is served from the others and the error
is logged (a broken index must not take the feed down).
"""

from __future__ import annotations

import logging
from datetime import timedelta

import numpy as np
from django.core.cache import cache
from django.db.models import F

from videos.models import Video, VideoState, Visibility

from ..models import Impression, VideoFeatures, VideoTopic
from .context import Candidate, FeedContext

log = logging.getLogger(__name__)

# Three pages' worth per source: enough for filters and mixing to choose from;
# hydration cost grows with the candidate count (measured in bench_feed.py).
PER_SOURCE = 60
POPULAR_CACHE_S = 60
POPULAR_POOL = 600
LONG_WATCH_MS = 5000


def _published(ctx: FeedContext):
    since = ctx.now - timedelta(days=ctx.cfg.fresh_days)
    return Video.objects.filter(state=VideoState.PUBLISHED, published_at__gte=since)


def _unseen(ctx: FeedContext, qs, field: str = "pk"):
    # In SQL, not Python: a viewer who scrolled far has seen thousands.
    seen = Impression.objects.filter(user=ctx.viewer, served_at__gte=ctx.now - timedelta(days=ctx.cfg.seen_days))
    return qs.exclude(**{f"{field}__in": seen.values("video_id")})


class Following:
    """Recent videos of the people the viewer follows, newest first."""

    name = "following"
    personal = False  # an explicit choice of the viewer, not a profile: kept in the non-personalised feed

    def fetch(self, ctx: FeedContext) -> list[Candidate]:
        if not ctx.following:
            return []
        qs = _unseen(ctx, _published(ctx).filter(owner_id__in=ctx.following)).order_by("-published_at")
        return [
            Candidate(str(pk), self.name, via=str(owner)) for pk, owner in qs.values_list("pk", "owner_id")[:PER_SOURCE]
        ]


class InteractedCreators:
    """Recent videos of creators whose videos the viewer liked, remixed or watched long."""

    name = "interacted"
    personal = True

    def fetch(self, ctx: FeedContext) -> list[Candidate]:
        if not ctx.positive:
            return []
        # The 20 most recent interactions name at most 20 creators (from the ids the
        # context holds, not the like and view tables). Then each creator's newest
        # PER_SOURCE on the (owner, published_at) index of published videos, stopped
        # at the limit, merged: a prolific creator's back catalogue is never read.
        # One query over every creator's videos, sorted, grew with the catalogue
        # (bitmap scan of ~8k rows and a sort, 30 ms at 100k videos).
        owners = set(Video.objects.filter(pk__in=[v for v, _ in ctx.positive[:20]]).values_list("owner_id", flat=True))
        owners -= ctx.following | {ctx.viewer.pk}
        if not owners:
            return []
        base = _unseen(ctx, _published(ctx)).order_by("-published_at").values_list("pk", "owner_id", "published_at")
        parts = [base.filter(owner_id=owner)[:PER_SOURCE] for owner in sorted(owners)]
        # (one creator: a union of one is the sliced query itself, which cannot be re-ordered)
        newest = parts[0] if len(parts) == 1 else parts[0].union(*parts[1:], all=True).order_by("-published_at")
        newest = newest[:PER_SOURCE]
        return [Candidate(str(pk), self.name, via=str(owner)) for pk, owner, _ in newest]


class RemixesOfLiked:
    """Remixes of videos the viewer liked: the lineage is the reason."""

    name = "remix_of_liked"
    personal = True

    def fetch(self, ctx: FeedContext) -> list[Candidate]:
        if not ctx.liked:
            return []
        qs = _unseen(ctx, _published(ctx).filter(remix_of_id__in=ctx.liked[:200])).order_by("-published_at")
        return [
            Candidate(str(pk), self.name, via=str(parent))
            for pk, parent in qs.values_list("pk", "remix_of_id")[:PER_SOURCE]
        ]


def viewer_vector(ctx: FeedContext) -> np.ndarray | None:
    """Weighted mean of the embeddings of what the viewer liked, remixed or watched long."""
    weights = dict(ctx.positive)
    if not weights:
        return None
    rows = VideoFeatures.objects.filter(video_id__in=list(weights)).values_list("video_id", "embedding")
    vectors = [np.frombuffer(bytes(vec), np.float32) * weights[str(vid)] for vid, vec in rows]
    if not vectors:
        return None
    mean = np.sum(vectors, axis=0)
    norm = float(np.linalg.norm(mean))
    return mean / norm if norm > 0 else None


class Similar:
    """Nearest videos in the vector index to the viewer's recent positive interactions."""

    name = "similar"
    personal = True

    def fetch(self, ctx: FeedContext) -> list[Candidate]:
        from ..index import get_index

        vector = viewer_vector(ctx)
        if vector is None:
            return []
        exclude = ctx.seen | {v for v, _ in ctx.positive}
        return [
            Candidate(vid, self.name, similarity=sim)
            for vid, sim in get_index().search(vector, PER_SOURCE, exclude=exclude)
        ]


class SteeringMatches:
    """Videos labelled with a topic the viewer asked for, newest first."""

    name = "steering"
    personal = True

    def fetch(self, ctx: FeedContext) -> list[Candidate]:
        boost = sorted(ctx.boost)
        if not boost:
            return []
        since = ctx.now - timedelta(days=ctx.cfg.fresh_days)
        qs = _unseen(
            ctx,
            VideoTopic.objects.filter(
                topic__in=boost,
                video__state=VideoState.PUBLISHED,
                video__published_at__gte=since,
            ),
            field="video_id",
        ).order_by("-video__published_at")
        out, taken = [], set()
        for vid, topic in qs.values_list("video_id", "topic")[: PER_SOURCE * 2]:
            if str(vid) not in taken:
                taken.add(str(vid))
                out.append(Candidate(str(vid), self.name, via=topic))
        return out


def popular_pool(now) -> list[str]:
    """Most engaged public videos of the last weeks; shared by every viewer and
    cached briefly (it is the same list for everyone, and the costliest query).
    With the cache down it is read from the database every time (slower, never an error)."""
    try:
        ids = cache.get("feed:popular")
    except Exception:
        log.warning("cache unavailable: the popular list is read from the database", exc_info=True)
        return _popular(now)
    if ids is None:
        ids = _popular(now)
        try:
            cache.set("feed:popular", ids, POPULAR_CACHE_S)
        except Exception:
            log.warning("cache unavailable: the popular list is not cached", exc_info=True)
    return ids


def _popular(now) -> list[str]:
    since = now - timedelta(days=14)
    qs = (
        Video.objects.filter(state=VideoState.PUBLISHED, visibility=Visibility.PUBLIC, published_at__gte=since)
        .annotate(engagement=F("like_count") + 2 * F("comment_count") + 3 * F("remix_count"))
        .order_by("-engagement", "-published_at")
    )
    return [str(pk) for pk in qs.values_list("pk", flat=True)[:POPULAR_POOL]]


class Popular:
    """The most engaged public videos of the last weeks."""

    name = "popular"
    personal = False

    def fetch(self, ctx: FeedContext) -> list[Candidate]:
        out = []
        for vid in popular_pool(ctx.now):
            if vid not in ctx.seen:
                out.append(Candidate(vid, self.name))
                if len(out) == PER_SOURCE:
                    break
        return out


class Fresh:
    """The newest public videos: every new video gets a chance to be seen."""

    name = "fresh"
    personal = False

    def fetch(self, ctx: FeedContext) -> list[Candidate]:
        qs = _unseen(ctx, _published(ctx).filter(visibility=Visibility.PUBLIC)).order_by("-published_at")
        return [Candidate(str(pk), self.name) for pk in qs.values_list("pk", flat=True)[:PER_SOURCE]]


SOURCES = [Following(), SteeringMatches(), RemixesOfLiked(), InteractedCreators(), Similar(), Popular(), Fresh()]
