"""Parent–teen links and controls through the API, and the one allowance function."""

import pytest
from asgiref.sync import sync_to_async
from channels.testing import WebsocketCommunicator
from rest_framework_simplejwt.tokens import AccessToken

from accounts.models import Block
from parental.models import ParentLink
from parental.selectors import teen_allowances
from tests.conftest import client_for
from tests.factories import CameoFactory, TeenFactory, UserFactory

pytestmark = pytest.mark.django_db


def link(parent, teen, accept=True):
    r = client_for(parent).post("/api/v1/parental/links", {"teen_username": teen.username}, format="json")
    assert r.status_code == 201, r.data
    if accept:
        assert client_for(teen).post(f"/api/v1/parental/links/{r.data['id']}/accept").status_code == 200
    return r.data["id"]


def test_parent_links_teen_accepts_and_sets_controls(user, teen):
    link_id = link(user, teen, accept=False)
    pending = client_for(user).get(f"/api/v1/parental/teens/{teen.username}/controls")
    assert pending.status_code == 409 and pending.data["error"] == "link_pending"

    accepted = client_for(teen).post(f"/api/v1/parental/links/{link_id}/accept")
    patched = client_for(user).patch(
        f"/api/v1/parental/teens/{teen.username}/controls",
        {"personalized_feed": False, "dm_policy": "nobody", "feed_daily_limit": 10},
        format="json",
    )
    seen_by_teen = client_for(teen).get("/api/v1/parental/controls")

    assert accepted.data["status"] == "active"
    assert patched.status_code == 200
    assert seen_by_teen.data["personalized_feed"] is False and seen_by_teen.data["dm_policy"] == "nobody"
    assert seen_by_teen.data["feed_daily_limit"] == 10
    allowances = teen_allowances(user=teen)
    assert (allowances.feed_daily_limit, allowances.personalized_feed, allowances.dm_policy_max) == (
        10,
        False,
        "nobody",
    )
    teen.refresh_from_db()
    assert teen.dm_policy == "nobody"  # lowered at once


def test_teen_defaults_without_a_parent(teen, settings):
    settings.SORA_TEEN_FEED_DAILY_LIMIT = 50
    allowances = teen_allowances(user=teen)
    assert (
        allowances.dm_policy_max,
        allowances.cameo_permission_max,
        allowances.feed_daily_limit,
        allowances.personalized_feed,
        allowances.has_parent,
    ) == ("mutuals", "mutuals", 50, True, False)
    assert teen_allowances(user=UserFactory()) is None


def test_lowered_cameo_ceiling_lowers_existing_cameos_at_once(user, teen):
    cameo = CameoFactory(owner=teen, permission="mutuals")
    link(user, teen)

    client_for(user).patch(
        f"/api/v1/parental/teens/{teen.username}/controls", {"cameo_permission_max": "approved"}, format="json"
    )

    cameo.refresh_from_db()
    assert cameo.permission == "approved"
    r = client_for(teen).patch(f"/api/v1/cameos/{cameo.pk}", {"permission": "mutuals"}, format="json")
    assert r.status_code == 403 and r.data["error"] == "teen_restricted"


def test_a_stranger_reading_controls_is_404(user, teen):
    link(UserFactory(), teen)
    assert client_for(user).get(f"/api/v1/parental/teens/{teen.username}/controls").status_code == 404
    r = client_for(user).patch(
        f"/api/v1/parental/teens/{teen.username}/controls", {"dm_policy": "followers"}, format="json"
    )
    assert r.status_code == 404


def test_the_teen_cannot_edit_controls(user, teen):
    link(user, teen)
    mine = client_for(teen).patch("/api/v1/parental/controls", {"dm_policy": "followers"}, format="json")
    via_path = client_for(teen).patch(
        f"/api/v1/parental/teens/{teen.username}/controls", {"dm_policy": "followers"}, format="json"
    )
    assert mine.status_code == via_path.status_code == 403
    assert mine.data["error"] == "teen_cannot_change_controls"


