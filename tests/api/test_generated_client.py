"""A mobile team's view: generate a client from the live schema and live on it.

`openapi-python-client` generates a package from `/api/v1/schema/`; a smoke
flow runs through that package against a live server (register, generate,
poll, read, page a list, handle a 422 and a 429). Every response is checked
against the schema on the way in: its status must be documented for the
operation and its body must validate (required fields present, nulls only
where nullable, enums as declared). The test counts mismatches and wants none.
"""

import importlib
import json
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path

import jsonschema
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db(transaction=True)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")
BLOCKED_PROMPT = "a video of a child being sexually abused"


def _nullable_to_json_schema(node):
    """OpenAPI 3.0 `nullable: true` is JSON Schema's `anyOf [..., null]`; the rest carries over."""
    if isinstance(node, list):
        return [_nullable_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    converted = {
        key: _nullable_to_json_schema(value) for key, value in node.items() if key not in ("nullable", "discriminator")
    }
    if node.get("nullable"):
        return {"anyOf": [converted, {"type": "null"}]}
    return converted


class SchemaCheck:
    """Validates every response against the operation it answers."""

    def __init__(self, schema: dict):
        self.components = _nullable_to_json_schema(schema["components"])
        self.routes = []
        for path, item in schema["paths"].items():
            pattern = re.compile("^" + re.sub(r"\{[^}]+\}", "[^/]+", path) + "$")
            for method, operation in item.items():
                self.routes.append((pattern, method.upper(), operation))
        self.mismatches: list[str] = []
        self.checked = 0

    def __call__(self, response):
        response.read()
        request = response.request
        route = next(
            (
                (op)
                for pattern, method, op in self.routes
                if method == request.method and pattern.match(request.url.path)
            ),
            None,
        )
        where = f"{request.method} {request.url.path} -> {response.status_code}"
        if route is None:
            self.mismatches.append(f"{where}: no such operation in the schema")
            return
        documented = route["responses"].get(str(response.status_code))
        if documented is None:
            self.mismatches.append(f"{where}: status not documented")
            return
        self.checked += 1
        content = documented.get("content", {}).get("application/json")
        if content is None:
            return
        if not response.headers.get("content-type", "").startswith("application/json"):
            self.mismatches.append(f"{where}: not JSON")
            return
        body = json.loads(response.content)
        validator = jsonschema.Draft202012Validator({**content["schema"], "components": self.components})
        for error in validator.iter_errors(body):
            self.mismatches.append(f"{where}: {'/'.join(map(str, error.absolute_path))}: {error.message[:200]}")
        for header in documented.get("headers", {}):
            if header not in response.headers:
                self.mismatches.append(f"{where}: header {header} missing")


@pytest.fixture(scope="module")
def sdk(tmp_path_factory, django_db_blocker):
    """The generated package, from the schema this server serves."""
    if not GENERATOR.exists():
        pytest.fail("openapi-python-client is a test dependency: make install")
    with django_db_blocker.unblock():
        schema = json.loads(Client().get("/api/v1/schema/?format=json").content)
    root = tmp_path_factory.mktemp("sdk")
    spec = root / "schema.json"
    spec.write_text(json.dumps(schema))
    package = f"sora_sdk_{uuid.uuid4().hex[:8]}"
    env_path = f"{GENERATOR.parent}:/usr/local/bin:/usr/bin:/bin"  # its formatter (ruff) sits beside it
    out = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(spec), "--output-path", str(root / package), "--meta", "none"],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": env_path, "HOME": str(root)},
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "Warning" not in out.stdout + out.stderr, out.stdout + out.stderr
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(package), schema
    finally:
        sys.path.remove(str(root))


class EventListener:
    """A channel on the user's event group: what their WebSocket connections would receive."""

    def __init__(self, user_id):
        from asgiref.sync import async_to_sync
        from channels.layers import get_channel_layer

        from sora_social.events import user_group

        self.layer = get_channel_layer()
        self.channel = async_to_sync(self.layer.new_channel)()
        async_to_sync(self.layer.group_add)(user_group(user_id), self.channel)

    def drain(self) -> list[dict]:
        import asyncio

        from asgiref.sync import async_to_sync

        async def receive_all():
            out = []
            while True:
                try:
                    message = await asyncio.wait_for(self.layer.receive(self.channel), timeout=1.0)
                except TimeoutError:
                    return out
                out.append(message["event"])

        return async_to_sync(receive_all)()


def op(sdk_package, tag: str, operation_id: str):
    return importlib.import_module(f"{sdk_package.__name__}.api.{tag}.{operation_id}")


