"""What every stage of one feed request knows: the viewer and their world,
loaded once up front in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from ..conf import FeedSettings


@dataclass
class Candidate:
    """A video some source proposed; `source` is why (kept for the reason)."""

    video_id: str
    source: str
    via: str = ""  # the source's detail: a followee, a topic, a seed video
    similarity: float = 0.0
    sources: set[str] = field(default_factory=set)
    # filled by hydrate
    video: object = None
    topics: list[str] = field(default_factory=list)
    primary_topic: str = ""
    teen_safe: bool | None = None
    friend_cameos: list[str] = field(default_factory=list)  # usernames of followed cameo owners
    hidden_cameo: bool = False  # a revoked cameo or a taken-down appearance
    # filled by scoring and mixing
    score: float = 0.0
    signals: dict[str, float] = field(default_factory=dict)
    reason: str = ""
    page_video: object = None  # the full Video row, fetched for the page only


@dataclass
class Item:
    """A feed entry: a video, a check-in card, the daily-limit card or the end card."""

    type: str
    candidate: Candidate | None = None
    checkin: object = None
    detail: str = ""
    extra: dict = field(default_factory=dict)  # the end card's reason, actions and your_videos


@dataclass
class FeedContext:
    viewer: object
    now: datetime
    cfg: FeedSettings
    personalized: bool
    teen: bool
    daily_limit: int  # 0: none
    served_today: int
    steering: dict | None  # parsed, or None when absent / not personalised
    calm_until: datetime | None  # a low-mood check-in asks for calm until then
    following: set = field(default_factory=set)  # user ids
    blocked: set = field(default_factory=set)  # user ids, either direction
    seen: set = field(default_factory=set)  # video ids (str)
    liked: list = field(default_factory=list)  # video ids (str), newest first
    positive: list = field(default_factory=list)  # [(video id, weight)]: likes, remixes, long watches
    usernames: dict = field(default_factory=dict)  # user id -> username (filled by hydrate)
    items_since_checkin: int = 0
    page: int = 0
    follows_key: str = ""  # how many the viewer follows and the newest follow's time: a pool ranked
    # under other follows, steering or mood is re-ranked (feed/pool.py: ranked_under)

    @property
    def objective(self) -> str:
        if self.calm_until and self.calm_until > self.now:
            return "calm"
        return (self.steering or {}).get("objective", "default")

    @property
    def sources_mode(self) -> str:
        return (self.steering or {}).get("sources", "everything")

    @property
    def boost(self) -> set:
        return set((self.steering or {}).get("boost", []))

    @property
    def avoid(self) -> set:
        return set((self.steering or {}).get("avoid", []))
