"""Every transition of the workflow table, allowed and refused, through the services."""

from __future__ import annotations

import datetime as dt

import pytest

from sakme.audit.models import AuditEvent
from sakme.casework import services
from sakme.casework.models import Case, CaseEvent, FollowUp, Outcome, Referral, State
from sakme.casework.workflow import TRANSITIONS, TransitionRefused
from sakme.common.errors import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from sakme.employment import services as employment
from sakme.employment.models import TrainingProgramme, TrainingProvider
from sakme.geo.models import TerritorialUnit
from sakme.tests.factories import person, row_version, version

DAY = dt.date(2025, 3, 3)


@pytest.fixture
def case(staff):
    seeker = employment.job_seeker_register(actor=staff["counsellor"], person=person(),
                                            unit=TerritorialUnit.objects.get(code="TB-1"), registered_on=DAY,
                                            education="3", occupations=["5120"])
    return services.case_open(actor=staff["counsellor"], job_seeker_id=seeker.pk, opened_on=DAY)


@pytest.fixture
def vacancy(staff):
    employer = employment.employer_register(actor=staff["employer_relations"], tax_id="204567890",
                                            name="შპს საცხობი", unit_id=TerritorialUnit.objects.get(code="TB-1").pk)
    return employment.vacancy_open(actor=staff["employer_relations"], employer_id=employer.pk, occupation_code="5120",
                                   title="Cook", opened_on=DAY, municipality_code=employer.unit.municipality.code)


def go(staff, case, action, **kw):
    """The counsellor takes `action` on the case, from its current version unless `expected_version` is given."""
    kw.setdefault("expected_version", version(case))
    return services.case_transition(actor=staff["counsellor"], case_id=case.pk, action=action, on=DAY, **kw)


def to_services(staff, case):
    services.session_record(actor=staff["counsellor"], case_id=case.pk, held_on=DAY)
    go(staff, case, "assess")
    services.plan_write(actor=staff["counsellor"], case_id=case.pk, goals="Work as a cook",
                        actions=[{"description": "Attend the group session", "due_on": DAY}],
                        expected_version=version(case))
    go(staff, case, "agree_plan")
    return go(staff, case, "start_services")


def test_the_table_covers_every_state_but_closed():
    sources = set().union(*(t.sources for t in TRANSITIONS.values()))
    assert sources == set(State) - {State.CLOSED}


def test_assess_needs_a_session_first(staff, case):
    with pytest.raises(TransitionRefused, match="counselling session"):
        go(staff, case, "assess")
    services.session_record(actor=staff["counsellor"], case_id=case.pk, held_on=DAY)
    assert go(staff, case, "assess").state == State.ASSESSED


def test_agree_plan_needs_a_plan_with_an_action(staff, case):
    services.session_record(actor=staff["counsellor"], case_id=case.pk, held_on=DAY)
    go(staff, case, "assess")
    with pytest.raises(TransitionRefused, match="plan"):
        go(staff, case, "agree_plan")
    services.plan_write(actor=staff["counsellor"], case_id=case.pk, goals="g", actions=[],
                        expected_version=version(case))
    with pytest.raises(TransitionRefused, match="at least one action"):
        go(staff, case, "agree_plan")
    services.plan_write(actor=staff["counsellor"], case_id=case.pk, goals="g",
                        actions=[{"description": "CV", "due_on": DAY}], expected_version=version(case))
    assert go(staff, case, "agree_plan").state == State.PLAN_AGREED
    assert case.plans.count() == 2  # versions are kept


@pytest.mark.parametrize("action", ["agree_plan", "start_services", "record_outcome", "start_follow_up", "close",
                                    "close_without_follow_up"])
def test_actions_refused_from_registered(staff, case, action):
    with pytest.raises(TransitionRefused, match="cannot do"):
        go(staff, case, action, outcome=Outcome.EMPLOYED)
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED


def test_employed_needs_a_placement_then_follow_ups_then_close(staff, case, vacancy):
    case = to_services(staff, case)
    with pytest.raises(TransitionRefused, match="placement"):
        go(staff, case, "record_outcome", outcome=Outcome.EMPLOYED)
    referral = services.referral_create(actor=staff["counsellor"], case_id=case.pk, kind=Referral.Kind.VACANCY,
                                        vacancy_id=vacancy.pk, referred_on=DAY, consent=True)
    services.referral_decide(actor=staff["employer_relations"], case_id=case.pk, referral_id=referral.pk,
                             status="accepted", decided_on=DAY, expected_version=row_version(referral))
    services.placement_record(actor=staff["counsellor"], case_id=case.pk, vacancy_id=vacancy.pk, started_on=DAY)
    case = go(staff, case, "record_outcome", outcome=Outcome.EMPLOYED)
    assert case.state == State.OUTCOME and case.outcome == Outcome.EMPLOYED
    with pytest.raises(TransitionRefused, match="follow"):
        go(staff, case, "close_without_follow_up")
    case = go(staff, case, "start_follow_up")
    assert sorted(case.follow_ups.values_list("months", "due_on")) == [
        (3, dt.date(2025, 6, 3)), (6, dt.date(2025, 9, 3)), (12, dt.date(2026, 3, 3))]
    with pytest.raises(TransitionRefused, match="every follow-up"):
        go(staff, case, "close")
    for follow_up in FollowUp.objects.filter(case=case):
        services.follow_up_record(actor=staff["counsellor"], case_id=case.pk, follow_up_id=follow_up.pk,
                                  done_on=follow_up.due_on, still_in_work_or_training=True,
                                  expected_version=follow_up.version)
    case = go(staff, case, "close")
    assert case.state == State.CLOSED and case.closed_on == DAY
    assert list(CaseEvent.objects.filter(case=case).values_list("action", flat=True)) == [
        "open", "assess", "agree_plan", "start_services", "record_outcome", "start_follow_up", "close"]
    assert AuditEvent.objects.filter(entity_type="casework.case", entity_id=str(case.pk)).count() >= 10


