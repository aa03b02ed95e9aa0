"""Mixing: list operations on scored candidates (home-mixer's "selectors";
named so here because in Django code a selector is a read query).

sort -> weave a page (per-creator cap, topic diversity) -> reasons ->
check-in slot -> daily cap.
"""

from __future__ import annotations

from .context import Candidate, FeedContext, Item

CREATOR_CAP = 2  # videos of one creator per page
TOPIC_RUN = 2  # at most this many of one topic in a row, unless the viewer asked for it
# Below this cosine, "similar to what you liked" would be a stretch; the index
# returns neighbours however far they are on a small corpus.
SIMILAR_REASON_MIN = 0.45


def sort(ctx: FeedContext, items: list[Candidate]) -> list[Candidate]:
    """Best first; ties broken by id so a page is reproducible."""
    return sorted(items, key=lambda c: (-c.score, c.video_id))


def creator_cap(ctx: FeedContext, page: list[Candidate], c: Candidate, cap: int = CREATOR_CAP) -> bool:
    """At most `cap` videos of one creator per page (not when the viewer asked
    for only the people they follow: then a page of few creators is the point)."""
    if ctx.sources_mode == "following_only":
        return True
    owner = c.video["owner_id"]
    return sum(1 for p in page if p.video["owner_id"] == owner) < cap


def topic_diversity(ctx: FeedContext, page: list[Candidate], c: Candidate, run: int = TOPIC_RUN) -> bool:
    """No more than `run` of one primary topic in a row, unless the viewer asked for it."""
    last = [p.primary_topic for p in page[-run:]]
    if len(last) < run or len(set(last)) != 1 or not last[0] or last[0] in ctx.boost:
        return True
    return c.primary_topic != last[0]


# Relaxed from the last: a page short of diversity beats a short page, and a
# short page beats breaking the creator cap.
RULES = [creator_cap, topic_diversity]


def weave(ctx: FeedContext, ranked: list[Candidate], size: int) -> list[Candidate]:
    """Fill a page greedily: the best candidate that every rule allows; when
    none does, the best one that the stricter rules allow."""
    pending = list(ranked)
    page: list[Candidate] = []
    while pending and len(page) < size:
        for keep in range(len(RULES), 0, -1):
            rules = RULES[:keep]
            pick = next((i for i, c in enumerate(pending) if all(rule(ctx, page, c) for rule in rules)), None)
            if pick is not None:
                page.append(pending.pop(pick))
                break
        else:
            break  # only over-cap creators are left
    return page


def following_reason(username: str) -> str:
    return f"Because you follow @{username}"


def reason_for(ctx: FeedContext, c: Candidate) -> str:
    """Why this video is here, in words, from the strongest explainable signal."""
    owner = "@" + (c.video.get("owner__username") or ctx.usernames.get(c.video["owner_id"], "someone"))
    boosted = sorted(ctx.boost & set(c.topics))
    if boosted:
        return f"You asked for more {boosted[0]}"
    if ctx.objective == "calm" and "calm" in c.signals:
        if ctx.calm_until and ctx.calm_until > ctx.now:
            return "Something calm, after your check-in"
        return "Something calm, as you asked"
    if "remix_of_liked" in c.sources:
        return "Remixed from a video you liked"
    if c.video["owner_id"] in ctx.following:
        if ctx.sources_mode == "following_only":
            return following_reason(owner[1:]) + " (you asked for only people you follow)"
        return following_reason(owner[1:])
    if c.friend_cameos:
        return f"@{c.friend_cameos[0]}, whom you follow, is in this video"
    if "interacted" in c.sources:
        return f"Because you liked videos by {owner}"
    if "similar" in c.sources and c.similarity >= SIMILAR_REASON_MIN:
        return "Similar to videos you liked"
    if ctx.objective == "remixable" and c.video["remix_count"]:
        return "Popular to remix, as you asked"
    if ctx.objective == "fresh" or c.source == "fresh":
        return "New on Sora"
    return "Popular right now"


def reasons(ctx: FeedContext, items: list[Candidate]) -> list[Candidate]:
    for c in items:
        c.reason = reason_for(ctx, c)
    return items


def to_items(ctx: FeedContext, page: list[Candidate]) -> list[Item]:
    return [Item("video", candidate=c) for c in page]


def checkin_slot(ctx: FeedContext, items: list[Item]) -> int | None:
    """Where a check-in card goes: once the stretch of continuous scrolling
    reaches `checkin_after_items` videos (None: not in this page)."""
    after = ctx.cfg.checkin_after_items
    if after <= 0:
        return None
    videos = sum(1 for i in items if i.type == "video")
    if ctx.items_since_checkin + videos < after:
        return None
    return max(0, after - ctx.items_since_checkin)


def daily_cap(ctx: FeedContext, items: list[Item]) -> tuple[list[Item], bool]:
    """Cut the page at the day's limit and end it with a limit card; (items, ended)."""
    if not ctx.daily_limit:
        return items, False
    remaining = max(0, ctx.daily_limit - ctx.served_today)
    out, videos = [], 0
    for item in items:
        if item.type == "video":
            if videos == remaining:
                break
            videos += 1
        out.append(item)
    if videos < remaining and len(out) == len(items):
        return out, False
    detail = (
        "You reached today's feed limit. Come back tomorrow, or make something of your own."
        if ctx.teen
        else "You reached your daily feed limit."
    )
    return out + [Item("limit_reached", detail=detail)], True
