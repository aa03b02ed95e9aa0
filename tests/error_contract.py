"""Every error an API call answers in the tests must be one its operation declares.

The OpenAPI schema lists, per operation, the error codes it may answer (an
enum on the operation's own error schema). This plugin watches every request
the tests make through Django's test client: an error body whose code the
operation does not declare fails the test that received it, so the declared
lists cannot drift from what the server does.

`SORA_RECORD_ERRORS=FILE` records instead of checking: each operation's
observed (status, code) pairs are written to FILE at the end of the run.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import defaultdict
from functools import cache

import pytest
from django.test import Client

RECORD = os.environ.get("SORA_RECORD_ERRORS", "")
_seen: dict[str, set[tuple[int, str]]] = defaultdict(set)
# drf-spectacular's extension registry loads lazily and not thread-safely: a test
# whose first API calls come from several threads at once must not build it twice.
_schema_lock = threading.Lock()


def _operations() -> list[tuple[re.Pattern, str, str, frozenset[str]]]:
    with _schema_lock:
        return _build_operations()


@cache
def _build_operations() -> list[tuple[re.Pattern, str, str, frozenset[str]]]:
    """(path regex, method, operationId, declared codes) for every operation in the live schema."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    out = []
    for path, item in schema["paths"].items():
        pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
        for method, operation in item.items():
            declared: set[str] = set()
            for status, response in operation.get("responses", {}).items():
                if int(status) < 400:
                    continue
                ref = response.get("content", {}).get("application/json", {}).get("schema", {}).get("$ref", "")
                target = components.get(ref.rsplit("/", 1)[-1], {})
                declared |= set(target.get("properties", {}).get("error", {}).get("enum", []))
            out.append((pattern, method.upper(), operation["operationId"], frozenset(declared)))
    return out


def _operation_for(method: str, path: str):
    for pattern, op_method, operation_id, declared in _operations():
        if op_method == method and pattern.match(path):
            return operation_id, declared
    return None, None


def _check(response) -> None:
    request = getattr(response, "wsgi_request", None)
    if request is None or response.status_code < 400 or not request.path.startswith("/api/v1/"):
        return
    try:
        body = json.loads(response.content)
    except (ValueError, UnicodeDecodeError):
        return
    code = body.get("error") if isinstance(body, dict) else None
    if not isinstance(code, str):
        return
    operation_id, declared = _operation_for(request.method, request.path)
    if operation_id is None:
        return  # not an operation (an unknown path or method): the error shape is checked elsewhere
    if RECORD:
        _seen[operation_id].add((response.status_code, code))
        return
    assert code in declared, (
        f"{request.method} {request.path} ({operation_id}) answered {response.status_code} {code!r}, "
        f"which the schema does not declare for it: declared {sorted(declared)}"
    )


@pytest.fixture(autouse=True)
def _error_codes_are_declared(monkeypatch):
    original = Client.request

    def request(self, **kwargs):
        response = original(self, **kwargs)
        _check(response)
        return response

    monkeypatch.setattr(Client, "request", request)
    yield


def pytest_sessionfinish(session, exitstatus):
    if RECORD:
        with open(RECORD, "w") as out:
            json.dump({op: sorted(pairs) for op, pairs in sorted(_seen.items())}, out, indent=1)
