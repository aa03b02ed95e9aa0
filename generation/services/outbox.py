"""The generation outbox: the job row is the truth, the broker only delivers it.

A request is accepted once its `GenerationJob` row commits. Handing it to the
broker is a best effort that never fails the request (`job_enqueue`): with the
broker down the job waits in the table. A periodic sweep (`generation_sweep`,
Celery beat every `SORA_GENERATION_SWEEP_EVERY` seconds) sends again:

- queued jobs never handed to the broker (it was down when they were accepted);
- queued jobs handed over long ago and never picked up (a broker without
  persistence restarted and lost them), after `SORA_GENERATION_REDELIVER_AFTER`;
- running jobs whose worker stopped beating (`heartbeat_at` older than
  `SORA_GENERATION_STALE_AFTER`: the whole worker was killed). They go back to
  queued and are sent again, instead of waiting for the broker's visibility
  timeout (which must exceed the longest render, 12 minutes by default).

Sending twice is harmless: `run._claim` skips a job that is finished or whose
worker is alive, and a job points at the one video it made, so it makes one video.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.db.models import Q
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import RedisError

from sora_social.celery import app as celery_app

from ..models import GenerationJob, JobStatus

log = logging.getLogger(__name__)

BROKER_DOWN = (BrokerOperationalError, RedisError, OSError)
SWEEP_BATCH = 500
WORKDIR_PREFIX = "sora-job-"


def stale_after() -> timedelta:
    return timedelta(seconds=settings.SORA_GENERATION_STALE_AFTER)


def job_enqueue(job_id) -> bool:
    """Hand the job to the broker; False (logged, job kept) when the broker cannot take it."""
    # The task module imports the services package: imported here to keep that one-way at load time.
    from ..tasks import generation_run_task

    try:
        generation_run_task.apply_async(args=[str(job_id)], retry=False)
    except BROKER_DOWN as exc:
        log.warning("generation %s kept for the sweep: broker unavailable (%s)", job_id, exc)
        return False
    GenerationJob.objects.filter(pk=job_id).update(enqueued_at=timezone.now())
    return True


def _never_sent(now) -> Q:
    """Queued, never handed to the broker, past the moment its commit would have sent it."""
    grace = timedelta(seconds=settings.SORA_GENERATION_SEND_GRACE)
    return Q(status=JobStatus.QUEUED, enqueued_at__isnull=True, created_at__lt=now - grace)


def _vanished(now) -> Q:
    """Running, but its worker stopped beating."""
    stale = now - stale_after()
    return Q(status=JobStatus.RUNNING) & (
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )


def stuck_jobs(now=None) -> Q:
    """Active jobs that nothing is working on: they do not count against a user's active limit."""
    now = now or timezone.now()
    return _never_sent(now) | _vanished(now)


def generation_sweep(*, now=None) -> dict[str, int]:
    """Send again what was never delivered, was lost, or lost its worker. Safe to run anywhere, any time."""
    now = now or timezone.now()
    redeliver = timedelta(seconds=settings.SORA_GENERATION_REDELIVER_AFTER)
    counts = {"never_sent": 0, "lost": 0, "vanished": 0, "sent": 0}

    vanished_q = _vanished(now)
    broker_up = True
    for job_id in GenerationJob.objects.filter(vanished_q).values_list("pk", flat=True)[:SWEEP_BATCH]:
        # Conditional: a worker that beat in the meantime keeps its job.
        if GenerationJob.objects.filter(vanished_q, pk=job_id).update(status=JobStatus.QUEUED, enqueued_at=None):
            counts["vanished"] += 1
            if broker_up and job_enqueue(job_id):
                counts["sent"] += 1
            else:
                broker_up = False  # queued and never sent: a later sweep sends it
    if not broker_up:
        counts["workdirs_removed"] = workdirs_clean()
        return counts

    due = (
        GenerationJob.objects.filter(_never_sent(now) | Q(status=JobStatus.QUEUED, enqueued_at__lt=now - redeliver))
        .values_list("pk", "enqueued_at")
        .order_by("created_at")[:SWEEP_BATCH]
    )
    for job_id, enqueued_at in due:
        counts["never_sent" if enqueued_at is None else "lost"] += 1
        if job_enqueue(job_id):
            counts["sent"] += 1
        else:
            break  # the broker is down: the next sweep tries again
    counts["workdirs_removed"] = workdirs_clean()
    if any(counts[k] for k in ("never_sent", "lost", "vanished")):
        log.info("generation sweep: %s", counts)
    return counts


# --- worker side ------------------------------------------------------------------


@contextmanager
def heartbeat(job_id):
    """While the block runs, mark the job alive every quarter of the stale interval (own thread, own connection)."""
    if celery_app.conf.task_always_eager:
        yield  # rendered inside the request: there is no worker that could vanish
        return
    stop = threading.Event()
    every = max(0.5, settings.SORA_GENERATION_STALE_AFTER / 4)

    def beat():
        try:
            while not stop.wait(every):
                GenerationJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(heartbeat_at=timezone.now())
        except Exception:  # a database blip: the next beat (or the sweep) sorts it out
            log.warning("heartbeat of generation %s failed", job_id, exc_info=True)
        finally:
            connection.close()

    thread = threading.Thread(target=beat, name=f"heartbeat-{job_id}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=every + 5)


def workdir_for(job_id) -> tempfile.TemporaryDirectory:
    """The job's scratch directory, named after it so a killed run's leftovers can be found."""
    return tempfile.TemporaryDirectory(prefix=f"{WORKDIR_PREFIX}{job_id}-")


def workdirs_clean(job_id=None, *, older_than_s: float | None = None) -> int:
    """Remove scratch directories a killed worker left on this machine: one job's, or all old ones."""
    root = Path(tempfile.gettempdir())
    pattern = f"{WORKDIR_PREFIX}{job_id}-*" if job_id else f"{WORKDIR_PREFIX}*"
    limit = older_than_s if older_than_s is not None else 2 * settings.CELERY_TASK_TIME_LIMIT
    removed = 0
    for path in root.glob(pattern):
        try:
            if job_id is None and time.time() - path.stat().st_mtime < limit:
                continue
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
        except OSError:
            continue
    return removed