def test_in_training_needs_an_accepted_training_referral(staff, case):
    case = to_services(staff, case)
    provider = TrainingProvider.objects.create(name="College", tax_id="400000001",
                                               municipality=case.unit.municipality)
    programme = TrainingProgramme.objects.create(provider=provider, occupation_id="5120", title="Cooking",
                                                 duration_weeks=12, capacity=20)
    programme.intakes.create(starts_on=DAY + dt.timedelta(days=30), applications_close_on=DAY + dt.timedelta(days=20))
    with pytest.raises(TransitionRefused, match="training"):
        go(staff, case, "record_outcome", outcome=Outcome.IN_TRAINING)
    referral = services.referral_create(actor=staff["counsellor"], case_id=case.pk, kind=Referral.Kind.TRAINING,
                                        programme_id=programme.pk, referred_on=DAY)
    services.referral_decide(actor=staff["counsellor"], case_id=case.pk, referral_id=referral.pk, status="accepted",
                             decided_on=DAY, expected_version=row_version(referral))
    assert go(staff, case, "record_outcome", outcome=Outcome.IN_TRAINING).outcome == Outcome.IN_TRAINING


@pytest.mark.parametrize("outcome", [Outcome.WITHDRAWN, Outcome.NOT_REACHABLE])
def test_ending_early_closes_without_follow_up(staff, case, outcome):
    with pytest.raises(TransitionRefused, match="Only"):
        go(staff, case, "end_early", outcome=Outcome.EMPLOYED)
    case = go(staff, case, "end_early", outcome=outcome)
    with pytest.raises(TransitionRefused, match="work or training"):
        go(staff, case, "start_follow_up")
    assert go(staff, case, "close_without_follow_up").state == State.CLOSED


def test_record_outcome_refuses_transferred_and_nonsense(staff, case):
    case = to_services(staff, case)
    for outcome in (Outcome.TRANSFERRED, "promoted"):
        with pytest.raises(TransitionRefused, match="Choose the outcome"):
            go(staff, case, "record_outcome", outcome=outcome)


def test_transfer_continues_at_the_other_unit(staff, case):
    services.session_record(actor=staff["counsellor"], case_id=case.pk, held_on=DAY)
    go(staff, case, "assess")
    successor = services.case_transfer(actor=staff["counsellor"], case_id=case.pk, reason="moved",
                                       to_unit_id=TerritorialUnit.objects.get(code="KA-TEL").pk,
                                       expected_version=version(case))
    old = Case.objects.get(pk=case.pk)
    assert (old.state, old.outcome) == (State.CLOSED, Outcome.TRANSFERRED)
    assert (successor.state, successor.unit.code, successor.transferred_from_id) == (State.ASSESSED, "KA-TEL", old.pk)
    with pytest.raises(NotFound):  # the counsellor of TB-1 cannot work on KA-TEL's case: to them it does not exist
        go(staff, successor, "agree_plan")


def test_a_stale_version_is_refused_not_lost(staff, case):
    services.session_record(actor=staff["counsellor"], case_id=case.pk, held_on=DAY)
    seen = Case.objects.get(pk=case.pk).version
    go(staff, case, "assess", expected_version=seen)
    with pytest.raises(ConcurrentEdit):
        services.case_transition(actor=staff["unit_head"], case_id=case.pk, action="end_early",
                                 outcome=Outcome.WITHDRAWN, expected_version=seen)
    assert Case.objects.get(pk=case.pk).state == State.ASSESSED


def test_roles_and_units_are_checked(staff, case):
    with pytest.raises(PermissionDenied):
        services.session_record(actor=staff["analyst"], case_id=case.pk, held_on=DAY)
    with pytest.raises(PermissionDenied):
        services.session_record(actor=staff["regional_coordinator"], case_id=case.pk, held_on=DAY)
    with pytest.raises(DomainError, match="already has an open case"):
        services.case_open(actor=staff["counsellor"], job_seeker_id=case.job_seeker_id)


def test_group_session_counts_attendance_per_person(staff, case):
    other = services.case_open(actor=staff["counsellor"], job_seeker_id=employment.job_seeker_register(
        actor=staff["counsellor"], person=person(given="ანა"), unit=case.unit, registered_on=DAY).pk)
    session = services.group_session_hold(actor=staff["counsellor"], unit_id=case.unit_id, topic="CV writing",
                                          held_on=DAY, invited=[case.pk, other.pk], attended=[case.pk])
    assert sorted(session.participants.values_list("case_id", "attended")) == [(case.pk, True), (other.pk, False)]
    with pytest.raises(DomainError, match="invited"):
        services.group_session_hold(actor=staff["counsellor"], unit_id=case.unit_id, topic="x", held_on=DAY,
                                    invited=[case.pk], attended=[other.pk])


def test_a_vacancy_referral_needs_consent(staff, case, vacancy):
    case = to_services(staff, case)
    with pytest.raises(DomainError, match="agree"):
        services.referral_create(actor=staff["counsellor"], case_id=case.pk, kind=Referral.Kind.VACANCY,
                                 vacancy_id=vacancy.pk, referred_on=DAY)


@pytest.mark.parametrize("day,months,due", [
    (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)), (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
    (dt.date(2025, 11, 30), 3, dt.date(2026, 2, 28)), (dt.date(2025, 3, 3), 12, dt.date(2026, 3, 3)),
])  # fmt: skip
def test_follow_up_dates_fall_on_the_same_day_or_the_month_end(day, months, due):
    from sakme.common.workdays import add_months

    assert add_months(day, months) == due
