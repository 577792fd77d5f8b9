"""`sakme surveys load` and `sakme surveys results`, as the system."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sakme.accounts.actors import SYSTEM
from sakme.surveys.models import SurveyVersion
from sakme.surveys.services import response_record
from sakme.surveys.tests.make import GOOD, session

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("surveys", *args, stdout=out)
    return out.getvalue()


def test_load_twice(territory):
    SurveyVersion.objects.all().delete()  # the test database has the reference data: start without it
    assert run("load") == "surveys: 3 versions in the file, 3 added\n"
    assert run("load") == "surveys: 3 versions in the file, 0 added\n"
    assert SurveyVersion.objects.count() == 3


def test_results_of_a_year(surveys):
    day = dt.date(2025, 6, 2)
    for unit, overall in (("TB-1", 5), ("TB-1", 2), ("TB-2", 4)):
        event = session(unit=unit, held_on=day)
        response_record(actor=SYSTEM, kind="counselling_session", event_id=event.pk, answered_on=day,
                        answers={**GOOD, "overall": overall})
    shown = run("results", "--year", "2025")
    assert "counselling_session: 3 answers" in shown
    assert "TB-1     n=2 (few answers)  overall 3.50  wait_acceptable 100% yes" in shown
    assert "all      n=3 (few answers)  overall 3.67" in shown
    assert "TB-2" not in run("results", "--year", "2025", "--unit", "TB-1")
    assert run("results", "--year", "2024") == "no answers in this period\n"
    with pytest.raises(CommandError, match="No such territorial unit"):
        run("results", "--year", "2025", "--unit", "XX-9")
