"""The demo set-up: population through the real importer, users, and case histories the workflow allows."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sakme.casework.models import Case, Outcome, State, SupportedEmployment
from sakme.casework.workflow import TRANSITIONS
from sakme.demo.casework import demo_cases_load
from sakme.demo.services import demo_linkage_run, demo_merge_undone, demo_population_load, demo_users_create
from sakme.demo.training import demo_training_load
from sakme.employment.models import TrainingIntake, TrainingProgramme
from sakme.geo.models import Region
from sakme.linkage.models import CandidatePair, Cluster, LinkRun
from sakme.registry.models import ImportBatch, Person, PersonMerge


@pytest.fixture
def demo(territory, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    demo_population_load(persons=800, seed=3, log=lambda *_: None)
    demo_linkage_run()
    demo_users_create()
    demo_merge_undone()
    demo_training_load(seed=3)
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


def test_the_sources_are_linked_once(demo):
    # A newcomer finds the links, the run and its model: the import's "offered for review" pairs are there.
    run = LinkRun.objects.get(kind="run")
    assert run.status == "succeeded" and run.counts["auto_accepted"] > 50
    assert CandidatePair.objects.filter(run=run).count() == run.counts["auto_accepted"] + run.counts["review"]
    assert Cluster.objects.exists()
    assert demo_linkage_run() is None  # loading again keeps what is there
    # The run merged the persons its links joined; the steward undid one, and the person page shows both.
    assert PersonMerge.objects.filter(run_id=run.pk, unmerged_at__isnull=True).exists()
    undone = PersonMerge.objects.get(unmerged_at__isnull=False)
    assert undone.unmerged_by.username == "data_steward" and demo_merge_undone() is None


def test_histories_follow_the_workflow_table_on_dates_in_order(demo):
    """Every step of every history is a transition of the table from the state the step before left, and what its
    guard asks for was recorded first, on an earlier or the same day."""
    for case in Case.objects.prefetch_related("events", "referrals__vacancy", "placements", "sessions"):
        state = State.REGISTERED
        for event in sorted(case.events.all(), key=lambda e: e.pk)[1:]:
            transition = TRANSITIONS[event.action]
            assert state in transition.sources and event.to_state == transition.target, (case.pk, event.action)
            state = event.to_state
        assert state == case.state, case.pk
        for referral in case.referrals.all():
            assert referral.referred_on >= case.opened_on
            if referral.vacancy is not None:  # no candidate before the vacancy opened
                assert referral.referred_on >= referral.vacancy.opened_on, (case.pk, referral.pk)
        if case.outcome == Outcome.IN_TRAINING:
            assert case.referrals.filter(kind="training", status="accepted").exists(), case.pk
        if case.outcome == Outcome.EMPLOYED:
            assert case.placements.exists(), case.pk
        if case.state not in (State.REGISTERED,) and case.events.filter(action="assess").exists():
            assert case.sessions.exists(), case.pk
    assert Case.objects.filter(outcome=Outcome.IN_TRAINING).exists()
    assert Case.objects.filter(events__action="end_early").exists()
    pathways = SupportedEmployment.objects.select_related("case__job_seeker__person")
    assert pathways.exists() and all(p.case.job_seeker.person.disability_status for p in pathways)


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


def test_applications_in_every_state_some_late(demo):
    from sakme.accounts.models import User
    from sakme.assistance.models import Application
    from sakme.assistance.models import State as ApplicationState
    from sakme.assistance.selectors import late_applications_for_user
    from sakme.demo.assistance import demo_applications_load

    made = demo_applications_load(seed=3)
    assert made == Application.objects.count() > 0
    assert set(Application.objects.values_list("state", flat=True)) == set(ApplicationState.values)
    paid = Application.objects.filter(state=ApplicationState.PAID).first()
    assert paid.scores.exists() and paid.enrolment.origin == "computed" and paid.steps.count() == 6
    assert late_applications_for_user(User.objects.get(username="unit_head"), today=timezone.localdate())
    assert demo_applications_load(seed=3) == 0
