"""Shared OpenAPI pieces so every endpoint documents its request and error bodies."""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text="Stable machine-readable code, e.g. `not_found`.")
    detail = serializers.CharField(help_text="Human-readable explanation.")
    fields = serializers.DictField(
        required=False,
        child=serializers.JSONField(),
        help_text="Per-field messages (validation errors only).",
    )
    retry_after = serializers.IntegerField(required=False, help_text="Seconds to wait (429 and 503), as in the Retry-After header.")


_TEXT = {
    400: "Malformed or invalid input.",
    401: "Missing, invalid or expired access token.",
    403: "Not allowed.",
    404: "Not found, or not visible to the caller.",
    409: "State conflict.",
    413: "Upload too large.",
    415: "Unsupported media type.",
    422: "Refused by policy.",
    429: "Limit reached; see the Retry-After header.",
    503: "A dependency is down.",
}


def errors(*codes: int, **overrides: str) -> dict:
    """`@extend_schema(responses={200: X, **errors(400, 404)})`; 401 is added for you.

    An override names a status as `e403="too_young: under 13"`.
    """
    wanted = set(codes) | {401}
    out = {}
    for code in sorted(wanted):
        text = overrides.get(f"e{code}", _TEXT.get(code, "Error."))
        out[code] = OpenApiResponse(ErrorSerializer, description=text)
    return out


def public_errors(*codes: int, **overrides: str) -> dict:
    """Like `errors` for endpoints that anonymous callers may use (no 401)."""
    out = errors(*codes, **overrides)
    if 401 not in codes:
        out.pop(401)
    return out


__all__ = ["ErrorSerializer", "errors", "page_of", "public_errors", "OpenApiExample", "inline_serializer"]


_pages: dict[str, type] = {}


def page_of(serializer_class: type[serializers.Serializer]) -> type[serializers.Serializer]:
    """The documented body of a cursor page of `serializer_class`: `{results, next}`."""
    name = f"{serializer_class.__name__.removesuffix('Out')}Page"
    if name not in _pages:
        _pages[name] = type(
            name,
            (serializers.Serializer,),
            {
                "results": serializer_class(many=True),
                "next": serializers.CharField(
                    allow_null=True, help_text="Cursor of the next page (pass as ?cursor=), or null."
                ),
            },
        )
    return _pages[name]
