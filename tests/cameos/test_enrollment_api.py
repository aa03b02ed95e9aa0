"""Enrolment refusals that the API decides before any verification runs."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cameos.models import Enrollment

pytestmark = pytest.mark.django_db


def start(client):
    r = client.post("/api/v1/cameos/enrollments")
    assert r.status_code == 201
    return r.data


def test_enrollment_issues_a_challenge_that_expires_in_10_minutes(as_user):
    body = start(as_user)

    assert len(body["challenge"]["digits"]) == 3 and body["challenge"]["digits"].isdigit()
    moves = body["challenge"]["moves"]
    assert len(moves) == 2 and moves[0] != moves[1] and set(moves) <= {"left", "right", "up", "down"}
    remaining = Enrollment.objects.get(pk=body["id"]).expires_at - timezone.now()
    assert timedelta(minutes=9) < remaining <= timedelta(minutes=10)
    assert body["status"] == "pending"


def test_oversized_capture_is_413(as_user, settings):
    settings.SORA_CAMEO_CAPTURE_MAX_BYTES = 1000
    enrollment = start(as_user)
    upload = SimpleUploadedFile("me.mp4", b"0" * 2000, content_type="video/mp4")

    r = as_user.post(f"/api/v1/cameos/enrollments/{enrollment['id']}/capture", {"video": upload})

    assert r.status_code == 413 and r.data["error"] == "too_large"
    assert Enrollment.objects.get(pk=enrollment["id"]).status == "pending"


@pytest.mark.parametrize(
    "name, content_type", [("me.png", "image/png"), ("me.txt", "text/plain"), ("me.avi", "video/x-msvideo")]
)
def test_other_types_are_415(as_user, name, content_type):
    enrollment = start(as_user)
    upload = SimpleUploadedFile(name, b"data", content_type=content_type)

    r = as_user.post(f"/api/v1/cameos/enrollments/{enrollment['id']}/capture", {"video": upload})

    assert r.status_code == 415 and r.data["error"] == "unsupported_media_type"


def test_expired_challenge_is_409(as_user):
    enrollment = start(as_user)
    Enrollment.objects.filter(pk=enrollment["id"]).update(expires_at=timezone.now() - timedelta(seconds=1))
    upload = SimpleUploadedFile("me.mp4", b"data", content_type="video/mp4")

    r = as_user.post(f"/api/v1/cameos/enrollments/{enrollment['id']}/capture", {"video": upload})

    assert r.status_code == 409 and r.data["error"] == "challenge_expired"


def test_missing_file_is_400(as_user):
    enrollment = start(as_user)
    r = as_user.post(f"/api/v1/cameos/enrollments/{enrollment['id']}/capture", {})
    assert r.status_code == 400 and "video" in r.data["fields"]


def test_someone_elses_enrollment_is_404(as_user, other):
    from tests.conftest import client_for

    enrollment = start(client_for(other))
    assert as_user.get(f"/api/v1/cameos/enrollments/{enrollment['id']}").status_code == 404
    upload = SimpleUploadedFile("me.mp4", b"data", content_type="video/mp4")
    r = as_user.post(f"/api/v1/cameos/enrollments/{enrollment['id']}/capture", {"video": upload})
    assert r.status_code == 404
