"""Throttles for the endpoints that guess passwords or mint accounts.

Two rules, both in the shared cache so every web process counts together:

- per client address, for register, token, refresh and the admin login
  (`SORA_AUTH_THROTTLE_RATE`);
- per username, failed logins only, for the API token and the admin login
  (`SORA_LOGIN_FAILURE_RATE`): rotating addresses does not buy more guesses
  at one account. A locked name unlocks by itself when the window ends.

The client address is the socket peer unless the deployment says how many
proxies it runs behind (`SORA_TRUSTED_PROXIES`): then it is the entry that
many hops from the right of `X-Forwarded-For`, the one our own outermost
proxy wrote. Anything further left was written by the client and is ignored.

Counters are fixed windows kept with an atomic add-then-increment, so
parallel requests cannot all read "under the limit" (a read-modify-write
history list lets a burst of concurrent guesses through). When the cache is
down the auth throttles fail closed: 503 `unavailable` with `Retry-After`,
never an unthrottled login.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError
from rest_framework.throttling import BaseThrottle

from .errors import Unavailable

CACHE_ERRORS = (ConnectionInterrupted, RedisError, OSError)
PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
CACHE_DOWN_RETRY_AFTER = 5


def client_address(request) -> str:
    """The address of the client, as far as this deployment can know it."""
    remote = request.META.get("REMOTE_ADDR") or ""
    hops = settings.SORA_TRUSTED_PROXIES
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR")
    if hops <= 0 or not forwarded:
        return remote
    entries = [part.strip() for part in forwarded.split(",") if part.strip()]
    if not entries:
        return remote
    return entries[-min(hops, len(entries))]


def parse_rate(rate: str) -> tuple[int, int]:
    """ "20/min" -> (20, 60). Periods: s, m(in), h(our), d(ay)."""
    count, period = rate.split("/")
    return int(count), PERIODS[period.strip()[0]]


class Window:
    """A fixed-window counter in the cache: `hit` counts, `full` only looks."""

    def __init__(self, scope: str, ident: str, rate: str):
        self.limit, self.duration = parse_rate(rate)
        self.now = time.time()
        window = int(self.now // self.duration)
        digest = hashlib.sha256(ident.encode()).hexdigest()[:32]
        self.key = f"throttle:{scope}:{digest}:{window}"
        self.ends_at = (window + 1) * self.duration

    def wait(self) -> int:
        return max(1, int(self.ends_at - self.now + 0.999))

    def hit(self) -> bool:
        """Count one request; True while within the limit."""
        try:
            cache.add(self.key, 0, self.duration + 5)
            return cache.incr(self.key) <= self.limit
        except ValueError:  # the key expired between add and incr: a new window
            cache.set(self.key, 1, self.duration + 5)
            return True
        except CACHE_ERRORS:
            raise _cache_down()

    def full(self) -> bool:
        try:
            return (cache.get(self.key) or 0) >= self.limit
        except CACHE_ERRORS:
            raise _cache_down()


def _cache_down(what: str = "Sign-in") -> Unavailable:
    return Unavailable(
        f"{what} is briefly unavailable; try again shortly.", code="unavailable", retry_after=CACHE_DOWN_RETRY_AFTER
    )


def username_of(request) -> str | None:
    data = getattr(request, "data", None)
    if data is None:
        data = request.POST
    username = data.get("username") if hasattr(data, "get") else None
    if not isinstance(username, str) or not username.strip():
        return None
    return username.strip().casefold()


def address_window(request) -> Window:
    return Window("auth", client_address(request), settings.SORA_AUTH_THROTTLE_RATE)


def login_failures_window(username: str) -> Window:
    return Window("login_failures", username, settings.SORA_LOGIN_FAILURE_RATE)


class AuthRateThrottle(BaseThrottle):
    """Per client address, shared by register, token and refresh (and the admin login).

    Rates are read from settings on every request (not frozen at import as
    DRF's own throttles do) so deployments and tests can change them.
    """

    def allow_request(self, request, view):
        self.window = address_window(request)
        return self.window.hit()

    def wait(self):
        return self.window.wait()


class LoginFailureThrottle(BaseThrottle):
    """Refuses a username whose failed logins filled the window; the view records failures."""

    def allow_request(self, request, view):
        username = username_of(request)
        if username is None:
            return True  # the serializer answers 400 for a missing username
        self.window = login_failures_window(username)
        return not self.window.full()

    def wait(self):
        return self.window.wait()


class VerifyRateThrottle(BaseThrottle):
    """Per client address, for the public clip check (`SORA_VERIFY_RATE`): each check decodes
    and searches a video, so anonymous callers get a small, shared allowance. Fails closed."""

    def allow_request(self, request, view):
        self.window = Window("verify", client_address(request), settings.SORA_VERIFY_RATE)
        try:
            return self.window.hit()
        except Unavailable:
            raise _cache_down("Checking clips") from None

    def wait(self):
        return self.window.wait()


def login_failed(username: str | None) -> None:
    """Count a failed login against the username (whatever address it came from)."""
    if username:
        login_failures_window(username).hit()
