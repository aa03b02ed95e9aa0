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
    assert client_for(user).get(f"/api/v1/parental/teens/{teen.username}/controls").status_code == 404  # pending

    accepted = client_for(teen).post(f"/api/v1/parental/links/{link_id}/accept")
    patched = client_for(user).patch(
        f"/api/v1/parental/teens/{teen.username}/controls",
        {"personalized_feed": False, "dm_policy": "nobody", "feed_daily_limit": 10}, format="json",
    )
    seen_by_teen = client_for(teen).get("/api/v1/parental/controls")

    assert accepted.data["status"] == "active"
    assert patched.status_code == 200
    assert seen_by_teen.data["personalized_feed"] is False and seen_by_teen.data["dm_policy"] == "nobody"
    assert seen_by_teen.data["feed_daily_limit"] == 10
    allowances = teen_allowances(user=teen)
    assert (allowances.feed_daily_limit, allowances.personalized_feed, allowances.dm_policy_max) == (10, False, "nobody")
    teen.refresh_from_db()
    assert teen.dm_policy == "nobody"  # lowered at once


def test_teen_defaults_without_a_parent(teen, settings):
    settings.SORA_TEEN_FEED_DAILY_LIMIT = 50
    allowances = teen_allowances(user=teen)
    assert (allowances.dm_policy_max, allowances.cameo_permission_max, allowances.feed_daily_limit,
            allowances.personalized_feed, allowances.has_parent) == ("mutuals", "mutuals", 50, True, False)
    assert teen_allowances(user=UserFactory()) is None


def test_lowered_cameo_ceiling_lowers_existing_cameos_at_once(user, teen):
    cameo = CameoFactory(owner=teen, permission="mutuals")
    link(user, teen)

    client_for(user).patch(f"/api/v1/parental/teens/{teen.username}/controls",
                           {"cameo_permission_max": "approved"}, format="json")

    cameo.refresh_from_db()
    assert cameo.permission == "approved"
    r = client_for(teen).patch(f"/api/v1/cameos/{cameo.pk}", {"permission": "mutuals"}, format="json")
    assert r.status_code == 403 and r.data["error"] == "teen_restricted"


def test_a_stranger_reading_controls_is_404(user, teen):
    link(UserFactory(), teen)
    assert client_for(user).get(f"/api/v1/parental/teens/{teen.username}/controls").status_code == 404
    r = client_for(user).patch(f"/api/v1/parental/teens/{teen.username}/controls", {"dm_policy": "followers"},
                               format="json")
    assert r.status_code == 404


def test_the_teen_cannot_edit_controls(user, teen):
    link(user, teen)
    mine = client_for(teen).patch("/api/v1/parental/controls", {"dm_policy": "followers"}, format="json")
    via_path = client_for(teen).patch(f"/api/v1/parental/teens/{teen.username}/controls",
                                      {"dm_policy": "followers"}, format="json")
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
    client_for(user).patch(f"/api/v1/parental/teens/{teen.username}/controls", {"feed_daily_limit": 3},
                           format="json")

    assert client_for(teen).delete(f"/api/v1/parental/links/{link_id}").status_code == 204
    assert client_for(user).get(f"/api/v1/parental/teens/{teen.username}/controls").status_code == 404
    assert teen_allowances(user=teen).has_parent is False
    kinds = [n["data"].get("change") for n in client_for(user).get("/api/v1/notifications").data["results"]]
    assert "unlinked" in kinds


@pytest.mark.parametrize("body, field", [({"feed_daily_limit": -1}, "feed_daily_limit"),
                                         ({"feed_daily_limit": "10"}, "feed_daily_limit"),
                                         ({"dm_policy": "everyone"}, "dm_policy"),
                                         ({"cameo_permission_max": "everyone"}, "cameo_permission_max"),
                                         ({"personalized_feed": "no"}, "personalized_feed")])
def test_bad_controls_are_400(user, teen, body, field):
    link(user, teen)
    r = client_for(user).patch(f"/api/v1/parental/teens/{teen.username}/controls", body, format="json")
    assert r.status_code == 400 and field in r.data["fields"]


@pytest.mark.django_db(transaction=True)
@pytest.mark.asyncio
async def test_the_teen_hears_parental_changed_over_the_socket():
    parent, teen = await sync_to_async(UserFactory)(), await sync_to_async(TeenFactory)()
    await sync_to_async(link)(parent, teen)
    ws = WebsocketCommunicator(__import__("sora_social.asgi", fromlist=["application"]).application,
                               f"/ws/events?token={AccessToken.for_user(teen)}")
    await ws.connect(timeout=10)
    await ws.receive_json_from(timeout=10)  # hello

    await sync_to_async(client_for(parent).patch)(f"/api/v1/parental/teens/{teen.username}/controls",
                                                  {"dm_policy": "nobody"}, format="json")

    events = [await ws.receive_json_from(timeout=10) for _ in range(2)]
    changed = next(e for e in events if e["type"] == "parental.changed")
    assert changed["data"]["change"] == "controls" and changed["data"]["dm_policy"] == "nobody"
    await ws.disconnect()
