import secrets
import uuid
from datetime import date

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower


class DMPolicy(models.TextChoices):
    EVERYONE = "everyone", "Everyone"
    FOLLOWERS = "followers", "People who follow me"
    MUTUALS = "mutuals", "People I follow who follow me"
    NOBODY = "nobody", "Nobody"


# From most open to most closed; a ceiling is an index into this list.
DM_POLICY_ORDER = [DMPolicy.EVERYONE, DMPolicy.FOLLOWERS, DMPolicy.MUTUALS, DMPolicy.NOBODY]


def age_on(birthdate: date, today: date) -> int:
    return today.year - birthdate.year - ((today.month, today.day) < (birthdate.month, birthdate.day))


class User(AbstractUser):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    birthdate = models.DateField(null=True, blank=True)
    display_name = models.CharField(max_length=50, blank=True)
    bio = models.CharField(max_length=280, blank=True)
    dm_policy = models.CharField(max_length=16, choices=DMPolicy.choices, default=DMPolicy.FOLLOWERS)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["created_at"])]
        constraints = [models.UniqueConstraint(Lower("username"), name="username_ci_unique")]

    @property
    def age(self) -> int | None:
        if self.birthdate is None:
            return None
        return age_on(self.birthdate, date.today())

    @property
    def is_teen(self) -> bool:
        # Age is derived from the birthdate each time so a teen becomes an adult on
        # their birthday without a job flipping a flag.
        age = self.age
        return age is not None and age < settings.SORA_ADULT_AGE


def new_invite_code() -> str:
    return secrets.token_urlsafe(9)


class Invite(models.Model):
    code = models.CharField(max_length=32, unique=True, default=new_invite_code)
    owner = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="invites")
    used_by = models.OneToOneField(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="invited_with")
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.code


class Follow(models.Model):
    follower = models.ForeignKey(User, on_delete=models.CASCADE, related_name="following_set")
    followee = models.ForeignKey(User, on_delete=models.CASCADE, related_name="follower_set")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["follower", "followee"], name="follow_once"),
            models.CheckConstraint(condition=~Q(follower=models.F("followee")), name="follow_not_self"),
        ]
        indexes = [models.Index(fields=["followee", "created_at"])]


class Block(models.Model):
    blocker = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocking_set")
    blocked = models.ForeignKey(User, on_delete=models.CASCADE, related_name="blocked_by_set")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=models.F("blocked")), name="block_not_self"),
        ]
        indexes = [models.Index(fields=["blocked"])]


class Message(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    sender = models.ForeignKey(User, on_delete=models.CASCADE, related_name="sent_messages")
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="received_messages")
    text = models.TextField(max_length=2000, blank=True)
    video = models.ForeignKey("videos.Video", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    # Set by a reviewer's decision: hidden from both people; the row stays for the record.
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["sender", "recipient", "created_at"])]


class NotificationKind(models.TextChoices):
    FOLLOW = "follow"
    LIKE = "like"
    COMMENT = "comment"
    REMIX = "remix"
    CAMEO_USED = "cameo_used"
    CAMEO_TAKEN_DOWN = "cameo_taken_down"
    CAMEO_REVOKED = "cameo_revoked"
    CAMEO_APPROVAL_REQUESTED = "cameo_approval_requested"
    CAMEO_APPROVED = "cameo_approved"
    CAMEO_DECLINED = "cameo_declined"
    MODERATION = "moderation_decision"
    PARENTAL = "parental_changed"
    GENERATION = "generation_finished"
    MESSAGE = "message"


class Notification(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=NotificationKind.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    video = models.ForeignKey("videos.Video", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["recipient", "created_at"]), models.Index(fields=["recipient", "read_at"])]
