import secrets
import uuid

from django.conf import settings
from django.db import models


class Permission(models.TextChoices):
    ONLY_ME = "only_me", "Only me"
    APPROVED = "approved", "People I approve"
    MUTUALS = "mutuals", "Mutuals (and people I approve)"
    EVERYONE = "everyone", "Everyone"


# From most closed to most open; a ceiling is an index into this list.
PERMISSION_ORDER = [Permission.ONLY_ME, Permission.APPROVED, Permission.MUTUALS, Permission.EVERYONE]

MOVES = ["left", "right", "up", "down"]


class EnrollmentStatus(models.TextChoices):
    PENDING = "pending"
    VERIFYING = "verifying"
    VERIFIED = "verified"
    REJECTED = "rejected"


def new_digits() -> str:
    return "".join(secrets.choice("0123456789") for _ in range(3))


def new_moves() -> list[str]:
    first = secrets.choice(MOVES)
    return [first, secrets.choice([m for m in MOVES if m != first])]


class Enrollment(models.Model):
    """A challenge (digits to say, head moves to make) and the capture that answers it.

    A verified enrollment is the consent record of a person cameo: its id is what
    C2PA manifests cite, never the person's data.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cameo_enrollments")
    digits = models.CharField(max_length=8, default=new_digits)
    moves = models.JSONField(default=new_moves)
    expires_at = models.DateTimeField()
    status = models.CharField(max_length=16, choices=EnrollmentStatus.choices, default=EnrollmentStatus.PENDING)
    reason = models.CharField(max_length=300, blank=True)
    reason_code = models.CharField(max_length=32, blank=True)
    capture = models.CharField(max_length=255, blank=True, help_text="Storage name of the uploaded clip.")
    content_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    verified_at = models.DateTimeField(null=True, blank=True)


class CameoKind(models.TextChoices):
    PERSON = "person"
    CHARACTER = "character"


class CharacterForm(models.TextChoices):
    """What a character cameo is. A pet is drawn as that animal, in the coat of its picture, by a
    model that learnt pets (GET /generations/capabilities lists them in `pet_forms`); a figure
    (and a pet, for a model that did not) is drawn as a figure with the picture as its face."""

    FIGURE = "figure"
    CAT = "cat"
    DOG = "dog"
    HORSE = "horse"


class Cameo(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cameos")
    enrollment = models.OneToOneField(
        Enrollment, null=True, blank=True, on_delete=models.SET_NULL, related_name="cameo"
    )
    name = models.CharField(max_length=50)
    kind = models.CharField(max_length=16, choices=CameoKind.choices, default=CameoKind.PERSON)
    form = models.CharField(
        max_length=16, choices=CharacterForm.choices, blank=True, default="", help_text="A character's: what it is."
    )
    permission = models.CharField(max_length=16, choices=Permission.choices, default=Permission.ONLY_ME)
    restrictions = models.TextField(blank=True, max_length=1000)
    # Opt-in: a video by someone else that carries this cameo stays a draft until
    # the owner approves it (Appearance.approval).
    approve_before_publish = models.BooleanField(default=False)
    reference = models.CharField(max_length=255, help_text="Storage name of the likeness reference (PNG).")
    preview = models.CharField(max_length=255, blank=True)
    embedding = models.JSONField(null=True, blank=True, help_text="Face embedding: one likeness, one owner.")
    capture_hashes = models.JSONField(
        null=True, blank=True, help_text="Perceptual hashes of the capture's faces, to refuse a replay of it."
    )
    voice_profile = models.JSONField(null=True, blank=True)
    consent_id = models.UUIDField(
        default=uuid.uuid4, editable=False, help_text="The consent record cited in C2PA manifests."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # Set by a review decision ("restrict"): only its owner may use it, and the owner
    # cannot open it to others again (the decision can be appealed like any other).
    restricted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "created_at"]), models.Index(fields=["permission"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.kind})"


class GrantScope(models.TextChoices):
    FACE = "face"
    VOICE = "voice"
    BOTH = "both"


# What a generation takes of a likeness today: the model draws the face; the
# sound is synthesised effects and ambience, never the owner's voice.
SCOPE_A_VIDEO_USES = GrantScope.FACE


class CameoApproval(models.Model):
    """A grant: the owner lets one person use the cameo, for its face, voice or both, maybe until a date."""

    cameo = models.ForeignKey(Cameo, on_delete=models.CASCADE, related_name="approvals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cameo_approvals")
    scope = models.CharField(max_length=8, choices=GrantScope.choices, default=GrantScope.BOTH)
    expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cameo", "user"], name="approve_once")]


class ApprovalState(models.TextChoices):
    NOT_NEEDED = "not_needed"
    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"


class Appearance(models.Model):
    """A cameo in a video, drafts included: what its owner reviews and can take down."""

    cameo = models.ForeignKey(Cameo, on_delete=models.CASCADE, related_name="appearances")
    video = models.ForeignKey("videos.Video", on_delete=models.CASCADE, related_name="appearances")
    # Set when the likeness came with the remix parent, not with this video's own request.
    inherited_from = models.ForeignKey(
        "videos.Video", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    taken_down_at = models.DateTimeField(null=True, blank=True)
    # Approve before publish: pending until the owner decides; a pending or declined
    # appearance keeps the video from being published (and a declined one from remixes).
    approval = models.CharField(max_length=16, choices=ApprovalState.choices, default=ApprovalState.NOT_NEEDED)
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_message = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["cameo", "video"], name="appear_once")]
        indexes = [models.Index(fields=["approval", "-created_at"])]


class RefusalRule(models.TextChoices):
    NOT_PERMITTED = "not_permitted", "Not permitted (permission, approvals or a teen's ceiling)"
    BLOCKED = "blocked", "Blocked"
    REVOKED = "revoked", "Revoked"
    RESTRICTION = "restriction", "Broke the owner's restrictions"
    GRANT_EXPIRED = "grant_expired", "The owner's grant expired"
    GRANT_SCOPE = "grant_scope", "The owner's grant does not cover what the video uses"


class Refusal(models.Model):
    """A refused attempt to put a cameo in a video: the owner's log of who tried what."""

    cameo = models.ForeignKey(Cameo, on_delete=models.CASCADE, related_name="refusals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rule = models.CharField(max_length=16, choices=RefusalRule.choices)
    detail = models.CharField(max_length=1000, blank=True, help_text="The owner's rule it broke, as written.")
    prompt = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["cameo", "-created_at"])]
