from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from sakme.audit.admin import AuditedModelAdmin
from sakme.geo.models import Municipality, Region, RolloutEvent, StaffPost, TerritorialUnit, Training


@admin.register(Region)
class RegionAdmin(AuditedModelAdmin):
    list_display = ("code", "name_ka", "name_en")


@admin.register(Municipality)
class MunicipalityAdmin(AuditedModelAdmin):
    list_display = ("code", "name_ka", "name_en", "region", "kind")
    list_filter = ("region", "kind")
    list_select_related = ("region",)


@admin.register(TerritorialUnit)
class TerritorialUnitAdmin(AuditedModelAdmin):
    list_display = ("code", "name_ka", "name_en", "kind", "region", "is_active")
    list_filter = ("region", "kind", "is_active")
    list_select_related = ("region",)
    search_fields = ("code", "name_ka", "name_en")


@admin.register(RolloutEvent)
class RolloutEventAdmin(AuditedModelAdmin):
    list_display = ("unit", "date", "event")
    list_filter = ("event",)
    list_select_related = ("unit",)
    date_hierarchy = "date"


@admin.register(StaffPost)
class StaffPostAdmin(AuditedModelAdmin):
    list_display = ("user", "unit", "region", "employment_component", "since")
    list_select_related = ("user", "unit", "region")
    autocomplete_fields = ("unit",)


@admin.register(Training)
class TrainingAdmin(AuditedModelAdmin):
    """Shown only: trainings are recorded on the activities pages, where their rules and version checks are."""

    list_display = ("date", "kind", "title_en", "days")
    filter_horizontal = ("attendees",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Training | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Training | None = None) -> bool:
        return False
