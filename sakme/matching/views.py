"""The suggestion panels the case and vacancy pages load (htmx; a page of their own without JavaScript). Thin:
the selectors pick, score and log; the actions post to casework's own forms (referral, shortlist)."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.geo.access import requires
from sakme.matching import selectors


@require_GET
@vary_on_headers("HX-Request")
@requires(Capability.CASE_VIEW)
def case_vacancies(request: AuthedRequest, case_id: int) -> HttpResponse:
    """The vacancies that suit the case's job seeker, with reasons, each to refer to."""
    suggestions = selectors.vacancies_for_case(user=request.user, case_id=case_id, context=request.path)
    template = "matching/case_vacancies.html#panel" if request.htmx else "matching/case_vacancies.html"
    return render(request, template, {"case_id": case_id, "suggestions": suggestions, "today": timezone.localdate(),
                                      "can_refer": selectors.can_refer(user=request.user, case_id=case_id)})


@require_GET
@vary_on_headers("HX-Request")
@requires(Capability.EMPLOYER_SERVICES)
def vacancy_candidates(request: AuthedRequest, vacancy_id: int) -> HttpResponse:
    """The job seekers in services who suit the vacancy, with reasons, each to put on its shortlist."""
    suggestions = selectors.candidates_for_vacancy(user=request.user, vacancy_id=vacancy_id, context=request.path)
    template = "matching/vacancy_candidates.html#panel" if request.htmx else "matching/vacancy_candidates.html"
    return render(request, template, {"vacancy_id": vacancy_id, "suggestions": suggestions})
