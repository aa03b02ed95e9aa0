"""Reads about accounts and the social graph.

`blocked_ids_for` / `blocked_between` are *the* block rule: a block, in either
direction, hides each side from the other everywhere. Other apps filter with
these instead of querying `Block` themselves.
"""

from functools import lru_cache

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower

from sora_social.errors import NotFound
from sora_social.sql import column, table

from .models import Block, Follow, Invite, User


def blocked_between(a: User, b: User) -> bool:
    """True when either user blocked the other."""
    if a.pk == b.pk:
        return False
    return Block.objects.filter(Q(blocker=a, blocked=b) | Q(blocker=b, blocked=a)).exists()


def blocked_ids_for(user: User) -> QuerySet:
    """Ids of the users hidden from `user` (blocked by them or blocking them), as a subquery
    (iterate it for the ids themselves; an id may appear twice).

    Use as `qs.exclude(owner_id__in=blocked_ids_for(viewer))`: one SQL statement,
    no ids pulled into Python. The two directions are two index lookups on `Block`
    (the unique (blocker, blocked) and the blocked index) joined by UNION ALL, so
    the cost follows the viewer's blocks, not the number of users (an EXISTS per
    user row was a sequential scan of every user).
    """
    mine = Block.objects.filter(blocker=user).values_list("blocked_id", flat=True)
    theirs = Block.objects.filter(blocked=user).values_list("blocker_id", flat=True)
    return mine.union(theirs, all=True)


@lru_cache(maxsize=1)
def blocked_ids_sql() -> str:
    """`blocked_ids_for` as SQL text (two `%s`, both the viewer's id), for a condition
    written in SQL (`sora_social.sql.Condition`): the same two index lookups."""
    block, blocker, blocked = table(Block), column(Block, "blocker"), column(Block, "blocked")
    return (
        f"SELECT vis_b.{blocked} FROM {block} vis_b WHERE vis_b.{blocker} = %s"
        f" UNION ALL SELECT vis_b.{blocker} FROM {block} vis_b WHERE vis_b.{blocked} = %s"
    )


@lru_cache(maxsize=1)
def follows_sql() -> str:
    """SQL true when the user whose id is its one `%s` follows the user `{owner}` (for a
    condition written in SQL, `sora_social.sql.Condition`)."""
    return (
        f"EXISTS (SELECT 1 FROM {table(Follow)} vis_f"
        f" WHERE vis_f.{column(Follow, 'follower')} = %s AND vis_f.{column(Follow, 'followee')} = {{owner}})"
    )


def named(queryset: QuerySet, username: str, *, field: str = "username") -> QuerySet:
    """Rows whose user `field` ("username", or a path to one: "teen__username") is `username`,
    whatever its case, on the index of the lower-case name that keeps names unique
    (`username__iexact` compiles to UPPER(...) = UPPER(...): a scan of every user)."""
    alias = field.replace("__", "_") + "_lower"
    return queryset.alias(**{alias: Lower(field)}).filter(**{alias: username.lower()})


def users_visible_to(viewer: User) -> QuerySet:
    return User.objects.filter(is_active=True).exclude(pk__in=blocked_ids_for(viewer))


def user_not_found() -> NotFound:
    return NotFound("No such user.", code="user_not_found")


def user_visible_get(*, viewer: User, username: str) -> User:
    """The user named `username` if `viewer` may see them; otherwise NotFound."""
    user = named(users_visible_to(viewer), username).first()
    if user is None:
        raise user_not_found()
    return user


def user_active_get(*, username: str) -> User:
    """The active user named `username`, blocks not asked (NotFound otherwise): for a caller
    whose own query applies the block rule and answers `user_not_found` when it hid them."""
    user = named(User.objects.filter(is_active=True), username).first()
    if user is None:
        raise user_not_found()
    return user


def user_block_target_get(*, viewer: User, username: str) -> User:
    """Whom `viewer` may block or unblock: anyone active except those who blocked them.

    The viewer's own blocks do not hide the target here, or nobody could undo a block.
    """
    user = named(User.objects.filter(is_active=True), username).exclude(blocking_set__blocked=viewer).first()
    if user is None:
        raise user_not_found()
    return user


def user_profile_get(*, viewer: User, username: str) -> User:
    """A visible user with follower counts and the viewer's relation to them annotated."""
    user = (
        named(users_visible_to(viewer), username)
        .annotate(
            followers_count=Count("follower_set", distinct=True),
            following_count=Count("following_set", distinct=True),
            is_following=Exists(Follow.objects.filter(follower=viewer, followee=OuterRef("pk"))),
            follows_you=Exists(Follow.objects.filter(follower=OuterRef("pk"), followee=viewer)),
        )
        .first()
    )
    if user is None:
        raise user_not_found()
    return user


def is_following(*, follower: User, followee: User) -> bool:
    return Follow.objects.filter(follower=follower, followee=followee).exists()


def invites_of(*, user: User) -> QuerySet:
    return Invite.objects.filter(owner=user).select_related("used_by")


def blocks_of(*, user: User) -> QuerySet:
    return Block.objects.filter(blocker=user).select_related("blocked")
