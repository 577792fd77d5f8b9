from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sakme.common.errors import DomainError, PermissionDenied
from sakme.employment import access, services
from sakme.employment.forms import EmployerForm, VacancyForm
from sakme.employment.models import Employer
from sakme.geo.access import home_unit


def _scoped(call):  # type: ignore[no-untyped-def]
    try:
        return call()
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc)) from exc


@require_http_methods(["GET", "POST"])
def employers(request: HttpRequest) -> HttpResponse:
    """Employers of the unit, and registering a new one."""
    rows = _scoped(lambda: access.employers_for_user(request.user)).order_by("name")
    form = EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        unit = home_unit(request.user)
        if unit is None:
            form.add_error(None, _("You are not posted to a unit, so the employer has no unit to belong to."))
        else:
            try:
                employer = services.employer_register(actor=request.user, unit=unit, **form.cleaned_data)
            except (DomainError, PermissionDenied) as exc:
                form.add_error(None, str(exc))
            except ValidationError as exc:  # e.g. the tax number is registered already
                form.add_error(None, exc)
            else:
                messages.success(request, _("Employer registered."))
                return redirect("employment:employer", employer_id=employer.pk)
    return render(request, "employment/employers.html", {"employers": rows[:200], "form": form})


@require_http_methods(["GET", "POST"])
def employer_detail(request: HttpRequest, employer_id: int) -> HttpResponse:
    """One employer: their vacancies, and taking in a new vacancy."""
    try:
        employer = _scoped(lambda: access.employers_for_user(request.user)).get(pk=employer_id)
    except Employer.DoesNotExist:
        raise Http404(_("No such employer in your units.")) from None
    form = VacancyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        occupation = data.pop("occupation")
        try:
            vacancy = services.vacancy_open(actor=request.user, employer=employer, occupation_code=occupation.code,
                                            **data)
        except (DomainError, PermissionDenied) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Vacancy taken in."))
            return redirect("casework:vacancy", vacancy_id=vacancy.pk)
    vacancies = access.vacancies_for_user(request.user).filter(employer=employer).order_by("-opened_on")
    return render(request, "employment/employer.html", {"employer": employer, "vacancies": vacancies, "form": form})
