import uuid

from django.conf import settings
from django.db import models


class TargetType(models.TextChoices):
    VIDEO = "video"
    COMMENT = "comment"
    USER = "user"
    CAMEO = "cameo"
    MESSAGE = "message"


class ReportReason(models.TextChoices):
    SEXUAL = "sexual"
    SEXUAL_MINORS = "sexual_minors"
    VIOLENCE = "violence"
    SELF_HARM = "self_harm"
    EXTREMISM = "extremism"
    HATE = "hate"
    HARASSMENT = "harassment"
    LIKENESS = "likeness", "My likeness is used without consent"
    SPAM = "spam"
    OTHER = "other"


class Priority(models.IntegerChoices):
    URGENT = 0, "Urgent (cameo owner or teen)"
    NORMAL = 1, "Normal"


class CaseStatus(models.TextChoices):
    OPEN = "open"
    DECIDED = "decided"


class ReviewCase(models.Model):
    """All open reports about one target, reviewed together."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    target_type = models.CharField(max_length=16, choices=TargetType.choices)
    target_id = models.CharField(max_length=64)
    video = models.ForeignKey(
        "videos.Video",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The reported video, or the video a reported comment is on (context only: "
        "a decision acts on the target, never on this).",
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The account whose content or conduct is reviewed.",
    )
    category = models.CharField(max_length=32, choices=ReportReason.choices)
    priority = models.IntegerField(choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    note = models.TextField(blank=True, help_text="Why you decided as you did (kept with the decision).")
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Set by an "escalate" decision: from then on only senior reviewers decide the case.
    escalated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        # Open before decided ("open" > "decided"), urgent first, oldest first.
        ordering = ["-status", "priority", "created_at"]
        permissions = [("decide_escalated", "Can decide escalated cases (senior reviewer)")]
        indexes = [
            models.Index(fields=["status", "priority", "created_at"]),
            models.Index(fields=["target_type", "target_id", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.target_type} {self.target_id} ({self.category})"


class Report(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reports_made")
    reason = models.CharField(max_length=32, choices=ReportReason.choices)
    details = models.TextField(blank=True, max_length=2000)
    priority = models.IntegerField(choices=Priority.choices, default=Priority.NORMAL)
    created_at = models.DateTimeField(auto_now_add=True)


class Action(models.TextChoices):
    """What a decision does. "remove" acts on the case's target, whatever its kind."""

    DISMISS = "dismiss"
    REMOVE = "remove", "Remove"
    REMOVE_STRIKE = "remove_strike", "Remove + strike"
    SUSPEND = "suspend", "Suspend account"
    RESTORE = "restore", "Restore (appeal upheld)"
    # Keeps the case open, urgent, for senior reviewers only (e.g. sexual content
    # involving minors, credible threats): nobody is told anything yet.
    ESCALATE = "escalate", "Escalate to senior review"
    # A cameo stays its owner's but nobody else may use it any more (permission "only me").
    RESTRICT = "restrict", "Restrict cameo to its owner"


# The decisions that fit each kind of target, with the words a reviewer sees.
# A decision outside its target's row is refused, so "remove" on a comment case
# can only ever remove that comment (never the video it was posted on).
CASE_ACTIONS: dict[str, dict[str, str]] = {
    TargetType.VIDEO: {
        Action.DISMISS: "Dismiss",
        Action.REMOVE: "Remove video",
        Action.REMOVE_STRIKE: "Remove video + strike",
        Action.SUSPEND: "Suspend account",
        Action.ESCALATE: "Escalate to senior review",
    },
    TargetType.COMMENT: {
        Action.DISMISS: "Dismiss",
        Action.REMOVE: "Remove comment",
        Action.REMOVE_STRIKE: "Remove comment + strike",
        Action.SUSPEND: "Suspend author",
        Action.ESCALATE: "Escalate to senior review",
    },
    TargetType.USER: {
        Action.DISMISS: "Dismiss",
        Action.SUSPEND: "Suspend account",
        Action.ESCALATE: "Escalate to senior review",
    },
    TargetType.MESSAGE: {
        Action.DISMISS: "Dismiss",
        Action.REMOVE: "Remove message",
        Action.REMOVE_STRIKE: "Remove message + strike",
        Action.SUSPEND: "Suspend sender",
        Action.ESCALATE: "Escalate to senior review",
    },
    TargetType.CAMEO: {
        Action.DISMISS: "Dismiss",
        Action.RESTRICT: "Restrict cameo to its owner",
        Action.REMOVE: "Revoke cameo",
        Action.REMOVE_STRIKE: "Revoke cameo + strike",
        Action.SUSPEND: "Suspend owner",
        Action.ESCALATE: "Escalate to senior review",
    },
}


