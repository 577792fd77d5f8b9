"""The admin site's view of the audit trail. Administrators run the system and read no personal data: they see who
did what to which record and when, and who looked at which person (by id) in what way, but not what was typed into a
search nor what changed in a record that may hold personal data."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms.models import model_to_dict
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from sakme.audit import services
from sakme.audit.models import AccessEvent, AuditEvent

# Values no audit record keeps: passwords (the add form's), password hashes, second-factor keys, token digests.
SECRET_FIELDS = frozenset({"password", "password1", "password2", "usable_password", "key", "digest"})

# Records whose changes the admin site shows: the system's reference data and staff accounts. Any other kind (persons,
# job seekers, cases, employers and their contacts, imports, links, and whatever comes next) may hold personal data.
SHOWN_CHANGES = ("geo.", "accounts.", "otp_totp.", "registry.sourcesystem", "employment.occupation",
                 "employment.trainingprovider", "employment.trainingprogramme", "casework.servicelevel",
                 "linkage.linkagemodel")


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin changes of reference data write an AuditEvent in the same transaction, like any service."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data if name not in SECRET_FIELDS}
        services.record(actor=request.user, action="admin.change" if change else "admin.add",
                        entity_type=obj._meta.label_lower, entity_id=obj.pk, changes=changed,
                        address=request.META.get("REMOTE_ADDR"))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        snapshot = {k: str(v) for k, v in model_to_dict(obj).items() if k not in SECRET_FIELDS}
        pk = obj.pk
        super().delete_model(request, obj)
        services.record(actor=request.user, action="admin.delete", entity_type=obj._meta.label_lower,
                        entity_id=pk, changes=snapshot, address=request.META.get("REMOTE_ADDR"))

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "entity_type", "entity_id")
    fields = readonly_fields = ("at", "actor", "action", "entity_type", "entity_id", "address", "changes_shown")
    list_filter = ("action", "entity_type")
    list_select_related = ("actor",)
    search_fields = ("entity_id", "action")

    @admin.display(description=_("changes"))
    def changes_shown(self, event: AuditEvent) -> object:
        """The changes of reference data and staff accounts; of any other record, not what they were."""
        if event.entity_type.startswith(SHOWN_CHANGES):
            return event.changes
        return _("Not shown: the record may hold personal data.")


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    """Who looked at which person, when and how; never the search typed or the page (they hold names and numbers)."""

    list_display = ("at", "actor", "person_id", "kind")
    fields = readonly_fields = list_display
    list_filter = ("kind",)
    list_select_related = ("actor",)
    search_fields = ("=person_id",)
