from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from sakme.accounts.middleware import otp_required
from sakme.accounts.tokens import api_token_user


class VerifiedSession(SessionAuth):
    """The signed-in session of the pages, once its second factor is passed where the role must use one (as the
    pages ask): a password alone opens no personal data through the API either."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is None:
            return None
        verified = getattr(user, "is_verified", lambda: False)()  # set by django_otp's middleware
        return user if verified or not otp_required(user) else None


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sk_...` with a live token (made on the "API tokens" page, through `/api/v1/tokens` or
    by `sakme token create`): an unknown, expired or revoked one is 401 `not_authenticated`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = api_token_user(token)
        if found is None:
            return None
        request.user, request.api_token = found  # type: ignore[attr-defined]
        return request.user


# The token first: a request that carries one is the token's, and is not a browser's session write that needs a
# CSRF token (the session's check runs only when no token came).
AUTH = [TokenAuth(), VerifiedSession()]
