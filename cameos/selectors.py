"""Who may put which cameo in a video: the one rule other apps ask about.

`cameos_available_to` (a queryset) and `cameo_usable_by` (one cameo) say the
same thing: not revoked; never across a block; the owner always; otherwise
by permission — everyone; mutuals (or approved); approved; only_me. A teen's
cameo is held under the teen's ceiling when its permission is set, so the
stored permission is the effective one.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from accounts.models import Follow, User
from accounts.selectors import blocked_ids_for
from sora_social.errors import NotFound
from sora_social.ids import is_uuid

from .models import Appearance, Cameo, CameoApproval, Enrollment, Permission


def cameo_media_servable(viewer_id: str | None, cameo_id: str) -> bool:
    """A cameo's preview is served until the cameo is revoked (asked on every media request)."""
    return (
        is_uuid(cameo_id) and Cameo.objects.filter(pk=cameo_id, revoked_at__isnull=True, owner__is_active=True).exists()
    )


def cameos_available_to(user: User) -> QuerySet:
    approved = Exists(CameoApproval.objects.filter(cameo=OuterRef("pk"), user=user))
    they_follow_me = Exists(Follow.objects.filter(follower=OuterRef("owner_id"), followee=user))
    i_follow_them = Exists(Follow.objects.filter(follower=user, followee=OuterRef("owner_id")))
    return (
        Cameo.objects.filter(revoked_at__isnull=True, owner__is_active=True)
        .exclude(owner_id__in=blocked_ids_for(user))
        .annotate(approved=approved, they_follow_me=they_follow_me, i_follow_them=i_follow_them)
        .filter(
            Q(owner=user)
            | Q(permission=Permission.EVERYONE)
            | Q(permission=Permission.MUTUALS, they_follow_me=True, i_follow_them=True)
            | Q(permission__in=[Permission.MUTUALS, Permission.APPROVED], approved=True)
        )
        .select_related("owner")
    )


def cameos_usable_by(*, user: User, cameo_ids: list[str]) -> list[str]:
    """The subset of `cameo_ids` that `user` may use in a new video."""
    ids = [c for c in cameo_ids if is_uuid(c)]
    found = cameos_available_to(user).filter(pk__in=ids).values_list("pk", flat=True)
    return [str(pk) for pk in found]


def cameo_names(*, cameo_ids: list[str]) -> list[str]:
    ids = [c for c in cameo_ids if is_uuid(c)]
    return list(Cameo.objects.filter(pk__in=ids).values_list("name", flat=True)) if ids else []


def cameo_usable_by(*, user: User, cameo: Cameo) -> bool:
    return cameos_available_to(user).filter(pk=cameo.pk).exists()


def cameos_of(*, owner: User) -> QuerySet:
    return Cameo.objects.filter(owner=owner, revoked_at__isnull=True).select_related("owner")


def cameos_carried_by(*, video) -> list[str]:
    """Every cameo a video carries, its own and those inherited through its remix chain."""
    return [
        str(pk)
        for pk in Appearance.objects.filter(video=video, taken_down_at__isnull=True).values_list("cameo_id", flat=True)
    ]


def cameo_owned_get(*, owner: User, cameo_id, include_revoked: bool = False) -> Cameo:
    """The owner's live cameo (or revoked too, for its audit); anybody else gets 404."""
    mine = Cameo.objects.filter(owner=owner) if include_revoked else cameos_of(owner=owner)
    cameo = mine.filter(pk=cameo_id).first() if is_uuid(cameo_id) else None
    if cameo is None:
        raise NotFound("No such cameo.", code="cameo_not_found")
    return cameo


def enrollment_get(*, owner: User, enrollment_id) -> Enrollment:
    found = Enrollment.objects.filter(pk=enrollment_id, owner=owner).first() if is_uuid(enrollment_id) else None
    if found is None:
        raise NotFound("No such enrollment.", code="enrollment_not_found")
    return found


def refusals_of(*, cameo: Cameo) -> QuerySet:
    return cameo.refusals.select_related("user")


def appearances_of(*, cameo: Cameo) -> QuerySet:
    return (
        Appearance.objects.filter(cameo=cameo, taken_down_at__isnull=True)
        .select_related("video", "video__owner", "video__job")
        .exclude(video__state="removed")
    )


def known_faces(*, exclude_owner: User) -> list[tuple[str, list[float]]]:
    """Embeddings of other owners' live person cameos, for "one likeness, one owner"."""
    rows = (
        Cameo.objects.filter(kind="person", revoked_at__isnull=True, embedding__isnull=False)
        .exclude(owner=exclude_owner)
        .values_list("owner_id", "embedding")
    )
    return [(str(owner), embedding) for owner, embedding in rows]
