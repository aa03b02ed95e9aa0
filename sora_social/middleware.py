"""Every error outside the admin leaves in the error shape, whoever produced it.

DRF views render their own errors through `errors.exception_handler`; the
rest (Django's CSRF check, `require_GET` on plain views, the request parser
refusing a body before any view runs) answer with HTML or an empty body.
This middleware sits outermost and rewrites such answers into
`{"error", "detail"}` JSON, keeping the status and headers like `Allow`.
The admin is for people in a browser and keeps Django's pages.
"""

from django.conf import settings
from django.http import JsonResponse
from django.views.csrf import csrf_failure as django_csrf_failure

CODES = {
    400: ("malformed", "Malformed request."),
    401: ("not_authenticated", "Authentication credentials were not provided."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "Method not allowed here."),
    406: ("not_acceptable", "Cannot answer in the requested format."),
    411: ("length_required", "A Content-Length is required."),
    413: ("too_large", "The request body is too large."),
    415: ("unsupported_media_type", "Unsupported media type."),
    429: ("throttled", "Too many requests."),
    500: ("server_error", "Something went wrong on our side."),
    503: ("unavailable", "A service we depend on is unavailable; try again shortly."),
}
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Vary")


def _is_json(response) -> bool:
    return response.get("Content-Type", "").startswith("application/json")


class JsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = "/admin/"
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or getattr(response, "streaming", False) or _is_json(response):
            return response
        if request.path.startswith((self.admin_prefix, self.static_prefix)):
            return response
        code, detail = CODES.get(response.status_code, ("error", "The request could not be processed."))
        if response.status_code == 403 and getattr(request, "csrf_failed_reason", None):
            code, detail = "csrf_failed", f"CSRF check failed: {request.csrf_failed_reason}"
        rewritten = JsonResponse({"error": code, "detail": detail}, status=response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                rewritten[header] = response[header]
        return rewritten


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: remember why, then let the admin show Django's page or the API JSON."""
    request.csrf_failed_reason = reason
    return django_csrf_failure(request, reason=reason)
