"""Several cameos in one video: offered as far as the served checkpoint draws them, refused past
that (and for a pet among others), and given to the model in the order the prompt names them."""

import json

import numpy as np
import pytest

from generation.models import GenerationJob, JobStatus
from generation.services.run import _cameo_inputs, generation_run
from tests.factories import CameoFactory

URL = "/api/v1/generations"


def _clear_caches():
    from generation import capabilities as caps

    caps._served_meta.cache_clear()
    caps._capabilities.cache_clear()


@pytest.fixture(scope="module")
def people_checkpoint(tmp_path_factory):
    """A tiny DiT trained two steps to draw up to three cameos: the service reads its JSON and loads it."""
    from generation.diffusion import train

    out = tmp_path_factory.mktemp("people") / "dit.safetensors"
    args = ["--model", "DiT-T", "--max-steps", "2", "--batch", "2", "--out", str(out), "--fake-text"]
    train.main(train.parse_args(args + ["--no-prefetch", "--max-cameos", "3"]))
    return out


@pytest.fixture
def people_model(people_checkpoint, settings):
    settings.SORA_MODEL_CHECKPOINT = str(people_checkpoint)
    _clear_caches()
    yield people_checkpoint
    _clear_caches()


def _person(owner, name, shade):
    import io

    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(np.full((64, 64, 3), shade, np.uint8)).save(buffer, format="PNG")
    stored = default_storage.save(f"cameos/test/{name}.png", ContentFile(buffer.getvalue()))
    return CameoFactory(owner=owner, name=name, reference=stored)


@pytest.mark.django_db
def test_capabilities_offer_as_many_cameos_as_the_checkpoint_draws(as_user, people_model):
    assert as_user.get(f"{URL}/capabilities").data["max_cameos"] == 3


@pytest.mark.django_db
def test_a_checkpoint_that_draws_several_less_well_is_served_with_one(as_user, user, tmp_path, settings):
    (tmp_path / "dit.json").write_text(json.dumps({"model": {"max_cameos": 3}, "sampler": {"max_cameos": 1}}))
    settings.SORA_MODEL_CHECKPOINT = str(tmp_path / "dit.safetensors")
    _clear_caches()
    try:
        caps = as_user.get(f"{URL}/capabilities").data
        cameos = [str(CameoFactory(owner=user).pk) for _ in range(2)]
        r = as_user.post(URL, {"prompt": "two friends waving on the beach", "cameos": cameos}, format="json")
    finally:
        _clear_caches()
    assert caps["max_cameos"] == 1
    assert r.status_code == 422 and r.data["error"] == "too_many_cameos" and r.data["max_cameos"] == 1


@pytest.mark.django_db
def test_two_people_render_together_and_reach_the_model_in_the_prompts_order(as_user, user, people_model):
    amy, zed = _person(user, "amy", 40), _person(user, "zed", 220)
    r = as_user.post(
        URL,
        {"prompt": "@zed waves and @amy jumps on the beach", "cameos": [str(amy.pk), str(zed.pk)], "duration_s": 2},
        format="json",
    )
    assert r.status_code == 202, r.data
    job = GenerationJob.objects.get(pk=r.data["id"])
    references, consents, _ = _cameo_inputs(job)
    assert [c["cameo"] for c in consents] == [str(zed.pk), str(amy.pk)]  # named first, drawn in the first slot
    assert [int(ref.mean()) for ref in references] == [220, 40]
    generation_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert set(job.video.cameo_ids) >= {str(amy.pk), str(zed.pk)}


@pytest.mark.django_db
def test_more_than_the_checkpoint_draws_is_a_clear_422_and_no_job(as_user, user, tmp_path, settings):
    (tmp_path / "dit.json").write_text(json.dumps({"model": {"max_cameos": 2}}))
    settings.SORA_MODEL_CHECKPOINT = str(tmp_path / "dit.safetensors")
    _clear_caches()
    people = [str(_person(user, f"p{i}", 10 * i).pk) for i in range(4)]
    try:
        three = as_user.post(URL, {"prompt": "friends waving on the beach", "cameos": people[:3]}, format="json")
        four = as_user.post(URL, {"prompt": "friends waving on the beach", "cameos": people}, format="json")
    finally:
        _clear_caches()

    assert three.status_code == 422 and three.data["error"] == "too_many_cameos"
    assert three.data["max_cameos"] == 2 and "2 cameo" in three.data["detail"]
    assert four.status_code == 400 and four.data["error"] == "invalid"  # past any model's: the request's own limit
    assert not GenerationJob.objects.exists()


@pytest.mark.django_db
def test_a_pet_among_people_is_a_clear_422_and_alone_it_is_accepted(as_user, user, people_model):
    pet = CameoFactory(owner=user, name="kiki", kind="character", form="cat")
    friend = _person(user, "pat", 90)
    with_pet = as_user.post(
        URL, {"prompt": "@kiki and @pat on the grass", "cameos": [str(pet.pk), str(friend.pk)]}, format="json"
    )

    assert with_pet.status_code == 422 and with_pet.data["error"] == "too_many_cameos"
    assert "pet" in with_pet.data["detail"] and not GenerationJob.objects.exists()
    alone = as_user.post(URL, {"prompt": "@kiki jumping on the grass", "cameos": [str(pet.pk)]}, format="json")
    assert alone.status_code == 202, alone.data
