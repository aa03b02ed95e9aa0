"""Issue 6's flow through the HTTP API: enrol from a synthesised capture → verified cameo →
approved friend generates with it (the likeness reaches the model) → the owner sees the draft,
takes it down, revokes → the friend is refused."""

import numpy as np
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cameos.models import Cameo
from tests.cameos.captures import cat_png, make_capture, refilm
from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def enrol(client, **capture_options):
    enrollment = client.post("/api/v1/cameos/enrollments").data
    challenge = enrollment["challenge"]
    clip = make_capture(digits=challenge["digits"], moves=challenge["moves"], size=(320, 240), **capture_options)
    upload = SimpleUploadedFile("me.mp4", clip, content_type="video/mp4")
    accepted = client.post(f"/api/v1/cameos/enrollments/{enrollment['id']}/capture", {"video": upload})
    assert accepted.status_code == 202 and accepted.data["status"] in ("verifying", "verified", "rejected")
    return client.get(f"/api/v1/cameos/enrollments/{enrollment['id']}").data


def test_enrol_share_generate_take_down_revoke(eager, fast_render):
    owner, friend = UserFactory(), UserFactory()
    as_owner, as_friend = client_for(owner), client_for(friend)

    result = enrol(as_owner)
    assert result["status"] == "verified", result
    cameo_id = result["cameo"]["id"]
    assert as_owner.patch(f"/api/v1/cameos/{cameo_id}", {"permission": "approved"}, format="json").status_code == 200
    assert as_owner.post(f"/api/v1/cameos/{cameo_id}/approvals/{friend.username}").status_code == 204
    assert [c["id"] for c in as_friend.get("/api/v1/cameos/available").data["results"]] == [cameo_id]

    job = as_friend.post(
        "/api/v1/generations",
        {"prompt": "my friend waving on the beach", "duration_s": 2, "cameos": [cameo_id], "seed": 4},
        format="json",
    ).data
    job = as_friend.get(f"/api/v1/generations/{job['id']}").data
    assert job["status"] == "succeeded", job
    video = as_friend.get(f"/api/v1/videos/{job['video']}").data
    assert video["cameos"] == [cameo_id]
    provenance = as_friend.get(f"/api/v1/videos/{job['video']}/provenance").data
    assert provenance["valid"] and cameo_id in str(provenance["manifest"])

    appearances = as_owner.get(f"/api/v1/cameos/{cameo_id}/appearances").data["results"]
    assert [a["video"]["id"] for a in appearances] == [job["video"]]
    assert as_owner.get(f"/api/v1/videos/{job['video']}").status_code == 200  # the friend's draft
    assert "cameo_used" in [n["kind"] for n in as_owner.get("/api/v1/notifications").data["results"]]
    assert as_owner.delete(f"/api/v1/cameos/{cameo_id}/appearances/{job['video']}").status_code == 204
    assert as_friend.get(f"/api/v1/videos/{job['video']}").status_code == 404
    kinds = [n["kind"] for n in as_friend.get("/api/v1/notifications").data["results"]]
    assert "cameo_taken_down" in kinds

    assert as_owner.delete(f"/api/v1/cameos/{cameo_id}").status_code == 204
    refused = as_friend.post(
        "/api/v1/generations", {"prompt": "my friend waving again", "cameos": [cameo_id]}, format="json"
    )
    assert refused.status_code == 403 and refused.data["error"] == "cameo_not_permitted"


def test_a_capture_of_someone_elses_face_is_rejected_with_a_reason(eager):
    assert enrol(client_for(UserFactory()))["status"] == "verified"

    # The same face in a recording of its own (mirrored: the pictures differ, so this is
    # judged on likeness, not as a replay of the first capture).
    second = enrol(client_for(UserFactory()), face="astronaut_mirror")

    assert second["status"] == "rejected" and second["reason_code"] == "likeness_taken"
    assert second["reason"] and Cameo.objects.count() == 1


