"""The feed's knobs, as one typed object.

Each is a setting of the same name (`SORA_FEED_*`), read from the
environment in `sora_social/settings.py` with its default there, and listed
in the README's table.
"""

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class FeedSettings:
    page_size: int
    # Adults get no daily cap unless a deployment sets one; teens get theirs
    # from parental.selectors.teen_allowances.
    adult_daily_limit: int
    checkin_after_items: int  # continuous scrolling before a check-in card
    session_gap_s: int  # a pause this long ends a stretch of scrolling
    calm_hours: int  # how long a low-mood check-in keeps the feed calm
    seen_days: int  # impressions this recent are not served again
    fresh_days: int  # the window of "popular-and-fresh" and of creators' recent videos
    index_dir: str
    hnsw_min: int  # below this many vectors an exact search is both faster and perfect
    index_check_s: float  # how often a process looks for a newer index version
    steering_parser: str  # "embedded" | "llm"
    steering_model_path: str
    pool_size: int  # ranked videos kept per viewer (feed/pool.py)
    pool_max_age_s: int  # a pool older than this is re-ranked (served meanwhile)
    pool_ttl_s: int  # an unused pool is dropped after this long
    pool_active_s: int  # the schedule re-ranks the pools of viewers served this recently


def feed_settings() -> FeedSettings:
    from pathlib import Path

    s = settings
    return FeedSettings(
        page_size=s.SORA_FEED_PAGE_SIZE,
        adult_daily_limit=s.SORA_FEED_DAILY_LIMIT,
        checkin_after_items=s.SORA_FEED_CHECKIN_AFTER,
        session_gap_s=s.SORA_FEED_SESSION_GAP_S,
        calm_hours=s.SORA_FEED_CALM_HOURS,
        seen_days=s.SORA_FEED_SEEN_DAYS,
        fresh_days=s.SORA_FEED_FRESH_DAYS,
        index_dir=s.SORA_FEED_INDEX_DIR or str(Path(s.MEDIA_ROOT) / "var" / "feed-index"),
        hnsw_min=s.SORA_FEED_HNSW_MIN,
        index_check_s=s.SORA_FEED_INDEX_CHECK_S,
        steering_parser=s.SORA_FEED_STEERING_PARSER,
        steering_model_path=s.SORA_FEED_STEERING_MODEL_PATH,
        pool_size=s.SORA_FEED_POOL_SIZE,
        pool_max_age_s=s.SORA_FEED_POOL_MAX_AGE_S,
        pool_ttl_s=s.SORA_FEED_POOL_TTL_S,
        pool_active_s=s.SORA_FEED_POOL_ACTIVE_S,
    )
