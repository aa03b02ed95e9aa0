"""Stored notifications, each also pushed over the event socket.

`notify` is the one way to tell someone something happened; `notifications_for`
never returns one whose actor or video its recipient may not see now.
"""

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from sora_social.events import publish

from .models import Notification, User
from .selectors import blocked_ids_for


def notify(*, recipient, kind: str, actor=None, video=None, data: dict | None = None) -> Notification | None:
    recipient_id = getattr(recipient, "pk", recipient)
    actor_id = getattr(actor, "pk", actor)
    if actor_id is not None and actor_id == recipient_id:
        return None  # nobody needs to hear about their own actions
    notification = Notification.objects.create(
        recipient_id=recipient_id, kind=kind, actor_id=actor_id, video=video, data=data or {}
    )
    transaction.on_commit(lambda: publish(recipient_id, "notification", notification_payload(notification)))
    return notification


def notification_payload(notification: Notification) -> dict:
    return {
        "id": str(notification.pk),
        "kind": notification.kind,
        "actor": notification.actor.username if notification.actor_id else None,
        "video": str(notification.video_id) if notification.video_id else None,
        "data": notification.data,
        "created_at": notification.created_at.isoformat(),
    }


def notifications_for(*, user: User) -> QuerySet:
    from generation.selectors import videos_visible_to

    return (
        Notification.objects.filter(recipient=user)
        .exclude(actor_id__in=blocked_ids_for(user))
        .filter(Q(video__isnull=True) | Q(video__in=videos_visible_to(user).values("pk")))
        .select_related("actor")
    )


def unread_count(*, user: User) -> int:
    return notifications_for(user=user).filter(read_at__isnull=True).count()


def notifications_mark_read(*, user: User, ids: list[str] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
