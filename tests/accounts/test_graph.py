import pytest
from django.utils import timezone

from accounts.models import Block, Follow
from accounts.selectors import blocked_between, blocked_ids_for, users_visible_to
from tests.conftest import client_for
from tests.factories import UserFactory
from videos.models import Video

pytestmark = pytest.mark.django_db


def test_follow_then_profile_counts_and_relation(user, other):
    as_user = client_for(user)

    first = as_user.post(f"/api/v1/users/{other.username}/follow")
    again = as_user.post(f"/api/v1/users/{other.username}/follow")
    mine = client_for(other).get(f"/api/v1/users/{user.username}")
    theirs = as_user.get(f"/api/v1/users/{other.username}")

    assert first.status_code == 201 and again.status_code == 200
    assert Follow.objects.filter(follower=user, followee=other).count() == 1
    assert theirs.data["followers_count"] == 1 and theirs.data["is_following"] is True
    assert mine.data["follows_you"] is True and mine.data["following_count"] == 1


def test_unfollow_is_idempotent(user, other):
    as_user = client_for(user)
    as_user.post(f"/api/v1/users/{other.username}/follow")

    assert as_user.delete(f"/api/v1/users/{other.username}/follow").status_code == 204
    assert as_user.delete(f"/api/v1/users/{other.username}/follow").status_code == 204
    assert not Follow.objects.exists()


def test_usernames_in_paths_are_case_insensitive(user):
    UserFactory(username="MixedCase")
    r = client_for(user).get("/api/v1/users/mixedcase")
    assert r.status_code == 200 and r.data["username"] == "MixedCase"


def test_cannot_follow_self(as_user, user):
    r = as_user.post(f"/api/v1/users/{user.username}/follow")
    assert r.status_code == 400 and r.data["error"] == "cannot_follow_self"


def test_cannot_block_self(as_user, user):
    r = as_user.post(f"/api/v1/users/{user.username}/block")
    assert r.status_code == 400 and r.data["error"] == "cannot_block_self"


def test_follow_unknown_user_is_404(as_user):
    assert as_user.post("/api/v1/users/ghost/follow").status_code == 404


def test_block_removes_follows_both_ways(user, other):
    Follow.objects.create(follower=user, followee=other)
    Follow.objects.create(follower=other, followee=user)

    r = client_for(user).post(f"/api/v1/users/{other.username}/block")

    assert r.status_code == 201
    assert not Follow.objects.exists()
    assert blocked_between(user, other) and blocked_between(other, user)


@pytest.mark.parametrize("who_blocks", ["viewer", "target"])
@pytest.mark.parametrize(
    "method, suffix",
    [("get", ""), ("get", "/videos"), ("post", "/follow"), ("delete", "/follow")],
)
def test_a_block_either_way_hides_the_profile_as_404(user, other, who_blocks, method, suffix):
    blocker, blocked = (user, other) if who_blocks == "viewer" else (other, user)
    Block.objects.create(blocker=blocker, blocked=blocked)

    r = getattr(client_for(user), method)(f"/api/v1/users/{other.username}{suffix}")

    assert r.status_code == 404
    assert r.data["error"] == "user_not_found"
    assert not Follow.objects.exists()


@pytest.mark.parametrize("who_blocks", ["viewer", "target"])
def test_a_block_hides_a_persons_published_videos_as_404_not_as_an_empty_list(user, other, who_blocks):
    Video.objects.create(
        owner=other,
        prompt="a red ball",
        state="published",
        visibility="public",
        file="v.mp4",
        published_at=timezone.now(),
    )
    assert client_for(user).get(f"/api/v1/users/{other.username}/videos").data["results"]
    blocker, blocked = (user, other) if who_blocks == "viewer" else (other, user)
    Block.objects.create(blocker=blocker, blocked=blocked)

    r = client_for(user).get(f"/api/v1/users/{other.username}/videos")

    assert r.status_code == 404 and r.data["error"] == "user_not_found"
    # and an unknown name is the same 404; a known one with nothing visible is an empty page
    assert client_for(user).get("/api/v1/users/never_existed/videos").status_code == 404
    Block.objects.all().delete()
    Video.objects.all().delete()
    empty = client_for(user).get(f"/api/v1/users/{other.username}/videos")
    assert empty.status_code == 200 and empty.data["results"] == []


def test_blocked_user_gets_the_same_404_as_a_missing_one(user, other):
    Block.objects.create(blocker=other, blocked=user)
    as_user = client_for(user)

    hidden = as_user.get(f"/api/v1/users/{other.username}")
    missing = as_user.get("/api/v1/users/never_existed")

    assert hidden.status_code == missing.status_code == 404
    assert hidden.data == missing.data


def test_blocker_can_list_and_undo_the_block(user, other):
    as_user = client_for(user)
    as_user.post(f"/api/v1/users/{other.username}/block")

    listed = as_user.get("/api/v1/me/blocks")
    undone = as_user.delete(f"/api/v1/users/{other.username}/block")
    profile = as_user.get(f"/api/v1/users/{other.username}")

    assert [row["user"]["username"] for row in listed.data["results"]] == [other.username]
    assert undone.status_code == 204
    assert profile.status_code == 200 and profile.data["is_following"] is False


def test_someone_blocked_cannot_block_back_to_detect_it(user, other):
    Block.objects.create(blocker=other, blocked=user)
    r = client_for(user).post(f"/api/v1/users/{other.username}/block")
    assert r.status_code == 404


def test_blocked_ids_selector_is_one_query_and_symmetric(user, other, django_assert_num_queries):
    third = UserFactory()
    Block.objects.create(blocker=user, blocked=other)
    Block.objects.create(blocker=third, blocked=user)

    with django_assert_num_queries(1):
        visible = set(users_visible_to(user).values_list("username", flat=True))

    assert other.username not in visible and third.username not in visible
    assert user.username in visible
    assert set(blocked_ids_for(other)) == {user.pk}


def test_inactive_users_are_hidden(user, other):
    other.is_active = False
    other.save()
    assert client_for(user).get(f"/api/v1/users/{other.username}").status_code == 404


def test_list_pagination_follows_next_cursor(user):
    from accounts.models import Invite

    Invite.objects.bulk_create([Invite(owner=user) for _ in range(5)])
    as_user = client_for(user)

    first = as_user.get("/api/v1/me/invites?limit=2")
    second = as_user.get(f"/api/v1/me/invites?limit=2&cursor={first.data['next']}")
    codes = [i["code"] for i in first.data["results"] + second.data["results"]]

    assert len(first.data["results"]) == 2 and first.data["next"]
    assert len(set(codes)) == 4


@pytest.mark.parametrize(
    "query, code",
    [("cursor=bogus", "invalid_cursor"), ("limit=0", "invalid"), ("limit=abc", "invalid"), ("limit=1000", "invalid")],
)
def test_bad_pagination_parameters_are_400(as_user, query, code):
    r = as_user.get(f"/api/v1/me/invites?{query}")
    assert r.status_code == 400 and r.data["error"] == code
