"""How long a signed-in session lasts: SAKME_SESSION_IDLE_MINUTES without a request, SAKME_SESSION_MAX_HOURS after
signing in whatever the activity (a shared office computer left signed in, a stolen cookie).

A session past either limit is signed out on its next request: a page is sent to the sign-in page with a message
saying why (and back to where it was after signing in), an API request gets 401 `session_expired`. The times are
kept in the session itself (seconds since the epoch); the last-seen time is written at most once a minute, so that
a burst of requests does not rewrite the session row each time. API token requests carry no session and are not
concerned (a token expires on its own).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _

STARTED = "sakme_signed_in_at"
SEEN = "sakme_seen_at"
SEEN_GRANULARITY = 60  # seconds: how stale the stored last-seen time may be before it is written again
API_PREFIX = "/api/"


def now() -> int:
    """Seconds since the epoch (a function of its own, so that a test can move the clock)."""
    return int(time.time())


def session_start(request: HttpRequest) -> None:
    """Start the clocks of a session that has just signed in."""
    request.session[STARTED] = request.session[SEEN] = now()


@receiver(user_logged_in)
def _signed_in(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """Every way of signing in (the sign-in page, the admin's, a test's) starts the clocks with the session."""
    if request is not None and hasattr(request, "session"):
        session_start(request)


def session_expiry(request: HttpRequest, at: int) -> str | None:
    """Why the signed-in session of this request has ended at `at` ("idle", "max"), or None while it lasts."""
    session = request.session
    started, seen = session.get(STARTED), session.get(SEEN)
    if not isinstance(started, int) or not isinstance(seen, int):
        return None  # signed in another way (the admin's sign-in, a test's): its clocks start now
    if at - started > settings.SAKME_SESSION_MAX_SECONDS:
        return "max"
    if at - seen > settings.SAKME_SESSION_IDLE_SECONDS:
        return "idle"
    return None


class SessionLimits:
    """Signs out a session past its idle or absolute limit (see the module's docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        session = getattr(request, "session", None)
        if user is None or session is None or not user.is_authenticated or getattr(request, "api_token", None):
            return self.get_response(request)
        at = now()
        reason = session_expiry(request, at)
        if reason is not None:
            return self.expired(request, reason)
        if not isinstance(session.get(STARTED), int):
            session_start(request)
        elif at - session[SEEN] >= SEEN_GRANULARITY:
            session[SEEN] = at
        return self.get_response(request)

    @staticmethod
    def expired(request: HttpRequest, reason: str) -> HttpResponse:
        logout(request)
        if reason == "idle":
            detail = _("You were signed out after %(m)d minutes without activity. Sign in again.") % {
                "m": settings.SAKME_SESSION_IDLE_SECONDS // 60}
        else:
            detail = _("You were signed out: a session lasts at most %(h)d hours after signing in. Sign in again.") % {
                "h": settings.SAKME_SESSION_MAX_SECONDS // 3600}
        if request.path.startswith(API_PREFIX):
            body = {"type": "urn:sakme:problem:session_expired", "title": _("Not signed in"), "status": 401,
                    "code": "session_expired", "detail": detail, "errors": []}
            return HttpResponse(json.dumps(body), status=401, content_type="application/json")
        messages.info(request, detail, extra_tags="session_expired")
        login = reverse("accounts:login")
        target = request.get_full_path() if request.method == "GET" else ""
        url = f"{login}?{urlencode({'next': target})}" if target else login
        if request.headers.get("HX-Request"):
            # htmx would swap the sign-in page into the fragment it asked for: have it load the whole page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
