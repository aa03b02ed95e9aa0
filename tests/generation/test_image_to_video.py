"""Image to video: a picture of one's own becomes the first frame; faces in it need their cameo's consent."""

import io

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cameos.models import Refusal
from generation.diffusion import world
from generation.media import decode_frames
from generation.models import GenerationImage, GenerationJob, JobStatus
from generation.services import generation_run
from tests.conftest import client_for
from tests.factories import CameoFactory, UserFactory, VideoFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/generations"


def png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def upload(client, data: bytes, name="picture.png", content_type="image/png"):
    return client.post(f"{URL}/images", {"image": SimpleUploadedFile(name, data, content_type)}, format="multipart")


@pytest.fixture(scope="module")
def scene_frame() -> np.ndarray:
    """The first frame of a world scene, at 256 px: what the model can animate."""
    spec = world.SceneSpec(objects=(world.ObjectSpec("ball", "red", "big", "right"),), background="grass", seed=3)
    frame = world.render(spec)[0][0]
    return np.asarray(Image.fromarray(frame).resize((256, 256), Image.Resampling.NEAREST))


@pytest.fixture(scope="module")
def astronaut() -> np.ndarray:
    from skimage import data

    return data.astronaut()


@pytest.fixture(scope="module")
def astronaut_face(astronaut) -> list[float]:
    from cameos.verification import faces_in

    (_, descriptor), *_ = faces_in(astronaut)
    return [float(x) for x in descriptor]


def test_a_picture_becomes_the_first_frame(as_user, scene_frame, fast_render):
    up = upload(as_user, png(scene_frame))
    assert up.status_code == 201, up.data
    assert (up.data["width"], up.data["height"], up.data["cameos"]) == (256, 256, [])

    r = as_user.post(URL, {"prompt": "it rolls to the right", "image": up.data["id"], "duration_s": 2}, format="json")

    assert r.status_code == 202, r.data
    assert r.data["image"] == up.data["id"] and r.data["understood"] == ["rolls", "right"]
    generation_run(job_id=r.data["id"])
    job = GenerationJob.objects.get(pk=r.data["id"])
    assert job.status == JobStatus.SUCCEEDED, job.error
    from django.core.files.storage import default_storage

    first = decode_frames(default_storage.path(job.video.file))[0].astype(np.float32)
    want = np.asarray(Image.fromarray(scene_frame).resize(first.shape[1::-1])).astype(np.float32)
    assert np.abs(first - want).mean() < 25  # the picture, through the model's 32 px and the marks


def test_a_stranger_in_the_picture_is_refused_and_nothing_is_kept(as_user, astronaut):
    r = upload(as_user, png(astronaut))

    assert r.status_code == 422 and r.data["error"] == "real_face"
    assert not GenerationImage.objects.exists()


def test_a_face_that_is_a_cameo_needs_that_cameos_consent(as_user, user, astronaut, astronaut_face):
    theirs = CameoFactory(owner=UserFactory(), permission="only_me", embedding=astronaut_face)

    up = upload(as_user, png(astronaut))
    assert up.status_code == 201 and up.data["cameos"] == [str(theirs.pk)]
    r = as_user.post(URL, {"prompt": "a person waving", "image": up.data["id"]}, format="json")

    assert r.status_code == 403 and r.data["error"] == "cameo_not_permitted"
    assert Refusal.objects.filter(cameo=theirs, user=user).exists()  # the owner sees the attempt
    assert not GenerationJob.objects.exists()


def test_your_own_face_through_your_cameo_is_fine(as_user, user, astronaut, astronaut_face):
    mine = CameoFactory(owner=user, embedding=astronaut_face)

    up = upload(as_user, png(astronaut))
    r = as_user.post(URL, {"prompt": "me waving on the beach", "image": up.data["id"]}, format="json")

    assert r.status_code == 202, r.data
    assert r.data["cameos"] == [str(mine.pk)]


@pytest.mark.parametrize(
    "data, content_type, status, code",
    [
        (b"not an image at all", "image/png", 400, "not_an_image"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "image/png", 400, "not_an_image"),
        (b"hello", "text/plain", 415, "unsupported_media_type"),
        (b"x" * 2048, "image/jpeg", 413, "too_large"),
    ],
)
def test_bad_uploads_are_4xx(as_user, settings, data, content_type, status, code):
    settings.SORA_GENERATION_IMAGE_MAX_BYTES = 1024

    r = upload(as_user, data, content_type=content_type)

    assert r.status_code == status and r.data["error"] == code
    assert not GenerationImage.objects.exists()


def test_an_empty_upload_or_none_is_400(as_user):
    assert as_user.post(f"{URL}/images", {}, format="multipart").status_code == 400
    assert upload(as_user, b"").status_code == 400


