"""The feed pipeline, stage by stage (the table of contents).

Ranking, off the request path (a worker builds the viewer's pool with it:
feed/pool.py):

1. context      load the viewer's world once: follows, blocks, seen, likes,
                steering, check-in mood, daily count, teen allowances
2. sources      following, steering matches, remixes of liked videos,
                interacted creators, similar (vector index), popular, fresh
3. hydrate      bulk: video rows, topics, safety labels, cameo owners
4. filters      removed, own, blocked, seen, revoked cameos, teen-safe,
                steering (avoid / following only), visibility
5. scoring      engagement, remixability, friends, freshness, similarity, steering
6. mixing       sort, weave pages (creator cap, topic diversity), reasons

Serving, on the request path (serve.py): the pool's next entries, checked
again where it must be exact (visibility, blocks, removals, revoked cameos,
teen caps, seen, steering rules) in one query, then

7. mixing       weave a page, check-in slot, daily cap
8. side_effects impressions, daily counter, scrolling stretch, check-in row
9. ending       the last page says why the feed ends (caught up, nothing yet)
                and what to do next

`rank(viewer=...)` runs stages 1-6 and returns the viewer's ranked, woven
candidates; `serve.serve_page(viewer=..., page=...)` serves one page. Sources
are fail-open; everything else fails loudly.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.utils import timezone

from accounts.models import Follow
from accounts.selectors import blocked_ids_for
from parental.selectors import teen_allowances
from videos.models import Video

from ..conf import feed_settings
from . import filters as filters_mod
from . import hydrate as hydrate_mod
from . import mixing, scoring
from . import sources as sources_mod
from .context import Candidate, FeedContext

log = logging.getLogger(__name__)

SOURCES = sources_mod.SOURCES
FILTERS = filters_mod.FILTERS


def allowances_of(viewer, cfg) -> tuple[bool, int]:
    """(personalised?, daily limit: 0 is none): a teen's from parental controls, an adult's from settings."""
    allowances = teen_allowances(user=viewer)
    if allowances is None:
        return True, cfg.adult_daily_limit
    return allowances.personalized_feed, allowances.feed_daily_limit


def follows_key(count: int, newest) -> str:
    return f"{count}:{newest.timestamp() if newest else 0:.6f}"


def load_context(*, viewer, page: int = 0, ranking: bool = False) -> FeedContext:
    """The viewer's world. `ranking`: for a pool, which is ranked whatever today's
    count (the cap is applied when a page is served)."""
    from ..models import Checkin, FeedDay, FeedSession, Impression, Like, Steering, View

    cfg = feed_settings()
    now = timezone.now()
    personalized, daily_limit = allowances_of(viewer, cfg)
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
    if daily_limit and served >= daily_limit and not ranking:
        return ctx  # nothing else is needed to say "come back tomorrow"
    follows = list(Follow.objects.filter(follower=viewer).values_list("followee_id", "created_at"))
    ctx.following = {f for f, _ in follows}
    ctx.follows_key = follows_key(len(follows), max((at for _, at in follows), default=None))
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


def rank(*, viewer, limit: int) -> tuple[FeedContext, list[Candidate], dict[str, int]]:
    """Stages 1-6 for one viewer: candidates from every source, filtered, scored and
    woven page by page (each run of `page_size` keeps the creator cap and the topic
    diversity), with their reasons; at most `limit` of them. Also returns what each
    filter removed (for debugging and tests)."""
    ctx = load_context(viewer=viewer, ranking=True)
    candidates = hydrate_mod.hydrate(ctx, hydrate_mod.merge(gather(ctx)))
    removed: dict[str, int] = {}
    for f in FILTERS:
        candidates, dropped = f.apply(ctx, candidates)
        if dropped:
            removed[f.name] = len(dropped)
    candidates = scoring.score(ctx, candidates)
    pending = mixing.sort(ctx, candidates)
    woven: list[Candidate] = []
    size = ctx.cfg.page_size
    while pending and len(woven) < limit:
        page = mixing.weave(ctx, pending, size)
        if not page:
            break
        taken = {c.video_id for c in page}
        pending = [c for c in pending if c.video_id not in taken]
        woven += page
    woven = woven[:limit]
    mixing.reasons(ctx, woven)
    return ctx, woven, removed
