import pytest
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import Invite, User
from tests.factories import PASSWORD, UserFactory, birthdate_for_age

pytestmark = pytest.mark.django_db

URL = "/api/v1/auth/register"


def body(**over):
    data = {
        "username": "ana",
        "password": PASSWORD,
        "email": "ana@example.com",
        "birthdate": birthdate_for_age(30).isoformat(),
    }
    data.update(over)
    return data


def test_register_adult_gets_tokens_and_invites(api):
    r = api.post(URL, body(), format="json")

    assert r.status_code == 201
    assert r.data["user"]["username"] == "ana"
    assert r.data["user"]["is_teen"] is False
    assert AccessToken(r.data["access"])["user_id"] == r.data["user"]["id"]
    me = api.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {r.data['access']}")
    assert me.status_code == 200 and me.data["username"] == "ana"
    assert Invite.objects.filter(owner__username="ana", used_by=None).count() == 4


@pytest.mark.parametrize("age", [13, 15, 17])
def test_register_13_to_17_is_a_teen_with_closed_dms(api, age):
    r = api.post(URL, body(birthdate=birthdate_for_age(age).isoformat()), format="json")

    assert r.status_code == 201
    assert r.data["user"]["is_teen"] is True
    assert r.data["user"]["dm_policy"] == "mutuals"


def test_register_18_is_an_adult(api):
    r = api.post(URL, body(birthdate=birthdate_for_age(18).isoformat()), format="json")
    assert r.status_code == 201 and r.data["user"]["is_teen"] is False


@pytest.mark.parametrize("age", [0, 5, 12])
def test_register_under_13_is_refused_and_nothing_is_kept(api, age):
    r = api.post(URL, body(birthdate=birthdate_for_age(age).isoformat()), format="json")

    assert r.status_code == 403
    assert r.data["error"] == "too_young"
    assert not User.objects.filter(username="ana").exists()


@pytest.mark.parametrize(
    "over, code, field",
    [
        ({"username": "a"}, "invalid", "username"),
        ({"username": "has space"}, "invalid", "username"),
        ({"username": "x" * 31}, "invalid", "username"),
        ({"username": "émile"}, "invalid", "username"),
        ({"email": "not-an-email"}, "invalid", "email"),
        ({"birthdate": "yesterday"}, "invalid", "birthdate"),
        ({"birthdate": "2999-01-01"}, "invalid_birthdate", None),
        ({"birthdate": "1700-01-01"}, "invalid_birthdate", None),
        ({"password": "password"}, "weak_password", "password"),
        ({"password": "12345678901"}, "weak_password", "password"),
        ({"username": None}, "invalid", "username"),
        ({"password": "pass\x00word-long-enough"}, "invalid", "password"),
    ],
)
def test_register_bad_input_is_400_with_field_messages(api, over, code, field):
    r = api.post(URL, body(**over), format="json")

    assert r.status_code == 400, r.data
    assert r.data["error"] == code
    assert r.data["detail"]
    if field:
        assert field in r.data["fields"]
    assert not User.objects.filter(email="ana@example.com").exists()


def test_register_missing_fields_lists_each(api):
    r = api.post(URL, {}, format="json")

    assert r.status_code == 400
    assert set(r.data["fields"]) == {"username", "password", "email", "birthdate"}


@pytest.mark.parametrize("username", ["ana", "ANA", "Ana"])
def test_register_duplicate_username_any_case_is_refused(api, username):
    UserFactory(username="ana")

    r = api.post(URL, body(username=username, email="other@example.com"), format="json")

    assert r.status_code == 400
    assert r.data["error"] == "username_taken"


def test_register_duplicate_email_is_refused(api):
    UserFactory(username="bo", email="ana@example.com")

    r = api.post(URL, body(email="ANA@example.com"), format="json")

    assert r.status_code == 400 and r.data["error"] == "email_taken"


def test_register_malformed_json_is_400(api):
    r = api.post(URL, data="{not json", content_type="application/json")
    assert r.status_code == 400 and r.data["error"] == "malformed"


def test_register_unsupported_media_type_is_415(api):
    r = api.post(URL, data="<xml/>", content_type="application/xml")
    assert r.status_code == 415 and r.data["error"] == "unsupported_media_type"


class TestInvites:
    @pytest.fixture(autouse=True)
    def _required(self, settings):
        settings.SORA_INVITES_REQUIRED = True

    def test_without_code_is_refused(self, api):
        r = api.post(URL, body(), format="json")
        assert r.status_code == 400 and r.data["error"] == "invite_required"

    def test_unknown_code_is_refused(self, api):
        r = api.post(URL, body(invite_code="nope"), format="json")
        assert r.status_code == 400 and r.data["error"] == "invalid_invite"
        assert not User.objects.filter(username="ana").exists()

    def test_a_code_works_once(self, api, user):
        code = Invite.objects.create(owner=user).code

        first = api.post(URL, body(invite_code=code), format="json")
        second = api.post(URL, body(username="bob", email="bob@example.com", invite_code=code), format="json")

        assert first.status_code == 201
        assert second.status_code == 400 and second.data["error"] == "invalid_invite"
        invite = Invite.objects.get(code=code)
        assert invite.used_by.username == "ana" and invite.used_at is not None

    def test_refused_registration_keeps_the_code(self, api, user):
        code = Invite.objects.create(owner=user).code

        r = api.post(URL, body(invite_code=code, birthdate=birthdate_for_age(10).isoformat()), format="json")

        assert r.status_code == 403
        assert Invite.objects.get(code=code).used_by is None

    def test_new_user_lists_own_codes(self, api, user):
        code = Invite.objects.create(owner=user).code
        token = api.post(URL, body(invite_code=code), format="json").data["access"]

        r = api.get("/api/v1/me/invites", HTTP_AUTHORIZATION=f"Bearer {token}")

        assert r.status_code == 200
        assert len(r.data["results"]) == 4
        assert all(not i["used"] for i in r.data["results"])
        assert r.data["next"] is None


def test_my_invites_show_who_used_them(user):
    from tests.conftest import client_for

    invite = Invite.objects.create(owner=user)
    guest = UserFactory()
    invite.used_by = guest
    invite.save()

    r = client_for(user).get("/api/v1/me/invites")

    assert r.status_code == 200
    [row] = r.data["results"]
    assert row["used"] is True and row["used_by"] == guest.username
