"""Writes to accounts and the social graph."""

from collections.abc import Callable
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from sora_social.errors import Forbidden, Invalid
from sora_social.limits import user_write_allow

from .models import DM_POLICY_ORDER, Block, Follow, Invite, User, age_on
from .selectors import named

FOLLOW_NOTIFY_EVERY = timedelta(days=1)


class TooYoung(Forbidden):
    code = "too_young"
    default_detail = f"You must be at least {settings.SORA_MIN_AGE} to use sora-social."


def invites_issue(*, user: User, count: int | None = None) -> list[Invite]:
    count = settings.SORA_INVITES_PER_USER if count is None else count
    return Invite.objects.bulk_create([Invite(owner=user) for _ in range(count)])


def _check_birthdate(birthdate: date) -> None:
    today = timezone.localdate()
    if birthdate > today:
        raise Invalid("The birthdate is in the future.", code="invalid_birthdate")
    age = age_on(birthdate, today)
    if age > 130:
        raise Invalid("The birthdate is not plausible.", code="invalid_birthdate")
    if age < settings.SORA_MIN_AGE:
        raise TooYoung()


@transaction.atomic
def user_register(*, username: str, password: str, email: str, birthdate: date, invite_code: str | None = None) -> User:
    _check_birthdate(birthdate)
    if named(User.objects.all(), username).exists():
        raise Invalid("That username is taken.", code="username_taken")
    if User.objects.filter(email__iexact=email).exists():
        raise Invalid("An account with that email exists.", code="email_taken")

    invite = None
    if settings.SORA_INVITES_REQUIRED:
        if not invite_code:
            raise Invalid("An invite code is required to join.", code="invite_required")
        # Row lock: two people racing for one code cannot both use it.
        invite = Invite.objects.select_for_update().filter(code=invite_code, used_by__isnull=True).first()
        if invite is None:
            raise Invalid("That invite code is not valid or was already used.", code="invalid_invite")

    candidate = User(username=username, email=email, birthdate=birthdate)
    try:
        validate_password(password, user=candidate)
    except DjangoValidationError as exc:
        raise Invalid(" ".join(exc.messages), code="weak_password", fields={"password": exc.messages})
    candidate.set_password(password)
    if candidate.is_teen:
        candidate.dm_policy = DM_POLICY_ORDER[2]  # mutuals: the teen default
    try:
        with transaction.atomic():
            candidate.save()
    except IntegrityError:  # lost a race for the username
        raise Invalid("That username is taken.", code="username_taken")

    if invite is not None:
        invite.used_by = candidate
        invite.used_at = timezone.now()
        invite.save(update_fields=["used_by", "used_at"])
    invites_issue(user=candidate)
    return candidate


# The most open message setting an account may choose, as the apps above accounts see it
# (parental controls register theirs when Django starts): user -> a DMPolicy, or None for
# no ceiling. Accounts asks them without knowing them.
_DM_POLICY_CEILINGS: list[Callable[[User], str | None]] = []


def register_dm_policy_ceiling(ceiling: Callable[[User], str | None]) -> None:
    _DM_POLICY_CEILINGS.append(ceiling)


def dm_policy_ceiling(user: User) -> str | None:
    """The most closed of the registered ceilings for `user`, or None."""
    ceilings = [c for c in (ceiling(user) for ceiling in _DM_POLICY_CEILINGS) if c]
    return max(ceilings, key=DM_POLICY_ORDER.index) if ceilings else None


def user_update(
    *, user: User, display_name: str | None = None, bio: str | None = None, dm_policy: str | None = None
) -> User:
    fields = []
    if display_name is not None:
        user.display_name = display_name
        fields.append("display_name")
    if bio is not None:
        user.bio = bio
        fields.append("bio")
    if dm_policy is not None:
        ceiling = dm_policy_ceiling(user)
        if ceiling and DM_POLICY_ORDER.index(dm_policy) < DM_POLICY_ORDER.index(ceiling):
            raise Forbidden(f"Teen accounts can receive messages from {ceiling} at most.", code="teen_restricted")
        user.dm_policy = dm_policy
        fields.append("dm_policy")
    if fields:
        user.save(update_fields=fields)
    return user


# Who listens to changes of whom a user follows (the feed re-ranks their pool), registered
# by the apps above accounts when Django starts; called with the follower's id after the commit.
_FOLLOW_LISTENERS: list[Callable[[object], None]] = []


def register_follow_listener(listener: Callable[[object], None]) -> None:
    if listener not in _FOLLOW_LISTENERS:
        _FOLLOW_LISTENERS.append(listener)


def _follows_changed(*user_ids) -> None:
    for user_id in user_ids:
        for listener in _FOLLOW_LISTENERS:
            transaction.on_commit(lambda listener=listener, user_id=user_id: listener(user_id))


def follow_create(*, follower: User, followee: User) -> tuple[Follow, bool]:
    if follower.pk == followee.pk:
        raise Invalid("You cannot follow yourself.", code="cannot_follow_self")
    existing = Follow.objects.filter(follower=follower, followee=followee).first()
    if existing is not None:
        return existing, False
    user_write_allow(user=follower, kind="follow")
    follow, created = Follow.objects.get_or_create(follower=follower, followee=followee)
    if created:
        from .notifications import notify

        # Unfollow-and-follow again tells them once a day, not once a cycle.
        since = timezone.now() - FOLLOW_NOTIFY_EVERY
        if not followee.notifications.filter(kind="follow", actor=follower, created_at__gte=since).exists():
            notify(recipient=followee, kind="follow", actor=follower)
        _follows_changed(follower.pk)
    return follow, created


def follow_delete(*, follower: User, followee: User) -> None:
    deleted, _ = Follow.objects.filter(follower=follower, followee=followee).delete()
    if deleted:
        _follows_changed(follower.pk)


@transaction.atomic
def block_create(*, blocker: User, blocked: User) -> tuple[Block, bool]:
    if blocker.pk == blocked.pk:
        raise Invalid("You cannot block yourself.", code="cannot_block_self")
    block, created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    # A block ends the relationship both ways; unblocking does not restore it.
    ended = Follow.objects.filter(follower=blocker, followee=blocked).delete()[0]
    ended_back = Follow.objects.filter(follower=blocked, followee=blocker).delete()[0]
    _follows_changed(*([blocker.pk] if ended else []), *([blocked.pk] if ended_back else []))
    return block, created


def block_delete(*, blocker: User, blocked: User) -> None:
    Block.objects.filter(blocker=blocker, blocked=blocked).delete()


def message_remove(*, message_id) -> bool:
    """Hide a direct message from both people (a reviewer's decision); the row stays for the record.

    Idempotent: False when it was already removed."""
    from .models import Message

    return bool(Message.objects.filter(pk=message_id, removed_at__isnull=True).update(removed_at=timezone.now()))
