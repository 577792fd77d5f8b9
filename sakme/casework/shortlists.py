"""Employer services on a vacancy: the shortlist of candidates, sent only with consent, and the employer's
decision per candidate, then the placement."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from sakme.casework import services
from sakme.casework.models import Case, Referral, State
from sakme.common.errors import DomainError, PermissionDenied
from sakme.employment.access import vacancies_for_user
from sakme.employment.models import Vacancy
from sakme.geo.access import unit_scope_for_user


class CandidateForm(forms.Form):
    case = forms.ModelChoiceField(label=gettext_lazy("Job seeker"), queryset=Case.objects.none())

    def __init__(self, *args: Any, vacancy: Vacancy, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cases = Case.objects.filter(unit_scope_for_user(user).filter("unit_id"), state=State.IN_SERVICES,
                                    unit_id=vacancy.unit_id).exclude(referrals__vacancy=vacancy)
        self.fields["case"].queryset = cases.select_related("job_seeker__person")  # type: ignore[attr-defined]
        self.fields["case"].label_from_instance = lambda c: (  # type: ignore[attr-defined]
            f"{c.job_seeker.person.full_name} · #{c.pk}")


def _vacancy(request: HttpRequest, vacancy_id: int) -> Vacancy:
    try:
        return vacancies_for_user(request.user).get(pk=vacancy_id)
    except PermissionDenied as exc:
        raise DjangoPermissionDenied(str(exc)) from exc
    except Vacancy.DoesNotExist:
        raise Http404(_("No such vacancy in your units.")) from None


def vacancy_detail(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    vacancy = _vacancy(request, vacancy_id)
    shortlist = list(Referral.objects.filter(vacancy=vacancy).select_related("case__job_seeker__person")
                     .prefetch_related("case__placements").order_by("referred_on", "pk"))
    return render(request, "casework/vacancy.html", {
        "vacancy": vacancy, "shortlist": shortlist, "form": CandidateForm(vacancy=vacancy, user=request.user),
        "statuses": [c for c in Referral.Status.choices if c[0] != Referral.Status.PENDING],
    })


def _act(request: HttpRequest, vacancy: Vacancy, act: Any, success: str) -> HttpResponse:
    try:
        act()
    except (DomainError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)
    return redirect("casework:vacancy", vacancy_id=vacancy.pk)


@require_POST
def shortlist_add(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    vacancy = _vacancy(request, vacancy_id)
    form = CandidateForm(request.POST, vacancy=vacancy, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose a job seeker of the unit who is in services."))
        return redirect("casework:vacancy", vacancy_id=vacancy.pk)
    return _act(request, vacancy, lambda: services.shortlist_add(
        actor=request.user, vacancy=vacancy, case_id=form.cleaned_data["case"].pk), _("Added to the shortlist."))


@require_POST
def shortlist_send(request: HttpRequest, vacancy_id: int) -> HttpResponse:
    vacancy = _vacancy(request, vacancy_id)
    return _act(request, vacancy, lambda: services.shortlist_send(actor=request.user, vacancy=vacancy),
                _("The shortlist was sent to the employer (candidates who agreed)."))


@require_POST
def candidate_decide(request: HttpRequest, vacancy_id: int, referral_id: int) -> HttpResponse:
    vacancy = _vacancy(request, vacancy_id)
    status = request.POST.get("status", "")

    def act() -> Any:
        referral = Referral.objects.filter(pk=referral_id, vacancy=vacancy).first()
        if referral is None:
            raise DomainError(_("No such candidate on this shortlist."))
        return services.referral_decide(actor=request.user, referral_id=referral.pk, status=status,
                                        decided_on=timezone.localdate(),
                                        expected_version=int(request.POST.get("version") or referral.version))

    return _act(request, vacancy, act, _("The employer's decision is recorded."))


@require_POST
def candidate_place(request: HttpRequest, vacancy_id: int, referral_id: int) -> HttpResponse:
    vacancy = _vacancy(request, vacancy_id)

    def act() -> Any:
        referral = Referral.objects.filter(pk=referral_id, vacancy=vacancy, status=Referral.Status.ACCEPTED).first()
        if referral is None:
            raise DomainError(_("Only a candidate the employer accepted can be placed."))
        return services.placement_record(actor=request.user, case_id=referral.case_id, vacancy=vacancy,
                                         started_on=timezone.localdate(), wage_gel=vacancy.wage_gel)

    return _act(request, vacancy, act, _("Placement recorded."))
