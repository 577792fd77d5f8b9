"""The home page of each role, and the health check. Above the domain apps: it reads from several."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from sakme.accounts.roles import Capability, Role
from sakme.audit.models import AccessEvent
from sakme.casework import access as casework_access
from sakme.casework import selectors as casework_selectors
from sakme.casework.models import State
from sakme.geo.access import unit_scope_for_user, units_get_for_user
from sakme.geo.models import TerritorialUnit
from sakme.geo.selectors import units_with_model_on
from sakme.registry import selectors as registry_selectors
from sakme.registry.access import persons_for_user
from sakme.registry.models import ImportBatch, Person


def home(request: HttpRequest) -> HttpResponse:
    """What the signed-in user needs first: their units' figures, recent work, next steps."""
    user: Any = request.user
    context: dict[str, Any] = {"role": user.role, "Role": Role}
    units = list(units_get_for_user(user)[:12]) if not unit_scope_for_user(user).everywhere else []
    context["units"] = units
    if user.can(Capability.PERSON_VIEW):
        persons = persons_for_user(user)
        context["person_count"] = persons.count()
        recent_ids = list(
            AccessEvent.objects.filter(actor=user, kind="view").order_by("-at").values_list("person_id", flat=True)[:30]
        )
        seen = list(dict.fromkeys(recent_ids))[:8]
        by_id = {p.pk: p for p in persons.filter(pk__in=seen).select_related("unit")}
        context["recent_persons"] = [by_id[i] for i in seen if i in by_id]
    if user.can(Capability.CASE_WORK):
        if user.role == Role.COUNSELLOR:
            context["due"] = casework_selectors.due_items(user=user)
            context["my_open_cases"] = casework_access.cases_for_user(user).filter(counsellor=user).exclude(
                state=State.CLOSED).count()
        else:
            cases = casework_access.cases_for_user(user)
            context["caseload"] = casework_selectors.caseload(user=user)
            context["due"] = casework_selectors.due_items(user=user, cases=cases, late_only=True, limit=30)
    if user.can(Capability.IMPORT_RUN):
        context["batches"] = list(registry_selectors.import_batches(limit=5))
        context["running"] = ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING).count()
    if user.role in (Role.ANALYST, Role.ADMINISTRATOR, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR):
        today = timezone.localdate()
        on_model = units_with_model_on(date=today)
        context["model_units"] = on_model.count()
        context["all_units"] = TerritorialUnit.objects.filter(is_active=True).count()
        context["by_region"] = list(on_model.values("region__name_en", "region__name_ka").annotate(n=Count("pk"))
                                    .order_by("-n"))
        context["persons_total"] = Person.objects.count() if user.role == Role.ANALYST else None
    return render(request, "home.html", context)


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "demo": settings.DEMO})
