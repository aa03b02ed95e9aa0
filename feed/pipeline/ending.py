"""The last stage: a feed that runs out says why and what to do next.

Three ways a feed ends: the day's limit (mixing.daily_cap's `limit_reached`
card), nothing left that the viewer has not seen (`caught_up`), or nothing to
show at all yet (`nothing_yet`: a new catalogue, or a creator whose own
videos are the only ones). The end card names the next actions (make a video
with a prompt the model draws, remix a popular video, follow its creator) and,
for a creator, how their own videos are doing, since the feed never shows
them their own.
"""

from __future__ import annotations

from django.db.models import Count, Sum

from accounts.models import Follow
from generation.capabilities import capabilities
from videos.models import Video, VideoState
from videos.selectors import videos_visible_to

from .context import FeedContext, Item
from .sources import popular_pool

CAUGHT_UP = "You're all caught up: you have seen everything new here for now."
NOTHING_YET = "There is nothing here for you yet."
POPULAR_CHECKED = 50  # of the popular list, the first ones the end card may offer to remix


def end_card(ctx: FeedContext, *, served_any: bool) -> Item:
    reason = "caught_up" if served_any else "nothing_yet"
    actions = [
        {
            "type": "create",
            "detail": "Make a video of your own.",
            "prompt": capabilities()["example_prompt"],
        }
    ]
    # The most engaged video of the shared popular list (cached for every viewer) that this
    # viewer may see and did not make: the visibility rule runs over a few ids, not the catalogue.
    candidates = popular_pool(ctx.now)[:POPULAR_CHECKED]
    visible = {
        str(row["pk"]): row
        for row in videos_visible_to(ctx.viewer)
        .filter(pk__in=candidates, state=VideoState.PUBLISHED)
        .exclude(owner=ctx.viewer)
        .values("pk", "owner_id", "owner__username")
    }
    popular = next((visible[vid] for vid in candidates if vid in visible), None)
    if popular:
        actions.append({"type": "remix", "detail": "Remix a popular video.", "video": str(popular["pk"])})
        # The context of a served page knows only some of the viewer's follows: ask.
        if not Follow.objects.filter(follower=ctx.viewer, followee_id=popular["owner_id"]).exists():
            name = popular["owner__username"]
            actions.append({"type": "follow", "detail": f"Follow @{name} to see their new videos.", "username": name})
    mine = Video.objects.filter(owner=ctx.viewer, state=VideoState.PUBLISHED).aggregate(
        published=Count("pk"), likes=Sum("like_count"), comments=Sum("comment_count"), remixes=Sum("remix_count")
    )
    yours = {k: v or 0 for k, v in mine.items()} if mine["published"] else None
    detail = CAUGHT_UP if served_any else NOTHING_YET
    if yours:
        detail += (
            f" Your videos so far: {yours['published']} published, {yours['likes']} likes,"
            f" {yours['comments']} comments, {yours['remixes']} remixes (the feed shows you other people's)."
        )
    return Item("end", detail=detail, extra={"reason": reason, "actions": actions, "your_videos": yours})