class Decision(models.Model):
    """Who decided what, when and why; never edited, only added."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case = models.ForeignKey(ReviewCase, null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    appeal = models.ForeignKey("Appeal", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=16, choices=Action.choices)
    reason = models.TextField()
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="moderation_decisions"
    )
    video = models.ForeignKey(
        "videos.Video",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Set only when the decision acted on a video.",
    )
    target_type = models.CharField(max_length=16, choices=TargetType.choices, blank=True)
    target_id = models.CharField(max_length=64, blank=True)
    evidence = models.TextField(blank=True, help_text="What was acted on, as it was (e.g. a removed comment's text).")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        who = self.reviewer.username if self.reviewer_id else "?"
        return f"{self.get_action_display()} ({self.target_type or 'case'}) by {who} on {self.created_at:%Y-%m-%d}: {self.reason[:80]}"


class Strike(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="strikes")
    decision = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="strike")
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)


class AppealStatus(models.TextChoices):
    PENDING = "pending"
    UPHELD = "upheld", "Upheld (restored)"
    DENIED = "denied"


class Appeal(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="appeals")
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="appeals")
    original = models.OneToOneField(Decision, on_delete=models.CASCADE, related_name="appealed_by")
    text = models.TextField(max_length=2000)
    status = models.CharField(max_length=16, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)


class RemovedHash(models.Model):
    """Perceptual hashes of removed videos' frames: a new render matching one is blocked."""

    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="+")
    hash = models.BigIntegerField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)


class ProtectedKind(models.TextChoices):
    CHARACTER = "character"
    BRAND = "brand"


class ProtectedPolicy(models.TextChoices):
    BLOCKED = "blocked", "Blocked"
    VERIFIED = "verified", "Allowed for accounts the owner verified"
    PARODY = "parody", "Allowed in parody (the owner opted in)"


class ProtectedCharacter(models.Model):
    """A character or brand someone owns: prompts that name it are refused unless its policy allows them.

    Edited in the admin; seeded from moderation/data/protected_characters.json
    (`manage.py load_protected_characters`)."""

    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=16, choices=ProtectedKind.choices, default=ProtectedKind.CHARACTER)
    owner = models.CharField(max_length=200, help_text="Who owns it, as the refusal names them.")
    aliases = models.JSONField(
        default=list,
        blank=True,
        help_text="Other spellings, in any language or script; each must mean only this on its own.",
    )
    policy = models.CharField(max_length=16, choices=ProtectedPolicy.choices, default=ProtectedPolicy.BLOCKED)
    rightsholder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="protected_characters",
        help_text="The owner's account: it reads the log of uses.",
    )
    verified_accounts = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="With the 'verified' policy, the accounts that may use it.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.owner})"


class ProtectedUse(models.Model):
    """A prompt that named a protected character: who, what, and whether the policy allowed it."""

    character = models.ForeignKey(ProtectedCharacter, on_delete=models.CASCADE, related_name="uses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    prompt = models.TextField()
    allowed = models.BooleanField()
    rule = models.CharField(max_length=16, help_text="blocked, verified, parody, or remix (named by the parent).")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["character", "-created_at"])]
