import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class VideoState(models.TextChoices):
    DRAFT = "draft"
    PUBLISHED = "published"
    REMOVED = "removed"


class Visibility(models.TextChoices):
    PUBLIC = "public"
    FOLLOWERS = "followers"
    PRIVATE = "private"


class Video(models.Model):
    """A finished video. Only `videos.services` writes these rows; the job that rendered
    one points down at it (`generation.GenerationJob.video`), never the other way."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="videos")
    prompt = models.TextField()
    understood = models.JSONField(default=list, blank=True)  # from the request: what was drawn...
    ignored = models.JSONField(default=list, blank=True)  # ...and what of the prompt was left out
    seed = models.BigIntegerField(null=True, blank=True)
    # Every cameo the video carries: those its request named, then those inherited from
    # its remix parent (ids; the consent that lets it be shown is the cameos app's).
    cameo_ids = models.JSONField(default=list, blank=True)
    caption = models.CharField(max_length=500, blank=True)
    state = models.CharField(max_length=16, choices=VideoState.choices, default=VideoState.DRAFT)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.PUBLIC)
    remix_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="remixes")
    remix_count = models.PositiveIntegerField(default=0)
    like_count = models.PositiveIntegerField(default=0)
    comment_count = models.PositiveIntegerField(default=0)
    file = models.CharField(max_length=255, help_text="Storage name of the signed MP4.")
    thumbnail = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    duration_s = models.FloatField(default=0)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    has_c2pa = models.BooleanField(default=False)
    # The 32-bit key of the invisible mark in its frames: how POST /verify finds it again.
    mark_key = models.BigIntegerField(null=True, blank=True, unique=True)
    frame_hashes = models.JSONField(default=list, blank=True, help_text="Perceptual hashes (moderation.phash).")
    model_version = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["owner", "created_at"]),
            models.Index(fields=["state", "visibility", "published_at"]),
            # A creator's newest published videos, read to a limit (the feed's sources).
            models.Index(
                fields=["owner", "-published_at"],
                condition=Q(state="published"),
                name="video_owner_published",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.state})"
