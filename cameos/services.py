"""Writes for cameos: enrolment, permissions, approvals, restrictions, appearances, revocation."""

from __future__ import annotations

import io
import logging
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from accounts.models import NotificationKind, User
from accounts.notifications import notify
from accounts.selectors import blocked_between
from sora_social.errors import Invalid
from sora_social.events import publish_on_commit
from sora_social.ids import is_uuid
from videos.services import video_remove

from . import selectors
from .errors import (
    AlreadySubmitted,
    ApprovalDeclined,
    AwaitingApproval,
    CameoNotPermitted,
    CameoRestriction,
    ChallengeExpired,
    NotPending,
    RealFaceInPicture,
    RestrictedByReview,
    TeenCeiling,
    UnsupportedUpload,
    UploadTooLarge,
)
from .models import (
    PERMISSION_ORDER,
    SCOPE_A_VIDEO_USES,
    Appearance,
    ApprovalState,
    Cameo,
    CameoApproval,
    CameoKind,
    CharacterForm,
    Enrollment,
    EnrollmentStatus,
    GrantScope,
    Permission,
    Refusal,
    RefusalRule,
)

log = logging.getLogger(__name__)

CAPTURE_TYPES = {
    "video/mp4": "mp4",
    "video/quicktime": "mov",
    "video/webm": "webm",
    ".mp4": "mp4",
    ".mov": "mov",
    ".webm": "webm",
    ".m4v": "mp4",
}
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}


# --- enrolment ----------------------------------------------------------------


def enrollment_start(*, owner: User) -> Enrollment:
    return Enrollment.objects.create(
        owner=owner, expires_at=timezone.now() + timedelta(seconds=settings.SORA_CAMEO_CHALLENGE_TTL)
    )


def _capture_extension(upload) -> str:
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    name = (upload.name or "").lower()
    ext = CAPTURE_TYPES.get(content_type) or next(
        (v for k, v in CAPTURE_TYPES.items() if k.startswith(".") and name.endswith(k)), None
    )
    if ext is None:
        raise UnsupportedUpload("Send the capture as an MP4, MOV or WebM video.")
    return ext


def enrollment_capture_submit(*, owner: User, enrollment_id, upload) -> Enrollment:
    if upload.size > settings.SORA_CAMEO_CAPTURE_MAX_BYTES:
        raise UploadTooLarge(f"The capture must be at most {settings.SORA_CAMEO_CAPTURE_MAX_BYTES // 2**20} MB.")
    ext = _capture_extension(upload)
    with transaction.atomic():
        enrollment = selectors.enrollment_get(owner=owner, enrollment_id=enrollment_id)
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status != EnrollmentStatus.PENDING:
            raise AlreadySubmitted()
        if enrollment.expires_at <= timezone.now():
            raise ChallengeExpired()
        name = f"captures/{enrollment.pk}.{ext}"
        if default_storage.exists(name):
            default_storage.delete(name)
        enrollment.capture = default_storage.save(name, upload)
        enrollment.status = EnrollmentStatus.VERIFYING
        enrollment.save(update_fields=["capture", "status"])

        from .tasks import enrollment_verify_task

        transaction.on_commit(lambda: enrollment_verify_task.delay(str(enrollment.pk)))
    return enrollment


def _png(array) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.fromarray(array).convert("RGB").save(buffer, format="PNG")
    return buffer.getvalue()


def _store(name: str, data: bytes) -> str:
    if default_storage.exists(name):
        default_storage.delete(name)
    return default_storage.save(name, ContentFile(data))


