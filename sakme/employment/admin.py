from __future__ import annotations

from django.contrib import admin

from sakme.audit.admin import AuditedModelAdmin
from sakme.employment.models import Occupation, TrainingProgramme, TrainingProvider


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ("code", "title_ka", "title_en", "level")
    list_filter = ("level",)
    search_fields = ("code", "title_ka", "title_en")

    def has_add_permission(self, request: object) -> bool:
        return False  # ISCO-08 is reference data loaded by `sakme reference load`

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(TrainingProvider)
class TrainingProviderAdmin(AuditedModelAdmin):
    list_display = ("name", "tax_id", "municipality")
    search_fields = ("name", "tax_id")


@admin.register(TrainingProgramme)
class TrainingProgrammeAdmin(AuditedModelAdmin):
    list_display = ("title", "provider", "occupation", "duration_weeks", "capacity", "next_intake_on", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("provider", "occupation")
    autocomplete_fields = ("occupation",)
