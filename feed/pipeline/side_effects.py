"""Side effects of serving a page: impressions (the "seen" filter's memory),
the daily counter, the scrolling stretch and a check-in card's row.

They run after mixing and before the response is written, because the page
must name the check-in by id and the next page must not repeat this one. The
counters are upserts that add in the database, so two pages served at once
to the same viewer, on two devices, both count. On PostgreSQL the three
writes are one statement; elsewhere three bulk statements in a transaction.
A check-in card's row is made in the same transaction as the writes.
"""

from __future__ import annotations

from django.db import connection, transaction

from ..models import Checkin, FeedDay, FeedSession, Impression
from .context import FeedContext, Item


def record(ctx: FeedContext, items: list[Item], checkin_at: int | None) -> list[Item]:
    ids = [i.candidate.video_id for i in items if i.type == "video"]
    if checkin_at is None:
        _write(ctx, ids, since=ctx.items_since_checkin + len(ids))
        return items
    with transaction.atomic():
        checkin = Checkin.objects.create(user=ctx.viewer)
        items = items[:checkin_at] + [Item("checkin", checkin=checkin)] + items[checkin_at:]
        _write(ctx, ids, since=sum(1 for i in items[checkin_at + 1 :] if i.type == "video"))
    return items


def _day_upsert(day: str, values: str) -> str:
    """Add to the day's counter: the database adds, not this process, so two pages served at
    once to the same viewer, from two devices, both count."""
    return (
        f"INSERT INTO {day} (user_id, day, served) VALUES ({values}) "
        f"ON CONFLICT (user_id, day) DO UPDATE SET served = {day}.served + excluded.served"
    )


def _write(ctx: FeedContext, video_ids: list[str], *, since: int) -> None:
    """The impressions, the day's counter and the stretch (its row is made on the first page
    and moved on after): on PostgreSQL one statement (data-modifying CTEs, one round trip,
    atomic by itself), elsewhere three in a transaction."""
    q = connection.ops.quote_name
    impression, day, session = (q(m._meta.db_table) for m in (Impression, FeedDay, FeedSession))
    if connection.vendor == "postgresql" and video_ids:
        with connection.cursor() as cursor:
            cursor.execute(
                f"WITH i AS (INSERT INTO {impression} (user_id, video_id, served_at) "
                f"  SELECT %(user)s, unnest(%(videos)s::uuid[]), %(now)s), "
                f"d AS ({_day_upsert(day, '%(user)s, %(day)s, %(n)s')}) "
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
                    "since": since,
                },
            )
        return
    with transaction.atomic():
        if video_ids:
            Impression.objects.bulk_create([Impression(user=ctx.viewer, video_id=v) for v in video_ids])
            with connection.cursor() as cursor:
                cursor.execute(
                    _day_upsert(day, "%s, %s, %s"),
                    [
                        FeedDay._meta.get_field("user").get_db_prep_value(ctx.viewer.pk, connection),
                        FeedDay._meta.get_field("day").get_db_prep_value(ctx.now.date(), connection),
                        len(video_ids),
                    ],
                )
        FeedSession.objects.bulk_create(
            [FeedSession(user=ctx.viewer, started_at=ctx.now, last_served_at=ctx.now, items_since_checkin=since)],
            update_conflicts=True,
            unique_fields=["user"],
            update_fields=["last_served_at", "items_since_checkin"],
        )
