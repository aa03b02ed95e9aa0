import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_staff_manage_users_in_the_admin(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    UserFactory(username="findme")
    client.force_login(staff)

    listing = client.get("/admin/accounts/user/?q=findme")
    page = client.get(f"/admin/accounts/user/{staff.pk}/change/")

    assert listing.status_code == 200 and b"findme" in listing.content
    assert page.status_code == 200 and b"birthdate" in page.content


def test_the_admin_refuses_ordinary_users(client):
    client.force_login(UserFactory())
    r = client.get("/admin/accounts/user/")
    assert r.status_code == 302 and "/admin/login/" in r["Location"]


def test_videos_and_jobs_are_in_the_admin_read_only_and_the_labels_read_right(client, db):
    from django.contrib.auth import get_user_model

    from tests.factories import VideoFactory

    admin_user = get_user_model().objects.create_superuser("root", "root@example.com", "a-long-passphrase-7")
    video = VideoFactory(prompt="a red ball bouncing on the beach")
    client.force_login(admin_user)

    listed = client.get("/admin/videos/video/").content.decode()
    page = client.get(f"/admin/videos/video/{video.pk}/change/").content.decode()
    index = client.get("/admin/").content.decode()

    assert "a red ball bouncing on the beach" in listed
    assert "a red ball bouncing on the beach" in page and 'name="_save"' not in page
    assert client.get("/admin/videos/video/add/").status_code == 403
    assert client.get("/admin/generation/generationjob/").status_code == 200
    assert "Parental controls" in index and "Parental controlss" not in index
