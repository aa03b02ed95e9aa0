"""Accepting and cancelling generation requests."""

from __future__ import annotations

import hashlib
import io
import json
import logging
import random
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from accounts.models import User
from cameos.errors import ApprovalDeclined
from cameos.selectors import cameo_names, cameo_pets, cameos_carried_by, publish_holds
from cameos.services import cameos_authorise, image_upload_check, picture_likenesses
from cameos.verification import REASONS, read_image
from moderation.characters import protected_check
from moderation.review import matches_removed_frame
from moderation.services import prompt_check, prompt_coverage_check
from parental.selectors import teen_allowances
from sora_social.errors import Invalid
from sora_social.events import publish_on_commit
from sora_social.limits import user_write_allow

from .. import selectors
from ..capabilities import (
    PromptReading,
    backend_config,
    capabilities,
    read_prompt,
    served_world_version,
    suggest,
)
from ..errors import (
    DailyLimit,
    IdempotencyConflict,
    NotCancellable,
    PictureRemoved,
    PromptOutsideModel,
    RemixOutsideModel,
    TooManyActive,
    TooManyCameos,
)
from ..models import ACTIVE_STATUSES, TERMINAL_STATUSES, GenerationImage, GenerationJob, JobStatus
from . import outbox

log = logging.getLogger(__name__)

DAY = timedelta(days=1)


def _request_hash(**fields) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode()).hexdigest()


def _daily_limit_for(user: User) -> int:
    allowances = teen_allowances(user=user)
    return allowances.generation_daily_limit if allowances else settings.SORA_GENERATION_DAILY_LIMIT


def _check_limits(user: User) -> None:
    now = timezone.now()
    window = GenerationJob.objects.filter(owner=user, created_at__gt=now - DAY)
    limit = _daily_limit_for(user)
    used = window.count()
    if used >= limit:
        # The slot frees when the job `used - limit` places from the oldest leaves the window.
        oldest = window.order_by("created_at").values_list("created_at", flat=True)[used - limit]
        raise DailyLimit(
            f"You can make {limit} videos a day.", retry_after=int((oldest + DAY - now).total_seconds()) + 1
        )
    # A job nothing is working on (accepted while the broker was down, or whose
    # worker died) waits for the sweep; it does not hold one of the user's slots.
    active = window.filter(status__in=ACTIVE_STATUSES).exclude(outbox.stuck_jobs(now))
    if active.count() >= settings.SORA_GENERATION_MAX_ACTIVE:
        raise TooManyActive(retry_after=30)


