"""Stored notifications, each also pushed over the event socket.

`notify` is the one way to tell someone something happened. Any app calls it:
it knows nothing above accounts. Reading them back (what the recipient may
still see) is the inbox's (inbox/notifications.py).
"""

from sora_social.events import publish_on_commit

from .models import Notification


def notify(*, recipient, kind: str, actor=None, video=None, data: dict | None = None) -> Notification | None:
    recipient_id = getattr(recipient, "pk", recipient)
    actor_id = getattr(actor, "pk", actor)
    if actor_id is not None and actor_id == recipient_id:
        return None  # nobody needs to hear about their own actions
    notification = Notification.objects.create(
        recipient_id=recipient_id, kind=kind, actor_id=actor_id, video=video, data=data or {}
    )
    publish_on_commit(recipient_id, "notification", notification_payload(notification))
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
