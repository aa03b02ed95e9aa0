"""The owner's log of refused attempts to use their cameo: who, when, which rule, what prompt."""

import pytest

from accounts.models import Block
from cameos.models import Cameo, Refusal
from tests.conftest import client_for
from tests.factories import CameoFactory, UserFactory

pytestmark = pytest.mark.django_db


def attempt(user, cameo, prompt="a person waving on the beach"):
    return client_for(user).post("/api/v1/generations", {"prompt": prompt, "cameos": [str(cameo.pk)]}, format="json")


def refusals(owner, cameo):
    r = client_for(owner).get(f"/api/v1/cameos/{cameo.pk}/refusals")
    assert r.status_code == 200, r.content
    return r.data["results"]


@pytest.mark.parametrize(
    "setup, rule, status",
    [
        (lambda owner, other, cameo: None, "not_permitted", 403),
        (lambda owner, other, cameo: Block.objects.create(blocker=owner, blocked=other), "blocked", 403),
        (
            lambda owner, other, cameo: Cameo.objects.filter(pk=cameo.pk).update(revoked_at="2026-12-01T00:00:00Z"),
            "revoked",
            403,
        ),
    ],
    ids=["not-permitted", "blocked", "revoked"],
)
def test_each_refusal_is_logged_for_the_owner(setup, rule, status):
    owner, other = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission="only_me")
    setup(owner, other, cameo)

    r = attempt(other, cameo, prompt="my friend waving on the beach")

    assert r.status_code == status and r.data["error"] == "cameo_not_permitted"
    logged = refusals(owner, cameo)
    assert [(x["by"], x["rule"], x["prompt"]) for x in logged] == [
        (other.username, rule, "my friend waving on the beach")
    ]


def test_a_restriction_refusal_quotes_the_rule():
    owner, other = UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission="everyone", restrictions="no dancing")
    r = attempt(other, cameo, prompt="my friend dancing at a wedding")
    assert r.status_code == 422 and r.data["error"] == "cameo_restriction"
    logged = refusals(owner, cameo)
    assert logged[0]["rule"] == "restriction" and logged[0]["detail"] == "no dancing"


def test_only_the_owner_reads_the_log_and_allowed_uses_are_not_in_it(eager, fast_render):
    owner, friend, stranger = UserFactory(), UserFactory(), UserFactory()
    cameo = CameoFactory(owner=owner, permission="everyone")
    assert attempt(friend, cameo).status_code == 202
    assert refusals(owner, cameo) == []
    assert client_for(stranger).get(f"/api/v1/cameos/{cameo.pk}/refusals").status_code == 404


def test_the_log_is_paged_newest_first():
    owner = UserFactory()
    cameo = CameoFactory(owner=owner, permission="only_me")
    for i in range(3):
        attempt(UserFactory(), cameo, prompt=f"try number {i}")
    first = client_for(owner).get(f"/api/v1/cameos/{cameo.pk}/refusals?limit=2").data
    second = client_for(owner).get(f"/api/v1/cameos/{cameo.pk}/refusals?limit=2&cursor={first['next']}").data
    prompts = [x["prompt"] for x in first["results"] + second["results"]]
    assert prompts == ["try number 2", "try number 1", "try number 0"] and second["next"] is None
    assert Refusal.objects.count() == 3
