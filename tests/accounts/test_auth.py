import pytest

from tests.conftest import client_for
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_token_then_refresh_then_me(api, user):
    pair = api.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, format="json")
    assert pair.status_code == 200

    fresh = api.post("/api/v1/auth/token/refresh", {"refresh": pair.data["refresh"]}, format="json")
    assert fresh.status_code == 200

    api.credentials(HTTP_AUTHORIZATION=f"Bearer {fresh.data['access']}")
    me = api.get("/api/v1/me")
    assert me.status_code == 200 and me.data["id"] == str(user.pk)


def test_wrong_password_is_401_in_the_error_shape(api, user):
    r = api.post("/api/v1/auth/token", {"username": user.username, "password": "nope"}, format="json")

    assert r.status_code == 401
    assert r.data["error"] == "no_active_account"
    assert r.data["detail"]


def test_inactive_user_cannot_get_a_token(api, user):
    user.is_active = False
    user.save()
    r = api.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, format="json")
    assert r.status_code == 401


def test_bad_refresh_token_is_401(api):
    r = api.post("/api/v1/auth/token/refresh", {"refresh": "garbage"}, format="json")
    assert r.status_code == 401 and r.data["error"] == "token_not_valid"


def test_token_missing_fields_is_400(api):
    r = api.post("/api/v1/auth/token", {}, format="json")
    assert r.status_code == 400 and set(r.data["fields"]) == {"username", "password"}


@pytest.mark.parametrize(
    "method, path",
    [
        ("get", "/api/v1/me"),
        ("patch", "/api/v1/me"),
        ("get", "/api/v1/me/invites"),
        ("get", "/api/v1/me/blocks"),
        ("get", "/api/v1/users/someone"),
        ("post", "/api/v1/users/someone/follow"),
        ("delete", "/api/v1/users/someone/follow"),
        ("post", "/api/v1/users/someone/block"),
        ("get", "/api/v1/users/someone/videos"),
    ],
)
def test_anonymous_gets_401_everywhere_but_auth_and_schema(api, method, path):
    r = getattr(api, method)(path)

    assert r.status_code == 401
    assert r.data["error"] == "not_authenticated"
    assert r["WWW-Authenticate"].startswith("Bearer")


def test_garbage_bearer_token_is_401(api):
    api.credentials(HTTP_AUTHORIZATION="Bearer not.a.jwt")
    r = api.get("/api/v1/me")
    assert r.status_code == 401 and r.data["error"] == "token_not_valid"


def test_schema_and_docs_need_no_auth(api):
    assert api.get("/api/v1/schema/").status_code == 200
    assert api.get("/api/v1/docs/").status_code == 200


def test_login_is_throttled_with_retry_after(api, user, settings):
    settings.SORA_AUTH_THROTTLE_RATE = "3/min"
    creds = {"username": user.username, "password": "wrong"}

    codes = [api.post("/api/v1/auth/token", creds, format="json").status_code for _ in range(3)]
    blocked = api.post("/api/v1/auth/token", {"username": user.username, "password": PASSWORD}, format="json")

    assert codes == [401, 401, 401]
    assert blocked.status_code == 429
    assert blocked.data["error"] == "throttled"
    assert 0 < int(blocked["Retry-After"]) <= 60
    assert blocked.data["retry_after"] == int(blocked["Retry-After"])


def test_register_is_throttled_too(api, settings):
    settings.SORA_AUTH_THROTTLE_RATE = "1/min"
    api.post("/api/v1/auth/register", {}, format="json")
    r = api.post("/api/v1/auth/register", {}, format="json")
    assert r.status_code == 429 and r["Retry-After"]


def test_authenticated_endpoints_are_not_auth_throttled(user, settings):
    settings.SORA_AUTH_THROTTLE_RATE = "1/min"
    client = client_for(user)
    assert [client.get("/api/v1/me").status_code for _ in range(3)] == [200, 200, 200]
