"""The case page's supported-employment section: starting the pathway, the job coach and the support needed, the
workplace adaptations, and the coach's contacts (each a form parsed, one service called, the outcome said on the
case page)."""

from __future__ import annotations

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sakme.accounts.actors import AuthedRequest
from sakme.casework import services
from sakme.casework.forms import AdaptationForm, CoachingForm, PathwayForm
from sakme.common.pages import post_form


def _case_page(case_id: int) -> str:
    return reverse("casework:case", kwargs={"case_id": case_id}) + "#h-supported"


@require_POST
def pathway_start(request: AuthedRequest, case_id: int) -> HttpResponse:
    return post_form(request, PathwayForm(request.POST), lambda data: services.supported_employment_start(
        actor=request.user, case_id=case_id, job_coach_id=data["job_coach"], needs=data["needs"],
        expected_version=data["version"]), success=_("The supported-employment pathway has started."),
        to=_case_page(case_id))


@require_POST
def pathway_change(request: AuthedRequest, case_id: int) -> HttpResponse:
    return post_form(request, PathwayForm(request.POST), lambda data: services.supported_employment_change(
        actor=request.user, case_id=case_id, job_coach_id=data["job_coach"], needs=data["needs"],
        expected_version=data["version"]), success=_("The pathway is updated."), to=_case_page(case_id))


@require_POST
def adaptation_add(request: AuthedRequest, case_id: int) -> HttpResponse:
    return post_form(request, AdaptationForm(request.POST), lambda data: services.adaptation_record(
        actor=request.user, case_id=case_id, description=data["description"], status=data["status"]),
        success=_("Adaptation recorded."), to=_case_page(case_id))


@require_POST
def adaptation_update(request: AuthedRequest, case_id: int, adaptation_id: int) -> HttpResponse:
    return post_form(request, AdaptationForm(request.POST), lambda data: services.adaptation_record(
        actor=request.user, case_id=case_id, adaptation_id=adaptation_id, status=data["status"],
        expected_version=data["version"]), success=_("Adaptation updated."), to=_case_page(case_id))


@require_POST
def coaching_add(request: AuthedRequest, case_id: int) -> HttpResponse:
    return post_form(request, CoachingForm(request.POST), lambda data: services.coaching_record(
        actor=request.user, case_id=case_id, **data), success=_("Coaching contact recorded."),
        to=_case_page(case_id))
