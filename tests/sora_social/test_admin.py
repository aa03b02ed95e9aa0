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
