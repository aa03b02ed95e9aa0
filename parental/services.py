"""Parent–teen links and the controls a linked parent sets."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import DM_POLICY_ORDER, User
from accounts.notifications import notify
from cameos.services import cameos_apply_ceiling
from sora_social.errors import Conflict, Forbidden, Invalid
from sora_social.events import publish_on_commit
from sora_social.limits import user_write_allow

from . import selectors
from .models import LinkStatus, ParentalControls, ParentLink

MAX_PARENTS = 2


def _tell(user_id, change: str, link: ParentLink | None = None, **data) -> None:
    payload = {"change": change, **({"link": str(link.pk)} if link else {}), **data}
    publish_on_commit(user_id, "parental.changed", payload)
    notify(recipient=user_id, kind="parental_changed", data=payload)


def link_request(*, parent: User, teen: User) -> ParentLink:
    if parent.is_teen:
        raise Forbidden("A teen account cannot be a parent.", code="teen_cannot_be_parent")
    if not teen.is_teen:
        raise Invalid("Only teen accounts can be linked to a parent.", code="not_a_teen")
    user_write_allow(user=parent, kind="parental_link")  # each request notifies the teen
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=teen.pk).first()  # one link change per teen at a time
        if ParentLink.objects.filter(teen=teen, status=LinkStatus.ACTIVE).count() >= MAX_PARENTS:
            raise Conflict("This teen already has two parents linked.", code="too_many_parents")
        try:
            with transaction.atomic():
                link = ParentLink.objects.create(parent=parent, teen=teen)
        except IntegrityError:
            raise Conflict("You already asked to link this teen.", code="already_linked")
        _tell(teen.pk, "link_requested", link, parent=parent.username)
    return link


def link_accept(*, teen: User, link_id) -> ParentLink:
    with transaction.atomic():
        link = selectors.link_get(user=teen, link_id=link_id)
        if link.teen_id != teen.pk:
            raise Forbidden("Only the teen accepts a link.", code="not_the_teen")
        User.objects.select_for_update().filter(pk=teen.pk).first()
        link = ParentLink.objects.select_for_update().get(pk=link.pk)
        if link.status == LinkStatus.ACTIVE:
            return link
        if ParentLink.objects.filter(teen=teen, status=LinkStatus.ACTIVE).count() >= MAX_PARENTS:
            raise Conflict("You already have two parents linked.", code="too_many_parents")
        link.status = LinkStatus.ACTIVE
        link.accepted_at = timezone.now()
        link.save(update_fields=["status", "accepted_at"])
        ParentalControls.objects.get_or_create(teen=teen)
        _tell(link.parent_id, "link_accepted", link, teen=teen.username)
    return link


def link_delete(*, user: User, link_id) -> None:
    """Either side unlinks; the other is told."""
    with transaction.atomic():
        link = selectors.link_get(user=user, link_id=link_id)
        other = link.teen_id if link.parent_id == user.pk else link.parent_id
        teen_id = link.teen_id
        link.delete()
        # With no parent left, nobody's controls apply: drop them, so what the teen and a
        # future parent read is what applies (the teen defaults), not a stale copy.
        if not ParentLink.objects.filter(teen_id=teen_id, status=LinkStatus.ACTIVE).exists():
            ParentalControls.objects.filter(teen_id=teen_id).delete()
        _tell(other, "unlinked", None, by=user.username)


def controls_update(*, parent: User, teen: User, **changes) -> ParentalControls:
    """Change a teen's controls; settings above a lowered ceiling are lowered at once."""
    with transaction.atomic():
        controls, _ = ParentalControls.objects.select_for_update().get_or_create(teen=teen)
        for field, value in changes.items():
            setattr(controls, field, value)
        controls.updated_by = parent
        controls.save()
        ceiling = controls.dm_policy
        if DM_POLICY_ORDER.index(teen.dm_policy) < DM_POLICY_ORDER.index(ceiling):
            User.objects.filter(pk=teen.pk).update(dm_policy=ceiling)
        cameos_apply_ceiling(owner=teen)
        _tell(teen.pk, "controls", None, by=parent.username, **{k: v for k, v in changes.items()})
    return controls