def enrollment_verify(*, enrollment_id) -> None:
    """Task body: verify the capture and make the cameo. Safe to run twice."""
    from .verification import verify_capture

    enrollment = Enrollment.objects.filter(pk=enrollment_id, status=EnrollmentStatus.VERIFYING).first()
    if enrollment is None:
        return
    seen = set(
        Enrollment.objects.exclude(pk=enrollment.pk).exclude(content_hash="").values_list("content_hash", flat=True)
    )
    with default_storage.open(enrollment.capture, "rb") as handle:
        data = handle.read()
    try:
        result = verify_capture(
            data,
            challenge_digits=enrollment.digits,
            challenge_moves=list(enrollment.moves),
            known_faces=selectors.known_faces(exclude_owner=enrollment.owner),
            known_captures=selectors.known_captures(exclude_owner=enrollment.owner),
            seen_hashes=seen,
        )
    except Exception:  # a bug in verification must not leave the person waiting forever
        log.exception("verifying enrollment %s failed", enrollment.pk)
        Enrollment.objects.filter(pk=enrollment.pk, status=EnrollmentStatus.VERIFYING).update(
            status=EnrollmentStatus.REJECTED,
            reason="We couldn't process this video. Please try again.",
            reason_code="error",
        )
        return
    with transaction.atomic():
        enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
        if enrollment.status != EnrollmentStatus.VERIFYING:
            return
        enrollment.content_hash = result.content_hash or ""
        if not result.verified:
            enrollment.status = EnrollmentStatus.REJECTED
            enrollment.reason = result.reason[:300]
            enrollment.reason_code = result.code
            enrollment.save(update_fields=["status", "reason", "reason_code", "content_hash"])
            return
        reference = _store(f"cameos/{enrollment.pk}/reference.png", _png(result.face_crop))
        preview = _store(f"cameos/{enrollment.pk}/preview.jpg", result.preview_jpeg) if result.preview_jpeg else ""
        Cameo.objects.create(
            owner=enrollment.owner,
            enrollment=enrollment,
            name=enrollment.owner.display_name or enrollment.owner.username,
            kind=CameoKind.PERSON,
            reference=reference,
            preview=preview,
            embedding=[float(x) for x in result.embedding] if result.embedding is not None else None,
            capture_hashes=result.frame_hashes or None,
            voice_profile=result.voice_profile,
            consent_id=enrollment.pk,
        )
        enrollment.status = EnrollmentStatus.VERIFIED
        enrollment.verified_at = timezone.now()
        enrollment.save(update_fields=["status", "verified_at", "content_hash"])


def image_upload_check(upload, *, max_bytes: int) -> None:
    """An uploaded image's size (413) and type (415), before anything reads it."""
    if upload.size > max_bytes:
        raise UploadTooLarge(f"The image must be at most {max_bytes // 2**20} MB.")
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in IMAGE_TYPES:
        raise UnsupportedUpload("Send a JPEG, PNG or WebP image.")


def character_create(*, owner: User, name: str, upload, form: str = CharacterForm.FIGURE) -> Cameo:
    """A pet or an object from one image: no liveness, the same permissions."""
    from .verification import verify_character_image

    image_upload_check(upload, max_bytes=settings.SORA_CAMEO_IMAGE_MAX_BYTES)
    result = verify_character_image(upload.read())
    if not result.verified:
        raise Invalid(result.reason, code=result.code or "bad_image")
    cameo = Cameo(owner=owner, name=name, kind=CameoKind.CHARACTER, form=form)
    cameo.reference = _store(f"cameos/{cameo.pk}/reference.png", _png(result.crop))
    cameo.preview = _store(f"cameos/{cameo.pk}/preview.jpg", result.preview_jpeg) if result.preview_jpeg else ""
    cameo.save()
    return cameo


def picture_likenesses(*, image) -> list[str]:
    """The person cameos whose face is in a picture (image to video), nearest first per face.

    A face within the verification's SAME_PERSON distance of a cameo is that
    cameo: the request must be allowed to use it, exactly as if it named it. A
    face near no cameo is a real person who never consented: refused.
    """
    from .verification import faces_in
    from .verification.capture import SAME_PERSON
    from .verification.faces import distance

    found = faces_in(image)
    if not found:
        return []
    known = selectors.person_faces()
    matched: list[str] = []
    for _, descriptor in found:
        near = min(((distance(descriptor, emb), cameo_id) for cameo_id, emb in known), default=(None, None))
        if near[0] is None or near[0] > SAME_PERSON:
            raise RealFaceInPicture()
        if near[1] not in matched:
            matched.append(near[1])
    return matched


# --- permissions ------------------------------------------------------------------


# Ceilings on how widely an owner may share their cameos (parental controls register
# theirs when Django starts): user -> a Permission, or None for no ceiling. Cameos asks
# them without knowing them, as accounts does for the message setting.
_PERMISSION_CEILINGS: list[Callable[[User], str | None]] = []


