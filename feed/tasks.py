"""Thin tasks: ids in, call one service, safe to run twice."""

from celery import shared_task


@shared_task(name="feed.index_rebuild")
def index_rebuild() -> int:
    """Rebuild the vector index from the database and publish a new version
    (beat, every SORA_FEED_INDEX_REBUILD_EVERY seconds; videos indexed in
    between are added by every process on its next sync)."""
    from .services import index_rebuild as rebuild

    return rebuild()


@shared_task(name="feed.video_index")
def video_index(video_id: str) -> None:
    """A published or re-captioned video: label, embed, index."""
    from .services import video_label_and_index

    video_label_and_index(video_id)


@shared_task(name="feed.videos_backfill")
def videos_backfill() -> int:
    """The catch-up (beat): every published video without features yet."""
    from .services import videos_backfill as backfill

    return backfill()


@shared_task(name="feed.pool_refresh")
def pool_refresh(user_id: str) -> int:
    """Rank one viewer's feed pool (on events, on a stale pool, on the schedule)."""
    from .pool import pool_refresh as refresh

    return refresh(user_id)


@shared_task(name="feed.pools_refresh_active")
def pools_refresh_active() -> int:
    """Beat, every SORA_FEED_POOL_MAX_AGE_S: re-rank the pools of recently served viewers."""
    from django.utils import timezone

    from .pool import refresh_active

    return refresh_active(timezone.now())
