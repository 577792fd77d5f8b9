"""The social-assistance delays the indicators report, from the applications' dated steps."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from sakme.accounts.actors import SYSTEM
from sakme.assistance.services.applications import Details, application_act, application_declare
from sakme.geo.models import TerritorialUnit
from sakme.indicators.models import Definition, Level
from sakme.indicators.selectors import value_get
from sakme.indicators.services import indicators_compute
from sakme.tests.factories import person
from tests.matrix_assistance import DECLARATION

DECLARED = dt.date(2024, 3, 4)  # a Monday
POOR = {**DECLARATION, "income_gel": "0", "rooms": 1}


def _steps(application, *steps):
    for action, on in steps:
        application = application_act(actor=SYSTEM, application_id=application.pk, action=action,
                                      expected_version=application.version,
                                      details=Details(on=on, visit_on=on, answers=POOR))
    return application


@pytest.mark.django_db
def test_decision_delays_and_late_steps_per_unit_and_month(territory):
    def declared():
        return application_declare(actor=SYSTEM, person_id=person(unit="TB-1").pk, declaration=POOR,
                                   declared_on=DECLARED)

    quick = _steps(declared(), ("schedule_visit", DECLARED), ("record_visit", dt.date(2024, 3, 6)),
                   ("compute_score", dt.date(2024, 3, 6)), ("decide", dt.date(2024, 3, 8)),
                   ("record_payment", dt.date(2024, 3, 29)))
    slow = _steps(declared(), ("schedule_visit", DECLARED), ("record_visit", dt.date(2024, 4, 15)))
    _waiting = declared()  # never visited: still waiting past every level
    run = indicators_compute(actor=SYSTEM, year_from=2024, year_to=2024, as_of=dt.date(2024, 6, 30))
    unit = TerritorialUnit.objects.get(code="TB-1")

    def figure(code):
        return value_get(run=run, definition=Definition.objects.get(code=code), year=2024, month=3, level=Level.UNIT,
                         unit_id=unit.pk)

    median = figure("delay.assistance_decision.median")
    assert median.value == np.busday_count(DECLARED, quick.decided_on) == 4
    late_decisions = figure("delay.assistance_decision.late")
    assert (late_decisions.numerator, late_decisions.denominator) == (2, 3)  # the slow one and the waiting one
    late_visits = figure("delay.assistance_visit.late")
    assert (late_visits.numerator, late_visits.denominator) == (2, 3)  # 30 working days for the slow visit
    assert figure("delay.assistance_payment.median").value == np.busday_count(quick.decided_on, quick.first_paid_on)
    assert slow.visited_on == dt.date(2024, 4, 15)
