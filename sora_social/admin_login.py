"""The admin's sign-in page behind the same throttles as the API's token endpoint.

Reviewers' accounts can decide cases and suspend users: their password is
worth guessing. Django's admin login has no throttle of its own, so this view
counts attempts per client address and failed attempts per username before
handing the request to the admin's own login view.
"""

from django.contrib import admin
from django.http import HttpResponse

from .errors import Unavailable
from .throttling import address_window, login_failed, login_failures_window, username_of


def _refuse(status: int, wait: int, text: str) -> HttpResponse:
    response = HttpResponse(text, status=status, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(wait)
    return response


def admin_login(request, extra_context=None):
    username = username_of(request) if request.method == "POST" else None
    if request.method == "POST":
        try:
            window = address_window(request)
            if not window.hit():
                return _refuse(429, window.wait(), f"Too many sign-in attempts. Try again in {window.wait()} s.")
            if username and (failures := login_failures_window(username)).full():
                return _refuse(
                    429,
                    failures.wait(),
                    f"Too many failed sign-ins for this account. Try again in {failures.wait()} s.",
                )
        except Unavailable as exc:
            return _refuse(503, exc.retry_after, "Sign-in is briefly unavailable; try again shortly.")
    response = admin.site.login(request, extra_context)
    if request.method == "POST" and response.status_code == 200:  # the form came back: a failed sign-in
        try:
            login_failed(username)
        except Unavailable:
            pass  # the refusal above already failed closed; the form answer stands
    return response
