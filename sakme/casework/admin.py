from __future__ import annotations

from django.contrib import admin

from sakme.audit.admin import AuditedModelAdmin
from sakme.casework.models import ServiceLevel

# Cases are personal data: worked on through the scoped, logged pages, never in the admin.


@admin.register(ServiceLevel)
class ServiceLevelAdmin(AuditedModelAdmin):
    list_display = ("clock", "working_days")
