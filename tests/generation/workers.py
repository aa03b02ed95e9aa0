"""Real processes for tests: Celery workers on the test database and media root, a Redis of the test's own."""

import contextlib
import os
import signal
import socket
import subprocess
import time

from django.conf import settings
from django.db import connection

from generation.models import GenerationJob, JobStatus
from sora_social.celery import worker_command


def database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(
    *,
    media_root: str | None = None,
    visibility_s: int | None = None,
    steps: int = 4,
    broker: str | None = None,
    **env_vars: str,
) -> subprocess.Popen:
    """A worker on both queues; `broker` points it at another Redis, `env_vars` set more settings."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),  # the test database, not the developer's
        "MEDIA_ROOT": str(media_root or settings.MEDIA_ROOT),
        "SORA_GENERATION_STEPS": str(steps),
        **({"REDIS_URL": broker} if broker else {}),
        **env_vars,
    }
    if visibility_s:
        env["CELERY_VISIBILITY_TIMEOUT"] = str(visibility_s)
        # A redelivered task takes over only from a worker whose heartbeat went stale.
        env["SORA_GENERATION_STALE_AFTER"] = str(visibility_s / 4)
    return subprocess.Popen(
        worker_command(),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def stop_worker(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def wait_until_rendering(job_id, timeout: float = 180) -> None:
    """Until the job is running with progress reported: progress alone is also true of a job already done."""
    running = GenerationJob.objects.filter(pk=job_id, status=JobStatus.RUNNING, progress__gt=0)
    wait_for(running.exists, timeout, "progress")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_redis(port: int) -> subprocess.Popen:
    """A Redis of the test's own on a spare port: the machine's is never stopped."""
    proc = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc
        time.sleep(0.1)
    proc.kill()
    raise AssertionError("the test's own redis did not start")


def stop_process(proc: subprocess.Popen | None) -> None:
    if proc is not None and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
