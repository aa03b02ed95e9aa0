"""Running one generation job: safe to run twice, finishes once.

State moves under a row lock (queued → running → succeeded/failed/blocked);
the heavy work (render, encode, sign) runs outside any lock. Files are stored
under names derived from the job id, so a re-run after a dead worker
overwrites instead of duplicating, and the job, locked, points at the one video
it made, so it makes one video.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
import time
from pathlib import Path

import numpy as np
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from accounts.notifications import notify
from cameos.models import Cameo
from cameos.services import appearances_record
from moderation.review import matches_removed_video
from sora_social.events import publish, publish_on_commit
from videos.models import Video
from videos.services import video_create

from ..capabilities import model_prompt, recoloured, remix_prompt, served_world_version
from ..models import TERMINAL_STATUSES, GenerationJob, JobStatus
from . import outbox

log = logging.getLogger(__name__)


def media_names(job_id) -> tuple[str, str]:
    return f"videos/{job_id}.mp4", f"videos/{job_id}.jpg"


def _claim(job_id) -> GenerationJob | None:
    """Take the job, unless it is finished or another worker is alive on it (a duplicate delivery)."""
    with transaction.atomic():
        job = GenerationJob.objects.select_for_update().filter(pk=job_id).first()
        if job is None or job.status in TERMINAL_STATUSES:
            return None
        now = timezone.now()
        if job.status == JobStatus.RUNNING and job.heartbeat_at and job.heartbeat_at > now - outbox.stale_after():
            return None
        job.status = JobStatus.RUNNING
        job.attempts += 1
        job.started_at = job.started_at or now
        job.heartbeat_at = now
        job.save(update_fields=["status", "attempts", "started_at", "heartbeat_at"])
        return job


def _fail(job: GenerationJob, reason: str, status: str = JobStatus.FAILED) -> None:
    updated = (
        GenerationJob.objects.filter(pk=job.pk)
        .exclude(status__in=TERMINAL_STATUSES)
        .update(status=status, error=reason[:500], finished_at=timezone.now())
    )
    if updated:
        publish(job.owner_id, "generation.finished", {"generation": str(job.pk), "status": status, "error": reason})


def _spec(job: GenerationJob, workdir: Path):
    from ..pipeline import JobSpec

    parent_path = parent_title = None
    world_version = served_world_version(settings.SORA_MODEL_CHECKPOINT)
    prompt, edit_colours = job.prompt, ()
    if job.remix_of_id:
        parent = job.remix_of
        if job.prompt != parent.prompt:  # the edit applied to the parent's prompt: the model reads whole captions
            prompt = remix_prompt(parent.prompt, job.prompt, world_version)
            if not job.extend:  # "make it blue": only the red is drawn again
                edit_colours = recoloured(parent.prompt, job.prompt, world_version)
        parent_path = workdir / "parent.mp4"
        with default_storage.open(parent.file, "rb") as src, open(parent_path, "wb") as dst:
            dst.write(src.read())
        parent_title = f"{parent.pk}.mp4"
    references, consents, drawn_form = _cameo_inputs(job)
    first_frame = None
    if job.image_id:
        with default_storage.open(job.image.file, "rb") as f:
            first_frame = np.asarray(Image.open(f).convert("RGB"))
    return JobSpec(
        first_frame=first_frame,
        job_id=str(job.pk),
        cameo_references=references,
        cameo_consents=consents,
        prompt=job.prompt,
        model_prompt=model_prompt(prompt, drawn_form, world_version),
        seed=job.seed,
        duration_s=job.duration_s,
        aspect=job.aspect,
        steps=settings.SORA_GENERATION_STEPS or None,
        parent_path=parent_path,
        parent_title=parent_title,
        remix_strength=settings.SORA_REMIX_STRENGTH,
        edit_colours=edit_colours,
        extend=job.extend,
        mark_key=_mark_key(job),
    )


def _mark_key(job: GenerationJob) -> int:
    """The job's invisible-mark key: reserved once (unique, random), the same on every re-run."""
    from ..media.invisible import KEY_BITS

    if job.mark_key is not None:
        return job.mark_key
    for _ in range(16):
        key = secrets.randbits(KEY_BITS)
        try:
            with transaction.atomic():
                if GenerationJob.objects.filter(pk=job.pk, mark_key__isnull=True).update(mark_key=key):
                    job.mark_key = key
                    return key
        except IntegrityError:
            continue  # taken by another job: draw again
        job.refresh_from_db(fields=["mark_key"])
        return job.mark_key
    raise RuntimeError("no free mark key after 16 draws")