def register_permission_ceiling(ceiling: Callable[[User], str | None]) -> None:
    if ceiling not in _PERMISSION_CEILINGS:
        _PERMISSION_CEILINGS.append(ceiling)


def _ceiling_for(owner: User) -> str | None:
    """The most closed of the registered ceilings for `owner`, or None."""
    ceilings = [c for c in (ceiling(owner) for ceiling in _PERMISSION_CEILINGS) if c]
    return min(ceilings, key=PERMISSION_ORDER.index) if ceilings else None


def publish_check(video) -> None:
    """A cameo whose owner asks to approve first holds the video back until they do
    (registered with `videos` as a publish check)."""
    holds = selectors.publish_holds(video=video)
    if holds.get("declined"):
        raise ApprovalDeclined(cameos=holds["declined"])
    if holds.get("pending"):
        raise AwaitingApproval(cameos=holds["pending"])


def cameo_update(
    *,
    owner: User,
    cameo_id,
    name: str | None = None,
    permission: str | None = None,
    restrictions: str | None = None,
    approve_before_publish: bool | None = None,
) -> Cameo:
    cameo = selectors.cameo_owned_get(owner=owner, cameo_id=cameo_id)
    if permission is not None and cameo.restricted_at is not None and permission != Permission.ONLY_ME:
        raise RestrictedByReview()
    if permission is not None:
        ceiling = _ceiling_for(owner)
        if ceiling and PERMISSION_ORDER.index(permission) > PERMISSION_ORDER.index(ceiling):
            raise TeenCeiling(f"Teen accounts can share their cameo with {ceiling} at most.")
        cameo.permission = permission
    if name is not None:
        cameo.name = name
    if restrictions is not None:
        cameo.restrictions = restrictions
    if approve_before_publish is not None:
        cameo.approve_before_publish = approve_before_publish
    cameo.save()
    return cameo


def cameo_restrict_to_owner(*, cameo: Cameo) -> None:
    """A review decision: nobody but the owner may use the cameo from now on (grants are kept
    for the record but no longer open it), and the owner cannot share it again."""
    Cameo.objects.filter(pk=cameo.pk).update(permission=Permission.ONLY_ME, restricted_at=timezone.now())


def cameos_apply_ceiling(*, owner: User) -> int:
    """Lower the owner's cameos at once to their current ceiling (a parent tightened it)."""
    ceiling = _ceiling_for(owner)
    if not ceiling:
        return 0
    above = PERMISSION_ORDER[PERMISSION_ORDER.index(ceiling) + 1 :]
    return Cameo.objects.filter(owner=owner, permission__in=above).update(permission=ceiling)


def approval_add(*, owner: User, cameo_id, user: User, scope: str = GrantScope.BOTH, expires_at=None) -> CameoApproval:
    """Grant `user` the cameo, for its face, voice or both, until `expires_at` (None: until taken back).
    Granting again replaces the scope and the expiry."""
    cameo = selectors.cameo_owned_get(owner=owner, cameo_id=cameo_id)
    if user.pk == owner.pk:
        raise Invalid("You can always use your own cameo.", code="cannot_approve_self")
    if expires_at is not None and expires_at <= timezone.now():
        raise Invalid("expires_at must be in the future.", code="invalid", fields={"expires_at": ["In the past."]})
    approval, _ = CameoApproval.objects.update_or_create(
        cameo=cameo, user=user, defaults={"scope": scope, "expires_at": expires_at}
    )
    return approval


def approval_remove(*, owner: User, cameo_id, user: User) -> None:
    cameo = selectors.cameo_owned_get(owner=owner, cameo_id=cameo_id)
    CameoApproval.objects.filter(cameo=cameo, user=user).delete()


# What other apps keep of a likeness and must forget at a revoke (generation registers its
# uploaded pictures): called with the cameo's id inside the revoke's transaction.
_REVOKE_HOOKS: list[Callable[[str], None]] = []


def register_revoke_hook(hook: Callable[[str], None]) -> None:
    if hook not in _REVOKE_HOOKS:
        _REVOKE_HOOKS.append(hook)


