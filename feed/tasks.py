"""Thin tasks: ids in, call one service, safe to run twice."""

from celery import shared_task


@shared_task(name="feed.index_rebuild")
def index_rebuild() -> int:
    """Rebuild the vector index from the database and publish a new version
    (schedule it with beat, e.g. every 15 minutes; publishes in between are
    added in place by every process)."""
    from .services import index_rebuild as rebuild

    return rebuild()


@shared_task(name="feed.videos_backfill")
def videos_backfill() -> int:
    from .services import videos_backfill as backfill

    return backfill()
