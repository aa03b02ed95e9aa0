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
from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

_ID = {"type": "string"}
_TEXT = {"type": "string"}
_OPTIONAL_ID = {"type": "string", "nullable": True}


def _data(required: dict, optional: dict | None = None, *, open_ended: bool = False, doc: str = "") -> dict:
    """The `data` object of one event type, as an OpenAPI schema."""
    schema = {
        "type": "object",
        "properties": {**required, **(optional or {})},
        "required": sorted(required),
        "additionalProperties": open_ended,
    }
    if doc:
        schema["description"] = doc
    return schema


# Every event type and the shape of its `data`: the WebSocket half of the client contract.
# `publish` refuses a payload that does not fit, and the OpenAPI document carries these
# as the `Event` union (components `<Name>Event`), so a generated client can parse them.
EVENT_SCHEMAS: dict[str, dict] = {
    "generation.progress": _data(
        {"generation": _ID, "step": {"type": "integer"}, "steps": {"type": "integer"}},
        doc="A sampling step of your render.",
    ),
    "generation.finished": _data(
        {"generation": _ID, "status": _TEXT},
        {"video": _ID, "error": _TEXT},
        doc="Your render ended: `video` on success, `error` on failure.",
    ),
    "cameo.used": _data(
        {"cameo": _ID, "video": _ID, "by": _TEXT, "needs_approval": {"type": "boolean"}},
        doc="Someone made a video with your cameo; `needs_approval`: it waits for your decision.",
    ),
    "video.remixed": _data({"video": _ID, "remix": _ID, "by": _TEXT}, doc="Someone remixed your video."),
    "message": _data(
        {"id": _ID, "from": _TEXT, "text": _TEXT, "video": _OPTIONAL_ID, "created_at": _TEXT},
        doc="A direct message to you.",
    ),
    "message.removed": _data({"id": _ID}, doc="Reviewers removed a message in one of your conversations."),
    "notification": _data(
        {
            "id": _ID,
            "kind": _TEXT,
            "actor": _OPTIONAL_ID,
            "video": _OPTIONAL_ID,
            "data": {"type": "object", "additionalProperties": True},
            "created_at": _TEXT,
        },
        doc="Anything that also lands in GET /notifications.",
    ),
    "parental.changed": _data(
        {"change": {"type": "string", "enum": ["link_requested", "link_accepted", "unlinked", "controls"]}},
        {"link": _ID, "parent": _TEXT, "teen": _TEXT, "by": _TEXT},
        open_ended=True,
        doc="A parent link or your controls changed; with `controls`, each changed control and its new value.",
    ),
    "moderation.decision": _data(
        {
            "decision": _ID,
            "action": _TEXT,
            "reason": _TEXT,
            "target_type": _OPTIONAL_ID,
            "target_id": _OPTIONAL_ID,
            "video": _OPTIONAL_ID,
        },
        {"appeal": _ID},
        doc="A reviewer decided about something of yours (`appeal` when it answers your appeal).",
    ),
}
EVENT_TYPES = set(EVENT_SCHEMAS)

_JSON_TYPES = {
    "string": str,
    "integer": int,
    "boolean": bool,
    "object": dict,
}


def payload_problems(type: str, payload: dict[str, Any]) -> list[str]:
    """What is wrong with `payload` as the `data` of a `type` event (empty when it fits)."""
    schema = EVENT_SCHEMAS.get(type)
    if schema is None:
        return [f"unknown event type {type!r}"]
    problems = [f"missing {name!r}" for name in schema["required"] if name not in payload]
    for name, value in payload.items():
        field = schema["properties"].get(name)
        if field is None:
            if not schema["additionalProperties"]:
                problems.append(f"undeclared {name!r}")
            continue
        if value is None:
            if not field.get("nullable"):
                problems.append(f"{name!r} is null")
            continue
        expected = _JSON_TYPES[field["type"]]
        if not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(f"{name!r} is not a {field['type']}")
        elif "enum" in field and value not in field["enum"]:
            problems.append(f"{name!r} is not one of {field['enum']}")
    return problems


def openapi_components() -> dict[str, dict]:
    """`Event` (a union keyed on `type`) and one `<Name>Event` per type, for the OpenAPI document."""
    components, mapping = {}, {}
    for type_, data in EVENT_SCHEMAS.items():
        name = "".join(part.capitalize() for part in type_.replace(".", "_").split("_")) + "Event"
        components[name] = {
            "type": "object",
            "description": data.get("description", ""),
            "properties": {
                "type": {"type": "string", "enum": [type_]},
                "data": {key: value for key, value in data.items() if key != "description"},
                "at": {"type": "string", "format": "date-time"},
            },
            "required": ["type", "data", "at"],
        }
        mapping[type_] = f"#/components/schemas/{name}"
    components["Event"] = {
        "description": "A WebSocket event (ws/events); see docs/api.md for the handshake.",
        "oneOf": [{"$ref": ref} for ref in mapping.values()],
        "discriminator": {"propertyName": "type", "mapping": mapping},
    }
    return components


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
    _refuse_misfit(type, payload)
    _send(user, type, payload)


def _refuse_misfit(type: str, payload: dict[str, Any]) -> None:
    problems = payload_problems(type, payload)
    if problems:
        raise ValueError(f"{type} event does not fit its schema: {'; '.join(problems)}")


def _send(user, type: str, payload: dict[str, Any]) -> None:
    user_id = getattr(user, "pk", user)
    message = {"type": "event.send", "event": event_body(type, payload)}
    try:
        async_to_sync(get_channel_layer().group_send)(user_group(user_id), message)
    except Exception:
        log.exception("could not publish %s to user %s", type, user_id)


def publish_on_commit(user, type: str, payload: dict[str, Any]) -> None:
    """`publish` once the current transaction commits (at once outside one).

    The payload is checked now, where it is built, so a misshapen event fails
    the code that made it rather than a commit hook later."""
    _refuse_misfit(type, payload)
    transaction.on_commit(lambda: _send(user, type, payload))
