"""Training providers and programmes of the state vocational training and retraining programme: the list
(by occupation, municipality, open intake), one programme with its intakes and places, and, coming from a case,
the referral to it (made by the case's referral form and service)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.casework import access
from sakme.casework.forms import ProgrammeFilter
from sakme.casework.intakes import TAKING_A_PLACE, programme_places
from sakme.casework.models import Case, Referral
from sakme.casework.workflow import open_activities
from sakme.employment import selectors
from sakme.geo.access import requires


def _referring(request: AuthedRequest) -> Case | None:
    """The case the user is finding a programme for (`?case=`), when it can be referred now."""
    value = request.GET.get("case", "")
    if not (value.isascii() and value.isdigit()) or not request.user.can(Capability.CASE_WORK):
        return None
    case = access.case_get_for_user(request.user, int(value), context=request.path)
    return case if "referral" in open_activities(case) else None


@require_GET
@vary_on_headers("HX-Request")
@requires(Capability.PROGRAMME_VIEW)
def programme_list(request: AuthedRequest) -> HttpResponse:
    """Programmes by occupation, municipality and open intake, each with its next intake and places left."""
    form = ProgrammeFilter(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    rows = selectors.programmes(occupation=data.get("occupation", ""), municipality=data.get("municipality", ""),
                                intake_open_on=today if data.get("intake_open") else None)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    places = programme_places(page.object_list, today=today, upcoming_only=True)
    context = {"form": form, "page": page, "rows": [(p, places[p.pk]) for p in page.object_list],
               "case": _referring(request), "today": today, "query": _query(request)}
    template = "casework/programmes.html#results" if request.htmx else "casework/programmes.html"
    return render(request, template, context)


def _query(request: AuthedRequest) -> str:
    """The filters as a query string without the page, for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
@requires(Capability.PROGRAMME_VIEW)
def programme_detail(request: AuthedRequest, programme_id: int) -> HttpResponse:
    """One programme: provider, occupation, duration, places per intake, intakes with places taken, and the
    referrals of the user's units to it."""
    programme = selectors.programme_get(programme_id=programme_id)
    places = programme_places([programme], today=timezone.localdate())[programme.pk]
    referrals: list[Referral] = []
    if request.user.can(Capability.CASE_VIEW):
        referrals = list(Referral.objects.filter(programme=programme, case__in=access.cases_for_user(request.user))
                         .select_related("case__job_seeker__person").order_by("-referred_on", "-pk")[:100])
        audit.record_access(actor=request.user, person_ids=[r.case.job_seeker.person_id for r in referrals],
                            kind=AccessKind.LISTED, context=request.path)
    case = _referring(request)
    already = case is not None and case.referrals.filter(programme=programme, status__in=TAKING_A_PLACE).exists()
    return render(request, "casework/programme.html", {
        "programme": programme, "places": places, "referrals": referrals, "case": case, "already": already,
        "today": timezone.localdate()})
