"""A real Celery worker process against the real Redis."""

import os
import subprocess
import sys
import time

import pytest

from sora_social.celery import ping

pytestmark = pytest.mark.redis


@pytest.fixture
def worker():
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "sora_social",
            "worker",
            "-Q",
            "default,generation",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "warning",
        ],
        env={**os.environ},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    yield proc
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()


def test_a_task_round_trips_through_broker_worker_and_backend(worker):
    started = time.monotonic()
    result = ping.delay()

    assert result.get(timeout=60) == "pong"
    assert time.monotonic() - started < 60
