"""Append-only records of who changed what (AuditEvent) and who saw whose personal data (AccessEvent)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppendOnly(models.Model):
    """Rows are written once: updates and deletes are refused here and, on PostgreSQL, by a trigger."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise ValueError("Audit records are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise ValueError("Audit records are append-only.")


class AuditEvent(AppendOnly):
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action"), max_length=64)
    entity_type = models.CharField(_("entity"), max_length=64)
    entity_id = models.CharField(max_length=64, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["entity_type", "entity_id"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.entity_type}:{self.entity_id}"


class AccessKind(models.TextChoices):
    VIEW = "view", _("viewed")
    SEARCH = "search", _("found in a search")
    LISTED = "listed", _("listed on another person's page")
    EXPORT = "export", _("exported")
    API = "api", _("read through the API")
    REVEAL = "reveal", _("revealed the personal number")
    EMERGENCY = "emergency", _("opened outside the user's units")


class AccessEvent(AppendOnly):
    at = models.DateTimeField(_("when"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The person is referenced by id, not by foreign key: audit sits below the registry and must
    # outlive any person row.
    person_id = models.BigIntegerField(_("person"))
    kind = models.CharField(_("kind"), max_length=16, choices=AccessKind.choices)
    context = models.CharField(_("context"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("access event")
        verbose_name_plural = _("access events")
        indexes = [
            models.Index(fields=["person_id", "-at"]),
            # A user's latest views: "Recently opened" on the home page, however long the user has worked.
            models.Index(fields=["actor", "kind", "-at"], name="access_actor_kind_at"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} person {self.person_id}"
