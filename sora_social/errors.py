"""One application error root and the one DRF exception handler that renders it.

Services raise `ApplicationError` subclasses (or DRF's own exceptions); every
4xx leaves the API as `{"error": code, "detail": text, ...extra}`. Validation
errors keep their per-field messages under `fields`.
"""

from __future__ import annotations

import logging
import sys

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import InterfaceError as DatabaseInterfaceError
from django.db import OperationalError as DatabaseOperationalError
from django.http import Http404, JsonResponse
from django_redis.exceptions import ConnectionInterrupted
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

log = logging.getLogger(__name__)


class ApplicationError(Exception):
    """A refusal a client should see: HTTP status, a stable code, a human detail."""

    status_code = status.HTTP_400_BAD_REQUEST
    code = "bad_request"
    default_detail = "The request could not be processed."

    def __init__(self, detail: str | None = None, *, code: str | None = None, **extra):
        self.detail = detail or self.default_detail
        if code:
            self.code = code
        self.extra = extra
        super().__init__(self.detail)

    def as_body(self) -> dict:
        return {"error": self.code, "detail": self.detail, **self.extra}


class Invalid(ApplicationError):
    status_code = 400
    code = "invalid"


class Forbidden(ApplicationError):
    status_code = 403
    code = "forbidden"
    default_detail = "You are not allowed to do this."


class NotFound(ApplicationError):
    """The object does not exist *or the caller may not see it*: never a 403 hint."""

    status_code = 404
    code = "not_found"
    default_detail = "Not found."


class Conflict(ApplicationError):
    status_code = 409
    code = "conflict"
    default_detail = "The object is not in a state that allows this."


class PolicyRefused(ApplicationError):
    status_code = 422
    code = "refused"
    default_detail = "Refused by policy."


class LimitReached(ApplicationError):
    status_code = 429
    code = "limit_reached"
    default_detail = "Limit reached."

    def __init__(self, detail: str | None = None, *, retry_after: int, code: str | None = None, **extra):
        self.retry_after = max(1, int(retry_after))
        super().__init__(detail, code=code, retry_after=self.retry_after, **extra)


class Unavailable(ApplicationError):
    """A backing service is down: 503 with `Retry-After`, in bounded time, never a 500."""

    status_code = 503
    code = "unavailable"
    default_detail = "A service we depend on is unavailable; try again shortly."

    def __init__(self, detail: str | None = None, *, retry_after: int = 5, code: str | None = None, **extra):
        self.retry_after = max(1, int(retry_after))
        super().__init__(detail, code=code, retry_after=self.retry_after, **extra)


# A backing service (database, cache, broker) that cannot be reached: the
# request is not at fault, so it is a 503 with Retry-After, never a 500.
DEPENDENCY_DOWN = (
    DatabaseOperationalError,
    DatabaseInterfaceError,
    ConnectionInterrupted,
    RedisConnectionError,
    RedisTimeoutError,
    BrokerOperationalError,
)
DEPENDENCY_RETRY_AFTER = 5


def dependency_down(exc: Exception) -> Unavailable:
    log.warning("dependency unavailable: %s: %s", type(exc).__name__, exc)
    return Unavailable(retry_after=DEPENDENCY_RETRY_AFTER)


# DRF exception class -> our stable code.
_DRF_CODES: list[tuple[type, str]] = [
    (exceptions.ValidationError, "invalid"),
    (exceptions.ParseError, "malformed"),
    (exceptions.NotAuthenticated, "not_authenticated"),
    (exceptions.AuthenticationFailed, "authentication_failed"),
    (exceptions.PermissionDenied, "forbidden"),
    (exceptions.NotFound, "not_found"),
    (exceptions.MethodNotAllowed, "method_not_allowed"),
    (exceptions.NotAcceptable, "not_acceptable"),
    (exceptions.UnsupportedMediaType, "unsupported_media_type"),
    (exceptions.Throttled, "throttled"),
]


def _drf_code(exc: exceptions.APIException) -> str:
    for cls, code in _DRF_CODES:
        if isinstance(exc, cls):
            return code
    return exc.default_code


def _flatten(detail) -> str:
    if isinstance(detail, dict):
        for key, value in detail.items():
            text = _flatten(value)
            return text if key in ("non_field_errors", "detail") else f"{key}: {text}"
        return ""
    if isinstance(detail, list):
        return _flatten(detail[0]) if detail else ""
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DEPENDENCY_DOWN):
        exc = dependency_down(exc)
    if isinstance(exc, ApplicationError):
        response = Response(exc.as_body(), status=exc.status_code)
        if isinstance(exc, (LimitReached, Unavailable)):
            response["Retry-After"] = str(exc.retry_after)
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django logs it and answers 500
    code = _drf_code(exc)
    if isinstance(exc, exceptions.ValidationError):
        # simplejwt and DRF both put codes inside; keep field messages for clients.
        body = {"error": code, "detail": _flatten(exc.detail) or "Invalid input."}
        if isinstance(exc.detail, dict):
            body["fields"] = exc.detail
        elif isinstance(exc.detail, list):
            body["fields"] = {"non_field_errors": exc.detail}
    else:
        detail = exc.detail
        if isinstance(detail, dict):  # simplejwt: {"detail": ..., "code": ..., "messages": [...]}
            text = str(detail.get("detail", "")) or _flatten(detail)
            code = str(detail.get("code") or code)
        else:
            text = str(detail)
            specific = getattr(detail, "code", None)
            if specific and specific != exc.default_code and not isinstance(exc, exceptions.Throttled):
                code = str(specific)  # e.g. simplejwt's "no_active_account"
        body = {"error": code, "detail": text}
        if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
            body["retry_after"] = int(max(1, round(exc.wait)))
    response.data = body
    return response


def json_error_view(status_code: int, code: str, detail: str):
    """Django-level handlers (unknown URLs, crashes) answer in the same JSON shape."""

    def view(request, exception=None):
        return JsonResponse({"error": code, "detail": detail}, status=status_code)

    return view


handler400 = json_error_view(400, "malformed", "Malformed request.")
handler403 = json_error_view(403, "forbidden", "You are not allowed to do this.")
handler404 = json_error_view(404, "not_found", "Not found.")
_server_error = json_error_view(500, "server_error", "Something went wrong on our side.")


def handler500(request):
    """Django calls this inside its `except` block: a backing service that is down is a 503, not our bug."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DEPENDENCY_DOWN):
        return unavailable_response(exc)
    return _server_error(request)


def unavailable_response(exc: Exception) -> JsonResponse:
    """The 503 of a plain (non-DRF) view or middleware whose backing service is down."""
    error = dependency_down(exc)
    response = JsonResponse(error.as_body(), status=error.status_code)
    response["Retry-After"] = str(error.retry_after)
    return response