def test_a_mobile_client_generated_from_the_schema_runs_the_whole_flow(sdk, live_server, eager, fast_render, settings):
    package, schema = sdk
    models = importlib.import_module(f"{package.__name__}.models")
    check = SchemaCheck(schema)
    hooks = {"event_hooks": {"response": [check]}}
    settings.SORA_USER_WRITE_RATES = {
        **settings.SORA_USER_WRITE_RATES,
        "comment": "3/day",
    }  # a day-long window: a minute boundary mid-flow would reset it
    anonymous = package.Client(base_url=live_server.url, httpx_args=hooks, raise_on_unexpected_status=True)

    # register, then everything else as that user
    registered = op(package, "auth", "auth_register").sync_detailed(
        client=anonymous,
        body=models.RegisterInRequest(
            username="mobile1",
            password="a-long-passphrase-7",
            email="mobile1@example.com",
            birthdate=__import__("datetime").date(1995, 4, 2),
        ),
    )
    assert registered.status_code == 201, registered.content
    me = package.AuthenticatedClient(
        base_url=live_server.url, token=registered.parsed.access, httpx_args=hooks, raise_on_unexpected_status=True
    )

    # listen to the user's events as their socket would (the channel layer the app publishes on)
    from accounts.models import User

    listener = EventListener(User.objects.get(username="mobile1").pk)

    # generate (with an idempotency key), poll, read
    created = op(package, "generations", "generations_create").sync_detailed(
        client=me,
        body=models.GenerationInRequest(prompt="a red ball bouncing on the beach", duration_s=2, seed=4),
        idempotency_key="smoke-1",
    )
    assert created.status_code == 202 and created.parsed.status.value in ("queued", "running", "succeeded")
    job = created.parsed
    deadline = time.monotonic() + 120
    while job.status.value not in ("succeeded", "failed", "blocked") and time.monotonic() < deadline:
        time.sleep(0.5)
        job = op(package, "generations", "generations_get").sync(client=me, job_id=job.id)
    assert job.status.value == "succeeded", job
    video = op(package, "videos", "videos_get").sync(client=me, video_id=job.video)
    assert video.id == job.video and video.media.video_url and video.state.value == "draft"
    published = op(package, "videos", "videos_publish").sync_detailed(
        client=me, video_id=video.id, body=models.PublishInRequest()
    )
    assert published.status_code == 200

    # provenance, and anyone checking the clip by its link (no account): made here, this video
    provenance = op(package, "videos", "videos_provenance").sync(client=me, video_id=video.id)
    assert provenance.valid and provenance.mark.embedded and provenance.mark.matches
    checked = op(package, "verify", "verify_clip").sync_detailed(
        client=anonymous, body=models.VerifyLinkInRequest(url=video.media.video_url)
    )
    assert checked.status_code == 200, checked.content
    assert checked.parsed.made_here and checked.parsed.mark.found and checked.parsed.c2pa.signed_by_us
    assert checked.parsed.video.id == video.id and checked.parsed.created_at is not None  # published, public

    # page a list: three comments, two pages of two
    for text in ("first!", "second", "third"):
        made = op(package, "videos", "videos_comment").sync_detailed(
            client=me, video_id=video.id, body=models.CommentInRequest(text=text)
        )
        assert made.status_code == 201
    first = op(package, "videos", "videos_comments").sync(client=me, video_id=video.id, limit=2)
    second = op(package, "videos", "videos_comments").sync(client=me, video_id=video.id, limit=2, cursor=first.next_)
    assert len(first.results) == 2 and first.next_ and len(second.results) == 1 and second.next_ is None
    assert {c.text for c in first.results + second.results} == {"first!", "second", "third"}

    # the WebSocket events of the render parse into the generated event models, field for field
    events = listener.drain()
    assert {"generation.progress", "generation.finished"} <= {e["type"] for e in events}, events
    for event in events:
        name = "".join(part.capitalize() for part in event["type"].replace(".", "_").split("_")) + "Event"
        parsed = getattr(models, name).from_dict(event)
        assert parsed.to_dict()["data"] == event["data"] and parsed.type_.value == event["type"]

    # a 422 a client can read: the code and its typed extras
    refused = op(package, "generations", "generations_create").sync_detailed(
        client=me, body=models.GenerationInRequest(prompt=BLOCKED_PROMPT)
    )
    assert refused.status_code == 422
    # the operation's own error type, its code one of an enum the client can switch over
    assert type(refused.parsed).__name__ == "GenerationsCreateError"
    assert refused.parsed.error is models.GenerationsCreateErrorError.PROMPT_BLOCKED and refused.parsed.categories

    # a 429 with Retry-After
    limited = op(package, "videos", "videos_comment").sync_detailed(
        client=me, video_id=video.id, body=models.CommentInRequest(text="fourth")
    )
    assert limited.status_code == 429 and limited.parsed.error is models.VideosCommentErrorError.RATE_LIMITED
    assert int(limited.headers["Retry-After"]) > 0 and limited.parsed.retry_after == int(limited.headers["Retry-After"])
    assert limited.parsed.kind == "comment"

    # the feed's items are a union keyed on `type`
    feed = op(package, "feed", "feed").sync(client=me)
    kinds = [type(item).__name__ for item in feed.results]
    assert set(kinds) <= {"VideoItemOut", "CheckinItemOut", "LimitReachedItemOut", "EndItemOut"}
    # a small catalogue runs out: the last item says why, typed with its actions
    assert kinds[-1] == "EndItemOut" and feed.results[-1].reason in ("caught_up", "nothing_yet")
    assert feed.results[-1].actions[0].type_ == "create" and feed.results[-1].actions[0].prompt

    print(f"generated-client smoke: {check.checked} responses checked, {len(check.mismatches)} mismatches")
    assert check.mismatches == []
    assert check.checked >= 14


def test_every_list_declares_its_pagination_and_every_operation_a_summary(sdk):
    _, schema = sdk
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), (method, path)
            ok = operation["responses"].get("200", {}).get("content", {}).get("application/json", {})
            ref = ok.get("schema", {}).get("$ref", "")
            target = schema["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {})
            if {"results", "next"} <= set(target.get("properties", {})):
                names = {p["name"] for p in operation.get("parameters", []) if p["in"] == "query"}
                assert "cursor" in names, path
                assert "limit" in names or path.endswith("/feed"), path
            for status in ("429", "503"):
                if status in operation["responses"]:
                    assert "Retry-After" in operation["responses"][status].get("headers", {}), (path, status)
    generations = schema["paths"]["/api/v1/generations"]["post"]
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in generations["parameters"])
