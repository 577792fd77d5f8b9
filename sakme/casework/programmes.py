"""Training providers and programmes of the state vocational training and retraining programme: the list
(by occupation, municipality, open intake), one programme with its intakes and places, and, coming from a case,
the referral to it (made by the case's referral form and service)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.vary import vary_on_headers

from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.casework import access
from sakme.casework.intakes import TAKING_A_PLACE, programme_places
from sakme.casework.models import Case, Referral, State
from sakme.employment import selectors
from sakme.employment.models import TrainingIntake, TrainingProgramme
from sakme.geo.models import Municipality


def _require(request: HttpRequest) -> None:
    user: Any = request.user
    if not (user.can(Capability.CASE_WORK) or user.can(Capability.EMPLOYER_SERVICES)):
        raise DjangoPermissionDenied(_("Your role does not allow this."))


class ProgrammeFilter(forms.Form):
    occupation = forms.CharField(label=gettext_lazy("Occupation"), required=False, max_length=100,
                                 widget=forms.TextInput(attrs={"type": "search",
                                                               "placeholder": "7212, welder, შემდუღებელი"}))
    municipality = forms.ChoiceField(label=gettext_lazy("Municipality of the provider"), required=False)
    intake_open = forms.BooleanField(label=gettext_lazy("Only with an intake taking referrals"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {}
        for m in Municipality.objects.select_related("region").order_by("region__code", "name_en"):
            groups.setdefault(m.region.name, []).append((m.code, m.name))
        self.fields["municipality"].choices = [("", _("anywhere")), *groups.items()]  # type: ignore[attr-defined]


def _referring(request: HttpRequest) -> Case | None:
    """The case the user is finding a programme for (`?case=`), when it can be referred now."""
    value = request.GET.get("case", "")
    if not value.isdigit() or not request.user.can(Capability.CASE_WORK):  # type: ignore[union-attr]
        return None
    try:
        case = access.case_get_for_user(request.user, int(value), context=request.path)
    except Case.DoesNotExist:
        raise Http404(_("No such case in your units.")) from None
    return case if case.state == State.IN_SERVICES else None


@vary_on_headers("HX-Request")
def programme_list(request: HttpRequest) -> HttpResponse:
    """Programmes by occupation, municipality and open intake, each with its next intake and places left."""
    _require(request)
    form = ProgrammeFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    rows = selectors.programmes(occupation=data.get("occupation", ""), municipality=data.get("municipality", ""))
    if data.get("intake_open"):
        rows = rows.filter(pk__in=TrainingIntake.objects.filter(applications_close_on__gte=today)
                           .values("programme_id"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    places = programme_places(page.object_list, today=today, upcoming_only=True)
    context = {"form": form, "page": page, "rows": [(p, places[p.pk]) for p in page.object_list],
               "case": _referring(request), "today": today, "query": _query(request)}
    template = "casework/programmes.html#results" if request.htmx else "casework/programmes.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _query(request: HttpRequest) -> str:
    """The filters as a query string without the page, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def programme_detail(request: HttpRequest, programme_id: int) -> HttpResponse:
    """One programme: provider, occupation, duration, places per intake, intakes with places taken, and the
    referrals of the user's units to it."""
    _require(request)
    programme = get_object_or_404(TrainingProgramme.objects.select_related("provider__municipality", "occupation"),
                                  pk=programme_id)
    places = programme_places([programme], today=timezone.localdate())[programme.pk]
    referrals: list[Referral] = []
    if request.user.can(Capability.CASE_WORK):  # type: ignore[union-attr]
        referrals = list(Referral.objects.filter(programme=programme, case__in=access.cases_for_user(request.user))
                         .select_related("case__job_seeker__person").order_by("-referred_on", "-pk")[:100])
        audit.record_access(actor=request.user, person_ids=[r.case.job_seeker.person_id for r in referrals],
                            kind=AccessKind.LISTED, context=request.path)
    case = _referring(request)
    already = case is not None and case.referrals.filter(programme=programme, status__in=TAKING_A_PLACE).exists()
    return render(request, "casework/programme.html", {
        "programme": programme, "places": places, "referrals": referrals, "case": case, "already": already,
        "today": timezone.localdate()})
