"""Demo surveys: about a third of the demo's past sessions and placements answered, through the service, with a mix
of ratings and a few consented comments; loading again adds nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sakme.casework.models import CounsellingSession, Placement
from sakme.demo.casework import demo_cases_load
from sakme.demo.services import demo_population_load, demo_users_create
from sakme.demo.surveys import demo_surveys_load
from sakme.demo.training import demo_training_load
from sakme.surveys.models import Response


@pytest.fixture
def demo(territory, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo_population_load(persons=600, seed=5, log=lambda *_: None)
    demo_users_create()
    demo_training_load(seed=5)
    demo_cases_load(cases=200, seed=5)


def test_a_third_of_the_past_events_answered(demo):
    written = demo_surveys_load(seed=5)
    today = timezone.localdate()
    sessions = CounsellingSession.objects.filter(held_on__lte=today).count()
    placements = Placement.objects.filter(started_on__lte=today).count()
    assert written == Response.objects.count()
    by_service = {s: Response.objects.filter(service=s).count() for s in ("counselling_session", "placement")}
    assert 0.25 * sessions <= by_service["counselling_session"] <= 0.42 * sessions
    assert 0.2 * placements <= by_service["placement"] <= 0.46 * placements
    ratings = {r.answers["overall"] for r in Response.objects.all()}
    assert len(ratings) >= 4  # a mix
    commented = Response.objects.exclude(comment="")
    assert commented.exists() and not commented.filter(consent_to_comment=False).exists()
    for r in Response.objects.filter(service="counselling_session").select_related("counselling_session"):
        assert r.counselling_session.held_on <= r.answered_on <= today
    assert demo_surveys_load(seed=5) == 0  # the same events, answered already
