"""Employer services on a vacancy: the shortlist of candidates, sent only with consent, and the employer's
decision per candidate, then the placement."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.casework import selectors, services
from sakme.casework.forms import CandidateForm, DecisionForm
from sakme.casework.models import Referral
from sakme.common.pages import perform, post_form
from sakme.employment.access import vacancy_get_for_user
from sakme.geo.access import requires


@require_GET
@requires(Capability.EMPLOYER_SERVICES)
def vacancy_detail(request: AuthedRequest, vacancy_id: int) -> HttpResponse:
    """A vacancy with its shortlist, and the unit's job seekers in services to add to it."""
    vacancy = vacancy_get_for_user(request.user, vacancy_id)
    shortlist = selectors.shortlist(vacancy=vacancy)
    candidates = selectors.shortlist_candidates(user=request.user, vacancy=vacancy)
    form = CandidateForm(cases=candidates)
    audit.record_access(actor=request.user, kind=AccessKind.LISTED, context=request.path,
                        person_ids=[r.case.job_seeker.person_id for r in shortlist]
                        + [c.job_seeker.person_id for c in candidates])
    return render(request, "casework/vacancy.html", {
        "vacancy": vacancy, "shortlist": shortlist, "form": form,
        "statuses": [c for c in Referral.Status.choices if c[0] != Referral.Status.PENDING],
    })


def _vacancy_page(vacancy_id: int) -> str:
    return reverse("casework:vacancy", kwargs={"vacancy_id": vacancy_id})


@require_POST
def shortlist_add(request: AuthedRequest, vacancy_id: int) -> HttpResponse:
    return post_form(request, CandidateForm(request.POST), lambda data: services.shortlist_add(
        actor=request.user, vacancy_id=vacancy_id, case_id=data["case"]),
        success=_("Added to the shortlist."), to=_vacancy_page(vacancy_id))


@require_POST
def shortlist_send(request: AuthedRequest, vacancy_id: int) -> HttpResponse:
    return perform(request, lambda: services.shortlist_send(actor=request.user, vacancy_id=vacancy_id),
                   success=_("The shortlist was sent to the employer (candidates who agreed)."),
                   to=_vacancy_page(vacancy_id))


@require_POST
def candidate_decide(request: AuthedRequest, vacancy_id: int, referral_id: int) -> HttpResponse:
    return post_form(request, DecisionForm(request.POST), lambda data: services.candidate_decide(
        actor=request.user, vacancy_id=vacancy_id, referral_id=referral_id, status=data["status"],
        expected_version=data["version"]), success=_("The employer's decision is recorded."),
        to=_vacancy_page(vacancy_id))


@require_POST
def candidate_place(request: AuthedRequest, vacancy_id: int, referral_id: int) -> HttpResponse:
    return perform(request, lambda: services.candidate_place(actor=request.user, vacancy_id=vacancy_id,
                                                             referral_id=referral_id),
                   success=_("Placement recorded."), to=_vacancy_page(vacancy_id))
