"""The one place that answers "what is this teen allowed right now".

The feed, messages, cameos and generation ask `teen_allowances`; nothing else
decides these rules. Teen defaults apply until a linked parent sets controls.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet

from accounts.selectors import named
from sora_social.errors import Conflict, NotFound
from sora_social.ids import is_uuid

from .models import LinkStatus, ParentalControls, ParentLink


@dataclass(frozen=True)
class TeenAllowances:
    dm_policy_max: str  # the most open DM policy the teen may have: nobody | mutuals | followers
    cameo_permission_max: str  # the most open cameo permission: only_me | approved | mutuals
    feed_daily_limit: int  # feed items per day
    personalized_feed: bool  # False: no interaction history, no steering
    generation_daily_limit: int
    has_parent: bool


def teen_allowances(*, user) -> TeenAllowances | None:
    """None for adults: no ceilings apply."""
    if not user.is_teen:
        return None
    controls = ParentalControls.objects.filter(teen=user).first() if has_active_parent(teen=user) else None
    return TeenAllowances(
        dm_policy_max=controls.dm_policy if controls else "mutuals",
        cameo_permission_max=controls.cameo_permission_max if controls else "mutuals",
        feed_daily_limit=(
            controls.feed_daily_limit
            if controls and controls.feed_daily_limit is not None
            else settings.SORA_TEEN_FEED_DAILY_LIMIT
        ),
        personalized_feed=controls.personalized_feed if controls else True,
        generation_daily_limit=(
            min(controls.generation_daily_limit, settings.SORA_GENERATION_DAILY_LIMIT)  # never above an adult's
            if controls and controls.generation_daily_limit is not None
            else settings.SORA_TEEN_GENERATION_DAILY_LIMIT
        ),
        has_parent=controls is not None,
    )


def is_linked_parent(*, parent, teen) -> bool:
    return ParentLink.objects.filter(parent=parent, teen=teen, status=LinkStatus.ACTIVE).exists()


def has_active_parent(*, teen) -> bool:
    return ParentLink.objects.filter(teen=teen, status=LinkStatus.ACTIVE).exists()


def links_of(*, user) -> QuerySet:
    from django.db.models import Q

    return ParentLink.objects.filter(Q(parent=user) | Q(teen=user)).select_related("parent", "teen")


def link_get(*, user, link_id) -> ParentLink:
    link = links_of(user=user).filter(pk=link_id).first() if is_uuid(link_id) else None
    if link is None:
        raise NotFound("No such link.", code="link_not_found")
    return link


def teen_for_parent_get(*, parent, username: str):
    """The teen whose controls `parent` may read: an active link; 409 while the teen has not accepted; else 404."""
    link = (
        named(ParentLink.objects.filter(parent=parent), username, field="teen__username").select_related("teen").first()
    )
    if link is None:
        raise NotFound("No such teen.", code="teen_not_found")
    if link.status == LinkStatus.PENDING:
        raise Conflict(
            f"{link.teen.username} has not accepted your link yet; controls apply once they do.", code="link_pending"
        )
    return link.teen


def controls_of(*, teen) -> ParentalControls:
    """The controls that apply now: a linked parent's, or the teen defaults when no parent is linked."""
    if not has_active_parent(teen=teen):
        return ParentalControls(teen=teen)
    return ParentalControls.objects.filter(teen=teen).first() or ParentalControls(teen=teen)
