import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class Aspect(models.TextChoices):
    SQUARE = "square", "Square (1:1)"
    PORTRAIT = "portrait", "Portrait (9:16)"
    LANDSCAPE = "landscape", "Landscape (16:9)"


class JobStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    BLOCKED = "blocked"
    CANCELLED = "cancelled"


TERMINAL_STATUSES = {JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.BLOCKED, JobStatus.CANCELLED}
ACTIVE_STATUSES = {JobStatus.QUEUED, JobStatus.RUNNING}


class Extend(models.TextChoices):
    FORWARD = "forward"  # the parent's last second opens the new clip
    BACKWARD = "backward"  # the parent's first second closes it


class GenerationImage(models.Model):
    """A picture uploaded to start a video from (image to video): its own, checked once, reusable."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generation_images")
    file = models.CharField(max_length=200)  # storage name of the PNG we re-encoded (no metadata kept)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)  # of the uploaded bytes
    # The person cameos whose face is in it: a generation from it needs their consent as if it named them.
    cameo_ids = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)


class GenerationJob(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="generation_jobs")
    prompt = models.TextField()
    cameo_ids = models.JSONField(default=list, blank=True)
    # The cameos the remix parent carries (its own and its ancestors'): authorised like
    # the requested ones, recorded as inherited appearances, cited in C2PA.
    inherited_cameo_ids = models.JSONField(default=list, blank=True)
    # How the prompt was read against what the model draws (capabilities.read_prompt):
    # the words it draws from and the words it leaves out, for the client to show.
    understood = models.JSONField(default=list, blank=True)
    ignored = models.JSONField(default=list, blank=True)
    remix_of = models.ForeignKey("videos.Video", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # An extension of remix_of (POST /videos/{id}/extend): which way; blank for a plain remix or a new video.
    extend = models.CharField(max_length=8, choices=Extend.choices, blank=True)
    # The picture the video starts from (image to video): its first frame.
    image = models.ForeignKey(GenerationImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # The video this job made: at most one, however often its task runs (the job row is
    # locked while the video is made). The video knows nothing of the job.
    video = models.OneToOneField("videos.Video", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    seed = models.BigIntegerField()
    duration_s = models.PositiveSmallIntegerField(default=4)
    aspect = models.CharField(max_length=16, choices=Aspect.choices, default=Aspect.SQUARE)
    status = models.CharField(max_length=16, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.FloatField(default=0.0)
    error = models.CharField(max_length=500, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    idempotency_key = models.CharField(max_length=128, null=True, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    model_version = models.CharField(max_length=64, blank=True)
    timings = models.JSONField(default=dict, blank=True)  # seconds per pipeline stage
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The outbox: the row is the truth, the broker only a delivery. `enqueued_at`
    # is when a message for it was last handed to the broker (null: never, e.g. the
    # broker was down); `heartbeat_at` is the running worker's last sign of life.
    # The sweep re-sends what was never delivered or whose worker vanished.
    enqueued_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # The key the invisible mark carries (generation.media.invisible), reserved when the
    # job first renders; a re-run renders the same key, the video copies it.
    mark_key = models.BigIntegerField(null=True, blank=True, unique=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "idempotency_key"],
                condition=Q(idempotency_key__isnull=False),
                name="job_idempotency_key_once",
            )
        ]
        indexes = [
            models.Index(fields=["owner", "created_at"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["status", "enqueued_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.id} {self.status}"
