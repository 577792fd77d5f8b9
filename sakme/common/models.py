"""Abstract base models shared by the domain apps. No concrete domain models live here."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Versioned(TimeStamped):
    """A row whose concurrent edits are caught: services bump `version` and compare it on save."""

    version = models.PositiveIntegerField(default=1)

    class Meta:
        abstract = True
