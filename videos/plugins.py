"""What the apps above `videos` plug in when Django starts.

`videos` is low in the stack: it imports accounts and the core, never an app
above it. Three things about a video's life are decided above it, so those
apps register them here from their `AppConfig.ready` (the way parental
controls register the teen message ceiling with accounts):

- **consent** (cameos): which videos carry a likeness that was taken back
  (shown to nobody but their creator), whose likeness a draft carries (they
  may see it to approve it), and whose cameo a video still carries (they may
  open its media from their list of appearances);
- **publish checks** (cameos): a draft waits for the owner of a cameo in it
  who asked to approve first, and never publishes once they declined;
- **listeners** (feed): after a publish, a new caption or a restore commits,
  and after a removal commits (label, embed and index; or leave the index).

With nothing registered, no video carries a likeness, nothing holds a
publish and nobody listens: `videos` alone is a plain store of videos.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol


class Consent(Protocol):
    """The first two answer as SQL text (`sora_social.sql`): they are part of the visibility
    rule that every list, feed page and media request runs, written once as SQL."""

    def withheld_sql(self) -> str:
        """SQL true for the video whose id is `{video}` when it carries a likeness taken back."""

    def shown_to_sql(self) -> str:
        """SQL true for the video whose id is `{video}` when it carries the likeness (not taken
        down) of the user whose id is its one `%s`: a draft shows to them."""

    def carries_for(self, viewer, video_id) -> bool:
        """Does the video still carry `viewer`'s likeness, not taken down (their appearances list)?"""


_consent: list[Consent] = []
_publish_checks: list[Callable] = []
_published: list[Callable] = []
_removed: list[Callable] = []


def register_consent(consent: Consent) -> None:
    _consent[:] = [consent]  # one consent graph; registering again (tests, reloads) replaces it


def register_publish_check(check: Callable) -> None:
    """`check(video)` raises an ApplicationError to hold a draft back."""
    if check not in _publish_checks:
        _publish_checks.append(check)


def register_listener(*, published: Callable | None = None, removed: Callable | None = None) -> None:
    """`published(video)` after a publish, a new caption or a restore commits; `removed(video)`
    after a removal commits. Both run after the commit, never for a rolled-back change."""
    for listeners, listener in ((_published, published), (_removed, removed)):
        if listener is not None and listener not in listeners:
            listeners.append(listener)


def withheld_sql() -> str:
    return _consent[0].withheld_sql() if _consent else "1 = 0"


def shown_to_sql() -> str:
    """Takes one parameter, the viewer's id, registered or not."""
    return _consent[0].shown_to_sql() if _consent else "%s IS NULL"


def carries_for(viewer, video_id) -> bool:
    return bool(_consent) and _consent[0].carries_for(viewer, video_id)


def publish_checks(video) -> None:
    for check in _publish_checks:
        check(video)


def tell_published(video) -> None:
    for listener in _published:
        listener(video)


def tell_removed(video) -> None:
    for listener in _removed:
        listener(video)
