"""The permission matrix's rows for this app: its routes, the records they act on in each unit, their addresses.

Surveys are typed in by the unit's counsellors, unit heads and assistance specialists, each for the kinds of service
event they see (sessions and placements: who sees cases; decisions: who sees applications); the results are read by
unit heads, regional coordinators and analysts (figures only), the comments by unit heads and coordinators."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from sakme.accounts.roles import Role
from sakme.casework.models import Case, CounsellingSession
from tests.matrix_rules import allowed

RECORDERS = {Role.COUNSELLOR, Role.UNIT_HEAD, Role.ASSISTANCE_SPECIALIST}
SESSION_RECORDERS = {Role.COUNSELLOR, Role.UNIT_HEAD}  # assistance specialists do not see cases
READERS = {Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR, Role.ANALYST}
ANSWERS = {"overall": 4, "wait_acceptable": True, "explained_clearly": True, "recommend": True}

# url name -> (method, kwargs kind, rule), as in tests/test_permission_matrix.py
ROWS: dict[str, tuple[str, str | None, dict[str, object]]] = {
    "surveys:results": ("get", None, allowed(READERS)),
    "surveys:pending": ("get", None, allowed(RECORDERS)),
    "surveys:record": ("get", "survey_session", allowed(SESSION_RECORDERS, scoped=True)),
    "api:survey_version_list": ("get", None, allowed(RECORDERS | READERS, anon=401)),
    # The matrix's session was held on 8 January 2025: allowed roles record its survey.
    "api:survey_response_record": ("post", "survey_response", allowed(SESSION_RECORDERS, scoped=True, anon=401,
                                                                      json=lambda t: {
        "service": "counselling_session", "event_id": t["survey_session"], "answered_on": "2025-01-09",
        "answers": ANSWERS})),
    "api:survey_results": ("get", "survey_year", allowed(READERS, anon=401)),
    "api:survey_pending": ("get", None, allowed(RECORDERS, anon=401)),
}
KINDS: tuple[str, ...] = ("survey_session", "survey_response", "survey_year")  # the kinds url() answers for
SCOPED_KINDS: tuple[str, ...] = ("survey_session", "survey_response")  # also tried on another unit's record


def objects(person: Any, household: Any) -> dict[str, int]:
    """A counselling session held on the person's case (the questionnaires are in, as reference data)."""
    case = Case.objects.get(job_seeker__person=person)
    session = CounsellingSession.objects.create(case=case, held_on=dt.date(2025, 1, 8))
    return {"survey_session": session.pk}


def url(name: str, kind: str, target: dict[str, Any]) -> str:
    if kind == "survey_session":
        return reverse(name, args=["counselling_session", target["survey_session"]])
    if kind == "survey_year":
        return reverse(name) + "?year=2025"
    if kind == "survey_response":
        return reverse(name)
    raise AssertionError(f"no address for {name} ({kind})")
