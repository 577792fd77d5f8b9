"""The surveys' test data: service events made quickly (a session
through the casework service; a placement and a decided application written as their services leave them)."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from django.test import Client
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.assistance.models import Application
from sakme.casework import services as casework
from sakme.casework.models import CounsellingSession, Placement
from sakme.employment.models import Employer
from sakme.registry.models import Household, SourceSystem
from sakme.tests.factories import open_case, person, sign_in

TODAY = timezone.localdate()
PAST = TODAY - dt.timedelta(days=10)
GOOD = {"overall": 4, "wait_acceptable": True, "explained_clearly": True, "recommend": False}
GOOD_PLACEMENT = {"overall": 5, "job_fits": 4, "explained_clearly": True, "recommend": True}
GOOD_DECISION = {"overall": 3, "wait_acceptable": False, "decision_understood": True, "appeal_known": False,
                 "informed_by": "sms"}
_keys = itertools.count(1)


def session(*, unit: str = "TB-1", held_on: dt.date = PAST, given: str = "ნინო") -> CounsellingSession:
    """A counselling session held on a day, on a new case at the unit."""
    case = open_case(unit=unit, opened_on=min(held_on, TODAY) - dt.timedelta(days=1), who=person(unit=unit,
                                                                                                  given=given))
    return casework.session_record(actor=SYSTEM, case_id=case.pk, held_on=held_on)


def placement(*, unit: str = "TB-1", started_on: dt.date = PAST) -> Placement:
    case = open_case(unit=unit, opened_on=min(started_on, TODAY) - dt.timedelta(days=30))
    employer = Employer.objects.create(tax_id=f"3{next(_keys):08d}", name="შპს საცხობი", unit=case.unit)
    return Placement.objects.create(case=case, employer=employer, started_on=started_on)


def application(*, unit: str = "TB-1", decided_on: dt.date | None = PAST) -> Application:
    """A social-assistance application, decided on a day (None: still waiting for its decision)."""
    applicant = person(unit=unit, given="თამარ")
    household = Household.objects.create(source=SourceSystem.objects.get(code="ssa"), key=f"SH-{next(_keys)}",
                                         unit=applicant.unit)
    declared = (decided_on or TODAY) - dt.timedelta(days=40)
    return Application.objects.create(unit=applicant.unit, household=household, applicant=applicant,
                                      state="eligible" if decided_on else "scored",
                                      state_since=decided_on or declared, declared_on=declared,
                                      decided_on=decided_on)


def client_of(user: Any) -> Client:
    return sign_in(Client(), user)
