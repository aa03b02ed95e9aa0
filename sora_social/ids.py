"""Ids are opaque strings to clients; ours are UUIDs. A malformed one simply finds nothing."""

import uuid


def is_uuid(value) -> bool:
    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False
