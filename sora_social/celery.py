"""The Celery app. Queues: `default` (CPU work) and `generation` (renders, GPU workers).

Without REDIS_URL tasks run eagerly in the caller (embedded mode); with it,
Redis is the broker and result backend. Configuration lives in settings
under the CELERY_ prefix.
"""

import os
import sys

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sora_social.settings")

app = Celery("sora_social")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.task_queues = (Queue("default"), Queue("generation"))
app.autodiscover_tasks()


@app.task(name="sora_social.ping")
def ping() -> str:
    """Round trip through broker, worker and result backend (`celery -A sora_social call sora_social.ping`)."""
    return "pong"


def worker_command(*, name: str | None = None, loglevel: str = "warning") -> list[str]:
    """One solo worker on both queues, as tests and benchmarks start real ones."""
    command = [sys.executable, "-m", "celery", "-A", "sora_social", "worker", "-Q", "default,generation"]
    command += ["--pool", "solo", "--without-heartbeat", "--without-gossip", "--without-mingle", "-l", loglevel]
    return command + (["-n", name] if name else [])
