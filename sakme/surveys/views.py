"""The survey pages: the results of the reader's units (figures, the comments for who may read them), the service
events still waiting for their paper survey, and the paper survey typed in."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.common.errors import DomainError
from sakme.common.pages import refusal_of, refuse_form, render_form
from sakme.geo.access import requires, units_get_for_user
from sakme.surveys import access, selectors, services
from sakme.surveys.events import Event, event_past_check
from sakme.surveys.forms import ResponseForm, ResultsFilter
from sakme.surveys.models import EVENT_FIELDS, Response, Service, SurveyVersion

FIRST_YEAR = 2017  # the service model's first year


@require_GET
@requires(Capability.SURVEY_RESULTS)
def results(request: AuthedRequest) -> HttpResponse:
    """The figures of a year (or a month) per unit and service, with the number of answers everywhere; the comments
    people agreed to leave, for who may read them (day and unit only, no names)."""
    units = [(u.code, f"{u.name} ({u.code})") for u in units_get_for_user(request.user).order_by("code")]
    form = ResultsFilter(request.GET, units=units)
    if not form.is_valid():
        raise refusal_of(form)
    this_year = timezone.localdate().year
    year = form.cleaned_data["year"] or this_year
    period = {"year": year, "month": form.cleaned_data["month"], "unit_code": form.cleaned_data["unit"] or None,
              "service": form.cleaned_data["service"] or None}
    figures = selectors.results(user=request.user, **period)
    reads_comments = request.user.can(Capability.SURVEY_COMMENTS)
    comments = access.comments_for_user(request.user, **period, context=request.path) if reads_comments else None
    return render(request, "surveys/results.html", {
        "form": form, "results": figures, "comments": comments, "reads_comments": reads_comments,
        "years": range(this_year, FIRST_YEAR - 1, -1), "few": selectors.FEW,
        "records": request.user.can(Capability.SURVEY_RECORD), "comments_limit": selectors.COMMENTS_LIMIT})


@require_GET
@requires(Capability.SURVEY_RECORD)
def pending(request: AuthedRequest) -> HttpResponse:
    """The service events of the last 60 days at the user's units with no survey response yet (names: logged)."""
    service = request.GET.get("service") or None
    found = access.pending_for_user(request.user, service=service, context=request.path)
    return render(request, "surveys/pending.html", {
        "pending": found, "service": service, "services": Service.choices, "days": selectors.PENDING_DAYS,
        "limit": selectors.PENDING_LIMIT, "results": request.user.can(Capability.SURVEY_RESULTS)})


def _next(request: AuthedRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(wanted, {request.get_host()}, require_https=request.is_secure()):
        return wanted
    return reverse("surveys:pending")


def _survey_of(event: Event) -> tuple[SurveyVersion | None, str]:
    """The version the event's survey is answered to, or why none can be (said on the page instead of the form)."""
    try:
        day = event_past_check(event)
    except DomainError as exc:
        return None, exc.message
    survey = selectors.version_in_force(event.service, day)
    return survey, "" if survey else _("No survey of this service was in force on the day it was given.")


@require_http_methods(["GET", "POST"])
@requires(Capability.SURVEY_RECORD)
def record(request: AuthedRequest, kind: str, event_id: int) -> HttpResponse:
    """Type in the paper survey of a past service event: its questions from the version in force on the event's day,
    in the page's language with the other beside them."""
    event = access.event_get_for_user(request.user, kind, event_id, context=request.path)
    answered = Response.objects.filter(**{EVENT_FIELDS[event.service]: event.pk}).select_related(
        "entered_by", "survey").first()
    survey, why_not = _survey_of(event)
    form = ResponseForm(request.POST or None, survey=survey or (answered.survey if answered else None))
    if request.method == "POST":
        if not form.is_valid():
            refuse_form(form, refusal_of(form))
        else:
            try:
                services.response_record(
                    actor=request.user, kind=kind, event_id=event_id, answered_on=form.cleaned_data["answered_on"],
                    answers=form.answers(), consent_to_comment=form.cleaned_data["consent_to_comment"],
                    comment=form.cleaned_data["comment"])
            except DomainError as exc:
                refuse_form(form, exc)
            else:
                messages.success(request, _("Survey recorded. Thank you."))
                return redirect(_next(request))
    context = {"event": event, "answered": answered, "survey": survey, "why_not": why_not, "form": form,
               "next": _next(request)}
    return render_form(request, "surveys/record.html", context, form=form)
