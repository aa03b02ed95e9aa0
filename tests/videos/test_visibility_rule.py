"""The visibility rule, written in SQL, against the rule written out in Python.

Every combination of state, visibility, following, a cameo of the viewer's,
a revoked cameo, a block either way and an inactive owner, for the owner, a
cameo owner, a follower, a stranger and nobody signed in; also with the rule
inside a subquery (Django renames the tables then) and behind a relation.
"""

import itertools

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from accounts.models import Block, Follow, User
from cameos.models import Appearance, Cameo
from feed.models import Comment
from videos.models import Video
from videos.selectors import videos_visible_to

STATES = ["draft", "published", "removed"]
VISIBILITIES = ["public", "followers", "private"]


def _user(name, **extra):
    return User.objects.create_user(
        username=name, email=f"{name}@example.com", password="unused-pw-123", birthdate="1990-01-01", **extra
    )


def expected(viewer, video, *, follows, cameo_owner, revoked, blocked) -> bool:
    """The rule as videos.selectors documents it."""
    if not video.owner.is_active:
        return False
    if viewer is None:
        return video.state == "published" and video.visibility == "public" and not revoked
    own = video.owner_id == viewer.pk
    if blocked and not own:
        return False
    if revoked and (video.state == "draft" or not own):
        return False
    if own:
        return video.state != "removed"
    if video.state == "published":
        return video.visibility == "public" or (video.visibility == "followers" and follows)
    if video.state == "draft":
        return cameo_owner
    return False


@pytest.fixture
def world(db):
    viewer = _user("viewer")
    others = {}
    cases = []
    n = itertools.count()
    for follows, blocked, active in itertools.product([False, True], ["no", "mine", "theirs"], [True, False]):
        owner = _user(f"owner{next(n)}", is_active=active)
        if follows:
            Follow.objects.create(follower=viewer, followee=owner)
        if blocked == "mine":
            Block.objects.create(blocker=viewer, blocked=owner)
        elif blocked == "theirs":
            Block.objects.create(blocker=owner, blocked=viewer)
        others[owner.pk] = (follows, blocked != "no")
    owners = list(User.objects.filter(pk__in=others)) + [viewer]
    mine = Cameo.objects.create(owner=viewer, name="me", reference="r.png")
    gone = Cameo.objects.create(owner=_user("revoker"), name="gone", reference="g.png", revoked_at=timezone.now())
    for owner, state, visibility, in_it, revoked in itertools.product(
        owners, STATES, VISIBILITIES, [False, True], [False, True]
    ):
        video = Video.objects.create(owner=owner, prompt="p", state=state, visibility=visibility, file="v.mp4")
        if in_it:
            Appearance.objects.create(cameo=mine, video=video)
        if revoked:
            Appearance.objects.create(cameo=gone, video=video)
        follows, blocked = others.get(owner.pk, (False, False))
        cases.append((video, dict(follows=follows, cameo_owner=in_it, revoked=revoked, blocked=blocked)))
    return viewer, cases


def test_the_sql_rule_is_the_documented_rule(world):
    viewer, cases = world
    for who in (viewer, None):
        want = {v.pk for v, facts in cases if expected(who, v, **facts)}
        got = set(videos_visible_to(who or AnonymousUser()).values_list("pk", flat=True))
        assert got == want, (who, len(got ^ want))
    assert 0 < len(want) < len(cases)


def test_the_rule_holds_inside_a_subquery_and_behind_a_relation(world):
    viewer, cases = world
    want = {v.pk for v, facts in cases if expected(viewer, v, **facts)}
    # As a subquery Django renames the tables (videos_video becomes U0, ...).
    inner = set(Video.objects.filter(pk__in=videos_visible_to(viewer).values("pk")).values_list("pk", flat=True))
    assert inner == want
    author = _user("commenter")
    for video, _ in cases:
        Comment.objects.create(video=video, author=author, text="hi")
    behind = Comment.objects.filter(video__in=videos_visible_to(viewer).values("pk"))
    assert {c.video_id for c in behind} == want
