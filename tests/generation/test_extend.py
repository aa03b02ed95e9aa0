"""POST /videos/{id}/extend: a continuation of a video, forwards or backwards, in its lineage."""

import numpy as np
import pytest

from generation.media import decode_frames
from generation.models import GenerationJob, JobStatus
from generation.provenance import manifest_actions, read_manifest
from generation.services import generation_run
from tests.factories import VideoFactory
from videos.models import Video

pytestmark = pytest.mark.django_db


def extend(client, video_id, **body):
    return client.post(f"/api/v1/videos/{video_id}/extend", body, format="json")


@pytest.fixture
def rendered(as_user, fast_render):
    """A published landscape video of the user's, 2 s, really rendered and stored."""
    r = as_user.post(
        "/api/v1/generations",
        {"prompt": "a red ball rolling to the right on the grass", "duration_s": 2, "aspect": "landscape", "seed": 5},
        format="json",
    )
    generation_run(job_id=r.data["id"])
    job = GenerationJob.objects.get(pk=r.data["id"])
    assert job.status == JobStatus.SUCCEEDED, job.error
    as_user.post(f"/api/v1/videos/{job.video_id}/publish", {}, format="json")
    return Video.objects.get(pk=job.video_id)


def test_an_extension_is_a_remix_in_the_lineage_that_opens_with_the_parents_last_second(as_user, rendered):
    from django.core.files.storage import default_storage

    r = extend(as_user, rendered.pk, seconds=2)

    assert r.status_code == 202, r.data
    assert r.data["extend"] == "forward" and r.data["remix_of"] == str(rendered.pk)
    assert r.data["duration_s"] == 3 and r.data["aspect"] == "landscape"  # 2 new seconds + the joint one
    assert r.data["prompt"] == rendered.prompt  # no prompt: the video's own
    generation_run(job_id=r.data["id"])
    job = GenerationJob.objects.get(pk=r.data["id"])
    assert job.status == JobStatus.SUCCEEDED, job.error
    child = job.video
    assert child.remix_of_id == rendered.pk
    lineage = as_user.get(f"/api/v1/videos/{child.pk}/lineage")
    assert [v["id"] for v in lineage.data] == [str(rendered.pk)]

    parent_frames = decode_frames(default_storage.path(rendered.file)).astype(np.float32)
    child_frames = decode_frames(default_storage.path(child.file)).astype(np.float32)
    assert np.abs(child_frames[:24] - parent_frames[-24:]).mean() < 12  # the joint second is the parent's
    manifest = read_manifest(default_storage.path(child.file))
    assert manifest["valid"] and "c2pa.edited" in [a["action"] for a in manifest_actions(manifest["manifest"])]


def test_backwards_with_a_prompt_of_its_own(as_user, rendered):
    r = extend(as_user, rendered.pk, seconds=1, direction="backward", prompt="a red ball rolling on the beach")

    assert r.status_code == 202, r.data
    assert r.data["extend"] == "backward" and r.data["duration_s"] == 2
    assert r.data["prompt"] == "a red ball rolling on the beach"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"seconds": 0}, "seconds"),
        ({"seconds": 8}, "seconds"),
        ({"seconds": "3"}, "seconds"),
        ({"direction": "sideways"}, "direction"),
        ({"prompt": "ab"}, "prompt"),
    ],
)
def test_bad_input_is_400_and_nothing_is_queued(as_user, other, body, field):
    video = VideoFactory(owner=other)

    r = extend(as_user, video.pk, **body)

    assert r.status_code == 400 and field in r.data["fields"]
    assert not GenerationJob.objects.exists()


def test_a_video_you_may_not_see_is_404_and_a_removed_one_409(as_user, other):
    draft = VideoFactory(owner=other, state="draft")
    removed = VideoFactory(owner=other, state="removed")

    assert extend(as_user, draft.pk).status_code == 404
    assert extend(as_user, "not-a-uuid").data["error"] == "video_not_found"
    r = extend(as_user, removed.pk)
    assert r.status_code == 409 and r.data["error"] == "parent_removed"
    assert not GenerationJob.objects.exists()


def test_the_prompt_policy_speaks_as_for_any_generation(as_user, other):
    r = extend(as_user, VideoFactory(owner=other).pk, prompt="a naked woman in explicit sexual poses")

    assert r.status_code == 422 and r.data["error"] == "prompt_blocked"


def test_an_open_weight_backend_cannot_extend(as_user, other, settings, tmp_path):
    settings.SORA_MODEL_BACKEND = "diffusers"
    settings.SORA_MODEL_CHECKPOINT = str(tmp_path)  # never loaded: the request is refused first

    r = extend(as_user, VideoFactory(owner=other).pk)

    assert r.status_code == 422 and r.data["error"] == "remix_outside_model"


def test_the_same_idempotency_key_gives_the_same_job(as_user, other):
    video = VideoFactory(owner=other)
    headers = {"HTTP_IDEMPOTENCY_KEY": "ext-1"}

    a = as_user.post(f"/api/v1/videos/{video.pk}/extend", {"seconds": 2}, format="json", **headers)
    b = as_user.post(f"/api/v1/videos/{video.pk}/extend", {"seconds": 2}, format="json", **headers)
    c = as_user.post(f"/api/v1/videos/{video.pk}/extend", {"seconds": 3}, format="json", **headers)

    assert a.status_code == b.status_code == 202 and a.data["id"] == b.data["id"]
    assert c.status_code == 409 and c.data["error"] == "idempotency_conflict"
