"""The feed pipeline, stage by stage (the table of contents):

1. context      load the viewer's world once: follows, blocks, seen, likes,
                steering, check-in mood, daily count, teen allowances
2. sources      following, steering matches, remixes of liked videos,
                interacted creators, similar (vector index), popular, fresh
3. hydrate      bulk: video rows, topics, safety labels, cameo owners
4. filters      removed, own, blocked, seen, revoked cameos, teen-safe,
                steering (avoid / following only), visibility
5. scoring      engagement, remixability, friends, freshness, similarity, steering
6. mixing       sort, weave a page (creator cap, topic diversity), reasons,
                check-in slot, daily cap
7. side_effects impressions, daily counter, scrolling stretch, check-in row
8. ending       the last page says why the feed ends (caught up, nothing yet)
                and what to do next

`feed_page(viewer=..., page=...)` runs them and returns the items and whether
the feed goes on. Sources are fail-open; everything else fails loudly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.utils import timezone

from accounts.models import Follow
from accounts.selectors import blocked_ids_for
from parental.selectors import teen_allowances
from videos.models import Video

from ..conf import feed_settings
from . import ending, mixing, scoring, side_effects
from . import filters as filters_mod
from . import hydrate as hydrate_mod
from . import sources as sources_mod
from .context import Candidate, FeedContext, Item

log = logging.getLogger(__name__)

SOURCES = sources_mod.SOURCES
FILTERS = filters_mod.FILTERS


@dataclass
class FeedPage:
    items: list[Item]
    more: bool  # False: no next page (the feed ran dry or the daily cap ended it)
    removed: dict[str, int] = field(default_factory=dict)  # filter name -> count, for debugging and tests


def load_context(*, viewer, page: int = 0) -> FeedContext:
    from ..models import Checkin, FeedDay, FeedSession, Impression, Like, Steering, View

    cfg = feed_settings()
    now = timezone.now()
    allowances = teen_allowances(user=viewer)
    personalized = allowances.personalized_feed if allowances is not None else True
    daily_limit = allowances.feed_daily_limit if allowances is not None else cfg.adult_daily_limit
    served = FeedDay.objects.filter(user=viewer, day=now.date()).values_list("served", flat=True).first() or 0
    ctx = FeedContext(
        viewer=viewer,
        now=now,
        cfg=cfg,
        personalized=personalized,
        teen=viewer.is_teen,
        daily_limit=daily_limit,
        served_today=served,
        steering=None,
        calm_until=None,
        page=page,
    )
    if daily_limit and served >= daily_limit:
        return ctx  # nothing else is needed to say "come back tomorrow"
    ctx.following = set(Follow.objects.filter(follower=viewer).values_list("followee_id", flat=True))
    ctx.blocked = set(blocked_ids_for(viewer))
    since_seen = now - timedelta(days=cfg.seen_days)
    ctx.seen = {
        str(v)
        for v in Impression.objects.filter(user=viewer, served_at__gte=since_seen)
        .values_list("video_id", flat=True)
        .union(View.objects.filter(user=viewer, created_at__gte=since_seen).values_list("video_id", flat=True))
    }
    session = FeedSession.objects.filter(user=viewer).first()
    if session and (now - session.last_served_at).total_seconds() < cfg.session_gap_s:
        ctx.items_since_checkin = session.items_since_checkin
    low = (
        Checkin.objects.filter(user=viewer, mood__lte=2, answered_at__gte=now - timedelta(hours=cfg.calm_hours))
        .order_by("-answered_at")
        .values_list("answered_at", flat=True)
        .first()
    )
    if low:
        ctx.calm_until = low + timedelta(hours=cfg.calm_hours)
    if personalized:
        steering = Steering.objects.filter(user=viewer).values_list("parsed", flat=True).first()
        ctx.steering = steering or None
        ctx.liked = [
            str(v)
            for v in Like.objects.filter(user=viewer).order_by("-created_at").values_list("video_id", flat=True)[:100]
        ]
        weights = {v: 1.0 for v in ctx.liked[:50]}
        for v in (
            View.objects.filter(user=viewer, watch_ms__gte=sources_mod.LONG_WATCH_MS)
            .order_by("-created_at")
            .values_list("video_id", flat=True)[:50]
        ):
            weights.setdefault(str(v), 0.5)
        for v in (
            Video.objects.filter(owner=viewer, remix_of__isnull=False)
            .order_by("-created_at")
            .values_list("remix_of_id", flat=True)[:20]
        ):
            weights[str(v)] = 2.0  # remixing something is the strongest "more like this"
        ctx.positive = list(weights.items())
    return ctx


def gather(ctx: FeedContext) -> list[Candidate]:
    out: list[Candidate] = []
    for source in SOURCES:
        if source.personal and not ctx.personalized:
            continue
        try:
            out.extend(source.fetch(ctx))
        except Exception:  # fail-open: one broken source must not empty the feed
            log.exception("feed source %s failed", source.name)
    return out


def feed_page(*, viewer, page: int = 0) -> FeedPage:
    ctx = load_context(viewer=viewer, page=page)
    size = ctx.cfg.page_size
    if ctx.daily_limit and ctx.served_today >= ctx.daily_limit:
        items, _ = mixing.daily_cap(ctx, [])
        return FeedPage(items=items, more=False)

    candidates = hydrate_mod.hydrate(ctx, hydrate_mod.merge(gather(ctx)))
    removed: dict[str, int] = {}
    for f in FILTERS:
        candidates, dropped = f.apply(ctx, candidates)
        if dropped:
            removed[f.name] = len(dropped)
    candidates = scoring.score(ctx, candidates)

    ranked = mixing.sort(ctx, candidates)
    page_items = mixing.weave(ctx, ranked, size)
    rows = hydrate_mod.videos_for_page([c.video_id for c in page_items])
    for c in page_items:
        c.page_video = rows.get(c.video_id)
    page_items = [c for c in page_items if c.page_video is not None]
    mixing.reasons(ctx, page_items)
    items = mixing.to_items(ctx, page_items)
    items, ended = mixing.daily_cap(ctx, items)
    checkin_at = mixing.checkin_slot(ctx, [i for i in items if i.type == "video"])
    items = side_effects.record(ctx, items, checkin_at)
    more = not ended and len(page_items) == size and len(ranked) > size
    if not more and not ended:
        items.append(ending.end_card(ctx, served_any=bool(page_items) or page > 0))
    return FeedPage(items=items, more=more, removed=removed)
