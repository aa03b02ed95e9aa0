"""Per-viewer candidate pools: the feed is ranked off the request path.

A worker runs the ranking stages (pipeline.rank: sources, hydration, filters,
scoring, weaving, reasons) for one viewer and stores the result, up to
`SORA_FEED_POOL_SIZE` video ids in page order with their reasons, in the
cache (Redis in production, local memory on the embedded default). A page is
then served from the pool (pipeline/serve.py): the next entries, checked
again in one query for what must be exact at that moment.

When a pool is (re)ranked:
- on events: a follow or unfollow (and a block, which ends follows), a new
  steering instruction, an answered check-in; and a followee's new video is
  put at the head of each follower's pool as soon as it is labelled
  (`video_arrived`), without re-ranking;
- on a schedule: every `SORA_FEED_POOL_MAX_AGE_S` seconds, the pools of the
  viewers served in the last `SORA_FEED_POOL_ACTIVE_S` (beat,
  `feed.pools_refresh_active`);
- on a request that finds its pool older than the maximum age, or ranked
  under other steering, mood or follows (`ranked_under`; in case the
  event's refresh was lost): that page is served from the old pool and a
  refresh is queued; ranked under another personalisation setting (a
  parent's change): not served at all.

A viewer with no pool yet (new, or unused for `SORA_FEED_POOL_TTL_S`) gets a
page at once from the shared pool (fresh and popular public videos, woven
across topics; the same for everyone, cached for a minute) while their own
is ranked. With tasks run in place (the embedded default, tests) the pool is
ranked within that first request instead.

If the cache is down, a page is ranked in the request, as before pools
(slower, never an error); if the broker is down, a missing pool is ranked in
the request and stored.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from array import array
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.cache import cache

from accounts.models import Follow, User
from videos.models import Video, VideoState, Visibility

from .conf import feed_settings
from .pipeline import mixing
from .pipeline.sources import POPULAR_CACHE_S, popular_pool

log = logging.getLogger(__name__)

FORMAT = 1
QUEUED_S = 30  # one queued refresh per viewer at a time; after this long, another may be queued
SHARED_FRESH = 200  # the newest public videos in the shared pool, next to the popular ones
POPULAR_REASON = "Popular right now"
FRESH_REASON = "New on Sora"


def _key(user_id) -> str:
    return f"feed:pool:{user_id}"


def _queued_key(user_id) -> str:
    return f"feed:pool:queued:{user_id}"


def _position_key(user_id) -> str:
    return f"feed:pool:pos:{user_id}"


SHARED_KEY = "feed:pool:shared"
ARRIVALS_MAX = 20


@dataclass
class Pool:
    built_at: float  # epoch seconds when its ranking started; impressions since then are checked at serve time
    ids: list[str] = field(default_factory=list)  # video ids in page order
    reasons: list[str] = field(default_factory=list)  # one per id
    personalized: bool = True
    inputs: str = ""  # what it was ranked under: steering, calm, follows (`ranked_under`)
    shared: bool = False
    # Followees' videos that arrived after the ranking, (id, reason), served first.
    arrivals: list[tuple[str, str]] = field(default_factory=list)
    # Where this viewer's next page starts in `ids` (kept apart, under the position key:
    # pages before it were served or left out; 0 for a pool ranked since).
    start: int = 0

    def age(self, now) -> float:
        return now.timestamp() - self.built_at


def ranked_under(ctx) -> str:
    """A fingerprint of what a viewer's ranking depends on that they change themselves:
    steering, a calm spell after a low check-in, whom they follow. A pool ranked under
    another is re-ranked on the next request, even if the event that changed it was lost."""
    calm = bool(ctx.calm_until and ctx.calm_until > ctx.now)
    key = json.dumps([ctx.steering or None, calm, ctx.follows_key], sort_keys=True, default=str)
    return hashlib.blake2s(key.encode(), digest_size=8).hexdigest()


def encode(pool: Pool) -> dict:
    """Compact: 16 bytes an id, 2 bytes a reason (an index into the pool's distinct reasons)."""
    table = list(dict.fromkeys(pool.reasons))
    at = {reason: i for i, reason in enumerate(table)}
    return {
        "f": FORMAT,
        "at": pool.built_at,
        "ids": b"".join(uuid.UUID(v).bytes for v in pool.ids),
        "why": array("H", [at[r] for r in pool.reasons]).tobytes(),
        "rt": table,
        "p": pool.personalized,
        "in": pool.inputs,
        "sh": pool.shared,
        "ar": [list(a) for a in pool.arrivals],
    }


def decode(raw) -> Pool | None:
    if not isinstance(raw, dict) or raw.get("f") != FORMAT:
        return None  # absent, or written by another version: ranked again
    blob, why = raw["ids"], array("H")
    why.frombytes(raw["why"])
    return Pool(
        built_at=raw["at"],
        ids=[str(uuid.UUID(bytes=blob[i : i + 16])) for i in range(0, len(blob), 16)],
        reasons=[raw["rt"][i] for i in why],
        personalized=raw["p"],
        inputs=raw["in"],
        shared=raw["sh"],
        arrivals=[tuple(a) for a in raw.get("ar", [])],
    )


def pool_load(user_id) -> Pool | None:
    """The viewer's pool and where their next page starts in it (one cache round trip)."""
    found = cache.get_many([_key(user_id), _position_key(user_id)])
    pool = decode(found.get(_key(user_id)))
    if pool is not None:
        pool.start = _start(pool, found.get(_position_key(user_id)))
    return pool


def _start(pool: Pool, position) -> int:
    if isinstance(position, (list, tuple)) and len(position) == 2 and position[0] == pool.built_at:
        return min(int(position[1]), len(pool.ids))
    return 0  # no page served from this pool yet


def position_store(user_id, pool: Pool, start: int) -> None:
    """Remember where the viewer's next page starts (fail-open: without it, the next
    page checks the served entries again and skips them)."""
    try:
        cache.set(_position_key(user_id), (pool.built_at, start), feed_settings().pool_ttl_s)
    except Exception:
        log.warning("cache unavailable: feed position of %s not kept", user_id, exc_info=True)


def pool_store(user_id, pool: Pool) -> None:
    cache.set(_key(user_id), encode(pool), feed_settings().pool_ttl_s)


def pool_build(viewer) -> Pool:
    """Rank the viewer's feed now (stages 1-6 of the pipeline)."""
    from .pipeline import rank

    ctx, woven, _ = rank(viewer=viewer, limit=feed_settings().pool_size)
    return Pool(
        built_at=ctx.now.timestamp(),
        ids=[c.video_id for c in woven],
        reasons=[c.reason for c in woven],
        personalized=ctx.personalized,
        inputs=ranked_under(ctx),
    )


def pool_refresh(user_id) -> int:
    """Task body: rank one viewer's pool and store it; returns its length (safe to run twice)."""
    try:
        cache.delete(_queued_key(user_id))  # events from now on may queue the next refresh
    except Exception:
        log.warning("cache unavailable while refreshing the feed pool of %s", user_id, exc_info=True)
    viewer = User.objects.filter(pk=user_id, is_active=True).first()
    if viewer is None:
        return 0
    pool = pool_build(viewer)
    pool_store(viewer.pk, pool)
    return len(pool.ids)


def refresh_queue(user_id) -> bool:
    """Queue a refresh of the viewer's pool (at most one waiting at a time); False when
    neither the cache nor the broker could take it."""
    from .tasks import pool_refresh as pool_refresh_task

    try:
        if not cache.add(_queued_key(user_id), 1, QUEUED_S):
            return True  # one is waiting already
    except Exception:
        log.warning("cache unavailable: feed pool refresh of %s not deduplicated", user_id, exc_info=True)
    try:
        pool_refresh_task.delay(str(user_id))
    except Exception:
        log.warning("could not queue the feed pool refresh of %s", user_id, exc_info=True)
        try:
            cache.delete(_queued_key(user_id))
        except Exception:
            pass
        return False
    return True


def viewer_changed(user_id) -> None:
    """Something the ranking depends on changed (a follow, steering, a check-in): re-rank soon."""
    refresh_queue(user_id)


def pool_for(ctx) -> Pool:
    """The pool to serve this viewer's page from (see the module's docstring for when it is ranked)."""
    uid = ctx.viewer.pk
    want = ranked_under(ctx)
    try:
        pool = pool_load(uid)
    except Exception:  # the cache is down: rank in the request, as before pools
        log.warning("feed pool cache unavailable; ranking in the request", exc_info=True)
        return pool_build(ctx.viewer)
    if pool is not None and pool.personalized == ctx.personalized:
        if pool.age(ctx.now) > ctx.cfg.pool_max_age_s or pool.inputs != want:
            refresh_queue(uid)
            pool = pool_load(uid) or pool  # with tasks in place it was just ranked; else the old one serves
        return pool
    if not refresh_queue(uid):  # the broker is down: rank it here, once
        pool = pool_build(ctx.viewer)
        pool_store(uid, pool)
        return pool
    pool = pool_load(uid)  # ranked already when tasks run in place
    if pool is None or pool.personalized != ctx.personalized:
        pool = shared_pool(ctx.now)
        pool.start = _start(pool, cache.get(_position_key(uid)))
    return pool


def shared_pool(now) -> Pool:
    """Fresh and popular public videos, woven across topics (round robin over primary
    topics, popular and fresh alternating within each): a new viewer's first page.
    The same for everyone; cached for a minute."""
    pool = decode(cache.get(SHARED_KEY))
    if pool is not None:
        return pool
    popular = popular_pool(now)
    since = now - timedelta(days=feed_settings().fresh_days)
    fresh = [
        str(pk)
        for pk in Video.objects.filter(
            state=VideoState.PUBLISHED, visibility=Visibility.PUBLIC, published_at__gte=since
        )
        .order_by("-published_at")
        .values_list("pk", flat=True)[:SHARED_FRESH]
    ]
    topic = {
        str(pk): t or ""
        for pk, t in Video.objects.filter(pk__in=popular + fresh).values_list("pk", "features__primary_topic")
    }
    by_topic: dict[str, list[tuple[str, str]]] = {}
    seen: set[str] = set()
    for i in range(max(len(popular), len(fresh))):
        for ids, reason in ((popular, POPULAR_REASON), (fresh, FRESH_REASON)):
            if i < len(ids) and ids[i] not in seen and ids[i] in topic:
                seen.add(ids[i])
                by_topic.setdefault(topic[ids[i]], []).append((ids[i], reason))
    woven: list[tuple[str, str]] = []
    queues = list(by_topic.values())
    while queues:
        woven += [q.pop(0) for q in queues]
        queues = [q for q in queues if q]
    pool = Pool(
        built_at=now.timestamp(),
        ids=[v for v, _ in woven],
        reasons=[r for _, r in woven],
        personalized=False,
        shared=True,
    )
    cache.set(SHARED_KEY, encode(pool), POPULAR_CACHE_S)
    return pool


def video_arrived(video: Video, *, batch: int = 1000) -> int:
    """A new video (labelled just now) goes to its owner's followers' pools, where they
    exist, among the arrivals served before the ranked entries; returns how many pools took it. What may not be served to one of
    them (a teen, a steering rule) is dropped when their page is served."""
    cfg = feed_settings()
    reason = mixing.following_reason(video.owner.username)
    vid = str(video.pk)
    followers = Follow.objects.filter(followee_id=video.owner_id).values_list("follower_id", flat=True)
    done = 0
    ids = list(followers.iterator(chunk_size=batch))
    for start in range(0, len(ids), batch):
        keys = {_key(f): f for f in ids[start : start + batch]}
        updates = {}
        for key, raw in cache.get_many(list(keys)).items():
            pool = decode(raw)
            if pool is None or vid in pool.ids or any(vid == a for a, _ in pool.arrivals):
                continue
            pool.arrivals = [(vid, reason), *pool.arrivals][:ARRIVALS_MAX]
            updates[key] = encode(pool)
        if updates:
            cache.set_many(updates, cfg.pool_ttl_s)
            done += len(updates)
    return done


def refresh_active(now) -> int:
    """Beat: queue a refresh for every viewer served in the last `pool_active_s`; returns how many."""
    from .models import FeedSession

    since = now - timedelta(seconds=feed_settings().pool_active_s)
    users = FeedSession.objects.filter(last_served_at__gte=since).values_list("user_id", flat=True)
    return sum(1 for uid in users.iterator(chunk_size=1000) if refresh_queue(uid))
