"""The demo set-up: population through the real importer, users, and case histories the workflow allows."""

from __future__ import annotations

import pytest

from sakme.casework.models import Case, Outcome, State
from sakme.demo.casework import demo_cases_load
from sakme.demo.services import demo_population_load, demo_users_create
from sakme.registry.models import ImportBatch, Person


@pytest.fixture
def demo(territory, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo_population_load(persons=800, seed=3, log=lambda *_: None)
    demo_users_create()
    return demo_cases_load(cases=300, seed=3)


def test_population_users_and_cases(demo):
    assert ImportBatch.objects.filter(status="succeeded").count() == 2
    assert Person.objects.count() >= 800
    assert demo == Case.objects.count() == 300
    closed_employed = Case.objects.filter(state=State.CLOSED, outcome=Outcome.EMPLOYED)
    for case in closed_employed[:20]:
        assert case.placements.exists() and case.follow_ups.filter(done_on__isnull=False).count() == 3
    for case in Case.objects.filter(state=State.FOLLOW_UP)[:20]:
        assert case.follow_ups.count() == 3 and case.outcome in (Outcome.EMPLOYED, Outcome.IN_TRAINING)
    for case in Case.objects.filter(state__in=[State.ASSESSED, State.PLAN_AGREED, State.IN_SERVICES])[:20]:
        assert case.sessions.exists()
    assert Case.objects.exclude(state=State.CLOSED).filter(counsellor__username="counsellor").exists()
    assert demo_cases_load(cases=300, seed=3) == 0  # loading again keeps what is there
