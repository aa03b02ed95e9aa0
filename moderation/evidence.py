"""What a reviewer needs on one screen to decide a case (reads only).

Gathered per case kind: the reported thing in its context, where it came
from (provenance, the remix parent), what the prompt policy thinks of its
text, why the case is urgent, the account's recent content and record, and
how reliable the reporters have been.
"""

from __future__ import annotations

from django.db.models import Count, Q

from accounts.models import Message, User
from cameos.models import Appearance
from sora_social.media import signed_url
from videos.models import Video, VideoState

from . import review
from .models import Action, Decision, Report, ReviewCase, Strike, TargetType
from .services import conversation_verdict, prompt_verdict

RECENT = 5
UPHELD = [Action.REMOVE, Action.REMOVE_STRIKE, Action.SUSPEND]


def _media(video: Video | None, reviewer: User) -> dict | None:
    if video is None or not video.file:
        return None
    return {
        "video": video,
        "url": signed_url(video.file, guard=("review", video.pk), viewer=reviewer),
        "thumbnail": signed_url(video.thumbnail, guard=("review", video.pk), viewer=reviewer)
        if video.thumbnail
        else None,
        "seed": video.seed,
    }


def policy_scores(text: str, *, said: bool = False) -> list[tuple[str, float]]:
    """The policy's categories for the text, highest first: the conversation policy's for what
    someone `said` (a comment, a message), the prompt policy's for a video's prompt."""
    if not text.strip():
        return []
    verdict = conversation_verdict(text=text) if said else prompt_verdict(text=text)
    return sorted(verdict.scores.items(), key=lambda item: -item[1])[:5]


def urgency_reasons(case: ReviewCase) -> list[str]:
    """Which urgency rule fired, in words (empty for a normal case)."""
    reasons = []
    if case.subject is not None and case.subject.is_teen:
        reasons.append("the account is a teen's")
    if case.video_id:
        owners = set(Appearance.objects.filter(video_id=case.video_id).values_list("cameo__owner_id", flat=True))
        if case.reports.filter(reporter_id__in=owners).exists():
            reasons.append("reported by someone whose cameo is in the video")
    return reasons


def reporters_record(case: ReviewCase) -> list[dict]:
    """Each reporter on this case: how many reports they made, and how many were upheld."""
    reporter_ids = list(case.reports.values_list("reporter_id", flat=True).distinct())
    rows = (
        Report.objects.filter(reporter_id__in=reporter_ids)
        .values("reporter__username")
        .annotate(
            made=Count("case", distinct=True),
            upheld=Count("case", filter=Q(case__decisions__action__in=UPHELD), distinct=True),
        )
    )
    return sorted(rows, key=lambda row: row["reporter__username"])


def account_record(subject: User | None) -> dict:
    if subject is None:
        return {}
    return {
        "user": subject,
        "strikes": Strike.objects.filter(user=subject, revoked_at__isnull=True).count(),
        "videos_removed": Video.objects.filter(owner=subject, state=VideoState.REMOVED).count(),
        "recent_videos": list(Video.objects.filter(owner=subject).order_by("-created_at")[:RECENT]),
        "recent_comments": list(subject.comments.select_related("video").order_by("-created_at")[:RECENT]),
        "recent_messages": list(
            Message.objects.filter(sender=subject).select_related("recipient").order_by("-created_at")[:RECENT]
        ),
        "decisions": list(
            Decision.objects.filter(subject=subject).select_related("reviewer").order_by("-created_at")[:20]
        ),
    }


THREAD_BEFORE, THREAD_AFTER = 5, 2


def message_thread(message: Message) -> list[Message]:
    """The reported message with the few around it in the same two-person thread, oldest first.

    Direct messages are private: a reviewer sees the reported one in its context, no more."""
    pair = Q(sender=message.sender_id, recipient=message.recipient_id) | Q(
        sender=message.recipient_id, recipient=message.sender_id
    )
    thread = Message.objects.filter(pair).select_related("sender")
    before = thread.filter(created_at__lt=message.created_at).order_by("-created_at")[:THREAD_BEFORE]
    after = thread.filter(created_at__gt=message.created_at).order_by("created_at")[:THREAD_AFTER]
    return [*reversed(list(before)), message, *after]


def case_evidence(case: ReviewCase, *, reviewer: User) -> dict:
    target = review.case_target(case)
    comment = target if case.target_type == TargetType.COMMENT else None
    message = target if case.target_type == TargetType.MESSAGE else None
    video = case.video
    parent = video.remix_of if video is not None else None
    lineage = []
    while parent is not None and len(lineage) < 20:
        lineage.append(parent)
        parent = parent.remix_of
    text = next((t.text for t in (comment, message) if t is not None), video.prompt if video is not None else "")
    decided = case.decisions.select_related("reviewer").order_by("-created_at").first()
    return {
        "case_comment": comment,
        "case_message": message,
        "case_thread": message_thread(message) if message is not None else [],
        "case_media": _media(video, reviewer),
        "case_video": video,
        "case_parent": _media(video.remix_of, reviewer) if video is not None and video.remix_of_id else None,
        "case_cameos": list(video.appearances.select_related("cameo", "cameo__owner", "inherited_from"))
        if video is not None
        else [],
        "case_lineage": lineage,
        "case_scores": policy_scores(text, said=comment is not None or message is not None),
        "case_urgency": urgency_reasons(case),
        "case_reporters": reporters_record(case),
        "case_account": account_record(case.subject),
        "case_user_kind": case.target_type == TargetType.USER,
        "case_decision": decided,
        "case_actions": review.case_actions(case),
    }
