from __future__ import annotations

from django.contrib import admin

from sakme.linkage.models import LinkageModel, LinkRun


@admin.register(LinkageModel)
class LinkageModelAdmin(admin.ModelAdmin):
    """Models are read here; they are trained by runs, never edited by hand."""

    list_display = ("scope", "version", "active", "prior", "upper_threshold", "lower_threshold", "trained_at",
                    "trained_by")
    list_filter = ("scope", "active")
    readonly_fields = [f.name for f in LinkageModel._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(LinkRun)
class LinkRunAdmin(admin.ModelAdmin):
    list_display = ("pk", "kind", "status", "sources", "model", "created_at", "finished_at")
    list_filter = ("kind", "status")
    readonly_fields = [f.name for f in LinkRun._meta.fields]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
