"""Satisfaction from the surveys typed in: the share rating a service 4 or 5, per unit and month."""

from __future__ import annotations

import datetime as dt

import pytest

from sakme.accounts.actors import SYSTEM
from sakme.casework import services as casework
from sakme.geo.models import TerritorialUnit
from sakme.indicators.models import Definition, Level
from sakme.indicators.selectors import value_get
from sakme.indicators.services import indicators_compute
from sakme.surveys.services import response_record
from sakme.tests.factories import open_case

DAY = dt.date(2024, 5, 6)


@pytest.mark.django_db
def test_the_share_satisfied_per_unit_and_month(territory):
    for unit, overall in (("TB-1", 5), ("TB-1", 4), ("TB-1", 2), ("KA-TEL", 1)):
        case = open_case(unit=unit, opened_on=DAY - dt.timedelta(days=3))
        session = casework.session_record(actor=SYSTEM, case_id=case.pk, held_on=DAY)
        response_record(actor=SYSTEM, kind="counselling_session", event_id=session.pk, answered_on=DAY,
                        answers={"overall": overall, "wait_acceptable": True, "explained_clearly": True,
                                 "recommend": overall > 3})
    run = indicators_compute(actor=SYSTEM, year_from=2024, year_to=2024, as_of=dt.date(2024, 6, 30))
    definition = Definition.objects.get(code="satisfaction.counselling")
    tb1 = value_get(run=run, definition=definition, year=2024, month=5, level=Level.UNIT,
                    unit_id=TerritorialUnit.objects.get(code="TB-1").pk)
    assert (tb1.numerator, tb1.denominator) == (2, 3)
    country = value_get(run=run, definition=definition, year=2024)
    assert (country.numerator, country.denominator) == (2, 4)
    placements = value_get(run=run, definition=Definition.objects.get(code="satisfaction.placement"), year=2024)
    assert placements is None or placements.denominator == 0
