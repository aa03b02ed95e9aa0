"""Side effects of serving a page: impressions (the "seen" filter's memory),
the daily counter, the scrolling stretch and a check-in card's row.

They run after mixing and before the response is written, because the page
must name the check-in by id and the next page must not repeat this one. The
counters are upserts that add in the database, so two pages served at once
to the same viewer, on two devices, both count. On PostgreSQL a page without
a check-in card writes all three in one statement; otherwise they are three
bulk statements in one transaction.
"""

from __future__ import annotations

from django.db import connection, transaction

from ..models import Checkin, FeedDay, FeedSession, Impression
from .context import FeedContext, Item


def record(ctx: FeedContext, items: list[Item], checkin_at: int | None) -> list[Item]:
    videos = [i for i in items if i.type == "video"]
    if connection.vendor == "postgresql" and checkin_at is None and videos:
        _record_in_one_statement(ctx, [i.candidate.video_id for i in videos])
        return items
    with transaction.atomic():
        if checkin_at is not None:
            checkin = Checkin.objects.create(user=ctx.viewer)
            items = items[:checkin_at] + [Item("checkin", checkin=checkin)] + items[checkin_at:]
            since = sum(1 for i in items[checkin_at + 1 :] if i.type == "video")
        else:
            since = ctx.items_since_checkin + len(videos)
        if videos:
            Impression.objects.bulk_create([Impression(user=ctx.viewer, video_id=i.candidate.video_id) for i in videos])
            _count_served(ctx, len(videos))
        # One upsert: the stretch's row is made on the first page and moved on after.
        FeedSession.objects.bulk_create(
            [FeedSession(user=ctx.viewer, started_at=ctx.now, last_served_at=ctx.now, items_since_checkin=since)],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["last_served_at", "items_since_checkin"],
        )
    return items


def _count_served(ctx: FeedContext, n: int) -> None:
    """Add to the day's counter in one upsert (two pages served at once to the same
    viewer, from two devices, both count: the database adds, not this process)."""
    table = connection.ops.quote_name(FeedDay._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (user_id, day, served) VALUES (%s, %s, %s) "
            f"ON CONFLICT (user_id, day) DO UPDATE SET served = {table}.served + excluded.served",
            [
                FeedDay._meta.get_field("user").get_db_prep_value(ctx.viewer.pk, connection),
                FeedDay._meta.get_field("day").get_db_prep_value(ctx.now.date(), connection),
                n,
            ],
        )


def _record_in_one_statement(ctx: FeedContext, video_ids: list[str]) -> None:
    """A page without a check-in card on PostgreSQL: the impressions, the day's counter and
    the stretch in one statement (data-modifying CTEs: one round trip, atomic by itself)."""
    q = connection.ops.quote_name
    impression, day, session = (q(m._meta.db_table) for m in (Impression, FeedDay, FeedSession))
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH i AS (INSERT INTO {impression} (user_id, video_id, served_at) "
            f"  SELECT %(user)s, unnest(%(videos)s::uuid[]), %(now)s), "
            f"d AS (INSERT INTO {day} (user_id, day, served) VALUES (%(user)s, %(day)s, %(n)s) "
            f"  ON CONFLICT (user_id, day) DO UPDATE SET served = {day}.served + excluded.served) "
            f"INSERT INTO {session} (user_id, started_at, last_served_at, items_since_checkin) "
            f"VALUES (%(user)s, %(now)s, %(now)s, %(since)s) "
            f"ON CONFLICT (user_id) DO UPDATE SET last_served_at = excluded.last_served_at, "
            f"items_since_checkin = excluded.items_since_checkin",
            {
                "user": ctx.viewer.pk,
                "videos": video_ids,
                "now": ctx.now,
                "day": ctx.now.date(),
                "n": len(video_ids),
                "since": ctx.items_since_checkin + len(video_ids),
            },
        )
