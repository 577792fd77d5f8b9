"""The demo set-up: population through the real importer, users, and case histories the workflow allows."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sakme.casework.models import Case, Outcome, State
from sakme.demo.casework import demo_cases_load
from sakme.demo.services import demo_population_load, demo_users_create
from sakme.demo.training import demo_training_load
from sakme.employment.models import TrainingIntake, TrainingProgramme
from sakme.geo.models import Region
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


def test_training_programmes_with_intakes_to_refer_to(territory):
    made = demo_training_load(seed=3)
    assert made == TrainingProgramme.objects.count() > 30
    regions = set(TrainingProgramme.objects.values_list("provider__municipality__region", flat=True))
    assert regions == set(Region.objects.values_list("pk", flat=True))
    today = timezone.localdate()
    open_now = TrainingIntake.objects.filter(applications_close_on__gte=today, programme__is_active=True)
    assert open_now.values("programme").distinct().count() > made * 0.8
    assert TrainingIntake.objects.filter(starts_on__lt=today).exists()
    assert demo_training_load(seed=3) == 0
