"""The shape of a parsed steering instruction, shared by every parser backend."""

from __future__ import annotations

from ..topics import TOPICS

SOURCES = ("everything", "following_heavy", "following_only")
OBJECTIVES = ("default", "remixable", "fresh", "calm")
MAX_TOPICS = 6
NOTES_MAX = 200

JSON_SCHEMA = {
    "type": "object",
    "required": ["boost", "avoid", "sources", "objective", "notes"],
    "additionalProperties": False,
    "properties": {
        "boost": {"type": "array", "items": {"enum": list(TOPICS)}, "maxItems": MAX_TOPICS, "uniqueItems": True},
        "avoid": {"type": "array", "items": {"enum": list(TOPICS)}, "maxItems": MAX_TOPICS, "uniqueItems": True},
        "sources": {"enum": list(SOURCES)},
        "objective": {"enum": list(OBJECTIVES)},
        "notes": {"type": "string", "maxLength": NOTES_MAX},
    },
}


def empty() -> dict:
    return {"boost": [], "avoid": [], "sources": "everything", "objective": "default", "notes": ""}


def validate(parsed: dict) -> dict:
    """Raise ValueError unless `parsed` matches JSON_SCHEMA; returns it unchanged."""
    if not isinstance(parsed, dict) or set(parsed) != set(JSON_SCHEMA["required"]):
        raise ValueError("parsed steering must have exactly boost, avoid, sources, objective, notes")
    for key in ("boost", "avoid"):
        items = parsed[key]
        if not isinstance(items, list) or len(items) > MAX_TOPICS or len(set(items)) != len(items):
            raise ValueError(f"{key} must be a list of at most {MAX_TOPICS} distinct topics")
        if any(item not in TOPICS for item in items):
            raise ValueError(f"{key} has a topic outside the taxonomy")
    if set(parsed["boost"]) & set(parsed["avoid"]):
        raise ValueError("a topic cannot be boosted and avoided")
    if parsed["sources"] not in SOURCES or parsed["objective"] not in OBJECTIVES:
        raise ValueError("sources or objective out of range")
    if not isinstance(parsed["notes"], str) or len(parsed["notes"]) > NOTES_MAX:
        raise ValueError("notes must be a short string")
    return parsed
