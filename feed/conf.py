"""The feed's knobs, read from Django settings with embedded defaults.

Every value can be set in `sora_social/settings.py` through `env` under the
same name; absent, the default here applies (so the feed works on a fresh
machine without touching the project settings).
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


def feed_settings() -> FeedSettings:
    from pathlib import Path

    s = settings
    return FeedSettings(
        page_size=getattr(s, "SORA_FEED_PAGE_SIZE", 20),
        adult_daily_limit=getattr(s, "SORA_FEED_DAILY_LIMIT", 0),
        checkin_after_items=getattr(s, "SORA_FEED_CHECKIN_AFTER", 60),
        session_gap_s=getattr(s, "SORA_FEED_SESSION_GAP_S", 20 * 60),
        calm_hours=getattr(s, "SORA_FEED_CALM_HOURS", 3),
        seen_days=getattr(s, "SORA_FEED_SEEN_DAYS", 14),
        fresh_days=getattr(s, "SORA_FEED_FRESH_DAYS", 14),
        index_dir=getattr(s, "SORA_FEED_INDEX_DIR", "") or str(Path(s.MEDIA_ROOT) / "var" / "feed-index"),
        hnsw_min=getattr(s, "SORA_FEED_HNSW_MIN", 5000),
        index_check_s=getattr(s, "SORA_FEED_INDEX_CHECK_S", 5.0),
        steering_parser=getattr(s, "SORA_FEED_STEERING_PARSER", "embedded"),
        steering_model_path=getattr(s, "SORA_FEED_STEERING_MODEL_PATH", ""),
    )