def cameo_revoke(*, owner: User, cameo_id) -> None:
    """Take the likeness back: no new video or remix may carry it, every video that carries it
    (directly or through a remix chain) stops being served to anyone but its creator (the
    visibility rule, media URLs included), and the likeness itself is deleted: the capture
    clip, the reference crop, the preview, the face embedding, the capture's face hashes and the
    voice profile, and the pictures others uploaded that show it (the revoke hooks). The
    consent record (the enrollment's ids and dates, the cameo's consent id) stays for audit."""
    cameo = selectors.cameo_owned_get(owner=owner, cameo_id=cameo_id)
    files = [name for name in (cameo.reference, cameo.preview) if name]
    enrollment = cameo.enrollment
    if enrollment is not None and enrollment.capture:
        files.append(enrollment.capture)
    with transaction.atomic():
        Cameo.objects.filter(pk=cameo.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(),
            reference="",
            preview="",
            embedding=None,
            capture_hashes=None,
            voice_profile=None,
        )
        if enrollment is not None:
            Enrollment.objects.filter(pk=enrollment.pk).update(capture="")
        _tell_creators_of_revoke(cameo)
        for hook in _REVOKE_HOOKS:
            hook(str(cameo.pk))
        transaction.on_commit(lambda: _delete_stored(files))


def _tell_creators_of_revoke(cameo: Cameo) -> None:
    """Each creator whose videos carried the cameo learns once why those videos went dark for others."""
    carried: dict = {}
    for creator_id, video_id in (
        Appearance.objects.filter(cameo=cameo)
        .exclude(video__owner=cameo.owner)
        .values_list("video__owner_id", "video_id")
    ):
        carried.setdefault(creator_id, []).append(str(video_id))
    for creator_id, video_ids in carried.items():
        notify(
            recipient=creator_id,
            kind="cameo_revoked",
            data={"cameo": str(cameo.pk), "cameo_name": cameo.name, "videos": video_ids},
        )


