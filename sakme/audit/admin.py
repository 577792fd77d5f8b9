from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.forms.models import model_to_dict
from django.http import HttpRequest

from sakme.audit import services
from sakme.audit.models import AccessEvent, AuditEvent


class AuditedModelAdmin(admin.ModelAdmin):
    """Admin changes of reference data write an AuditEvent in the same transaction, like any service."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        changed = {name: str(form.cleaned_data.get(name)) for name in form.changed_data}
        services.record(actor=request.user, action="admin.change" if change else "admin.add",
                        entity_type=obj._meta.label_lower, entity_id=obj.pk, changes=changed,
                        address=request.META.get("REMOTE_ADDR"))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        snapshot = {k: str(v) for k, v in model_to_dict(obj).items()}
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
    list_filter = ("action", "entity_type")
    list_select_related = ("actor",)
    search_fields = ("entity_id", "action")


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "person_id", "kind", "context")
    list_filter = ("kind",)
    list_select_related = ("actor",)
    search_fields = ("=person_id",)
