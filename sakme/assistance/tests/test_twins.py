"""Every write of the social-assistance pages and its API twin, given the same refused input, refuse it alike (the
same code), because both call the same service."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from sakme.accounts.actors import SYSTEM
from sakme.assistance.models import Application
from sakme.assistance.services.applications import Details, application_act, application_declare
from sakme.tests.factories import person, sign_in
from tests.matrix_assistance import DECLARATION
from tests.twins import Twin, mismatches

TODAY = dt.date.today()
STALE = 999
POOR = {**DECLARATION, "income_gel": "0", "rooms": 1}  # a score within the bands


@dataclass
class World:
    declared: Application
    scored: Application  # poor enough for band 1
    refused: Application


def _to(application: Application, *actions: str) -> Application:
    for action in actions:
        application = application_act(actor=SYSTEM, application_id=application.pk, action=action,
                                      expected_version=application.version,
                                      details=Details(visit_on=TODAY, answers=POOR, reason="not_at_home"))
    return application


@pytest.fixture
def world(staff) -> World:
    def declared() -> Application:
        return application_declare(actor=SYSTEM, person_id=person(unit="TB-1").pk, declaration=DECLARATION,
                                   declared_on=TODAY - dt.timedelta(days=5))
    return World(declared=declared(), scored=_to(declared(), "schedule_visit", "record_visit", "compute_score"),
                 refused=_to(declared(), "schedule_visit", "refuse"))


def _form(prefix: str, version: int, **fields: Any) -> dict[str, Any]:
    return {f"{prefix}-version": version, **{f"{prefix}-{k}": v for k, v in fields.items()}}


def _answers(prefix: str = "") -> dict[str, Any]:
    return {f"{prefix}q_{k}": ("on" if v is True else v) for k, v in DECLARATION.items() if v is not False}


def _declaration_form() -> dict[str, Any]:
    return {"declared_on": str(TODAY), **_answers()}


TWINS = [
    Twin("a score before the visit", "assistance_specialist",
         lambda w: (f"/assistance/{w.declared.pk}/compute_score/", _form("compute_score", w.declared.version)),
         lambda w: (f"/applications/{w.declared.pk}/steps/compute_score", {"expected_version": w.declared.version}),
         "transition_refused"),
    Twin("a step from a stale page", "assistance_specialist",
         lambda w: (f"/assistance/{w.declared.pk}/withdraw/", _form("withdraw", STALE)),
         lambda w: (f"/applications/{w.declared.pk}/steps/withdraw", {"expected_version": STALE}),
         "concurrent_edit"),
    Twin("a refusal for the score of a household within the bands", "assistance_specialist",
         lambda w: (f"/assistance/{w.scored.pk}/refuse/", _form("refuse", w.scored.version, reason="score_too_high")),
         lambda w: (f"/applications/{w.scored.pk}/steps/refuse", {"expected_version": w.scored.version,
                                                                  "reason": "score_too_high"}),
         "score_within_band"),
    Twin("an appeal that says nothing", "assistance_specialist",
         lambda w: (f"/assistance/{w.refused.pk}/appeal/", _form("appeal", w.refused.version)),
         lambda w: (f"/applications/{w.refused.pk}/steps/appeal", {"expected_version": w.refused.version}),
         "note_missing"),
    Twin("a second application of the household", "assistance_specialist",
         lambda w: (f"/assistance/apply/{w.declared.applicant_id}/", _declaration_form()),
         lambda w: ("/applications", {"person_id": w.declared.applicant_id, "declaration": DECLARATION}),
         "application_open"),
    Twin("a visit recorded by a specialist", "assistance_specialist",
         lambda w: (f"/assistance/{w.scored.pk}/record_visit/", {**_form("record_visit", w.scored.version),
                                                                 **_answers("record_visit-")}),
         lambda w: (f"/applications/{w.scored.pk}/steps/record_visit", {"expected_version": w.scored.version,
                                                                        "answers": DECLARATION}),
         "permission_denied"),
]


@pytest.mark.django_db
def test_the_page_and_the_api_refuse_alike(staff, world):
    clients = {role: sign_in(Client(), staff[role]) for role in {t.role for t in TWINS}}
    found = mismatches(TWINS, clients, world)
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_every_page_write_has_a_twin(world):
    walked = {re.sub(r"/assistance/\d+/[a-z_]+/", "/assistance/N/A/", re.sub(r"/apply/\d+/", "/apply/N/",
                                                                           t.page(world)[0])) for t in TWINS}
    assert walked == {"/assistance/N/A/", "/assistance/apply/N/"}
