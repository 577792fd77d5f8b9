from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, django_auth

from sakme.accounts.models import ApiToken


class TokenAuth(HttpBearer):
    """`Authorization: Bearer sk_...` with a token created by `sakme token create`."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        record = ApiToken.objects.select_related("user").filter(digest=ApiToken.hash(token)).first()
        if record is None or not record.user.is_active:
            return None
        ApiToken.objects.filter(pk=record.pk).update(last_used_at=timezone.now())
        request.user = record.user
        return record.user


AUTH = [django_auth, TokenAuth()]