def _in_prompt_order(job: GenerationJob, cameos) -> list[Cameo]:
    """The cameos in the order the prompt names them ("@ana and @leo": Ana's reference first), those it
    does not name after them in the request's order: the model reads its references in that order."""
    prompt, requested = job.prompt.lower(), [str(c) for c in job.cameo_ids]

    def place(cameo: Cameo) -> tuple[int, int]:
        mention = re.search(rf"@{re.escape(cameo.name.lower())}(?![\w.])", prompt)
        named = requested.index(str(cameo.pk)) if str(cameo.pk) in requested else len(requested)
        return (mention.start() if mention else len(prompt) + 1 + named, named)

    return sorted(cameos, key=place)


def _cameo_inputs(job: GenerationJob) -> tuple[tuple, tuple, str]:
    """Likeness references for the model, consent ids for the C2PA manifest, and what the drawn
    (first) likeness is: a character's form, "" for a person."""
    import numpy as np
    from PIL import Image

    references, consents, forms = [], [], []
    for cameo in _in_prompt_order(job, Cameo.objects.filter(pk__in=job.cameo_ids, revoked_at__isnull=True)):
        with default_storage.open(cameo.reference, "rb") as handle:
            references.append(np.asarray(Image.open(handle).convert("RGB")))
        forms.append(cameo.form)
        consents.append({"cameo": str(cameo.pk), "consent": str(cameo.consent_id)})
    # Inherited likenesses are already in the parent's frames: no reference, but cited.
    for cameo in Cameo.objects.filter(pk__in=job.inherited_cameo_ids, revoked_at__isnull=True):
        consents.append({"cameo": str(cameo.pk), "consent": str(cameo.consent_id), "inherited": True})
    return tuple(references), tuple(consents), forms[0] if forms else ""


def _store(name: str, path: Path) -> None:
    if default_storage.exists(name):
        default_storage.delete(name)
    with open(path, "rb") as handle:
        stored = default_storage.save(name, File(handle))
    if stored != name:  # a concurrent writer took the name; never keep two copies
        default_storage.delete(stored)
        raise RuntimeError(f"storage renamed {name} to {stored}")


def generation_run(*, job_id) -> None:
    job = _claim(job_id)
    if job is None:
        return
    outbox.workdirs_clean(job.pk)  # what an earlier, killed attempt left on this machine
    if _carries_revoked(job):  # taken back between the request and now: not worth a render
        _fail(job, "a cameo in it was revoked before it rendered", status=JobStatus.BLOCKED)
        return
    with outbox.heartbeat(job.pk):
        _render_and_finish(job)


def _carries_revoked(job: GenerationJob) -> bool:
    carried = list(job.cameo_ids) + list(job.inherited_cameo_ids)
    return bool(carried) and Cameo.objects.filter(pk__in=carried, revoked_at__isnull=False).exists()


