from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakme.accounts.roles import Capability, Role, role_can


class User(AbstractUser):
    """A member of staff. Territorial posts (which units or region) are held by geo.StaffPost."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.COUNSELLOR)
    preferred_language = models.CharField(_("language"), max_length=8, default="ka")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def can(self, capability: Capability) -> bool:
        return bool(self.is_active and role_can(self.role, capability))


class ApiToken(models.Model):
    """A bearer token for the API. Only its hash is stored; the token is shown once, when created."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "sk_" + secrets.token_urlsafe(32)
