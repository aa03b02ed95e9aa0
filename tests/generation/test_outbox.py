"""The generation outbox: accepted means kept, stuck jobs hold no slot, and the sweep brings them back.

The fault tests run real workers and a Redis of their own on a spare port, so
the machine's Redis is never stopped.
"""

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from generation.models import GenerationJob, JobStatus
from generation.services import outbox, run
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.generation.workers import (
    database_url,
    free_port,
    start_redis,
    start_worker,
    stop_process,
    stop_worker,
    wait_for,
    wait_until_rendering,
)
from videos.models import Video

BASE = Path(__file__).resolve().parents[2]


def _job(owner, **fields) -> GenerationJob:
    return GenerationJob.objects.create(owner=owner, prompt="a red ball bouncing on the beach", seed=1, **fields)


def _age(job, **ago):
    GenerationJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(**ago))


# --- without a broker --------------------------------------------------------------


@pytest.mark.django_db
def test_stuck_jobs_do_not_hold_the_users_active_slots(settings):
    settings.SORA_GENERATION_MAX_ACTIVE = 2
    user = UserFactory()
    never_sent = _job(user)
    _age(never_sent, minutes=10)
    vanished = _job(
        user,
        status=JobStatus.RUNNING,
        started_at=timezone.now() - timedelta(minutes=5),
        heartbeat_at=timezone.now() - timedelta(minutes=5),
    )

    stuck = set(GenerationJob.objects.filter(outbox.stuck_jobs()).values_list("pk", flat=True))
    assert stuck == {never_sent.pk, vanished.pk}
    r = client_for(user).post("/api/v1/generations", {"prompt": "a red ball bouncing on the beach"}, format="json")
    assert r.status_code == 202, r.content


@pytest.mark.django_db
def test_live_jobs_still_hold_their_slots(settings):
    settings.SORA_GENERATION_MAX_ACTIVE = 2
    user = UserFactory()
    _job(user, enqueued_at=timezone.now())
    _job(user, status=JobStatus.RUNNING, started_at=timezone.now(), heartbeat_at=timezone.now())
    r = client_for(user).post("/api/v1/generations", {"prompt": "a red ball bouncing on the beach"}, format="json")
    assert r.status_code == 429 and r.data["error"] == "too_many_active"


@pytest.mark.django_db
def test_a_duplicate_delivery_leaves_a_live_workers_job_alone_and_takes_over_a_dead_ones():
    user = UserFactory()
    alive = _job(user, status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now())
    dead = _job(user, status=JobStatus.RUNNING, attempts=1, heartbeat_at=timezone.now() - timedelta(minutes=5))
    done = _job(user, status=JobStatus.SUCCEEDED)

    assert run._claim(alive.pk) is None
    assert run._claim(done.pk) is None
    taken = run._claim(dead.pk)
    assert taken is not None and taken.attempts == 2 and taken.heartbeat_at > timezone.now() - timedelta(seconds=5)


def test_a_killed_runs_scratch_directory_is_removed():
    job_id = "3f0c6d1e-0000-4000-8000-000000000001"
    leftover = Path(tempfile.mkdtemp(prefix=f"{outbox.WORKDIR_PREFIX}{job_id}-"))
    (leftover / "frames.bin").write_bytes(b"x" * 10)
    other = Path(tempfile.mkdtemp(prefix=f"{outbox.WORKDIR_PREFIX}another-"))
    try:
        assert outbox.workdirs_clean(job_id) == 1
        assert not leftover.exists() and other.exists()
    finally:
        other.rmdir()


# --- real workers, real Redis -----------------------------------------------------------


def _django(script: str, **env_vars) -> str:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sora_social.settings", "DATABASE_URL": database_url(), **env_vars}
    out = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()\n" + script],
        env=env,
        cwd=BASE,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return out.stdout.strip().splitlines()[-1]


