import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from sora_social.asgi import application
from sora_social.consumers import CLOSE_UNAUTHORIZED
from sora_social.events import publish, publish_on_commit
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]


async def connect(token: str | None):
    path = "/ws/events" if token is None else f"/ws/events?token={token}"
    communicator = WebsocketCommunicator(application, path)
    connected, _ = await communicator.connect(timeout=5)
    return communicator, connected


@pytest.fixture
def pair(db):
    return UserFactory(), UserFactory()


async def test_event_published_through_the_helper_reaches_only_its_user(pair):
    ana, bo = pair
    ana_ws, _ = await connect(str(RefreshToken.for_user(ana).access_token))
    bo_ws, _ = await connect(str(RefreshToken.for_user(bo).access_token))
    assert (await ana_ws.receive_json_from(timeout=5))["type"] == "hello"
    assert (await bo_ws.receive_json_from(timeout=5))["type"] == "hello"

    await sync_to_async(publish)(ana, "generation.progress", {"generation": "g1", "step": 3, "steps": 8})

    event = await ana_ws.receive_json_from(timeout=5)
    assert event["type"] == "generation.progress"
    assert event["data"] == {"generation": "g1", "step": 3, "steps": 8}
    assert event["at"]
    assert await bo_ws.receive_nothing(timeout=0.3)
    await ana_ws.disconnect()
    await bo_ws.disconnect()


async def test_every_open_socket_of_a_user_gets_the_event(pair):
    ana, _ = pair
    token = str(RefreshToken.for_user(ana).access_token)
    phone, _ = await connect(token)
    tablet, _ = await connect(token)
    for ws in (phone, tablet):
        await ws.receive_json_from(timeout=5)

    message = {"id": "m1", "from": "bo", "text": "hi", "video": None, "created_at": "2026-12-05T10:00:00+00:00"}
    await sync_to_async(publish)(ana.pk, "message", message)

    for ws in (phone, tablet):
        assert (await ws.receive_json_from(timeout=5))["data"]["text"] == "hi"
        await ws.disconnect()


@pytest.mark.parametrize("token", [None, "", "garbage", "refresh"])
async def test_bad_or_missing_token_closes_with_4401(pair, token):
    ana, _ = pair
    if token == "refresh":  # a refresh token is not an access token
        token = str(RefreshToken.for_user(ana))
    ws, _ = await connect(token)

    closed = await ws.receive_output(timeout=5)
    await ws.disconnect()  # as the server does when the client goes: the consumer exits cleanly

    assert closed["type"] == "websocket.close" and closed["code"] == CLOSE_UNAUTHORIZED


async def test_token_of_a_deactivated_user_is_refused(pair):
    ana, _ = pair
    token = str(AccessToken.for_user(ana))
    ana.is_active = False
    await sync_to_async(ana.save)()

    ws, _ = await connect(token)
    closed = await ws.receive_output(timeout=5)
    await ws.disconnect()

    assert closed["code"] == CLOSE_UNAUTHORIZED


async def test_ping_gets_pong(pair):
    ana, _ = pair
    ws, _ = await connect(str(AccessToken.for_user(ana)))
    await ws.receive_json_from(timeout=5)
    await ws.send_json_to({"type": "ping"})
    assert await ws.receive_json_from(timeout=5) == {"type": "pong"}
    await ws.disconnect()


async def test_publish_refuses_unknown_event_types():
    with pytest.raises(ValueError):
        await sync_to_async(publish)("someone", "made.up", {})


async def test_an_idle_socket_still_gets_events(pair):
    # Regression: with redis-py 8's 5 s read timeout the Redis layer's receive loop died
    # after 5 s without traffic, and the client silently stopped hearing anything.
    import asyncio

    ana, _ = pair
    ws, _ = await connect(str(AccessToken.for_user(ana)))
    await ws.receive_json_from(timeout=5)
    await asyncio.sleep(7)

    await sync_to_async(publish)(ana, "message.removed", {"id": "still there?"})

    assert (await ws.receive_json_from(timeout=10))["data"]["id"] == "still there?"
    await ws.disconnect()


