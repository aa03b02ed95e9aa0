"""Interactions (likes, comments, views), what the feed knows about videos
(embedding, topics) and about viewers (steering, check-ins, sessions, daily
counts, impressions)."""

import uuid

from django.conf import settings
from django.db import models


class Like(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="likes")
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="likes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "video"], name="like_once")]
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["video"])]


class Comment(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="comments")
    text = models.CharField(max_length=1000)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when a reviewer removes it: hidden everywhere, kept for the decision's record.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["video", "-created_at"]), models.Index(fields=["author", "-created_at"])]


class View(models.Model):
    """One watch of a video; many per (user, video) over time."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="views")
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="views")
    watch_ms = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-created_at"]), models.Index(fields=["video"])]


class VideoFeatures(models.Model):
    """What the recommender derived from a published video. `id` is the video's
    integer key in the faiss index (faiss wants int64, videos have UUIDs), and it
    only grows, so processes pick up new rows with `id > last seen`."""

    id = models.BigAutoField(primary_key=True)
    video = models.OneToOneField("videos.Video", on_delete=models.CASCADE, related_name="features")
    embedding = models.BinaryField()  # float32 (384,), L2-normalised, MiniLM on prompt + caption
    primary_topic = models.CharField(max_length=32, blank=True)
    # The labels again, space-separated, best first: hydration reads them with the
    # video row in one join instead of a query on VideoTopic per page.
    topics = models.CharField(max_length=400, blank=True)
    teen_safe = models.BooleanField(default=True)
    removed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    def vector(self):
        import numpy as np

        return np.frombuffer(bytes(self.embedding), np.float32)


class VideoTopic(models.Model):
    """A label from the fixed taxonomy (feed.topics.TOPICS); a row per label so
    "videos about cats" is an indexed lookup on every database."""

    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="topics")
    topic = models.CharField(max_length=32)
    score = models.FloatField(default=1.0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["video", "topic"], name="topic_once")]
        indexes = [models.Index(fields=["topic", "video"])]


class Steering(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="steering"
    )
    instruction = models.CharField(max_length=500)
    parsed = models.JSONField()
    parser = models.CharField(max_length=16, default="embedded")
    updated_at = models.DateTimeField(auto_now=True)


class Checkin(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins")
    created_at = models.DateTimeField(auto_now_add=True)
    mood = models.PositiveSmallIntegerField(null=True, blank=True)  # 1 (low) .. 5
    note = models.CharField(max_length=500, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-answered_at"])]


class FeedSession(models.Model):
    """The viewer's current stretch of continuous scrolling (for check-ins)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="feed_session"
    )
    started_at = models.DateTimeField()
    last_served_at = models.DateTimeField()
    items_since_checkin = models.PositiveIntegerField(default=0)

    class Meta:
        # The schedule re-ranks the pools of recently served viewers (feed.pool.refresh_active).
        indexes = [models.Index(fields=["last_served_at"])]


class FeedDay(models.Model):
    """Feed items served to a user on one UTC day: the daily cap's counter."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_days")
    day = models.DateField()
    served = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="feed_day_once")]


class Impression(models.Model):
    """A video served in the viewer's feed: the "already seen" filter reads these."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="impressions")
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="+")
    served_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["user", "-served_at"])]
