from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from sakme.accounts.middleware import otp_required
from sakme.accounts.models import ApiToken


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
    """`Authorization: Bearer sk_...` with a token created by `sakme token create`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if record is None or not record.user.is_active:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return record.user


# The token first: a request that carries one is the token's, and is not a browser's session write that needs a
# CSRF token (the session's check runs only when no token came).
AUTH = [TokenAuth(), VerifiedSession()]