def test_an_adult_cannot_be_linked_as_a_teen(user, other):
    r = client_for(user).post("/api/v1/parental/links", {"teen_username": other.username}, format="json")
    assert r.status_code == 400 and r.data["error"] == "not_a_teen"


def test_a_teen_cannot_be_a_parent(teen):
    r = client_for(teen).post("/api/v1/parental/links", {"teen_username": TeenFactory().username}, format="json")
    assert r.status_code == 403 and r.data["error"] == "teen_cannot_be_parent"


def test_a_third_parent_is_refused(teen):
    link(UserFactory(), teen)
    link(UserFactory(), teen)
    r = client_for(UserFactory()).post("/api/v1/parental/links", {"teen_username": teen.username}, format="json")
    assert r.status_code == 409 and r.data["error"] == "too_many_parents"


def test_a_pending_third_cannot_be_accepted(teen):
    pending = link(UserFactory(), teen, accept=False)
    link(UserFactory(), teen)
    link(UserFactory(), teen)
    r = client_for(teen).post(f"/api/v1/parental/links/{pending}/accept")
    assert r.status_code == 409


def test_the_parent_cannot_accept_for_the_teen(user, teen):
    link_id = link(user, teen, accept=False)
    r = client_for(user).post(f"/api/v1/parental/links/{link_id}/accept")
    assert r.status_code == 403 and ParentLink.objects.get(pk=link_id).status == "pending"


def test_linking_twice_is_409_and_blocked_is_404(user, teen):
    link(user, teen, accept=False)
    again = client_for(user).post("/api/v1/parental/links", {"teen_username": teen.username}, format="json")
    assert again.status_code == 409 and again.data["error"] == "already_linked"

    stranger = UserFactory()
    Block.objects.create(blocker=teen, blocked=stranger)
    r = client_for(stranger).post("/api/v1/parental/links", {"teen_username": teen.username}, format="json")
    assert r.status_code == 404


def test_either_side_unlinks_and_controls_fall_back(user, teen):
    link_id = link(user, teen)
    client_for(user).patch(f"/api/v1/parental/teens/{teen.username}/controls", {"feed_daily_limit": 3}, format="json")

    assert client_for(teen).delete(f"/api/v1/parental/links/{link_id}").status_code == 204
    assert client_for(user).get(f"/api/v1/parental/teens/{teen.username}/controls").status_code == 404
    assert teen_allowances(user=teen).has_parent is False
    kinds = [n["data"].get("change") for n in client_for(user).get("/api/v1/notifications").data["results"]]
    assert "unlinked" in kinds


