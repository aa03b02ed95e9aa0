"""The real worker path against Redis: a job whose worker is killed with SIGKILL
mid-render is redelivered to another worker and finishes exactly once.

Two paths bring it back, both running here as in production: the broker's
redelivery after the visibility timeout, and the outbox sweep (beat) that
re-queues a job whose worker stopped beating. Whichever comes first runs it;
the other finds it taken or finished."""

import os
import signal
import time
from pathlib import Path

import pytest
from rest_framework.test import APIClient

from generation.models import GenerationJob, JobStatus
from generation.services.outbox import generation_sweep
from tests.conftest import client_for
from tests.generation.workers import start_worker, stop_worker, wait_for, wait_until_rendering
from videos.models import Video

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

VISIBILITY_S = 8  # an unacknowledged task goes back to the queue after this long


@pytest.fixture
def media_root(settings, tmp_path):
    root = tmp_path / "shared-media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def test_killed_worker_job_finishes_once(user, media_root, settings):
    settings.SORA_GENERATION_STALE_AFTER = VISIBILITY_S / 4  # as start_worker sets it for the workers

    def finished():
        generation_sweep()  # what beat does every few seconds
        return GenerationJob.objects.filter(pk=job_id, status=JobStatus.SUCCEEDED).first()

    client = client_for(user)
    # Many steps: the render is still running whenever this (loaded) process sees its first progress.
    first = start_worker(media_root=str(media_root), visibility_s=VISIBILITY_S, steps=48)
    second = None
    try:
        r = client.post(
            "/api/v1/generations", {"prompt": "a yellow ball falling on grass", "duration_s": 4}, format="json"
        )
        assert r.status_code == 202
        job_id = r.data["id"]

        # given the render has started (progress reported) ...
        wait_until_rendering(job_id)
        # ... when its worker dies without a goodbye
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(timeout=10)
        assert GenerationJob.objects.get(pk=job_id).status == JobStatus.RUNNING

        # then another worker picks the task up again and finishes it once
        second = start_worker(media_root=str(media_root), visibility_s=VISIBILITY_S, steps=8)
        job = wait_for(finished, 240, "success")
        time.sleep(VISIBILITY_S + 2)  # a late duplicate delivery would show up here
        assert job.attempts >= 2
        assert job.video_id and Video.objects.filter(file=f"videos/{job_id}.mp4").count() == 1
        files = sorted(p.name for p in Path(media_root, "videos").iterdir())
        assert files == [f"{job_id}.jpg", f"{job_id}.mp4"]
        body = APIClient().get(
            client.get(f"/api/v1/videos/{job.video.pk}").data["media"]["video_url"].replace("http://testserver", "")
        )
        assert body.status_code == 200
    finally:
        stop_worker(first)
        stop_worker(second)
