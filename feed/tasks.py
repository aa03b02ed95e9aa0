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
