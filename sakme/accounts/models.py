from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from sakme.accounts.roles import Capability, Role, role_can


class User(AbstractUser):
    """A member of staff. Territorial posts (which units or region) are held by geo.StaffPost."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.COUNSELLOR)
    preferred_language = models.CharField(_("language"), max_length=8, default="ka")
    # Moved on when an administrator ends the user's sessions: every session signed in before no longer verifies.
    session_generation = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def can(self, capability: Capability) -> bool:
        return bool(self.is_active and role_can(self.role, capability))

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        # Django ends a session whose stored hash no longer matches (as after a password change); the generation is
        # part of the hash once sessions were ended, so generation 0 keeps the hashes of sessions signed in before.
        if not self.session_generation:
            return super()._get_session_auth_hash(secret=secret)  # type: ignore[misc]
        key_salt = "sakme.accounts.User.session_generation"
        return salted_hmac(key_salt, f"{self.password}:{self.session_generation}", secret=secret,
                           algorithm="sha256").hexdigest()


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the token is shown once, when created. It works until it
    expires or is revoked (`sakme.accounts.tokens`)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        indexes = [models.Index(fields=["user", "-created_at"], name="apitoken_user_created")]

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    @property
    def is_live(self) -> bool:
        """Neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > timezone.now()

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "sk_" + secrets.token_urlsafe(32)
