"""Per-user limits on social writes: comments, reports, follows, messages, parental-link requests, pictures.

One rule for all of them: at most N actions of a kind per user per window
(`SORA_USER_WRITE_RATES`), counted in the shared cache so every web process
counts together. Beyond it a 429 `rate_limited` with `Retry-After` and the
kind of action. These limits keep one account from flooding others
(notifications, a teen's parental-link requests, a reviewer's queue); they
guard nobody's secret, so when the cache is down they let the write through
(fail open) instead of refusing everyone's comments.
"""

from __future__ import annotations

import logging

from django.conf import settings

from .errors import LimitReached, Unavailable
from .throttling import Window

log = logging.getLogger(__name__)

KINDS = ("comment", "report", "follow", "message", "parental_link", "picture")


def user_write_allow(*, user, kind: str) -> None:
    """Count one `kind` write by `user`; raise 429 `rate_limited` past the configured rate."""
    rate = settings.SORA_USER_WRITE_RATES.get(kind)
    if not rate:
        return
    window = Window(f"write:{kind}", str(user.pk), rate)
    try:
        allowed = window.hit()
    except Unavailable:
        log.warning("write limit %s not counted: the cache is unreachable", kind)
        return
    if not allowed:
        raise LimitReached(
            f"Too many {kind.replace('_', ' ')}s for now; try again later.",
            code="rate_limited",
            retry_after=window.wait(),
            kind=kind,
        )
