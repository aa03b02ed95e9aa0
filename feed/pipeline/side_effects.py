"""Side effects of serving a page: impressions (the "seen" filter's memory),
the daily counter, the scrolling stretch and a check-in card's row.

They run after mixing and before the response is written, because the page
must name the check-in by id and the next page must not repeat this one; all
are single bulk statements, and the counters use F() so two pages served at
once to the same viewer (two devices) both count.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F

from ..models import Checkin, FeedDay, FeedSession, Impression
from .context import FeedContext, Item


def record(ctx: FeedContext, items: list[Item], checkin_at: int | None) -> list[Item]:
    videos = [i for i in items if i.type == "video"]
    with transaction.atomic():
        if checkin_at is not None:
            checkin = Checkin.objects.create(user=ctx.viewer)
            items = items[:checkin_at] + [Item("checkin", checkin=checkin)] + items[checkin_at:]
            since = sum(1 for i in items[checkin_at + 1 :] if i.type == "video")
        else:
            since = ctx.items_since_checkin + len(videos)
        if videos:
            Impression.objects.bulk_create([Impression(user=ctx.viewer, video_id=i.candidate.video_id) for i in videos])
            day = ctx.now.date()
            if not FeedDay.objects.filter(user=ctx.viewer, day=day).update(served=F("served") + len(videos)):
                _, created = FeedDay.objects.get_or_create(user=ctx.viewer, day=day, defaults={"served": len(videos)})
                if not created:  # another request created it between our update and insert
                    FeedDay.objects.filter(user=ctx.viewer, day=day).update(served=F("served") + len(videos))
        if not FeedSession.objects.filter(user=ctx.viewer).update(last_served_at=ctx.now, items_since_checkin=since):
            FeedSession.objects.update_or_create(
                user=ctx.viewer,
                defaults={"last_served_at": ctx.now, "items_since_checkin": since},
                create_defaults={"started_at": ctx.now, "last_served_at": ctx.now, "items_since_checkin": since},
            )
    return items
