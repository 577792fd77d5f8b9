"""The surveys API: the same services and getters as its pages. Questionnaires, a paper survey typed in, the results of
a period (figures; the comments for who reads them, logged) and the service events waiting for their survey (names:
logged)."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.api.errors import ERRORS
from sakme.api.schemas.surveys import (
    PendingOut,
    PendingQuery,
    ResponseIn,
    ResponseOut,
    ResultsOut,
    ResultsQuery,
    SurveyVersionOut,
)
from sakme.audit.models import AccessKind
from sakme.geo.access import require
from sakme.surveys import access, selectors, services
from sakme.surveys.models import Response

router = Router(tags=["surveys"])


def response_out(r: Response) -> dict[str, Any]:
    return {"id": r.pk, "service": r.service, "event_id": r.event_id, "unit": r.unit.code, "survey": str(r.survey),
            "answered_on": r.answered_on, "channel": r.channel, "answers": r.answers,
            "consent_to_comment": r.consent_to_comment, "comment": r.comment}


def figures_out(f: selectors.Figures) -> dict[str, Any]:
    return {"unit": f.unit.code if f.unit else None, "service": f.service, "answers": f.answers, "few": f.few,
            "questions": [{"code": q.code, "kind": q.kind, "text": q.text, "answers": q.answers, "mean": q.mean,
                           "yes_share": q.yes_share, "choices": dict(q.choices)} for q in f.questions.values()]}


@router.get("/surveys/versions", response={200: list[SurveyVersionOut], **ERRORS})
def survey_version_list(request: AuthedRequest) -> Any:
    """Every questionnaire version, by service and the day it came into force, with its questions in both
    languages (for those who type in surveys or read their results)."""
    require(request.user, (Capability.SURVEY_RECORD, Capability.SURVEY_RESULTS, Capability.SURVEY_COMMENTS))
    return list(selectors.survey_versions())


@router.post("/surveys/responses", response={200: ResponseOut, **ERRORS})
def survey_response_record(request: AuthedRequest, payload: ResponseIn) -> Any:
    """Record a survey answered on paper after a past service event of the caller's units, to the version in force
    on the event's day: every question answered validly, a comment only with consent, one response per event."""
    response = services.response_record(
        actor=request.user, kind=payload.service, event_id=payload.event_id, answered_on=payload.answered_on,
        answers=payload.answers, consent_to_comment=payload.consent_to_comment, comment=payload.comment)
    return response_out(response)


@router.get("/surveys/results", response={200: ResultsOut, **ERRORS})
def survey_results(request: AuthedRequest, params: Query[ResultsQuery]) -> Any:
    """A year's (or a month's) figures per unit and service in the caller's scope, and over the units shown: the
    number of answers, the mean rating, the share of yes; `few` below 5 answers. The comments given with consent for
    those who read them (day, unit, service; no names)."""
    period: dict[str, Any] = {"year": params.year, "month": params.month, "unit_code": params.unit or None,
              "service": params.service or None}
    found = selectors.results(user=request.user, **period)
    comments = None
    if request.user.can(Capability.SURVEY_COMMENTS):
        comments = [{"answered_on": c.answered_on, "unit": c.unit.code, "service": c.service, "comment": c.text}
                    for c in access.comments_for_user(request.user, **period, access=AccessKind.API,
                                                      context=request.path)]
    return {"year": found.year, "month": found.month, "unit": found.unit.code if found.unit else None,
            "service": found.service, "few_below": selectors.FEW, "rows": [figures_out(f) for f in found.rows],
            "totals": [figures_out(f) for f in found.totals], "comments": comments}


@router.get("/surveys/pending", response={200: PendingOut, **ERRORS})
def survey_pending(request: AuthedRequest, params: Query[PendingQuery]) -> Any:
    """The service events of the last 60 days at the caller's units with no survey yet, latest first (200 at most;
    `total` counts them all)."""
    found = access.pending_for_user(request.user, service=params.service or None, access=AccessKind.API,
                                    context=request.path)
    return {"since": found.since, "total": found.total, "items": [
        {"service": e.service, "event_id": e.pk, "on": e.on, "unit": e.unit.code, "person_id": e.person.pk,
         "person_name": e.person.full_name, "case_id": e.case_id, "application_id": e.application_id,
         "detail": e.detail} for e in found.events]}