@pytest.mark.parametrize(
    "body, field",
    [
        ({"feed_daily_limit": -1}, "feed_daily_limit"),
        ({"feed_daily_limit": "10"}, "feed_daily_limit"),
        ({"dm_policy": "everyone"}, "dm_policy"),
        ({"cameo_permission_max": "everyone"}, "cameo_permission_max"),
        ({"personalized_feed": "no"}, "personalized_feed"),
    ],
)
def test_bad_controls_are_400(user, teen, body, field):
    link(user, teen)
    r = client_for(user).patch(f"/api/v1/parental/teens/{teen.username}/controls", body, format="json")
    assert r.status_code == 400 and field in r.data["fields"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_teen_hears_parental_changed_over_the_socket():
    parent, teen = await sync_to_async(UserFactory)(), await sync_to_async(TeenFactory)()
    await sync_to_async(link)(parent, teen)
    ws = WebsocketCommunicator(
        __import__("sora_social.asgi", fromlist=["application"]).application,
        f"/ws/events?token={AccessToken.for_user(teen)}",
    )
    await ws.connect(timeout=10)
    await ws.receive_json_from(timeout=10)  # hello

    await sync_to_async(client_for(parent).patch)(
        f"/api/v1/parental/teens/{teen.username}/controls", {"dm_policy": "nobody"}, format="json"
    )

    events = [await ws.receive_json_from(timeout=10) for _ in range(2)]
    changed = next(e for e in events if e["type"] == "parental.changed")
    assert changed["data"]["change"] == "controls" and changed["data"]["dm_policy"] == "nobody"
    await ws.disconnect()


def test_a_pending_link_says_pending_to_the_parents_patch(user, teen):
    link(user, teen, accept=False)
    r = client_for(user).patch(
        f"/api/v1/parental/teens/{teen.username}/controls", {"feed_daily_limit": 5}, format="json"
    )
    assert r.status_code == 409 and r.data["error"] == "link_pending" and teen.username in r.data["detail"]
    stranger = client_for(UserFactory()).get(f"/api/v1/parental/teens/{teen.username}/controls")
    assert stranger.status_code == 404 and stranger.data["error"] == "teen_not_found"


def test_when_the_teen_unlinks_the_controls_read_what_applies(user, teen, settings):
    settings.SORA_TEEN_FEED_DAILY_LIMIT = 100
    link_id = link(user, teen)
    client_for(user).patch(
        f"/api/v1/parental/teens/{teen.username}/controls",
        {"feed_daily_limit": 10, "personalized_feed": False},
        format="json",
    )
    assert client_for(teen).get("/api/v1/parental/controls").data["linked"] is True

    assert client_for(teen).delete(f"/api/v1/parental/links/{link_id}").status_code in (200, 204)

    seen = client_for(teen).get("/api/v1/parental/controls").data
    assert seen["linked"] is False
    assert seen["feed_daily_limit"] is None and seen["personalized_feed"] is True  # the teen defaults
    assert teen_allowances(user=teen).feed_daily_limit == 100
    notes = client_for(user).get("/api/v1/notifications").data["results"]
    assert any(n["data"].get("change") == "unlinked" or "unlinked" in str(n["data"]) for n in notes)
    # Linking again starts from the defaults, not from the old, lapsed controls.
    link(user, teen)
    assert client_for(user).get(f"/api/v1/parental/teens/{teen.username}/controls").data["feed_daily_limit"] is None


def test_a_parent_sets_a_generation_limit_that_applies(user, teen, settings):
    settings.SORA_TEEN_GENERATION_DAILY_LIMIT = 10
    link(user, teen)
    r = client_for(user).patch(
        f"/api/v1/parental/teens/{teen.username}/controls", {"generation_daily_limit": 1}, format="json"
    )
    assert r.status_code == 200 and r.data["generation_daily_limit"] == 1
    assert teen_allowances(user=teen).generation_daily_limit == 1

    teen_client = client_for(teen)
    first = teen_client.post("/api/v1/generations", {"prompt": "a red ball bouncing on the beach"}, format="json")
    second = teen_client.post("/api/v1/generations", {"prompt": "a blue cube sliding left"}, format="json")
    assert first.status_code == 202
    assert second.status_code == 429 and second.data["error"] == "daily_limit"


def test_a_parent_cannot_raise_a_teen_above_an_adults_generation_limit(user, teen, settings):
    settings.SORA_GENERATION_DAILY_LIMIT = 30
    link(user, teen)
    client_for(user).patch(
        f"/api/v1/parental/teens/{teen.username}/controls", {"generation_daily_limit": 500}, format="json"
    )
    assert teen_allowances(user=teen).generation_daily_limit == 30


@pytest.mark.parametrize("value", [-1, 1001, "ten", 2.5])
def test_a_bad_generation_limit_is_400(user, teen, value):
    link(user, teen)
    r = client_for(user).patch(
        f"/api/v1/parental/teens/{teen.username}/controls", {"generation_daily_limit": value}, format="json"
    )
    assert r.status_code == 400 and "generation_daily_limit" in r.data["fields"]
