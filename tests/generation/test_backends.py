"""The backend seam: an open-weight diffusers pipeline renders through the same watermark,
sound, C2PA and storage as the in-tree model, and the API says what it can and cannot do."""

import numpy as np
import pytest

from generation.backends import BackendConfig, DiffusersBackend, diffusers_sizes, loaded_backend
from generation.diffusion.sampler import GenerationCancelled
from generation.media import decode_audio, decode_frames, invisible, probe
from generation.models import GenerationJob, JobStatus
from generation.pipeline import JobSpec, render_job
from generation.provenance import read_manifest
from generation.services import generation_run
from tests.factories import CameoFactory, VideoFactory

from .tiny_pipelines import save_tiny_wan

URL = "/api/v1/generations"


@pytest.fixture(scope="module")
def tiny_wan(tmp_path_factory):
    return save_tiny_wan(tmp_path_factory.mktemp("tiny-wan"))


@pytest.fixture
def diffusers_settings(settings, tiny_wan):
    settings.SORA_MODEL_BACKEND = "diffusers"
    settings.SORA_MODEL_CHECKPOINT = str(tiny_wan)
    settings.SORA_DIFFUSERS_SHORT_SIDE = 32
    settings.SORA_DIFFUSERS_FPS = 8
    settings.SORA_DIFFUSERS_STEPS = 2
    return settings


def tiny_config(folder, **kw) -> BackendConfig:
    return BackendConfig(name="diffusers", checkpoint=str(folder), short_side=32, fps=8, steps=2, **kw)


def test_the_frames_of_an_open_weight_pipeline_become_a_signed_marked_mp4(tiny_wan, tmp_path):
    steps = []
    spec = JobSpec(
        job_id="wan",
        prompt="a golden retriever surfing a big wave at sunset",
        seed=4,
        duration_s=2,
        aspect="landscape",
        mark_key=0x2A2A2A2A,
    )

    out = render_job(spec, workdir=tmp_path, backend=tiny_config(tiny_wan), on_step=lambda s, n: steps.append((s, n)))

    info = probe(out.video_path)
    assert (info["video_codec"], info["audio_codec"], info["fps"]) == ("h264", "aac", 24)
    assert info["width"] > info["height"] >= 256  # landscape, upscaled to what we serve
    assert out.c2pa_valid and out.model_version.startswith("diffusers:WanPipeline@")
    assert read_manifest(out.video_path)["valid"]
    assert abs(out.duration_s - 17 / 8) < 0.1  # 1 + 2 s x 8 fps in the VAE's 1 + 4k form
    assert invisible.read_in_place(decode_frames(out.video_path)).key == 0x2A2A2A2A
    assert invisible.detect_audio(decode_audio(out.video_path, rate=48000)).key == 0x2A2A2A2A
    assert steps == [(1, 2), (2, 2)]


def test_the_same_seed_draws_the_same_frames_and_cancel_stops(tiny_wan):
    backend = DiffusersBackend(tiny_config(tiny_wan))
    a = backend.generate("a cat on the moon", seed=3, duration_s=2, aspect="square")
    b = backend.generate("a cat on the moon", seed=3, duration_s=2, aspect="square")
    c = backend.generate("a cat on the moon", seed=4, duration_s=2, aspect="square")

    assert a.frames.shape == (17, 32, 32, 3) and a.frames.dtype == np.uint8 and a.fps == 8
    assert np.array_equal(a.frames, b.frames) and not np.array_equal(a.frames, c.frames)
    with pytest.raises(GenerationCancelled):
        backend.generate("a cat", seed=1, duration_s=2, aspect="square", should_cancel=lambda: True)
    with pytest.raises(ValueError):  # no likeness reference, no parent video: the API refuses them first
        backend.generate("a cat", seed=1, duration_s=2, aspect="square", cameo_reference=np.zeros((8, 8, 3), np.uint8))


def test_a_folder_that_is_not_a_pipeline_and_a_backend_that_does_not_exist_are_refused(tmp_path):
    with pytest.raises(FileNotFoundError):
        loaded_backend(BackendConfig(name="diffusers", checkpoint=str(tmp_path)))
    with pytest.raises(ValueError):
        BackendConfig(name="comfy")
    with pytest.raises(ValueError):
        BackendConfig(name="diffusers")  # no folder


def test_sizes_are_multiples_of_16_in_16_9():
    assert diffusers_sizes(480) == {"square": (480, 480), "portrait": (848, 480), "landscape": (480, 848)}
    assert diffusers_sizes(40)["landscape"] == (32, 64)


# ---------------------------------------------------------------- through the API


@pytest.mark.django_db
def test_capabilities_say_open_vocabulary_no_cameos_no_remix(as_user, diffusers_settings):
    r = as_user.get(f"{URL}/capabilities")

    assert r.status_code == 200
    assert r.data["backend"] == "diffusers" and r.data["vocabulary"] is None and r.data["languages"] is None
    assert r.data["max_cameos"] == 0 and r.data["remix"] is False
    assert r.data["native"] == {"width": 32, "height": 32, "fps": 8}
    assert r.data["aspects"]["landscape"]["native"] == {"width": 64, "height": 32}


@pytest.mark.django_db
def test_the_in_tree_model_says_what_it_is(as_user, settings):
    r = as_user.get(f"{URL}/capabilities")

    from generation.capabilities import served_max_cameos

    assert r.data["backend"] == "in-tree" and r.data["remix"] is True
    assert r.data["max_cameos"] == served_max_cameos(settings.SORA_MODEL_CHECKPOINT) >= 1


@pytest.mark.django_db
def test_any_prompt_renders_on_an_open_weight_model_and_every_word_is_understood(as_user, diffusers_settings):
    r = as_user.post(URL, {"prompt": "two astronauts dancing on the moon", "duration_s": 2}, format="json")

    assert r.status_code == 202, r.data
    assert r.data["understood"] == ["two", "astronauts", "dancing", "moon"] and r.data["ignored"] == []
    generation_run(job_id=r.data["id"])
    job = GenerationJob.objects.get(pk=r.data["id"])
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.video.model_version.startswith("diffusers:WanPipeline@")


@pytest.mark.django_db
def test_a_cameo_or_a_remix_is_refused_while_the_model_cannot_draw_them(as_user, user, other, diffusers_settings):
    cameo = CameoFactory(owner=user)
    parent = VideoFactory(owner=other)

    with_cameo = as_user.post(URL, {"prompt": "me surfing", "cameos": [str(cameo.pk)]}, format="json")
    remix = as_user.post(URL, {"prompt": "make it blue", "remix_of": str(parent.pk)}, format="json")

    assert with_cameo.status_code == 422 and with_cameo.data["error"] == "too_many_cameos"
    assert with_cameo.data["max_cameos"] == 0 and "no cameos" in with_cameo.data["detail"]
    assert remix.status_code == 422 and remix.data["error"] == "remix_outside_model"
    assert not GenerationJob.objects.exists()
