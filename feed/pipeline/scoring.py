"""Scoring: one number per candidate, the sum of named signals (kept on the
candidate, so a reason and a debugging session can see what mattered).

Tuned for making rather than watching: remixes weigh more than likes, and
likes more than raw reach; a video people remix is an invitation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..topics import CALM, INTENSE
from .context import Candidate, FeedContext


@dataclass(frozen=True)
class Weights:
    likes: float = 0.35  # per log-like
    comments: float = 0.45  # conversations beat silent likes
    remixes: float = 0.9  # remixability: the strongest pull toward making something
    following: float = 1.2
    friend_cameo: float = 0.8  # a friend of yours is in it
    similarity: float = 1.5  # cosine to the viewer's taste vector (0..1)
    freshness: float = 1.0  # at age 0, halving every `half_life_h`
    half_life_h: float = 36.0
    multi_source: float = 0.25  # per extra source that proposed it
    boost: float = 3.0  # "more cats": strong enough to dominate a page, not to empty it of others
    calm: float = 1.5
    intense: float = -2.0
    following_heavy: float = 1.5


WEIGHTS = Weights()


def _signals(ctx: FeedContext, c: Candidate, w: Weights) -> dict[str, float]:
    v = c.video
    s: dict[str, float] = {
        "likes": w.likes * math.log1p(v["like_count"]),
        "comments": w.comments * math.log1p(v["comment_count"]),
        "remixes": w.remixes * math.log1p(v["remix_count"]),
    }
    if v["published_at"]:
        age_h = max(0.0, (ctx.now - v["published_at"]).total_seconds() / 3600)
        s["freshness"] = w.freshness * 0.5 ** (age_h / w.half_life_h)
    if v["owner_id"] in ctx.following:
        s["following"] = w.following
    if c.friend_cameos:
        s["friend_cameo"] = w.friend_cameo
    if c.similarity:
        s["similarity"] = w.similarity * c.similarity
    if len(c.sources) > 1:
        s["multi_source"] = w.multi_source * (len(c.sources) - 1)
    topics = set(c.topics)
    if ctx.boost & topics:
        s["boost"] = w.boost
    objective = ctx.objective
    if objective == "remixable":
        s["remixes"] *= 2
    elif objective == "fresh":
        s["freshness"] = s.get("freshness", 0.0) * 3
    elif objective == "calm":
        if topics & CALM:
            s["calm"] = w.calm
        if topics & INTENSE:
            s["intense"] = w.intense
    if ctx.sources_mode == "following_heavy" and "following" in s:
        s["following"] += w.following_heavy
    return s


def score(ctx: FeedContext, candidates: list[Candidate], weights: Weights = WEIGHTS) -> list[Candidate]:
    for c in candidates:
        c.signals = _signals(ctx, c, weights)
        c.score = sum(c.signals.values())
    return candidates