def test_someone_elses_picture_is_404_and_a_picture_with_a_remix_400(as_user, scene_frame, other):
    theirs = upload(client_for(other), png(scene_frame)).data["id"]
    mine = upload(as_user, png(scene_frame)).data["id"]

    r = as_user.post(URL, {"prompt": "a red ball", "image": theirs}, format="json")
    both = as_user.post(URL, {"prompt": "a red ball", "image": mine, "remix_of": str(VideoFactory().pk)}, format="json")

    assert r.status_code == 404 and r.data["error"] == "image_not_found"
    assert both.status_code == 400 and "image" in both.data["fields"]


def test_an_open_weight_backend_cannot_start_from_a_picture(as_user, scene_frame, settings, tmp_path):
    mine = upload(as_user, png(scene_frame)).data["id"]
    settings.SORA_MODEL_BACKEND = "diffusers"
    settings.SORA_MODEL_CHECKPOINT = str(tmp_path)

    r = as_user.post(URL, {"prompt": "a red ball", "image": mine}, format="json")

    assert r.status_code == 422 and r.data["error"] == "remix_outside_model"


def test_a_frame_of_a_removed_video_cannot_start_a_new_one(as_user, scene_frame):
    from moderation.models import RemovedHash
    from moderation.phash import dhash

    RemovedHash.objects.create(video=VideoFactory(state="removed"), hash=dhash(scene_frame))
    other_picture = np.ascontiguousarray(scene_frame[:, ::-1])  # mirrored: another picture

    r = upload(as_user, png(scene_frame))

    assert r.status_code == 422 and r.data["error"] == "picture_removed"
    assert upload(as_user, png(other_picture)).status_code == 201


def test_pictures_are_limited_per_user(as_user, scene_frame, settings):
    settings.SORA_USER_WRITE_RATES = {**settings.SORA_USER_WRITE_RATES, "picture": "2/hour"}

    codes = [upload(as_user, png(scene_frame)).status_code for _ in range(3)]
    r = upload(as_user, png(scene_frame))

    assert codes == [201, 201, 429]
    assert r.data["error"] == "rate_limited" and r.data["kind"] == "picture" and int(r["Retry-After"]) > 0


def test_a_revoke_deletes_every_picture_that_shows_the_face(
    as_user, user, astronaut, astronaut_face, scene_frame, django_capture_on_commit_callbacks
):
    from django.core.files.storage import default_storage

    mine = CameoFactory(owner=user, embedding=astronaut_face, permission="everyone")
    friend = client_for(UserFactory())
    with_face = upload(friend, png(astronaut)).data["id"]
    without = upload(friend, png(scene_frame)).data["id"]
    stored = GenerationImage.objects.get(pk=with_face).file

    with django_capture_on_commit_callbacks(execute=True):
        assert as_user.delete(f"/api/v1/cameos/{mine.pk}").status_code == 204

    assert list(GenerationImage.objects.values_list("pk", flat=True)) == [__import__("uuid").UUID(without)]
    assert not default_storage.exists(stored)
    r = friend.post(URL, {"prompt": "a person waving", "image": with_face}, format="json")
    assert r.status_code == 404 and r.data["error"] == "image_not_found"


def test_old_pictures_are_swept_unless_a_job_still_waits_on_one(
    as_user, user, scene_frame, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from generation.services import pictures_sweep

    old, waited_on, recent = (upload(as_user, png(scene_frame)).data["id"] for _ in range(3))
    job = as_user.post(URL, {"prompt": "it rolls to the right", "image": waited_on}, format="json")
    assert job.status_code == 202
    long_ago = timezone.now() - timedelta(days=31)
    GenerationImage.objects.filter(pk__in=[old, waited_on]).update(created_at=long_ago)
    old_file = GenerationImage.objects.get(pk=old).file

    with django_capture_on_commit_callbacks(execute=True):
        assert pictures_sweep() == 1

    assert {str(pk) for pk in GenerationImage.objects.values_list("pk", flat=True)} == {waited_on, recent}
    assert not default_storage.exists(old_file)
    GenerationJob.objects.filter(pk=job.data["id"]).update(status=JobStatus.SUCCEEDED)
    with django_capture_on_commit_callbacks(execute=True):
        assert pictures_sweep() == 1  # its job finished: it goes too


def test_a_picture_over_40_megapixels_is_refused_before_it_is_decoded(as_user):
    buffer = io.BytesIO()
    Image.new("1", (7000, 7000)).save(buffer, format="PNG")  # 49 MP in a few kB

    r = upload(as_user, buffer.getvalue())

    assert r.status_code == 400 and r.data["error"] == "image_too_large"
    assert not GenerationImage.objects.exists()
