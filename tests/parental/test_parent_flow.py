"""Issue 9's flow through the API: a parent links, the teen accepts, the parent turns off
personalisation, closes DMs and caps the feed at 10 → the teen's feed is non-personalised and
ends with limit_reached after 10 items, a DM is refused, the teen sees the controls and hears
`parental.changed` over a real WebSocket."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import Follow
from feed.models import Steering
from sora_social.asgi import application
from tests.conftest import client_for
from tests.factories import TeenFactory, UserFactory
from tests.feed.conftest import make_videos

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.asyncio]

PROMPTS = [
    f"a calm {thing} in a sunny meadow"
    for thing in [
        "cat",
        "dog",
        "horse",
        "rabbit",
        "goat",
        "duck",
        "fox",
        "owl",
        "deer",
        "sheep",
        "cow",
        "bee",
        "frog",
        "swan",
        "hen",
        "pig",
    ]
]


def given_a_teen_with_a_friend_and_a_corpus():
    teen, parent, friend = TeenFactory(), UserFactory(), TeenFactory()  # adults never DM teens
    Follow.objects.create(follower=teen, followee=friend)
    Follow.objects.create(follower=friend, followee=teen)
    Steering.objects.create(
        user=teen,
        instruction="more dogs",
        parsed={"boost": ["dogs"], "avoid": [], "sources": "everything", "objective": "default", "notes": ""},
    )
    make_videos(PROMPTS)
    return teen, parent, friend


async def test_parent_controls_hold_through_the_api():
    teen, parent, friend = await sync_to_async(given_a_teen_with_a_friend_and_a_corpus)()
    as_parent, as_teen, as_friend = client_for(parent), client_for(teen), client_for(friend)
    ws = WebsocketCommunicator(application, f"/ws/events?token={AccessToken.for_user(teen)}")
    await ws.connect(timeout=10)
    await ws.receive_json_from(timeout=10)  # hello

    link = await sync_to_async(as_parent.post)(
        "/api/v1/parental/links", {"teen_username": teen.username}, format="json"
    )
    accepted = await sync_to_async(as_teen.post)(f"/api/v1/parental/links/{link.data['id']}/accept")
    patched = await sync_to_async(as_parent.patch)(
        f"/api/v1/parental/teens/{teen.username}/controls",
        {"personalized_feed": False, "dm_policy": "nobody", "feed_daily_limit": 10},
        format="json",
    )
    assert (link.status_code, accepted.status_code, patched.status_code) == (201, 200, 200)

    events = []
    while not any(e["type"] == "parental.changed" and e["data"]["change"] == "controls" for e in events):
        events.append(await ws.receive_json_from(timeout=10))
    controls = (await sync_to_async(as_teen.get)("/api/v1/parental/controls")).data
    assert (controls["personalized_feed"], controls["dm_policy"], controls["feed_daily_limit"]) == (False, "nobody", 10)

    items, cursor = [], None
    for _ in range(10):
        page = (await sync_to_async(as_teen.get)("/api/v1/feed" + (f"?cursor={cursor}" if cursor else ""))).data
        items += page["results"]
        cursor = page["next"]
        if not cursor or items[-1]["type"] == "limit_reached":
            break
    videos = [i for i in items if i["type"] == "video"]
    assert len(videos) == 10 and items[-1]["type"] == "limit_reached"
    assert not any("asked for" in i["reason"] for i in videos)  # steering is ignored: not personalised

    dm = await sync_to_async(as_friend.post)(f"/api/v1/messages/{teen.username}", {"text": "hi!"}, format="json")
    assert dm.status_code == 403 and dm.data["error"] == "dm_not_allowed"
    await ws.disconnect()
