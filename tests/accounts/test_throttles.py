"""Auth throttles hold against an attacker who rotates headers and addresses, and fail closed."""

import re

import pytest
from django.test import Client, override_settings

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token"
DEAD_REDIS = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.5, "SOCKET_TIMEOUT": 0.5},
    }
}


def _login(client, username, password, **extra):
    return client.post(TOKEN, {"username": username, "password": password}, content_type="application/json", **extra)


def test_rotating_x_forwarded_for_does_not_reset_the_address_throttle(settings):
    settings.SORA_AUTH_THROTTLE_RATE = "3/min"
    client = Client()
    codes = [_login(client, "nobody", "x", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(5)]
    assert codes == [401, 401, 401, 429, 429]


def test_behind_one_trusted_proxy_the_proxy_written_address_counts(settings):
    settings.SORA_AUTH_THROTTLE_RATE = "2/min"
    settings.SORA_TRUSTED_PROXIES = 1
    client = Client()
    # The client forges the left part; our proxy appends the real peer on the right.
    same_client = [
        _login(client, "nobody", "x", HTTP_X_FORWARDED_FOR=f"10.9.9.{i}, 198.51.100.7").status_code for i in range(3)
    ]
    other_client = _login(client, "nobody", "x", HTTP_X_FORWARDED_FOR="10.9.9.1, 198.51.100.8").status_code
    assert same_client == [401, 401, 429]
    assert other_client == 401


def test_failed_logins_lock_the_username_whatever_the_address(settings):
    settings.SORA_LOGIN_FAILURE_RATE = "3/hour"
    victim, bystander = UserFactory(), UserFactory()
    client = Client()
    guesses = [_login(client, victim.username, f"guess-{i}", REMOTE_ADDR=f"192.0.2.{i}").status_code for i in range(3)]
    locked = _login(client, victim.username.upper(), PASSWORD, REMOTE_ADDR="192.0.2.99")
    other = _login(client, bystander.username, PASSWORD, REMOTE_ADDR="192.0.2.99")

    assert guesses == [401, 401, 401]
    assert locked.status_code == 429 and locked.json()["error"] == "throttled"
    assert 0 < int(locked["Retry-After"]) <= 3600
    assert other.status_code == 200


def test_successful_logins_do_not_count_as_failures(settings):
    settings.SORA_LOGIN_FAILURE_RATE = "2/hour"
    user = UserFactory()
    assert [_login(Client(), user.username, PASSWORD).status_code for _ in range(4)] == [200] * 4


@pytest.mark.parametrize(
    "path, body",
    [
        (TOKEN, {"username": "someone", "password": "x"}),
        ("/api/v1/auth/register", {"username": "someone"}),
        ("/api/v1/auth/token/refresh", {"refresh": "x"}),
    ],
)
def test_auth_fails_closed_with_503_when_the_cache_is_down(path, body):
    with override_settings(CACHES=DEAD_REDIS):
        r = Client().post(path, body, content_type="application/json")
    assert r.status_code == 503
    assert r.json()["error"] == "unavailable" and r.json()["detail"]
    assert int(r["Retry-After"]) > 0


def _admin_login(client, username, password, **extra):
    page = client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        **extra,
    )


def test_the_admin_login_is_throttled_per_address(settings):
    settings.SORA_AUTH_THROTTLE_RATE = "3/min"
    staff = UserFactory(is_staff=True)
    client = Client(enforce_csrf_checks=True)
    codes = [
        _admin_login(client, staff.username, "wrong", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_the_admin_login_locks_a_username_after_failures(settings):
    settings.SORA_LOGIN_FAILURE_RATE = "2/hour"
    staff = UserFactory(is_staff=True)
    failures = [
        _admin_login(Client(enforce_csrf_checks=True), staff.username, "wrong", REMOTE_ADDR=f"192.0.2.{i}").status_code
        for i in range(2)
    ]
    locked = _admin_login(Client(enforce_csrf_checks=True), staff.username, PASSWORD, REMOTE_ADDR="192.0.2.50")
    assert failures == [200, 200]
    assert locked.status_code == 429 and int(locked["Retry-After"]) > 0


def test_the_admin_login_still_signs_in(settings):
    staff = UserFactory(is_staff=True)
    r = _admin_login(Client(enforce_csrf_checks=True), staff.username, PASSWORD)
    assert r.status_code == 302 and r["Location"] == "/admin/"


def test_the_admin_login_fails_closed_when_the_cache_is_down():
    staff = UserFactory(is_staff=True)
    client = Client(enforce_csrf_checks=True)
    page = client.get("/admin/login/")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.content.decode()).group(1)
    with override_settings(CACHES=DEAD_REDIS):
        r = client.post(
            "/admin/login/", {"username": staff.username, "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
    assert r.status_code == 503 and int(r["Retry-After"]) > 0