def test_a_still_photo_is_rejected(eager):
    result = enrol(client_for(UserFactory()), static=True)
    assert result["status"] == "rejected" and result["reason_code"] == "no_movement"


def test_a_photo_slid_per_the_challenge_is_rejected_as_a_spoof(eager):
    result = enrol(client_for(UserFactory()), subject="photo")
    assert result["status"] == "rejected" and result["reason_code"] == "spoof_suspected"
    assert result["reason"] and not Cameo.objects.exists()


def test_someone_elses_verified_capture_filmed_off_a_screen_is_rejected(eager):
    owner = client_for(UserFactory())
    enrollment = owner.post("/api/v1/cameos/enrollments").data
    clip = make_capture(
        digits=enrollment["challenge"]["digits"], moves=enrollment["challenge"]["moves"], size=(320, 240)
    )
    upload = SimpleUploadedFile("me.mp4", clip, content_type="video/mp4")
    owner.post(f"/api/v1/cameos/enrollments/{enrollment['id']}/capture", {"video": upload})
    assert Cameo.objects.get().capture_hashes

    impostor = client_for(UserFactory())
    attempt = impostor.post("/api/v1/cameos/enrollments").data
    upload = SimpleUploadedFile("me.mp4", refilm(clip), content_type="video/mp4")
    impostor.post(f"/api/v1/cameos/enrollments/{attempt['id']}/capture", {"video": upload})
    result = impostor.get(f"/api/v1/cameos/enrollments/{attempt['id']}").data

    assert result["status"] == "rejected" and result["reason_code"] == "replayed_capture"
    assert Cameo.objects.count() == 1


def test_a_second_capture_for_one_challenge_is_409(eager):
    client = client_for(UserFactory())
    enrollment = client.post("/api/v1/cameos/enrollments").data
    clip = make_capture(digits="123", moves=["left", "up"], size=(320, 240), static=True)
    for expected in (202, 409):
        upload = SimpleUploadedFile("me.mp4", clip, content_type="video/mp4")
        r = client.post(f"/api/v1/cameos/enrollments/{enrollment['id']}/capture", {"video": upload})
        assert r.status_code == expected


def test_the_likeness_reference_reaches_the_model(tmp_path):
    from generation.pipeline import JobSpec, render_job

    face = np.asarray(
        __import__("PIL.Image", fromlist=["Image"])
        .open(__import__("io").BytesIO(cat_png()))
        .convert("RGB")
        .resize((64, 64))
    )
    base = dict(job_id="c", prompt="@pet waving on grass", seed=2, duration_s=2, aspect="square", steps=4)
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()

    with_cameo = render_job(JobSpec(**base, cameo_references=(face,)), workdir=tmp_path / "a")
    without = render_job(JobSpec(**base), workdir=tmp_path / "b")

    from generation.media import decode_frames

    assert np.abs(decode_frames(with_cameo.video_path).astype(int) - decode_frames(without.video_path)).mean() > 1.0


def test_a_character_cameo_from_one_image(user):
    upload = SimpleUploadedFile("cat.png", cat_png(), content_type="image/png")
    r = client_for(user).post("/api/v1/cameos/characters", {"image": upload, "name": "Chelsea"})
    assert r.status_code == 201 and r.data["kind"] == "character" and r.data["preview_url"]

    text = SimpleUploadedFile("cat.txt", b"meow", content_type="text/plain")
    assert client_for(user).post("/api/v1/cameos/characters", {"image": text, "name": "x"}).status_code == 415


def test_a_character_says_what_it_is(user):
    def create(**extra):
        upload = SimpleUploadedFile("cat.png", cat_png(), content_type="image/png")
        return client_for(user).post("/api/v1/cameos/characters", {"image": upload, "name": "Chelsea", **extra})

    assert create(form="cat").data["form"] == "cat"
    assert create().data["form"] == "figure"  # what a character was before it could say
    bad = create(form="dragon")
    assert bad.status_code == 400 and "form" in str(bad.data)
    assert Cameo.objects.filter(owner=user).count() == 2  # the refused one left nothing behind
