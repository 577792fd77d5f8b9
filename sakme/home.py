"""The home page of each role, and the health check. Above the domain apps: it reads from several."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.assistance import selectors as assistance_selectors
from sakme.audit import services as audit
from sakme.audit.models import AccessEvent, AccessKind
from sakme.casework import access as casework_access
from sakme.casework import selectors as casework_selectors
from sakme.casework.models import State
from sakme.geo.access import unit_scope_for_user, units_get_for_user
from sakme.indicators import selectors as indicator_selectors
from sakme.indicators.models import Definition, Level, Value
from sakme.registry import selectors as registry_selectors
from sakme.registry.access import persons_for_user
from sakme.registry.models import ImportBatch, Person


def home(request: AuthedRequest) -> HttpResponse:
    """What the signed-in user needs first: their units' figures, recent work, next steps."""
    user = request.user
    context: dict[str, Any] = {}
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
    if user.can(Capability.CASELOAD_SUPERVISE):
        cases = casework_access.cases_for_user(user)
        context["caseload"] = casework_selectors.caseload(user=user)
        context["due"] = casework_selectors.due_items(user=user, cases=cases, late_only=True, limit=30)
    elif user.can(Capability.CASE_WORK):
        context["due"] = casework_selectors.due_items(user=user)
        context["my_open_cases"] = casework_access.cases_for_user(user).filter(counsellor=user).exclude(
            state=State.CLOSED).count()
    if context.get("due"):
        audit.record_access(actor=user, kind=AccessKind.LISTED, context=request.path,
                            person_ids=sorted({item.case.job_seeker.person_id for item in context["due"]}))
    if user.can(Capability.APPLICATION_VIEW):
        context["assistance"] = assistance_selectors.applications_summary(user, today=timezone.localdate())
        audit.record_access(actor=user, kind=AccessKind.LISTED, context=request.path,
                            person_ids=assistance_selectors.listed_person_ids(context["assistance"].visits))
    if user.can(Capability.IMPORT_RUN):
        context["batches"] = list(registry_selectors.import_batches(limit=5))
        context["running"] = ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING).count()
    if user.can(Capability.ROLLOUT_VIEW):
        context["model"] = _indicator_2_1()
        context["persons_total"] = (Person.objects.filter(merged_into__isnull=True).count()  # merged: counted once
                                    if user.can(Capability.REGISTRY_TOTALS) else None)
    return render(request, "home.html", context)


def _indicator_2_1() -> dict[str, Any] | None:
    """Indicator 2.1 this year, from the latest computation: the figure, its target, each region's units."""
    definition = Definition.objects.filter(code="2.1").first()
    run = indicator_selectors.run_latest()
    if definition is None or run is None:
        return None
    rows = Value.objects.filter(run=run, definition=definition, year=run.year_to, month__isnull=True).exclude(
        level=Level.UNIT).select_related("region").order_by("-numerator", "region__code")
    country = next((v for v in rows if v.level == Level.COUNTRY), None)
    return {"definition": definition, "value": country, "text": indicator_selectors.figure_text(definition, country),
            "met": definition.target_met(country.value if country else None), "year": run.year_to,
            "regions": [v for v in rows if v.level == Level.REGION and v.numerator]}


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok", "demo": settings.DEMO})