def _delete_stored(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            log.warning("could not delete %s of a revoked cameo", name, exc_info=True)


def appearance_take_down(*, owner: User, cameo_id, video_id) -> None:
    """The cameo's owner removes a video they appear in, and its creator is told."""
    appearance = selectors.appearance_owned_get(owner=owner, cameo_id=cameo_id, video_id=video_id)
    cameo = appearance.cameo
    with transaction.atomic():
        Appearance.objects.filter(pk=appearance.pk).update(taken_down_at=timezone.now())
        video_remove(video=appearance.video)
        if appearance.video.owner_id != owner.pk:
            # The video itself is gone for its creator too: name it in the data, not as a link.
            notify(
                recipient=appearance.video.owner_id,
                kind="cameo_taken_down",
                actor=owner,
                data={"video": str(appearance.video.pk), "cameo": str(cameo.pk), "cameo_name": cameo.name},
            )


# --- what generation asks -----------------------------------------------------------


def _refusal_rule(user: User, cameo: Cameo) -> tuple[str, CameoApproval | None]:
    """Which rule refused `user` the cameo, and their own grant when that is what fell short."""
    if cameo.revoked_at is not None:
        return RefusalRule.REVOKED, None
    if blocked_between(user, cameo.owner):
        return RefusalRule.BLOCKED, None
    problem = selectors.grant_problem(user=user, cameo=cameo)
    if problem:
        return problem
    return RefusalRule.NOT_PERMITTED, None


def _not_permitted(cameo_id: str, refused: dict) -> CameoNotPermitted:
    """The refusal; when it is the user's own grant that falls short, it says which way."""
    cameo, rule, grant = refused.get(cameo_id, (None, None, None))
    if grant is None:
        return CameoNotPermitted(cameo=cameo_id)
    if rule == RefusalRule.GRANT_EXPIRED:
        detail = (
            f"{cameo.owner.username}'s permission to use this cameo expired on {grant.expires_at:%Y-%m-%d %H:%M} UTC."
        )
    else:
        detail = f"{cameo.owner.username} let you use this cameo's {grant.scope} only; a video uses its {SCOPE_A_VIDEO_USES}."
    return CameoNotPermitted(detail, cameo=cameo_id, reason=str(rule))


def cameos_authorise(*, user: User, cameo_ids: list[str], prompt: str) -> list[Cameo]:
    """The cameos of a generation request, or the refusal: 403 not permitted, 422 restriction.

    Every refusal involving a real cameo is logged for its owner (`Refusal`), whatever
    the request's outcome: who tried, which rule, with what prompt.
    """
    usable = set(selectors.cameos_usable_by(user=user, cameo_ids=cameo_ids))
    refused = [c for c in cameo_ids if c not in usable]
    if refused:
        real = Cameo.objects.filter(pk__in=[c for c in refused if is_uuid(c)]).select_related("owner")
        why = {str(c.pk): (c, *_refusal_rule(user, c)) for c in real if c.owner_id != user.pk}
        Refusal.objects.bulk_create(
            [Refusal(cameo=c, user=user, rule=rule, prompt=prompt[:2000]) for c, rule, _ in why.values()]
        )
        raise _not_permitted(refused[0], why)
    cameos = list(Cameo.objects.filter(pk__in=cameo_ids).select_related("owner"))
    for cameo in cameos:
        if cameo.owner_id == user.pk or not cameo.restrictions.strip():
            continue
        from .restrictions import restriction_violation  # loads the text encoder: only when needed

        rule = restriction_violation(prompt, cameo.restrictions)
        if rule:
            Refusal.objects.create(
                cameo=cameo, user=user, rule=RefusalRule.RESTRICTION, detail=rule[:1000], prompt=prompt[:2000]
            )
            raise CameoRestriction(
                f"{cameo.owner.username} does not allow this: “{rule}”", cameo=str(cameo.pk), rule=rule
            )
    return cameos


def appearances_record(*, video, cameo_ids: list[str], inherited_from=None) -> None:
    """Called when a video with cameos is made: each owner reviews it and is told.

    `inherited_from`: the remix parent these likenesses came with (their owners
    see the remix as theirs to audit, and take down, like a direct use).
    """
    for cameo in Cameo.objects.filter(pk__in=cameo_ids):
        someone_else = cameo.owner_id != video.owner_id
        needs_approval = someone_else and cameo.approve_before_publish
        _, created = Appearance.objects.get_or_create(
            cameo=cameo,
            video=video,
            defaults={
                "inherited_from": inherited_from,
                "approval": ApprovalState.PENDING if needs_approval else ApprovalState.NOT_NEEDED,
            },
        )
        if created and someone_else:
            payload = {
                "cameo": str(cameo.pk),
                "video": str(video.pk),
                "by": video.owner.username,
                "needs_approval": needs_approval,
            }
            publish_on_commit(cameo.owner_id, "cameo.used", payload)
            kind = NotificationKind.CAMEO_APPROVAL_REQUESTED if needs_approval else NotificationKind.CAMEO_USED
            notify(recipient=cameo.owner_id, kind=kind, actor=video.owner_id, video=video, data=payload)


def appearance_decide(*, owner: User, cameo_id, video_id, approve: bool, message: str = "") -> Appearance:
    """The cameo's owner approves or declines a video that waits for them; its creator is told.

    Approved: the creator may publish (once every cameo in it is approved). Declined:
    the video can be neither published nor remixed; it stays a draft its creator can delete.
    """
    with transaction.atomic():
        appearance = selectors.appearance_owned_get(owner=owner, cameo_id=cameo_id, video_id=video_id)
        appearance = Appearance.objects.select_for_update().select_related("cameo", "video").get(pk=appearance.pk)
        if appearance.approval != ApprovalState.PENDING:
            raise NotPending()
        appearance.approval = ApprovalState.APPROVED if approve else ApprovalState.DECLINED
        appearance.decided_at = timezone.now()
        appearance.decision_message = message
        appearance.save(update_fields=["approval", "decided_at", "decision_message"])
        notify(
            recipient=appearance.video.owner_id,
            kind=NotificationKind.CAMEO_APPROVED if approve else NotificationKind.CAMEO_DECLINED,
            actor=owner,
            data={
                "video": str(appearance.video_id),
                "cameo": str(appearance.cameo_id),
                "cameo_name": appearance.cameo.name,
                "message": message,
            },
        )
    return appearance
