from __future__ import annotations

from django.contrib import admin

from sakme.audit.admin import AuditedModelAdmin
from sakme.registry.models import SourceSystem

# Persons, households and imports are not in the admin: personal data is read only through the scoped,
# logged pages, and written only by the importer.


@admin.register(SourceSystem)
class SourceSystemAdmin(AuditedModelAdmin):
    list_display = ("code", "name_ka", "name_en", "rank")