def generation_request(
    *,
    user: User,
    prompt: str,
    cameos: list[str] | None = None,
    remix_of: str | None = None,
    seed: int | None = None,
    duration_s: int = 4,
    aspect: str = "square",
    idempotency_key: str | None = None,
    extend: str = "",
    image: str | None = None,
) -> tuple[GenerationJob, bool]:
    """Accept a generation: policy, cameo consent, limits, idempotency; the job is
    enqueued when the transaction commits. Returns (job, created).

    `extend` ("forward" / "backward") with `remix_of` continues that video: a remix
    in its lineage whose first (or last) second is the parent's last (or first).
    `image` (an upload of the user's, POST /generations/images) is the first frame;
    the cameos whose faces it shows join the request's, under the same consent.
    """
    picture = selectors.image_owned_get(user=user, image_id=image) if image else None
    cameos = list(dict.fromkeys([*(cameos or []), *(picture.cameo_ids if picture else [])]))
    backend = backend_config()
    if len(cameos) > backend.max_cameos:
        raise TooManyCameos(
            f"The model draws {backend.max_cameos} cameo(s) per video: name no more."
            if backend.max_cameos
            else "The model this service runs now draws no cameos: name none.",
            max_cameos=backend.max_cameos,
        )
    if len(cameos) > 1 and cameo_pets(cameo_ids=cameos):
        # several people share a frame; a pet drawn as itself has only learnt it alone
        raise TooManyCameos("A pet is drawn on its own: name it alone, without other cameos.", max_cameos=1)
    if (remix_of or picture) and not backend.remix:
        raise RemixOutsideModel()
    request_hash = _request_hash(
        prompt=prompt,
        cameos=cameos,
        remix_of=remix_of,
        seed=seed,
        duration_s=duration_s,
        aspect=aspect,
        extend=extend,
        image=image,
    )
    if idempotency_key:
        existing = _job_for_key(user, idempotency_key, request_hash)
        if existing:
            return existing, False

    # A public figure in the video through their own cameo is consented, not impersonated.
    prompt_check(text=prompt, teen=user.is_teen, has_cameo=bool(cameos), cameo_names=cameo_names(cameo_ids=cameos))

    parent = selectors.video_for_remix_get(viewer=user, video_id=remix_of) if remix_of else None
    inherited = [c for c in (cameos_carried_by(video=parent) if parent else []) if c not in cameos]
    # A prompt the policy cannot read is not rendered for a teen or with anyone's likeness.
    prompt_coverage_check(text=prompt, teen=user.is_teen, has_cameo=bool(cameos or inherited))
    # Characters and brands people own: named in the prompt, or in the video being remixed.
    protected_check(user=user, text=prompt, parent_prompt=parent.prompt if parent else None)
    if parent is not None:
        declined = publish_holds(video=parent).get("declined")
        if declined:  # a likeness its owner refused in that video is not carried on in a remix
            raise ApprovalDeclined(cameos=declined)
    # A remix carries its parent's likenesses: each is authorised exactly like a named
    # cameo (permission, blocks, teen ceilings, revocation, the owner's restrictions
    # against this prompt), or the remix is refused.
    cameos_authorise(user=user, cameo_ids=cameos + inherited, prompt=prompt)
    # A remix, an extension or a picture brings its own subject: an edit word is enough.
    reading = _read_or_refuse(
        prompt,
        has_cameo=bool(cameos or inherited),
        remix=parent is not None or bool(picture),
        open_vocabulary=backend.open_vocabulary,
        world_version=served_world_version(backend.checkpoint),
    )

    try:
        with transaction.atomic():
            # One request of a user at a time: limits are counted, then the job added,
            # without another request slipping in between.
            User.objects.select_for_update().filter(pk=user.pk).first()
            if idempotency_key:
                existing = _job_for_key(user, idempotency_key, request_hash)
                if existing:
                    return existing, False
            _check_limits(user)
            job = GenerationJob.objects.create(
                owner=user,
                prompt=prompt,
                cameo_ids=cameos,
                inherited_cameo_ids=inherited,
                understood=reading.understood,
                ignored=reading.ignored,
                remix_of=parent,
                extend=extend,
                image=picture,
                seed=seed if seed is not None else random.randrange(2**31),
                duration_s=duration_s,
                aspect=aspect,
                idempotency_key=idempotency_key or None,
                request_hash=request_hash,
            )
            # After commit, never inside: the job row is the truth (see outbox.py).
            transaction.on_commit(lambda: outbox.job_enqueue(job.pk))
    except IntegrityError:  # the same key raced in from another request
        existing = _job_for_key(user, idempotency_key, request_hash)
        if existing is None:
            raise
        return existing, False
    return job, True


def generation_image_create(*, user: User, upload) -> GenerationImage:
    """A picture to start videos from: checked (size, type, decodes, who is in it), re-encoded, kept."""
    image_upload_check(upload, max_bytes=settings.SORA_GENERATION_IMAGE_MAX_BYTES)
    user_write_allow(user=user, kind="picture")
    data = upload.read()
    image, code = read_image(data)
    if image is None:
        raise Invalid(REASONS[code], code=code)
    if matches_removed_frame(image):  # a frame of a video moderators took down
        raise PictureRemoved()
    cameo_ids = picture_likenesses(image=image)  # a stranger's face: 422 real_face
    picture = GenerationImage(owner=user, width=image.shape[1], height=image.shape[0])
    picture.sha256 = hashlib.sha256(data).hexdigest()
    picture.cameo_ids = cameo_ids
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    picture.file = default_storage.save(f"generation/images/{picture.pk}.png", ContentFile(buffer.getvalue()))
    picture.save()
    return picture


