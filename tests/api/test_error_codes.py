"""Error codes are an enum per operation, and the server keeps to them.

tests/error_contract.py checks every error response of the whole suite
against its operation's enum; these tests make sure each operation has one,
and walk every operation with ids that do not exist, ids that are not ids and
cursors that were never issued, so that the lookups' refusals are checked
even where no other test reaches them.
"""

import uuid

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_every_operation_declares_its_own_error_codes(schema):
    components = schema["components"]["schemas"]
    for path, method, operation in operations(schema):
        errors = {status: r for status, r in operation["responses"].items() if int(status) >= 400}
        assert "503" in errors, f"{method} {path} does not declare 503"
        refs = {r["content"]["application/json"]["schema"]["$ref"] for r in errors.values()}
        assert len(refs) == 1, (path, method, refs)
        codes = components[refs.pop().rsplit("/", 1)[-1]]["properties"]["error"]["enum"]
        assert "unavailable" in codes and codes == sorted(set(codes))
        if "requestBody" in operation:
            assert {"400", "415"} <= set(errors) and {"malformed", "unsupported_media_type"} <= set(codes)
        if "401" in errors:
            assert "not_authenticated" in codes and "token_not_valid" in codes
        if any(p["name"] == "cursor" for p in operation.get("parameters", [])):
            assert "invalid_cursor" in codes


def test_specific_codes_reach_the_operations_that_answer_them(schema):
    components = schema["components"]["schemas"]

    def codes(operation_id):
        return set(
            components["".join(p.capitalize() for p in operation_id.split("_")) + "Error"]["properties"]["error"][
                "enum"
            ]
        )

    assert {"prompt_blocked", "too_many_active", "daily_limit", "prompt_outside_model"} <= codes("generations_create")
    assert {"already_reported", "message_not_found", "comment_not_found"} <= codes("reports_create")
    assert "prompt_blocked" not in codes("videos_get")


@pytest.mark.parametrize("kind", ["missing", "not_an_id"])
def test_every_operation_refuses_unknown_ids_with_a_declared_code(schema, kind):
    """The error_contract plugin fails this test on any code an operation does not declare."""
    client = client_for(UserFactory())
    probed = 0
    for path, method, operation in operations(schema):
        if "{" not in path:
            continue
        url = path
        for parameter in operation.get("parameters", []):
            if parameter["in"] != "path":
                continue
            name = parameter["name"]
            if "username" in name:
                value = "nobody-by-that-name" if kind == "missing" else "not a username!"
            else:
                value = str(uuid.uuid4()) if kind == "missing" else "not-an-id"
            url = url.replace("{" + name + "}", value)
        call = getattr(client, method)
        response = call(url, {}, format="json") if method in ("post", "put", "patch") else call(url)
        probed += 1
        assert 400 <= response.status_code < 500, (method, url, response.status_code, response.content[:200])
        assert isinstance(response.json().get("error"), str)
    assert probed >= 35


def test_every_list_refuses_a_cursor_it_never_issued_with_invalid_cursor(schema):
    client = client_for(UserFactory(username="lister"))
    probed = 0
    for path, method, operation in operations(schema):
        if method != "get" or not any(p["name"] == "cursor" for p in operation.get("parameters", [])):
            continue
        url = path.replace("{username}", "lister")
        if "{" in url:
            continue  # needs an object of its own; the unknown-id walk covers its refusals
        response = client.get(url, {"cursor": "!!! not a cursor"})
        probed += 1
        assert response.status_code == 400 and response.json()["error"] == "invalid_cursor", (url, response.content)
    assert probed >= 8