def _render_and_finish(job: GenerationJob) -> None:
    from ..capabilities import backend_config
    from ..diffusion.sampler import GenerationCancelled
    from ..pipeline import OutputCheckFailed, render_job

    def on_step(step: int, total: int) -> None:
        GenerationJob.objects.filter(pk=job.pk, status=JobStatus.RUNNING).update(progress=round(step / total, 4))
        publish(job.owner_id, "generation.progress", {"generation": str(job.pk), "step": step, "steps": total})

    def should_cancel() -> bool:
        return GenerationJob.objects.filter(pk=job.pk, status=JobStatus.CANCELLED).exists()

    video_name, poster_name = media_names(job.pk)
    try:
        with outbox.workdir_for(job.pk) as tmp:
            output = render_job(
                _spec(job, Path(tmp)),
                workdir=Path(tmp),
                on_step=on_step,
                should_cancel=should_cancel,
                backend=backend_config(),
            )
            if should_cancel():
                return

            if matches_removed_video(output.frame_hashes):
                raise OutputCheckFailed("it matches a video that was removed")
            started = time.perf_counter()
            _store(video_name, output.video_path)
            _store(poster_name, output.poster_path)
            digest = hashlib.sha256(output.video_path.read_bytes()).hexdigest()
            output.timings["store"] = round(time.perf_counter() - started, 4)
    except GenerationCancelled:
        return
    except OutputCheckFailed as exc:
        _fail(job, f"output check failed: {exc}", status=JobStatus.BLOCKED)
        return
    except Exception as exc:
        # Recorded on the job, not raised: in eager mode a raise would become the
        # client's 500, and with a broker a retry would fail the same way.
        log.exception("generation %s failed", job.pk)
        _fail(job, f"rendering failed ({type(exc).__name__})")
        return
    _finish(job, output, video_name, poster_name, digest)


def _finish(job: GenerationJob, output, video_name: str, poster_name: str, digest: str) -> None:
    with transaction.atomic():
        job = GenerationJob.objects.select_for_update().get(pk=job.pk)
        if job.status == JobStatus.CANCELLED:
            transaction.on_commit(lambda: [default_storage.delete(n) for n in (video_name, poster_name)])
            return
        if _carries_revoked(job):
            # Revoked while it rendered: a video with a likeness taken back is never made.
            transaction.on_commit(lambda: [default_storage.delete(n) for n in (video_name, poster_name)])
            _fail(job, "a cameo in it was revoked while it rendered", status=JobStatus.BLOCKED)
            return
        created = job.video_id is None
        if created:
            job.video = video_create(
                owner_id=job.owner_id,
                prompt=job.prompt,
                understood=job.understood,
                ignored=job.ignored,
                seed=job.seed,
                cameo_ids=list(job.cameo_ids) + list(job.inherited_cameo_ids),
                remix_of_id=job.remix_of_id,
                file=video_name,
                thumbnail=poster_name,
                sha256=digest,
                duration_s=output.duration_s,
                width=output.width,
                height=output.height,
                has_c2pa=output.c2pa_valid,
                mark_key=job.mark_key,
                frame_hashes=output.frame_hashes,
                model_version=output.model_version,
            )
        video = job.video
        if job.cameo_ids or job.inherited_cameo_ids:
            appearances_record(video=video, cameo_ids=job.cameo_ids)
            appearances_record(video=video, cameo_ids=job.inherited_cameo_ids, inherited_from=job.remix_of)
        job.status = JobStatus.SUCCEEDED
        job.progress = 1.0
        job.error = ""
        job.model_version = output.model_version
        job.timings = output.timings
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "progress", "error", "model_version", "timings", "finished_at", "video"])

        finished = {"generation": str(job.pk), "status": job.status, "video": str(video.pk)}
        publish_on_commit(job.owner_id, "generation.finished", finished)
        if created:
            notify(recipient=job.owner_id, kind="generation_finished", video=video, data=finished)
        parent_owner_id = Video.objects.filter(pk=job.remix_of_id).values_list("owner_id", flat=True).first()
        if created and parent_owner_id and parent_owner_id != job.owner_id:
            remixed = {"video": str(job.remix_of_id), "remix": str(video.pk), "by": job.owner.username}
            publish_on_commit(parent_owner_id, "video.remixed", remixed)
            notify(recipient=parent_owner_id, kind="remix", actor=job.owner_id, video=video, data=remixed)
