"""Every page needs a signed-in user; roles that must use two-factor authentication must have used it."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

PUBLIC_PREFIXES = ("/accounts/login/", "/i18n/", "/static/", "/api/", "/health")
OTP_FREE_PREFIXES = ("/accounts/otp/", "/accounts/logout/")


def otp_required(user: object) -> bool:
    """Whether this user's role must pass a second factor (relaxed in the demo, which says so)."""
    return not settings.DEMO and getattr(user, "role", None) in settings.SAKME_OTP_REQUIRED_ROLES


class RequireLoginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if not path.startswith(PUBLIC_PREFIXES):
            user = request.user
            if not user.is_authenticated:
                return redirect(f"{settings.LOGIN_URL and '/accounts/login/'}?next={path}")
            verified = getattr(user, "is_verified", lambda: False)()  # set by django_otp's middleware
            if otp_required(user) and not verified and not path.startswith(OTP_FREE_PREFIXES):
                return redirect("accounts:otp_setup")
        return self.get_response(request)
