"""Real Celery worker processes for tests, on the test database and media root."""

import contextlib
import os
import signal
import subprocess
import sys

from django.conf import settings
from django.db import connection


def database_url() -> str:
    s = connection.settings_dict
    if s["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def start_worker(*, media_root: str | None = None, visibility_s: int | None = None, steps: int = 4) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),  # the test database, not the developer's
        "MEDIA_ROOT": media_root or str(settings.MEDIA_ROOT),
        "SORA_GENERATION_STEPS": str(steps),
    }
    if visibility_s:
        env["CELERY_VISIBILITY_TIMEOUT"] = str(visibility_s)
        # A redelivered task takes over only from a worker whose heartbeat went stale.
        env["SORA_GENERATION_STALE_AFTER"] = str(visibility_s / 4)
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sora_social",
            "worker",
            "-Q",
            "generation,default",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
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
