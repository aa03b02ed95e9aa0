"""Reports, review cases, decisions, strikes and appeals.

A report lands in the one open case for its target (so reviewers see every
report about a thing together); a report by the owner of a cameo in the video,
or about a teen, puts the case at the front. Every decision is a new
`Decision` row (who, when, why) and tells the affected user through
`moderation.decision`. Three active strikes suspend an account; an appeal
goes to a different reviewer and can restore the video and the strike.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import Message, User
from accounts.notifications import notify
from accounts.selectors import user_visible_get
from accounts.services import message_remove
from cameos.models import Appearance, Cameo
from cameos.selectors import cameos_available_to
from cameos.services import cameo_restrict_to_owner, cameo_revoke
from sora_social.errors import Conflict, Forbidden, Invalid, NotFound
from sora_social.events import publish_on_commit
from sora_social.ids import is_uuid
from sora_social.limits import user_write_allow
from videos.models import Video
from videos.selectors import video_visible_get
from videos.services import video_remove, video_restore

from . import phash
from .models import (
    CASE_ACTIONS,
    Action,
    Appeal,
    AppealStatus,
    CaseStatus,
    Decision,
    Priority,
    RemovedHash,
    Report,
    ReviewCase,
    Strike,
    TargetType,
)

STRIKES_TO_SUSPEND = 3


# --- kinds of target the apps above plug in ------------------------------------------


@dataclass(frozen=True)
class TargetKind:
    """A kind of reported thing that an app above moderation owns (the feed's comments),
    registered when Django starts. Videos, people, cameos and messages are known here."""

    resolve: Callable  # (reporter, target_id) -> (context video, subject, urgent?); NotFound if not theirs to see
    load: Callable  # (target_id) -> the object, or None when it is gone
    remove: Callable  # (object) -> the evidence kept with the decision (its text)


_KINDS: dict[str, TargetKind] = {}


def register_target(kind: str, *, resolve: Callable, load: Callable, remove: Callable) -> None:
    _KINDS[kind] = TargetKind(resolve=resolve, load=load, remove=remove)


# --- reports --------------------------------------------------------------------


def _resolve_target(*, reporter: User, target_type: str, target_id: str):
    """(video, subject user, urgent?) for a target the reporter can see; else 404."""
    if target_type == TargetType.VIDEO:
        video = video_visible_get(viewer=reporter, video_id=target_id)
        cameo_owner = Appearance.objects.filter(video=video, cameo__owner=reporter).exists()
        return video, video.owner, cameo_owner or video.owner.is_teen
    if target_type == TargetType.USER:
        user = user_visible_get(viewer=reporter, username=target_id)
        return None, user, user.is_teen
    if target_type == TargetType.CAMEO:
        cameo = cameos_available_to(reporter).filter(pk=target_id).first() if is_uuid(target_id) else None
        if cameo is None:
            raise NotFound("No such cameo.", code="cameo_not_found")
        return None, cameo.owner, cameo.owner.is_teen
    if target_type in _KINDS:
        return _KINDS[target_type].resolve(reporter, target_id)
    if target_type == TargetType.MESSAGE:
        message = _received_message(reporter, target_id)
        return None, message.sender, message.sender.is_teen or reporter.is_teen
    raise NotFound()


def _received_message(reporter: User, message_id: str):
    """A direct message is private: only the person it was sent to may report it."""
    message = (
        Message.objects.filter(pk=message_id, recipient=reporter, removed_at__isnull=True)
        .select_related("sender")
        .first()
        if is_uuid(message_id)
        else None
    )
    if message is None:
        raise NotFound("No such message sent to you.", code="message_not_found")
    return message


def report_create(*, reporter: User, target_type: str, target_id: str, reason: str, details: str = "") -> Report:
    video, subject, urgent = _resolve_target(reporter=reporter, target_type=target_type, target_id=target_id)
    priority = Priority.URGENT if urgent else Priority.NORMAL
    with transaction.atomic():
        case = (
            ReviewCase.objects.select_for_update()
            .filter(target_type=target_type, target_id=str(target_id), status=CaseStatus.OPEN)
            .first()
        )
        # One report per person per open case: fifty reports by one account weigh as one.
        if case is not None and case.reports.filter(reporter=reporter).exists():
            raise Conflict("You already reported this; it is waiting for review.", code="already_reported")
        user_write_allow(user=reporter, kind="report")
        if case is None:
            case = ReviewCase.objects.create(
                target_type=target_type,
                target_id=str(target_id),
                video=video,
                subject=subject,
                category=reason,
                priority=priority,
            )
        elif priority < case.priority:
            case.priority = priority
            case.save(update_fields=["priority"])
        return Report.objects.create(case=case, reporter=reporter, reason=reason, details=details, priority=priority)


# --- decisions --------------------------------------------------------------------


def _tell(user: User, decision: Decision, **data) -> None:
    payload = {
        "decision": str(decision.pk),
        "action": decision.action,
        "reason": decision.reason,
        "target_type": decision.target_type or None,
        "target_id": decision.target_id or None,
        "video": str(decision.video_id) if decision.video_id else None,
        **data,
    }
    publish_on_commit(user.pk, "moderation.decision", payload)
    notify(recipient=user, kind="moderation_decision", data=payload)


def _remove_video(video) -> None:
    video_remove(video=video)
    RemovedHash.objects.bulk_create([RemovedHash(video=video, hash=h) for h in (video.frame_hashes or [])])


def _suspend(user: User) -> None:
    User.objects.filter(pk=user.pk).update(is_active=False)


def case_target(case: ReviewCase):
    """The object the case is about, found from its target (never from its context video)."""
    if case.target_type == TargetType.VIDEO:
        return Video.objects.filter(pk=case.target_id).first() if is_uuid(case.target_id) else None
    if case.target_type in _KINDS:
        return _KINDS[case.target_type].load(case.target_id) if is_uuid(case.target_id) else None
    if case.target_type == TargetType.CAMEO:
        return Cameo.objects.filter(pk=case.target_id).first() if is_uuid(case.target_id) else None
    if case.target_type == TargetType.MESSAGE:
        found = Message.objects.filter(pk=case.target_id) if is_uuid(case.target_id) else Message.objects.none()
        return found.select_related("sender", "recipient").first()
    return case.subject


def _remove_target(case: ReviewCase, target) -> str:
    """Take the case's own target down; returns the evidence kept with the decision."""
    if case.target_type == TargetType.VIDEO:
        _remove_video(target)
        return target.prompt
    if case.target_type in _KINDS:
        return _KINDS[case.target_type].remove(target)
    if case.target_type == TargetType.CAMEO:
        cameo_revoke(owner=target.owner, cameo_id=target.pk)
        return f"cameo {target.name!r}"
    if case.target_type == TargetType.MESSAGE:
        if message_remove(message_id=target.pk):
            # Both open conversations drop it at once; a client that was offline reads the thread without it.
            gone = {"id": str(target.pk)}
            for person in (target.sender_id, target.recipient_id):
                publish_on_commit(person, "message.removed", gone)
        return target.text
    raise Invalid("This case has nothing to remove.", code="action_not_for_target")


def _restrict_cameo(cameo) -> str:
    """Nobody but its owner may use the cameo any more; videos already made keep their record."""
    cameo_restrict_to_owner(cameo=cameo)
    return f"cameo {cameo.name!r} (was {cameo.permission})"


def case_actions(case: ReviewCase) -> dict[str, str]:
    """The decisions that fit this case's target, as {action: the words a reviewer sees}."""
    return CASE_ACTIONS.get(case.target_type, {Action.DISMISS: "Dismiss"})


def may_decide(reviewer: User, case: ReviewCase) -> bool:
    """An escalated case is for senior reviewers only."""
    return case.escalated_at is None or reviewer.has_perm("moderation.decide_escalated")


def case_decide(*, case: ReviewCase, reviewer: User, action: str, reason: str) -> Decision:
    if not reason.strip():
        raise Invalid("Say why: the reason is kept with the decision and shown to the user.", code="reason_required")
    if action not in case_actions(case):
        raise Invalid(f"“{action}” does not fit a {case.target_type} case.", code="action_not_for_target")
    with transaction.atomic():
        case = ReviewCase.objects.select_for_update().get(pk=case.pk)
        if case.status != CaseStatus.OPEN:
            raise Conflict("This case was already decided.", code="already_decided")
        if not may_decide(reviewer, case):
            raise Forbidden("This case was escalated: a senior reviewer decides it.", code="senior_only")
        if action == Action.ESCALATE and case.escalated_at is not None:
            raise Conflict("This case is already with senior review.", code="already_escalated")
        subject = case.subject
        target = case_target(case)
        removes = action in (Action.REMOVE, Action.REMOVE_STRIKE)
        if (removes or action == Action.RESTRICT) and target is None:
            raise Conflict("The reported item no longer exists.", code="target_gone")
        evidence = _remove_target(case, target) if removes else ""
        if action == Action.RESTRICT:
            evidence = _restrict_cameo(target)
        decision = Decision.objects.create(
            case=case,
            reviewer=reviewer,
            action=action,
            reason=reason,
            subject=subject,
            video=target if case.target_type == TargetType.VIDEO and target is not None else None,
            target_type=case.target_type,
            target_id=case.target_id,
            evidence=evidence,
        )
        if action == Action.ESCALATE:
            # Handed to senior reviewers: the case stays open, goes to the top of the queue,
            # and nobody outside review is told (the decision keeps who escalated and why).
            case.escalated_at = timezone.now()
            case.priority = Priority.URGENT
            case.save(update_fields=["escalated_at", "priority"])
            return decision
        if action == Action.REMOVE_STRIKE and subject is not None:
            Strike.objects.create(user=subject, decision=decision)
            if Strike.objects.filter(user=subject, revoked_at__isnull=True).count() >= STRIKES_TO_SUSPEND:
                _suspend(subject)
        if action == Action.SUSPEND and subject is not None:
            _suspend(subject)
        case.status = CaseStatus.DECIDED
        case.note = reason
        case.decided_at = timezone.now()
        case.save(update_fields=["status", "note", "decided_at"])
        if subject is not None and action != Action.DISMISS:
            _tell(subject, decision)
    return decision


# --- appeals ----------------------------------------------------------------------


def appeal_create(*, user: User, video_id: str, text: str) -> Appeal:
    decision = (
        Decision.objects.filter(video_id=video_id, subject=user, action__in=[Action.REMOVE, Action.REMOVE_STRIKE])
        .order_by("-created_at")
        .first()
        if is_uuid(video_id)
        else None
    )
    if decision is None:
        raise NotFound("No removal of yours to appeal for that video.", code="nothing_to_appeal")
    if Appeal.objects.filter(original=decision).exists():
        raise Conflict("You already appealed this decision.", code="already_appealed")
    return Appeal.objects.create(user=user, video_id=video_id, original=decision, text=text)


def appeal_decide(*, appeal: Appeal, reviewer: User, uphold: bool, reason: str) -> Decision:
    """Uphold: restore the video and revoke the strike. Always by another reviewer."""
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("original", "video", "user").get(pk=appeal.pk)
        if appeal.status != AppealStatus.PENDING:
            raise Conflict("This appeal was already decided.", code="already_decided")
        if appeal.original.reviewer_id == reviewer.pk:
            raise Forbidden("An appeal goes to a different reviewer than the one who decided.", code="same_reviewer")
        decision = Decision.objects.create(
            appeal=appeal,
            reviewer=reviewer,
            action=Action.RESTORE if uphold else Action.DISMISS,
            reason=reason,
            subject=appeal.user,
            video=appeal.video,
        )
        if uphold:
            video_restore(video=appeal.video)
            RemovedHash.objects.filter(video=appeal.video).delete()
            Strike.objects.filter(decision=appeal.original, revoked_at__isnull=True).update(revoked_at=timezone.now())
            active = Strike.objects.filter(user=appeal.user, revoked_at__isnull=True).count()
            suspended_by_strikes = not appeal.user.is_active and appeal.original.action == Action.REMOVE_STRIKE
            if suspended_by_strikes and active < STRIKES_TO_SUSPEND:
                User.objects.filter(pk=appeal.user_id).update(is_active=True)
        appeal.status = AppealStatus.UPHELD if uphold else AppealStatus.DENIED
        appeal.note = reason
        appeal.decided_at = timezone.now()
        appeal.save(update_fields=["status", "note", "decided_at"])
        _tell(appeal.user, decision, appeal=str(appeal.pk))
    return decision


# --- output checks ----------------------------------------------------------------------


def matches_removed_frame(image) -> bool:
    """Is a still picture (H, W, 3) any sampled frame of a video that moderators removed?"""
    value = phash.dhash(image)
    values = RemovedHash.objects.values_list("hash", flat=True)
    return any(phash.hamming(value, removed) <= phash.MATCH_DISTANCE for removed in values)


def matches_removed_video(hashes: list[int]) -> bool:
    """Does a new render look like a video that moderators removed?"""
    if not hashes:
        return False
    by_video: dict = {}
    for video_id, value in RemovedHash.objects.order_by("pk").values_list("video_id", "hash"):
        by_video.setdefault(video_id, []).append(value)
    return any(phash.matches(hashes, removed) for removed in by_video.values())
