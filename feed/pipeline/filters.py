"""Filters: each keeps what may be served and names what it removed.

`apply(ctx, items) -> (kept, removed)`. The visibility rule is not
re-implemented here: `VisibleToViewer` asks `generation.selectors.
videos_visible_to` (which also knows blocks and revoked cameos) in one query;
the cheaper in-memory filters before it only save that query work.
"""

from __future__ import annotations

from videos.models import VideoState
from videos.selectors import videos_visible_to

from ..topics import TEEN_UNSAFE
from .context import Candidate, FeedContext


class _Filter:
    name = ""

    def keep(self, ctx: FeedContext, c: Candidate) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def apply(self, ctx: FeedContext, items: list[Candidate]) -> tuple[list[Candidate], list[Candidate]]:
        kept, removed = [], []
        for c in items:
            (kept if self.keep(ctx, c) else removed).append(c)
        return kept, removed


class Removed(_Filter):
    """Only published videos: never removed ones, never drafts (not even your own)."""

    name = "removed"

    def keep(self, ctx, c):
        return c.video["state"] == VideoState.PUBLISHED


class Own(_Filter):
    """Not the viewer's own videos: they have their profile for that."""

    name = "own"

    def keep(self, ctx, c):
        return c.video["owner_id"] != ctx.viewer.pk


class Blocked(_Filter):
    """Nothing from someone the viewer blocked or who blocked the viewer."""

    name = "blocked"

    def keep(self, ctx, c):
        return c.video["owner_id"] not in ctx.blocked


class Seen(_Filter):
    """Nothing the viewer was served or watched in the last `seen_days`."""

    name = "seen"

    def keep(self, ctx, c):
        return c.video_id not in ctx.seen


class RevokedCameos(_Filter):
    """Nothing with a revoked cameo or an appearance its owner took down: a
    withdrawn likeness is not amplified, even where the video itself stays up."""

    name = "revoked_cameos"

    def keep(self, ctx, c):
        return not c.hidden_cameo


class TeenSafe(_Filter):
    """Teens get only videos labelled teen-safe; unlabelled ones are not known safe."""

    name = "teen_safe"

    def keep(self, ctx, c):
        if not ctx.teen:
            return True
        return bool(c.teen_safe) and not (set(c.topics) & TEEN_UNSAFE)


class SteeringAvoid(_Filter):
    """Topics the viewer asked to avoid, and, for "only from people I follow",
    everyone else. A request to see none of something is a rule, not a weight."""

    name = "steering"

    def keep(self, ctx, c):
        if ctx.avoid & set(c.topics):
            return False
        if ctx.sources_mode == "following_only":
            return c.video["owner_id"] in ctx.following
        return True


class VisibleToViewer(_Filter):
    """The one visibility rule (generation.selectors.videos_visible_to), one query."""

    name = "visibility"

    def apply(self, ctx, items):
        if not items:
            return [], []
        visible = {
            str(pk)
            for pk in videos_visible_to(ctx.viewer)
            .filter(pk__in=[c.video_id for c in items])
            .values_list("pk", flat=True)
        }
        kept = [c for c in items if c.video_id in visible]
        removed = [c for c in items if c.video_id not in visible]
        return kept, removed


FILTERS = [Removed(), Own(), Blocked(), Seen(), RevokedCameos(), TeenSafe(), SteeringAvoid(), VisibleToViewer()]
