"""A real Celery worker process against the real Redis."""

import time

import pytest

from sora_social.celery import ping
from tests.generation.workers import start_worker, stop_worker

pytestmark = pytest.mark.redis


@pytest.fixture
def worker():
    proc = start_worker()
    yield proc
    stop_worker(proc)


def test_a_task_round_trips_through_broker_worker_and_backend(worker):
    started = time.monotonic()
    result = ping.delay()

    assert result.get(timeout=60) == "pong"
    assert time.monotonic() - started < 60
