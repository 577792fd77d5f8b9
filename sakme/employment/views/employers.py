"""Employers of the unit and the vacancies they bring: the list, registering one, one employer with its vacancies
and the vacancy intake."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.common.errors import DomainError
from sakme.common.pages import refuse_form, render_form
from sakme.employment import access, services
from sakme.employment.forms import EmployerForm, VacancyForm
from sakme.geo.access import requires


@require_http_methods(["GET", "POST"])
@requires(Capability.EMPLOYER_SERVICES)
def employers(request: AuthedRequest) -> HttpResponse:
    """Employers of the unit, and registering a new one (with the unit the user is posted to)."""
    rows = access.employers_for_user(request.user).order_by("name")
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            employer = services.employer_register(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            refuse_form(form, exc)
        else:
            messages.success(request, _("Employer registered."))
            return redirect("employment:employer", employer_id=employer.pk)
    return render_form(request, "employment/employers.html", {"employers": rows[:200], "form": form}, form=form)


@require_http_methods(["GET", "POST"])
@requires(Capability.EMPLOYER_SERVICES)
def employer_detail(request: AuthedRequest, employer_id: int) -> HttpResponse:
    """One employer: their vacancies, and taking in a new vacancy."""
    employer = access.employer_get_for_user(request.user, employer_id)
    form = VacancyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        occupation, municipality = data.pop("occupation"), data.pop("municipality")
        try:
            vacancy = services.vacancy_open(actor=request.user, employer_id=employer.pk,
                                            occupation_code=occupation.code, municipality_code=municipality.code,
                                            **data)
        except DomainError as exc:
            refuse_form(form, exc)
        else:
            messages.success(request, _("Vacancy taken in."))
            return redirect("casework:vacancy", vacancy_id=vacancy.pk)
    vacancies = access.vacancies_for_user(request.user).filter(employer=employer).order_by("-opened_on")
    context = {"employer": employer, "vacancies": vacancies, "form": form}
    return render_form(request, "employment/employer.html", context, form=form)
