"""POST /generations and DELETE /generations/{id}: everything before the render."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from generation.models import GenerationJob, JobStatus
from tests.conftest import client_for
from tests.factories import JobFactory, TeenFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/generations"
PROMPT = "a red ball bouncing on the beach"


def post(client, body, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return client.post(URL, body, format="json", **headers)


def test_accepted_request_is_a_queued_job(as_user, user):
    r = post(as_user, {"prompt": PROMPT, "duration_s": 3, "aspect": "portrait", "seed": 7})

    assert r.status_code == 202
    assert r.data["status"] == "queued" and r.data["progress"] == 0
    job = GenerationJob.objects.get(pk=r.data["id"])
    assert (job.owner, job.duration_s, job.aspect, job.seed) == (user, 3, "portrait", 7)


def test_the_job_is_enqueued_only_when_the_transaction_commits(as_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post(as_user, {"prompt": PROMPT})
    assert len(callbacks) == 1


@pytest.mark.parametrize(
    "body, field",
    [
        ({}, "prompt"),
        ({"prompt": ""}, "prompt"),
        ({"prompt": "x" * 1001}, "prompt"),
        ({"prompt": 42}, "prompt"),
        ({"prompt": PROMPT, "duration_s": 1}, "duration_s"),
        ({"prompt": PROMPT, "duration_s": 9}, "duration_s"),
        ({"prompt": PROMPT, "duration_s": "4"}, "duration_s"),
        ({"prompt": PROMPT, "aspect": "21:9"}, "aspect"),
        ({"prompt": PROMPT, "seed": -1}, "seed"),
        ({"prompt": PROMPT, "seed": 2**40}, "seed"),
        ({"prompt": PROMPT, "cameos": "abc"}, "cameos"),
        ({"prompt": PROMPT, "cameos": ["a", "b", "c", "d"]}, "cameos"),
    ],
)
def test_bad_input_is_400_and_makes_no_job(as_user, body, field):
    r = post(as_user, body)

    assert r.status_code == 400 and field in r.data["fields"]
    assert not GenerationJob.objects.exists()


def test_blocked_prompt_is_422_with_categories(as_user):
    r = post(as_user, {"prompt": "a naked woman in explicit sexual poses"})

    assert r.status_code == 422
    assert r.data["error"] == "prompt_blocked"
    assert "sexual" in r.data["categories"]
    assert not GenerationJob.objects.exists()


def test_a_cameo_the_user_may_not_use_is_403(as_user):
    r = post(as_user, {"prompt": "@someone dancing in the rain", "cameos": ["00000000-0000-0000-0000-000000000001"]})

    assert r.status_code == 403 and r.data["error"] == "cameo_not_permitted"
    assert not GenerationJob.objects.exists()


def test_daily_limit_is_429_with_retry_after(as_user, user, settings):
    settings.SORA_GENERATION_DAILY_LIMIT = 2
    settings.SORA_GENERATION_MAX_ACTIVE = 10
    JobFactory(owner=user)
    JobFactory(owner=user)

    r = post(as_user, {"prompt": PROMPT})

    assert r.status_code == 429 and r.data["error"] == "daily_limit"
    assert 0 < int(r["Retry-After"]) <= 24 * 3600
    assert GenerationJob.objects.count() == 2


def test_old_jobs_do_not_count_toward_the_daily_limit(as_user, user, settings):
    settings.SORA_GENERATION_DAILY_LIMIT = 1
    old = JobFactory(owner=user, status=JobStatus.SUCCEEDED)
    GenerationJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=25))

    assert post(as_user, {"prompt": PROMPT}).status_code == 202


def test_teens_have_a_lower_daily_limit(settings):
    settings.SORA_GENERATION_DAILY_LIMIT = 100
    settings.SORA_TEEN_GENERATION_DAILY_LIMIT = 1
    settings.SORA_GENERATION_MAX_ACTIVE = 10
    teen = TeenFactory()
    client = client_for(teen)

    assert post(client, {"prompt": PROMPT}).status_code == 202
    second = post(client, {"prompt": PROMPT})
    assert second.status_code == 429 and second.data["error"] == "daily_limit"


def test_too_many_running_jobs_is_429(as_user, user, settings):
    settings.SORA_GENERATION_MAX_ACTIVE = 1
    JobFactory(owner=user, status=JobStatus.RUNNING)

    r = post(as_user, {"prompt": PROMPT})

    assert r.status_code == 429 and r.data["error"] == "too_many_active" and r["Retry-After"]


def test_same_idempotency_key_returns_the_same_job(as_user):
    first = post(as_user, {"prompt": PROMPT}, key="k-1")
    again = post(as_user, {"prompt": PROMPT}, key="k-1")

    assert first.status_code == again.status_code == 202
    assert first.data["id"] == again.data["id"]
    assert GenerationJob.objects.count() == 1


def test_same_key_with_another_body_is_409(as_user):
    post(as_user, {"prompt": PROMPT}, key="k-1")
    r = post(as_user, {"prompt": "a green star falling"}, key="k-1")

    assert r.status_code == 409 and r.data["error"] == "idempotency_conflict"
    assert GenerationJob.objects.count() == 1


def test_idempotency_keys_are_per_user(as_user, other):
    mine = post(as_user, {"prompt": PROMPT}, key="shared")
    theirs = post(client_for(other), {"prompt": PROMPT}, key="shared")
    assert mine.data["id"] != theirs.data["id"]


def test_replay_of_a_key_does_not_count_against_limits(as_user, settings):
    settings.SORA_GENERATION_DAILY_LIMIT = 1
    post(as_user, {"prompt": PROMPT}, key="k-1")
    assert post(as_user, {"prompt": PROMPT}, key="k-1").status_code == 202


def test_remix_of_an_invisible_video_is_404(as_user, other):
    private = VideoFactory(owner=other, visibility="private")
    draft = VideoFactory(owner=other, state="draft")

    for parent in (private, draft):
        r = post(as_user, {"prompt": PROMPT, "remix_of": str(parent.pk)})
        assert r.status_code == 404 and r.data["error"] == "video_not_found"
    assert post(as_user, {"prompt": PROMPT, "remix_of": "not-a-uuid"}).status_code == 404


def test_remix_of_a_removed_video_is_409(as_user, other):
    removed = VideoFactory(owner=other, state="removed")

    r = post(as_user, {"prompt": PROMPT, "remix_of": str(removed.pk)})

    assert r.status_code == 409 and r.data["error"] == "parent_removed"


def test_remix_across_a_block_is_404(as_user, user, other):
    from accounts.models import Block

    video = VideoFactory(owner=other)
    Block.objects.create(blocker=other, blocked=user)

    assert post(as_user, {"prompt": PROMPT, "remix_of": str(video.pk)}).status_code == 404


def test_cancel_a_queued_job(as_user, user):
    job = JobFactory(owner=user)

    r = as_user.delete(f"{URL}/{job.pk}")
    again = as_user.delete(f"{URL}/{job.pk}")

    assert r.status_code == 200 and r.data["status"] == "cancelled"
    assert again.status_code == 200


def test_cancel_a_finished_job_is_409(as_user, user):
    job = JobFactory(owner=user, status=JobStatus.SUCCEEDED)
    r = as_user.delete(f"{URL}/{job.pk}")
    assert r.status_code == 409 and r.data["error"] == "not_cancellable"


def test_someone_elses_job_is_404(as_user, other):
    job = JobFactory(owner=other)

    assert as_user.get(f"{URL}/{job.pk}").status_code == 404
    assert as_user.delete(f"{URL}/{job.pk}").status_code == 404
    assert as_user.get(f"{URL}/not-a-uuid").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_with_the_channel_layer_down_a_generation_completes_and_polling_tells(eager, fast_render, settings):
    dead = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{"address": "redis://127.0.0.1:1/0", "socket_connect_timeout": 0.5}]},
        }
    }
    client = client_for(UserFactory())
    with override_settings(CHANNEL_LAYERS=dead):
        accepted = client.post(
            "/api/v1/generations", {"prompt": "a red ball bouncing on the beach", "duration_s": 2}, format="json"
        )
        polled = client.get(f"/api/v1/generations/{accepted.data['id']}")
    assert accepted.status_code == 202
    assert polled.data["status"] == "succeeded" and polled.data["video"]


def test_more_cameos_than_the_model_draws_is_a_clear_422_and_no_job(as_user, user, tmp_path, settings):
    from generation import capabilities as caps
    from tests.factories import CameoFactory

    (tmp_path / "dit.json").write_text('{"model": {"max_cameos": 1}}')  # a model that draws one
    settings.SORA_MODEL_CHECKPOINT = str(tmp_path / "dit.safetensors")
    caps._served_meta.cache_clear()
    first, second = CameoFactory(owner=user), CameoFactory(owner=user)
    r = post(as_user, {"prompt": "two friends waving on the beach", "cameos": [str(first.pk), str(second.pk)]})
    caps._served_meta.cache_clear()
    assert r.status_code == 422 and r.data["error"] == "too_many_cameos" and r.data["max_cameos"] == 1
    assert not GenerationJob.objects.exists()
    same_twice = post(as_user, {"prompt": "me waving on the beach", "cameos": [str(first.pk), str(first.pk)]})
    assert same_twice.status_code == 202  # one likeness named twice is one cameo
