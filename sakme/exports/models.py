"""Exports: a file of personal data made for one user, of one kind, within a row cap, logged, and gone after a day."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Export(models.Model):
    kind = models.CharField(_("kind"), max_length=32)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("made by"))
    created_at = models.DateTimeField(_("made"), auto_now_add=True)
    expires_at = models.DateTimeField(_("available until"))
    rows = models.PositiveIntegerField(_("rows"))
    file_name = models.CharField(max_length=100)  # under VAR_DIR/exports; blank once the file is removed
    sha256 = models.CharField(max_length=64)
    downloads = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("export")
        verbose_name_plural = _("exports")
        indexes = [models.Index(fields=["user", "-created_at"], name="export_user_created"),
                   models.Index(fields=["expires_at"], name="export_expires")]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def label(self) -> object:
        """The kind as people read it (a kind no longer offered shows its code)."""
        from sakme.exports.kinds import KINDS  # the kinds read the domain apps; the model needs them only here

        return KINDS[self.kind].label if self.kind in KINDS else self.kind
