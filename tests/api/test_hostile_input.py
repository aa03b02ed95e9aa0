"""Hostile input: crafted cursors, deep JSON, broken multipart, wrong methods, CSRF.

Every answer is a 4xx in the error shape `{"error", "detail"}`; never a 500, never HTML.
"""

import base64
import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KEYSET_LISTS = [
    "/api/v1/me/invites",
    "/api/v1/me/blocks",
    "/api/v1/notifications",
    "/api/v1/cameos/mine",
    "/api/v1/users/{other}/videos",
    "/api/v1/messages/{other}",
]


def _cursor(query: dict) -> str:
    return base64.b64encode(urlencode(query).encode()).decode()


def _assert_error_shape(r, status: int | None = None):
    assert r.status_code < 500, (r.status_code, r.content[:300])
    if status is not None:
        assert r.status_code == status, (r.status_code, r.content[:300])
    assert r["Content-Type"].startswith("application/json"), r["Content-Type"]
    body = json.loads(r.content)
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize("path", KEYSET_LISTS)
@pytest.mark.parametrize(
    "query",
    [
        {"p": "notadate"},
        {"p": "2026-13-45T99:99:99"},
        {"p": "\x00"},
        {"p": "9" * 400},
        {"o": "-3"},
        {"r": "1", "p": "' OR 1=1 --"},
    ],
    ids=["notadate", "bad-date", "nul", "huge", "negative-offset", "sql"],
)
def test_a_crafted_keyset_cursor_is_a_400(path, query):
    viewer, other = UserFactory(), UserFactory()
    r = client_for(viewer).get(path.format(other=other.username), {"cursor": _cursor(query)})
    body = _assert_error_shape(r, 400)
    assert body["error"] == "invalid_cursor"


def test_a_huge_cursor_offset_is_clamped_not_a_500():
    q = {"o": "9" * 30, "p": "2026-01-01T00:00:00+00:00"}
    r = client_for(UserFactory()).get("/api/v1/notifications", {"cursor": _cursor(q)})
    assert r.status_code == 200 and r.data["results"] == []


@pytest.mark.parametrize("cursor", ["", "%%%", "a" * 5000, base64.b64encode(b"\xff\xfe").decode()])
def test_an_unreadable_cursor_is_a_400_or_ignored(cursor):
    r = client_for(UserFactory()).get("/api/v1/notifications", {"cursor": cursor})
    assert r.status_code in (200, 400)
    if r.status_code == 400:
        _assert_error_shape(r)


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize("depth", [100, 1000, 100_000])
@pytest.mark.parametrize("path", ["/api/v1/auth/token", "/api/v1/auth/register"])
def test_deeply_nested_json_is_a_400_even_unauthenticated(path, depth):
    r = Client().post(path, data=_nested(depth), content_type="application/json")
    body = _assert_error_shape(r, 400)
    assert body["error"] == "malformed"


def test_deeply_nested_json_inside_an_object_is_a_400_for_a_user():
    doc = '{"display_name": ' + _nested(5000) + "}"
    r = client_for(UserFactory()).patch("/api/v1/me", data=doc, content_type="application/json")
    _assert_error_shape(r, 400)


def test_reasonable_nesting_still_parses():
    # A steering instruction is a string; 20 levels of an unknown field are ignored, not refused.
    doc = json.dumps({"username": "nobody", "password": "x", "extra": json.loads(_nested(20))})
    r = Client().post("/api/v1/auth/token", data=doc, content_type="application/json")
    assert r.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        b"--XyZ--\r\n",
        b"",
        b'--XyZ\r\nContent-Disposition: form-data; name="video"; filename="a.mp4"\r\n\r\n',
        b"garbage without any boundary",
    ],
    ids=["closing-boundary-only", "empty", "truncated-part", "no-boundary"],
)
def test_a_broken_multipart_body_is_a_400_in_the_error_shape(body):
    user = UserFactory()
    client = client_for(user)
    r = client.generic(
        "POST",
        "/api/v1/cameos/characters",
        data=body,
        content_type="multipart/form-data; boundary=XyZ",
    )
    _assert_error_shape(r, 400)


def test_multipart_without_a_boundary_is_a_400():
    r = client_for(UserFactory()).generic(
        "POST", "/api/v1/cameos/characters", data=b"x", content_type="multipart/form-data"
    )
    _assert_error_shape(r, 400)


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_a_wrong_method_on_a_plain_view_is_a_405_in_the_error_shape(method):
    r = getattr(Client(), method)("/healthz")
    body = _assert_error_shape(r, 405)
    assert body["error"] == "method_not_allowed"
    assert "GET" in r["Allow"]


def test_a_wrong_method_on_media_is_a_405_in_the_error_shape():
    r = Client().post("/api/v1/media/whatever")
    _assert_error_shape(r, 405)


def test_csrf_failure_outside_the_admin_is_json():
    client = Client(enforce_csrf_checks=True)
    # A session-cookie POST to a non-DRF, CSRF-protected view: the admin's own pages keep
    # Django's HTML page; anything under /api/ answers in the error shape.
    r = client.post("/api/v1/media/whatever", {"x": "1"})
    assert r.status_code in (403, 405)
    _assert_error_shape(r)


def test_unknown_api_url_is_404_in_the_error_shape():
    _assert_error_shape(Client().get("/api/v1/no/such/thing"), 404)


def test_invites_used_by_is_null_until_used_and_declared_nullable():
    from accounts.services import invites_issue

    user = UserFactory()
    invites_issue(user=user, count=1)
    r = client_for(user).get("/api/v1/me/invites")
    assert r.status_code == 200 and r.data["results"][0]["used_by"] is None

    schema = Client().get("/api/v1/schema/?format=json")
    invite = json.loads(schema.content)["components"]["schemas"]["InviteOut"]
    assert invite["properties"]["used_by"].get("nullable") is True
