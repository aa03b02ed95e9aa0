"""Throttles for the endpoints that guess passwords or mint accounts."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle


class AuthRateThrottle(SimpleRateThrottle):
    """Per client address, shared by register, token and refresh.

    The rate is read from settings on every request (not frozen at import as
    DRF's own throttles do) so deployments and tests can change it.
    """

    scope = "auth"

    def get_rate(self):
        return settings.SORA_AUTH_THROTTLE_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}