REQUEST = """
import json, time
from tests.conftest import client_for
from accounts.models import User
from moderation.services import prompt_check
client = client_for(User.objects.get(username="{username}"))
prompt_check(text="a blue cube", teen=False)  # load the policy model first: the timing is the broker's
started = time.monotonic()
r = client.post("/api/v1/generations", {{"prompt": "a yellow ball falling on grass", "duration_s": 2}}, format="json")
print(json.dumps({{"status": r.status_code, "seconds": time.monotonic() - started, "body": r.json()}}))
"""
SWEEP = "from generation.services.outbox import generation_sweep; import json; print(json.dumps(generation_sweep()))"


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_request_while_the_broker_is_down_is_kept_and_runs_once_when_it_returns(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    UserFactory(username="outage")
    port = free_port()  # nothing listens here yet: the broker is down
    broker = f"redis://127.0.0.1:{port}/0"

    accepted = json.loads(_django(REQUEST.format(username="outage"), REDIS_URL=broker, MEDIA_ROOT=str(tmp_path)))
    assert accepted["status"] == 202 and accepted["body"]["status"] == "queued", accepted
    print(f"broker down: 202 in {accepted['seconds']:.2f} s")
    assert accepted["seconds"] < 10, accepted
    job = GenerationJob.objects.get(pk=accepted["body"]["id"])
    assert job.enqueued_at is None

    redis, worker = start_redis(port), None
    try:
        worker = start_worker(broker=broker, media_root=tmp_path)
        GenerationJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(seconds=30))
        swept = json.loads(_django(SWEEP, REDIS_URL=broker, MEDIA_ROOT=str(tmp_path)))
        assert swept["never_sent"] == 1 and swept["sent"] == 1, swept
        done = wait_for(
            lambda: GenerationJob.objects.filter(pk=job.pk, status=JobStatus.SUCCEEDED).first(),
            240,
            "the kept job to finish",
        )
        again = json.loads(_django(SWEEP, REDIS_URL=broker, MEDIA_ROOT=str(tmp_path)))
        assert again["sent"] == 0
        assert (
            done.attempts == 1
            and done.video_id
            and Video.objects.filter(owner=done.owner_id, prompt=done.prompt).count() == 1
        )
    finally:
        stop_worker(worker)
        stop_process(redis)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_whole_worker_killed_mid_render_runs_again_within_the_stale_bound(tmp_path):
    stale_s = 4
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    redis = start_redis(port)
    user = UserFactory(username="sigkill")
    first = second = None
    try:
        # Visibility timeout left at its default (12 min): recovery must not wait for it.
        # Many steps: the render is still running whenever this (loaded) process sees its first progress.
        first = start_worker(broker=broker, media_root=tmp_path, SORA_GENERATION_STALE_AFTER=str(stale_s), steps=48)
        accepted = json.loads(
            _django(REQUEST.format(username=user.username), REDIS_URL=broker, MEDIA_ROOT=str(tmp_path))
        )
        assert accepted["status"] == 202, accepted
        job_id = accepted["body"]["id"]
        wait_until_rendering(job_id)

        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert GenerationJob.objects.get(pk=job_id).status == JobStatus.RUNNING  # killed mid-render
        killed_at = time.monotonic()
        second = start_worker(broker=broker, media_root=tmp_path, SORA_GENERATION_STALE_AFTER=str(stale_s))

        sweeps = []

        def swept_back():
            result = json.loads(
                _django(SWEEP, REDIS_URL=broker, MEDIA_ROOT=str(tmp_path), SORA_GENERATION_STALE_AFTER=str(stale_s))
            )
            sweeps.append((round(time.monotonic() - killed_at, 1), result))
            return result["vanished"] == 1

        try:
            wait_for(swept_back, 60, "the sweep to re-queue the dead worker's job")
        except AssertionError:
            job = GenerationJob.objects.get(pk=job_id)
            raise AssertionError(
                f"no sweep re-queued the dead worker's job: sweeps (s after the kill, counts) {sweeps}; the job "
                f"{job.status}, attempts {job.attempts}, heartbeat {job.heartbeat_at}, now {timezone.now()}"
            ) from None
        wait_for(
            lambda: GenerationJob.objects.filter(pk=job_id, status=JobStatus.RUNNING, attempts=2).exists(),
            60,
            "the job running again",
        )
        running_again_s = time.monotonic() - killed_at
        job = wait_for(
            lambda: GenerationJob.objects.filter(pk=job_id, status=JobStatus.SUCCEEDED).first(), 240, "success"
        )

        assert running_again_s <= 60, running_again_s
        assert job.attempts == 2 and job.video_id and Video.objects.filter(file=f"videos/{job_id}.mp4").count() == 1
        assert not list(Path(tempfile.gettempdir()).glob(f"{outbox.WORKDIR_PREFIX}{job_id}-*"))
        print(f"SIGKILL -> running again: {running_again_s:.1f} s (stale bound {stale_s} s)")
    finally:
        for proc in (first, second):
            stop_worker(proc)
        stop_process(redis)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_redis_lost_during_a_render_still_finishes_once(tmp_path):
    """The broker and channel layer vanish while a job renders: the video is made once, the job succeeds."""
    port = free_port()
    broker = f"redis://127.0.0.1:{port}/0"
    redis = start_redis(port)
    user = UserFactory(username="redisgone")
    worker = None
    try:
        worker = start_worker(broker=broker, media_root=tmp_path, steps=24)
        accepted = json.loads(
            _django(REQUEST.format(username=user.username), REDIS_URL=broker, MEDIA_ROOT=str(tmp_path))
        )
        job_id = accepted["body"]["id"]
        wait_until_rendering(job_id)

        stop_process(redis)  # mid-render: progress events and the final ack have nowhere to go

        job = wait_for(
            lambda: GenerationJob.objects.filter(pk=job_id, status=JobStatus.SUCCEEDED).first(),
            240,
            "the render to finish without Redis",
        )
        redis = start_redis(port)  # back, empty (no persistence): nothing left to redeliver
        time.sleep(3)
        swept = json.loads(_django(SWEEP, REDIS_URL=broker, MEDIA_ROOT=str(tmp_path)))
        assert swept["sent"] == 0
        assert job.attempts == 1 and job.video_id and Video.objects.filter(file=f"videos/{job_id}.mp4").count() == 1
    finally:
        stop_worker(worker)
        stop_process(redis)
