import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken, RefreshToken

from sora_social.asgi import application
from sora_social.consumers import CLOSE_UNAUTHORIZED
from sora_social.events import publish
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

    await sync_to_async(publish)(ana.pk, "message", {"from": "bo", "text": "hi"})

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

    await sync_to_async(publish)(ana, "message", {"text": "still there?"})

    assert (await ws.receive_json_from(timeout=10))["data"]["text"] == "still there?"
    await ws.disconnect()
