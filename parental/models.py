import uuid

from django.conf import settings
from django.db import models


class LinkStatus(models.TextChoices):
    PENDING = "pending"
    ACTIVE = "active"


class ParentLink(models.Model):
    """An adult asks to be a teen's parent; the teen accepts. At most two active per teen."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    parent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="teen_links")
    teen = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parent_links")
    status = models.CharField(max_length=16, choices=LinkStatus.choices, default=LinkStatus.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["parent", "teen"], name="link_once")]


class DMCeiling(models.TextChoices):
    NOBODY = "nobody"
    MUTUALS = "mutuals"
    FOLLOWERS = "followers"


class CameoCeiling(models.TextChoices):
    ONLY_ME = "only_me"
    APPROVED = "approved"
    MUTUALS = "mutuals"


class ParentalControls(models.Model):
    """What a teen's linked parents set; absent values fall back to the teen defaults."""

    teen = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="parental_controls")
    feed_daily_limit = models.PositiveIntegerField(null=True, blank=True)
    personalized_feed = models.BooleanField(default=True)
    dm_policy = models.CharField(max_length=16, choices=DMCeiling.choices, default=DMCeiling.MUTUALS)
    cameo_permission_max = models.CharField(max_length=16, choices=CameoCeiling.choices, default=CameoCeiling.MUTUALS)
    generation_daily_limit = models.PositiveIntegerField(null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "parental controls"
        verbose_name_plural = "parental controls"