def pictures_forget(cameo_id: str) -> None:
    """A cameo was revoked: the pictures that show its face are deleted (rows now, files on commit).

    A job already accepted from one keeps its cameo and is blocked before it renders
    (a revoked cameo); one that runs without its picture would be another video.
    """
    shown = [
        pk
        for pk, cameo_ids in GenerationImage.objects.exclude(cameo_ids=[]).values_list("pk", "cameo_ids")
        if cameo_id in cameo_ids
    ]
    if shown:
        _pictures_delete(GenerationImage.objects.filter(pk__in=shown))


def _pictures_delete(pictures) -> int:
    """Delete these pictures: rows now, their files once the transaction commits; returns how many."""
    files = list(pictures.values_list("file", flat=True))
    pictures.delete()
    transaction.on_commit(lambda: [default_storage.delete(name) for name in files])
    return len(files)


def pictures_sweep(now=None) -> int:
    """Delete uploaded pictures older than SORA_PICTURE_KEEP_DAYS that no queued or running job
    starts from (rows now, files on commit); returns how many went."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.SORA_PICTURE_KEEP_DAYS)
    waited_on = GenerationJob.objects.filter(status__in=ACTIVE_STATUSES, image__isnull=False).values("image")
    return _pictures_delete(GenerationImage.objects.filter(created_at__lt=cutoff).exclude(pk__in=waited_on))


EXTEND_JOINT_S = 1  # the parent's second the new clip opens (or closes) with


def generation_extend(
    *,
    user: User,
    video_id: str,
    seconds: int = 3,
    direction: str = "forward",
    prompt: str | None = None,
    seed: int | None = None,
    idempotency_key: str | None = None,
) -> tuple[GenerationJob, bool]:
    """Continue a video forwards or backwards by `seconds`: a clip of seconds + 1 whose
    joint second is the parent's own, in the parent's aspect, by default on its prompt.
    Everything a remix is checked for applies (visibility, policy, inherited cameos)."""
    parent = selectors.video_for_remix_get(viewer=user, video_id=video_id)
    if parent.width > parent.height:
        aspect = "landscape"
    else:
        aspect = "portrait" if parent.height > parent.width else "square"
    return generation_request(
        user=user,
        prompt=prompt or parent.prompt,
        remix_of=str(parent.pk),
        seed=seed,
        duration_s=seconds + EXTEND_JOINT_S,
        aspect=aspect,
        idempotency_key=idempotency_key,
        extend=direction,
    )


def _read_or_refuse(
    prompt: str, *, has_cameo: bool, remix: bool, open_vocabulary: bool, world_version: int
) -> PromptReading:
    """The prompt read against the model's vocabulary; refused when nothing in it can be drawn.

    A new video needs a subject the model draws (an entity, or a cameo); a remix
    has its parent's, so any understood word (a colour, a motion, a scene) is an edit.
    """
    reading = read_prompt(prompt, has_cameo=has_cameo, open_vocabulary=open_vocabulary, world_version=world_version)
    if reading.has_subject or (remix and reading.understood):
        return reading
    described = capabilities()
    raise PromptOutsideModel(
        understood=reading.understood,
        ignored=reading.ignored,
        suggestion=suggest(reading, world_version),
        vocabulary=described["vocabulary"],
        languages=described["languages"],
    )


def _job_for_key(user: User, key: str, request_hash: str) -> GenerationJob | None:
    job = GenerationJob.objects.filter(owner=user, idempotency_key=key).first()
    if job is not None and job.request_hash != request_hash:
        raise IdempotencyConflict()
    return job


def generation_cancel(*, user: User, job_id) -> GenerationJob:
    with transaction.atomic():
        job = selectors.job_get(user=user, job_id=job_id)
        job = GenerationJob.objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.CANCELLED:
            return job
        if job.status in TERMINAL_STATUSES:
            raise NotCancellable()
        job.status = JobStatus.CANCELLED
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "finished_at"])

    publish_on_commit(user, "generation.finished", {"generation": str(job.pk), "status": job.status})
    return job
