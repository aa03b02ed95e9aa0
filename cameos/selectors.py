"""Who may put which cameo in a video: the one rule other apps ask about.

`cameos_available_to` (a queryset) and `cameo_usable_by` (one cameo) say the
same thing: not revoked; never across a block; the owner always; otherwise
by permission — everyone; mutuals (or approved); approved; only_me. An
approval (a grant) counts while it has not expired and covers what a video
uses of the likeness (the face; see models.SCOPE_A_VIDEO_USES). A teen's
cameo is held under the teen's ceiling when its permission is set, so the
stored permission is the effective one.
"""

from functools import lru_cache

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import Follow, User
from accounts.selectors import blocked_ids_for
from sora_social.errors import NotFound
from sora_social.ids import is_uuid
from sora_social.sql import column, table

from .models import (
    SCOPE_A_VIDEO_USES,
    Appearance,
    ApprovalState,
    Cameo,
    CameoApproval,
    CharacterForm,
    Enrollment,
    GrantScope,
    Permission,
)


def _grants_in_force():
    return CameoApproval.objects.filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()),
        scope__in=[SCOPE_A_VIDEO_USES, GrantScope.BOTH],
    )


def grant_problem(*, user: User, cameo: Cameo) -> tuple[str, CameoApproval] | None:
    """Why `user`'s own grant on `cameo` does not let them use it: ("grant_expired" |
    "grant_scope", the grant), or None when they have no grant or it is in force."""
    grant = CameoApproval.objects.filter(cameo=cameo, user=user).first()
    if grant is None:
        return None
    if grant.expires_at is not None and grant.expires_at <= timezone.now():
        return "grant_expired", grant
    if grant.scope not in (SCOPE_A_VIDEO_USES, GrantScope.BOTH):
        return "grant_scope", grant
    return None


def cameo_media_servable(viewer_id: str | None, cameo_id: str) -> bool:
    """A cameo's preview is served until the cameo is revoked (asked on every media request)."""
    return (
        is_uuid(cameo_id) and Cameo.objects.filter(pk=cameo_id, revoked_at__isnull=True, owner__is_active=True).exists()
    )


def cameos_available_to(user: User) -> QuerySet:
    approved = Exists(_grants_in_force().filter(cameo=OuterRef("pk"), user=user))
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


def cameo_pets(*, cameo_ids: list[str]) -> list[str]:
    """The names of those cameos that are pets: drawn as their animal, not as a person or a figure."""
    ids = [c for c in cameo_ids if is_uuid(c)]
    pets = [f for f in CharacterForm.values if f != CharacterForm.FIGURE]
    return list(Cameo.objects.filter(pk__in=ids, form__in=pets).values_list("name", flat=True)) if ids else []


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
        .select_related("video", "video__owner")
        .exclude(video__state="removed")
    )


def approvals_pending_for(*, owner: User) -> QuerySet:
    """The owner's queue: videos by others that carry one of their cameos and wait for a decision."""
    return (
        Appearance.objects.filter(
            cameo__owner=owner,
            cameo__revoked_at__isnull=True,
            approval=ApprovalState.PENDING,
            taken_down_at__isnull=True,
        )
        .exclude(video__state="removed")
        .select_related("cameo", "video", "video__owner")
    )


def appearance_owned_get(*, owner: User, cameo_id, video_id) -> Appearance:
    cameo = cameo_owned_get(owner=owner, cameo_id=cameo_id)
    found = appearances_of(cameo=cameo).filter(video_id=video_id).first() if is_uuid(video_id) else None
    if found is None:
        raise NotFound("This cameo does not appear in that video.", code="appearance_not_found")
    return found


def publish_holds(*, video) -> dict[str, list[str]]:
    """Cameos whose owners have not approved the video yet ("pending") or declined it ("declined")."""
    holds: dict[str, list[str]] = {}
    for cameo_id, state in Appearance.objects.filter(
        video=video, taken_down_at__isnull=True, approval__in=[ApprovalState.PENDING, ApprovalState.DECLINED]
    ).values_list("cameo_id", "approval"):
        holds.setdefault(state, []).append(str(cameo_id))
    return holds


def _live_people(*, exclude_owner: User | None = None):
    people = Cameo.objects.filter(kind="person", revoked_at__isnull=True)
    return people if exclude_owner is None else people.exclude(owner=exclude_owner)


def known_faces(*, exclude_owner: User) -> list[tuple[str, list[float]]]:
    """Embeddings of other owners' live person cameos, for "one likeness, one owner"."""
    rows = _live_people(exclude_owner=exclude_owner).filter(embedding__isnull=False)
    return [(str(owner), embedding) for owner, embedding in rows.values_list("owner_id", "embedding")]


def person_faces() -> list[tuple[str, list[float]]]:
    """(cameo id, face descriptor) of every live person cameo, to tell who is in a picture."""
    rows = _live_people().filter(embedding__isnull=False)
    return [(str(pk), embedding) for pk, embedding in rows.values_list("pk", "embedding")]


def known_captures(*, exclude_owner: User) -> list[tuple[str, list[str | None]]]:
    """The face hashes of other owners' live captures, to refuse one replayed or filmed off a screen."""
    rows = _live_people(exclude_owner=exclude_owner).filter(capture_hashes__isnull=False)
    return [(str(owner), hashes) for owner, hashes in rows.values_list("owner_id", "capture_hashes")]


def _appearance_exists(where: str) -> str:
    """An appearance of the video `{video}` in a cameo, with `where` on both (vis_a, vis_c)."""
    return (
        f"EXISTS (SELECT 1 FROM {table(Appearance)} vis_a JOIN {table(Cameo)} vis_c"
        f" ON vis_c.{column(Cameo, 'id')} = vis_a.{column(Appearance, 'cameo')}"
        f" WHERE vis_a.{column(Appearance, 'video')} = {{video}} AND {where})"
    )


@lru_cache(maxsize=1)
def withheld_sql() -> str:
    """SQL true when the video `{video}` carries a likeness its owner revoked."""
    return _appearance_exists(f"vis_c.{column(Cameo, 'revoked_at')} IS NOT NULL")


@lru_cache(maxsize=1)
def shown_to_sql() -> str:
    """SQL true when the video `{video}` carries, not taken down, the likeness of the user `%s`."""
    return _appearance_exists(
        f"vis_c.{column(Cameo, 'owner')} = %s AND vis_a.{column(Appearance, 'taken_down_at')} IS NULL"
    )


@lru_cache(maxsize=1)
def hidden_likeness_sql() -> str:
    """SQL true when the video `{video}` carries a likeness revoked or taken down from it."""
    return _appearance_exists(
        f"(vis_c.{column(Cameo, 'revoked_at')} IS NOT NULL OR vis_a.{column(Appearance, 'taken_down_at')} IS NOT NULL)"
    )


class VideoConsent:
    """The consent of the likenesses videos carry, as `videos` asks it (`videos.plugins`):
    every cameo a video carries, its own or inherited through a remix, has an appearance."""

    def withheld_sql(self) -> str:
        return withheld_sql()

    def shown_to_sql(self) -> str:
        return shown_to_sql()

    def carries_for(self, viewer, video_id) -> bool:
        return (
            Appearance.objects.filter(
                video_id=video_id, cameo__owner=viewer, taken_down_at__isnull=True, video__owner__is_active=True
            )
            .exclude(video__state="removed")
            .exists()
        )
