"""Server-sent events to one user's WebSocket connections, across all web processes.

`publish(user, type, payload)` is the only way events leave the server: every
connection of a user joins the group `user_group(user.pk)` on the channel layer
(Redis when deployed), so any process or worker can reach them.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

log = logging.getLogger(__name__)

EVENT_TYPES = {
    "generation.progress",
    "generation.finished",
    "cameo.used",
    "video.remixed",
    "message",
    "message.removed",
    "parental.changed",
    "moderation.decision",
    "notification",
}


def user_group(user_id) -> str:
    return f"user.{user_id}"


def event_body(type: str, payload: dict[str, Any]) -> dict[str, Any]:
    # Round-trip through JSON so UUIDs, datetimes and decimals arrive as strings
    # on every channel layer (msgpack in Redis would refuse them).
    data = json.loads(json.dumps(payload, cls=DjangoJSONEncoder))
    return {"type": type, "data": data, "at": timezone.now().isoformat()}


def publish(user, type: str, payload: dict[str, Any]) -> None:
    """Send `{"type", "data", "at"}` to every open socket of `user` (a User or a user id).

    Delivery is best effort: a user with no open socket simply misses it, and a
    channel-layer outage is logged, never raised into the caller's transaction.
    """
    if type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {type!r}")
    user_id = getattr(user, "pk", user)
    message = {"type": "event.send", "event": event_body(type, payload)}
    try:
        async_to_sync(get_channel_layer().group_send)(user_group(user_id), message)
    except Exception:
        log.exception("could not publish %s to user %s", type, user_id)
