from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from sakme.audit import services as audit
from sakme.audit.admin import AuditedModelAdmin
from sakme.employment.models import Occupation, TrainingIntake, TrainingProgramme, TrainingProvider


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
    list_select_related = ("municipality",)


class TrainingIntakeInline(admin.TabularInline):
    model = TrainingIntake
    extra = 1


@admin.register(TrainingProgramme)
class TrainingProgrammeAdmin(AuditedModelAdmin):
    list_display = ("title", "provider", "occupation", "duration_weeks", "capacity", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("provider", "occupation")
    search_fields = ("title", "provider__name", "occupation__code")
    autocomplete_fields = ("occupation",)
    inlines = [TrainingIntakeInline]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        """Intakes added, changed or removed in the programme's form are audited like the programme."""
        super().save_formset(request, form, formset, change)
        changes = {"added": [str(o.starts_on) for o in formset.new_objects],
                   "changed": [str(o.starts_on) for o, _fields in formset.changed_objects],
                   "deleted": [str(o.starts_on) for o in formset.deleted_objects]}
        if any(changes.values()):
            audit.record(actor=request.user, action="admin.intakes", entity_type="employment.trainingprogramme",
                         entity_id=form.instance.pk, changes=changes, address=request.META.get("REMOTE_ADDR"))
