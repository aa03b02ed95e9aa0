import pytest

from tests.conftest import client_for

pytestmark = pytest.mark.django_db


def test_me_shows_private_fields(as_user, user):
    r = as_user.get("/api/v1/me")

    assert r.status_code == 200
    assert r.data["email"] == user.email
    assert r.data["birthdate"] == user.birthdate.isoformat()
    assert r.data["dm_policy"] == "followers"


def test_patch_me_changes_only_given_fields(as_user, user):
    r = as_user.patch("/api/v1/me", {"bio": "I make cat videos", "dm_policy": "mutuals"}, format="json")

    assert r.status_code == 200
    user.refresh_from_db()
    assert user.bio == "I make cat videos" and user.dm_policy == "mutuals"
    assert user.display_name == user.username.title()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"dm_policy": "anyone"}, "dm_policy"),
        ({"display_name": "x" * 51}, "display_name"),
        ({"bio": "x" * 281}, "bio"),
        ({"bio": "nul\x00byte"}, "bio"),
        ({"display_name": ["list"]}, "display_name"),
    ],
)
def test_patch_me_bad_input_is_400_and_changes_nothing(as_user, user, data, field):
    r = as_user.patch("/api/v1/me", data, format="json")

    assert r.status_code == 400 and field in r.data["fields"]
    user.refresh_from_db()
    assert user.bio == "" and user.dm_policy == "followers"


@pytest.mark.parametrize("policy", ["everyone", "followers"])
def test_teen_cannot_open_dms_beyond_mutuals(teen, policy):
    r = client_for(teen).patch("/api/v1/me", {"dm_policy": policy}, format="json")

    assert r.status_code == 403 and r.data["error"] == "teen_restricted"
    teen.refresh_from_db()
    assert teen.dm_policy == "mutuals"


def test_teen_may_close_dms(teen):
    r = client_for(teen).patch("/api/v1/me", {"dm_policy": "nobody"}, format="json")
    assert r.status_code == 200 and r.data["dm_policy"] == "nobody"


def test_other_users_profile_hides_private_fields(as_user, other):
    r = as_user.get(f"/api/v1/users/{other.username}")

    assert r.status_code == 200
    assert r.data["username"] == other.username
    assert "email" not in r.data and "birthdate" not in r.data and "is_teen" not in r.data


def test_unknown_user_is_404(as_user):
    r = as_user.get("/api/v1/users/nobody_here")
    assert r.status_code == 404 and r.data["error"] == "user_not_found"


def test_malformed_username_in_path_is_a_json_404(as_user):
    r = as_user.get("/api/v1/users/bad%00name")
    assert r.status_code == 404 and r.json()["error"] == "not_found"


def test_unknown_api_path_is_a_json_404(as_user):
    r = as_user.get("/api/v1/no-such-thing")
    assert r.status_code == 404 and r.json() == {"error": "not_found", "detail": "Not found."}


def test_wrong_method_is_405_in_the_error_shape(as_user):
    r = as_user.put("/api/v1/me", {}, format="json")
    assert r.status_code == 405 and r.data["error"] == "method_not_allowed"


def test_user_videos_is_an_empty_page_until_videos_exist(as_user, other):
    r = as_user.get(f"/api/v1/users/{other.username}/videos")
    assert r.status_code == 200 and r.data == {"results": [], "next": None}
