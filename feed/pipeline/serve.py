"""Serving a page from the viewer's pool (the request path).

The ranking is done (feed/pool.py); what must be exact at this moment is
checked again here, for the pool's next entries only, in one query: the one
visibility rule (`videos_visible_to`: removals, drafts, blocks either way,
followers-only, revoked cameos), appearances taken down, what the viewer was
served or watched since the pool was ranked, and the labels the teen and
steering rules read. Then a page is woven (creator cap, topic diversity), cut
at the daily cap, given its check-in card and recorded.

A steady page costs a fixed number of queries whatever the catalogue: the
viewer's counters, steering, mood and follows (one), the cards (one for the
first page and a quarter of entries, almost always enough), and the writes
(impressions, the daily counter, the stretch).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django.db.models import DateTimeField, F, IntegerField
from django.utils import timezone

from accounts.models import Follow, User
from accounts.selectors import follows_sql
from cameos.selectors import hidden_likeness_sql
from sora_social.sql import Condition, Sql, column, table
from videos.selectors import videos_visible_to

from .. import pool as pool_mod
from ..conf import feed_settings
from ..models import Checkin, FeedDay, Impression, View
from ..services import LOW_MOOD
from . import allowances_of, ending, follows_key, mixing, side_effects
from .context import Candidate, FeedContext, Item
from .filters import FILTERS

# Pool entries checked per query: a page and a quarter first (the pool left out what
# was seen when ranked, so nearly all of them pass: one query, and few rows built),
# then three pages at a time if many did not.
FIRST_WINDOW = 1.25
WINDOW_PAGES = 3
# The card query applies the visibility rule (blocks included); the rest run in memory.
SERVE_FILTERS = [f for f in FILTERS if f.name not in ("visibility", "blocked")]


@dataclass
class FeedPage:
    items: list[Item]
    more: bool  # False: no next page (the feed ran dry or the daily cap ended it)
    removed: dict[str, int] = field(default_factory=dict)  # filter name -> count, for debugging and tests


def serving_context(*, viewer, page: int = 0) -> FeedContext:
    """The viewer's counters, stretch, steering, mood and follows in one query (teens: their
    allowances too)."""
    cfg = feed_settings()
    now = timezone.now()
    me = viewer.pk
    # The four subqueries are SQL text (`sora_social.sql`): built from the ORM they cost
    # three times what PostgreSQL spends on the statement.
    served, low_mood_at, follows_n, follows_at = _context_sql()
    rows = (
        User.objects.filter(pk=me)
        .annotate(
            served=Sql(served, (me, now.date()), IntegerField()),
            low_mood_at=Sql(low_mood_at, (me, LOW_MOOD, now - timedelta(hours=cfg.calm_hours)), DateTimeField()),
            follows_n=Sql(follows_n, (me,), IntegerField()),
            follows_at=Sql(follows_at, (me,), DateTimeField()),
        )
        # the stretch and the steering are one-to-one with the user: joined, not sub-queried
        .values(
            "served",
            "low_mood_at",
            "follows_n",
            "follows_at",
            stretch_at=F("feed_session__last_served_at"),
            stretch=F("feed_session__items_since_checkin"),
            steering_parsed=F("steering__parsed"),
        )
    )
    row = rows[0] if rows else {}
    personalized, daily_limit = allowances_of(viewer, cfg)
    ctx = FeedContext(
        viewer=viewer,
        now=now,
        cfg=cfg,
        personalized=personalized,
        teen=viewer.is_teen,
        daily_limit=daily_limit,
        served_today=row.get("served") or 0,
        steering=(row.get("steering_parsed") or None) if personalized else None,
        calm_until=row["low_mood_at"] + timedelta(hours=cfg.calm_hours) if row.get("low_mood_at") else None,
        page=page,
        follows_key=follows_key(row.get("follows_n") or 0, row.get("follows_at")),
    )
    if row.get("stretch_at") and (now - row["stretch_at"]).total_seconds() < cfg.session_gap_s:
        ctx.items_since_checkin = row["stretch"] or 0
    return ctx


def cards(ctx: FeedContext, video_ids: list[str], seen_since: datetime) -> dict:
    """The entries' videos the viewer may see now, with what the in-memory filters read (one query).

    What it reads besides the videos is SQL text (`sora_social.sql.Condition`), as the
    visibility rule is: built from the ORM, its four EXISTS cost more Python than the
    statement cost PostgreSQL."""
    me = ctx.viewer.pk
    rows = (
        videos_visible_to(ctx.viewer)
        .filter(pk__in=video_ids)
        .annotate(
            follows_owner=Condition(follows_sql(), (me,), owner="owner_id"),
            hidden_cameo=Condition(hidden_likeness_sql(), video="pk"),
            seen=Condition(_seen_sql(), (me, seen_since, me, seen_since), video="pk"),
        )
        .select_related("owner", "features")
        .defer("features__embedding")  # 1.5 KB a row that serving never reads
    )
    out = {}
    for video in rows:
        vid = str(video.pk)
        out[vid] = video
        if video.seen:
            ctx.seen.add(vid)
        if video.follows_owner:
            ctx.following.add(video.owner_id)
    return out


@lru_cache(maxsize=1)
def _context_sql() -> tuple[str, str, str, str]:
    """Today's served count (user, day); the last low check-in (user, mood ceiling, since);
    how many the user follows and when they last followed someone (user)."""
    day, checkin, follow = table(FeedDay), table(Checkin), table(Follow)
    answered, follower = column(Checkin, "answered_at"), column(Follow, "follower")
    return (
        f"SELECT vis_d.{column(FeedDay, 'served')} FROM {day} vis_d"
        f" WHERE vis_d.{column(FeedDay, 'user')} = %s AND vis_d.{column(FeedDay, 'day')} = %s",
        f"SELECT vis_k.{answered} FROM {checkin} vis_k WHERE vis_k.{column(Checkin, 'user')} = %s"
        f" AND vis_k.{column(Checkin, 'mood')} <= %s AND vis_k.{answered} >= %s ORDER BY vis_k.{answered} DESC LIMIT 1",
        f"SELECT COUNT(*) FROM {follow} vis_f WHERE vis_f.{follower} = %s",
        f"SELECT MAX(vis_f.{column(Follow, 'created_at')}) FROM {follow} vis_f WHERE vis_f.{follower} = %s",
    )


@lru_cache(maxsize=1)
def _seen_sql() -> str:
    """Served to the viewer, or watched by them, since the time given (user, since; twice)."""
    impression, view = table(Impression), table(View)
    return (
        f"EXISTS (SELECT 1 FROM {impression} vis_i WHERE vis_i.{column(Impression, 'user')} = %s"
        f" AND vis_i.{column(Impression, 'video')} = {{video}} AND vis_i.{column(Impression, 'served_at')} >= %s)"
        f" OR EXISTS (SELECT 1 FROM {view} vis_v WHERE vis_v.{column(View, 'user')} = %s"
        f" AND vis_v.{column(View, 'video')} = {{video}} AND vis_v.{column(View, 'created_at')} >= %s)"
    )


def _candidate(video_id: str, reason: str, video) -> Candidate:
    features = getattr(video, "features", None)
    topics = (features.topics or "").split() if features else []
    c = Candidate(video_id, "pool")
    c.video = {
        "owner_id": video.owner_id,
        "owner__username": video.owner.username,
        "state": video.state,
        "visibility": video.visibility,
        "published_at": video.published_at,
    }
    c.topics = topics
    c.primary_topic = features.primary_topic if features else ""
    c.teen_safe = features.teen_safe if features else None
    c.hidden_cameo = video.hidden_cameo
    c.reason = reason
    c.page_video = video
    return c


def serve_page(*, viewer, page: int = 0) -> FeedPage:
    ctx = serving_context(viewer=viewer, page=page)
    size = ctx.cfg.page_size
    if ctx.daily_limit and ctx.served_today >= ctx.daily_limit:
        items, _ = mixing.daily_cap(ctx, [])
        return FeedPage(items=items, more=False)

    pool = pool_mod.pool_for(ctx)
    # The pool left out what was seen when it was ranked; since then, only its own pages.
    seen_since = (
        ctx.now - timedelta(days=ctx.cfg.seen_days) if pool.shared else datetime.fromtimestamp(pool.built_at, tz=UTC)
    )
    # Followees' new videos first, then the ranked entries from where the last page stopped.
    entries = list(pool.arrivals) + list(zip(pool.ids[pool.start :], pool.reasons[pool.start :]))
    survivors: list[Candidate] = []
    at: dict[str, int] = {}  # video id -> its index in entries
    removed: dict[str, int] = {}
    pos, window = 0, int(FIRST_WINDOW * size)
    while pos < len(entries) and len(survivors) < size:
        chunk = entries[pos : pos + window]
        found = cards(ctx, [vid for vid, _ in chunk], seen_since)
        batch = []
        for i, (vid, reason) in enumerate(chunk, start=pos):
            if vid in found and vid not in at:
                at[vid] = i
                batch.append(_candidate(vid, reason, found[vid]))
        if len(batch) < len(chunk):
            removed["visibility"] = removed.get("visibility", 0) + len(chunk) - len(batch)
        for f in SERVE_FILTERS:
            batch, dropped = f.apply(ctx, batch)
            if dropped:
                removed[f.name] = removed.get(f.name, 0) + len(dropped)
        survivors += batch
        pos, window = pos + len(chunk), WINDOW_PAGES * size

    page_items = mixing.weave(ctx, survivors, size)
    items = mixing.to_items(ctx, page_items)
    items, ended = mixing.daily_cap(ctx, items)
    checkin_at = mixing.checkin_slot(ctx, [i for i in items if i.type == "video"])
    items = side_effects.record(ctx, items, checkin_at)
    # The next page starts at the first entry that passed but did not fit this page (the
    # creator cap, the topic runs), or after everything looked at.
    taken = {c.video_id for c in page_items}
    resume = min((at[c.video_id] for c in survivors if c.video_id not in taken), default=pos)
    start = pool.start + max(0, resume - len(pool.arrivals))
    if start != pool.start and not ended:
        pool_mod.position_store(viewer.pk, pool, start)
    more = not ended and len(page_items) == size and (len(survivors) > size or start < len(pool.ids))
    if not more and not ended:
        items.append(ending.end_card(ctx, served_any=bool(page_items) or page > 0))
        if not pool.shared:
            pool_mod.refresh_queue(viewer.pk)  # drained: what is new by the next visit gets ranked
    return FeedPage(items=items, more=more, removed=removed)