@pytest.mark.parametrize(
    "type_, payload, problem",
    [
        ("generation.progress", {"generation": "g1", "step": 3}, "missing 'steps'"),
        ("generation.progress", {"generation": "g1", "step": "3", "steps": 8}, "'step' is not a integer"),
        ("generation.progress", {"generation": "g1", "step": True, "steps": 8}, "'step' is not a integer"),
        ("message.removed", {"id": "m1", "text": "leaked"}, "undeclared 'text'"),
        ("message.removed", {"id": None}, "'id' is null"),
        ("parental.changed", {"change": "adopted"}, "'change' is not one of"),
    ],
)
async def test_publish_refuses_a_payload_that_does_not_fit_its_event(pair, type_, payload, problem):
    ana, _ = pair
    for send in (publish, publish_on_commit):
        with pytest.raises(ValueError, match=problem):
            await sync_to_async(send)(ana, type_, payload)


def _event_validator():
    """The live OpenAPI document's `Event` union as a JSON Schema validator."""
    import jsonschema
    from drf_spectacular.generators import SchemaGenerator

    from tests.api.test_generated_client import _nullable_to_json_schema

    components = _nullable_to_json_schema(SchemaGenerator().get_schema(request=None, public=True)["components"])
    schema = {"$ref": "#/components/schemas/Event", "components": components}
    return jsonschema.Draft202012Validator(schema)


async def test_events_sent_by_the_app_fit_the_event_union_in_the_openapi_document(pair):
    """A message, its removal by a reviewer, and the decision, as the two people's sockets receive them."""
    from accounts.models import DMPolicy, User
    from moderation import review
    from moderation.models import Action, ReviewCase
    from moderation.roles import ensure_trust_and_safety_group
    from tests.conftest import client_for

    def setup():
        ana, bo = pair
        User.objects.filter(pk__in=[ana.pk, bo.pk]).update(dm_policy=DMPolicy.EVERYONE)
        reviewer = UserFactory(is_staff=True)
        reviewer.groups.add(ensure_trust_and_safety_group())
        return reviewer

    reviewer = await sync_to_async(setup)()
    ana, bo = pair
    ana_ws, _ = await connect(str(AccessToken.for_user(ana)))
    bo_ws, _ = await connect(str(AccessToken.for_user(bo)))
    for ws in (ana_ws, bo_ws):
        assert (await ws.receive_json_from(timeout=5))["type"] == "hello"

    def send_report_remove():
        sent = client_for(bo).post(f"/api/v1/messages/{ana.username}", {"text": "see you tomorrow"}, format="json")
        assert sent.status_code == 201, sent.content
        reported = client_for(ana).post(
            "/api/v1/reports",
            {"target_type": "message", "target_id": sent.data["id"], "reason": "spam"},
            format="json",
        )
        assert reported.status_code == 201, reported.content
        case = ReviewCase.objects.get(target_id=sent.data["id"])
        review.case_decide(case=case, reviewer=reviewer, action=Action.REMOVE, reason="Spam.")
        return sent.data["id"]

    message_id = await sync_to_async(send_report_remove)()
    validator = await sync_to_async(_event_validator)()

    ana_events = [await ana_ws.receive_json_from(timeout=5) for _ in range(2)]
    bo_events = []
    while len(bo_events) < 3:  # the removal, the decision, and its notification, in any order
        bo_events.append(await bo_ws.receive_json_from(timeout=5))
    assert [e["type"] for e in ana_events] == ["message", "message.removed"]
    assert {e["type"] for e in bo_events} == {"message.removed", "moderation.decision", "notification"}
    for event in ana_events + bo_events:
        errors = [e.message for e in validator.iter_errors(event)]
        assert errors == [], (event, errors)
    assert all(e["data"]["id"] == message_id for e in ana_events + bo_events if e["type"].startswith("message"))
    # A forged shape does not validate: the union is keyed on type.
    assert list(validator.iter_errors({"type": "message.removed", "data": {"text": "x"}, "at": "now"}))
    for ws in (ana_ws, bo_ws):
        await ws.disconnect()
