"""An application from declaration to first payment through the services: each step dated, by whom, audited; the
rules of the table; the decision by the bands; the late list."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from sakme.accounts.actors import SYSTEM
from sakme.assistance.models import Application, Score, State, Step
from sakme.assistance.selectors import late_applications_for_user
from sakme.assistance.services.applications import Details, application_act, application_declare
from sakme.assistance.workflow import TransitionRefused
from sakme.audit.models import AccessEvent, AuditEvent
from sakme.common.errors import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from sakme.registry.models import Enrolment, ScoreOrigin
from sakme.tests.factories import person, sign_in

TODAY = dt.date.today()
POOR = {"children": 3, "working_age": 2, "pension_age": 1, "with_disability": 0, "dwelling_owned": True,
        "dwelling_condition": "poor", "rooms": 2, "cars": 0, "durable_goods": 2, "utilities_gel": "40",
        "land_hectares": "0", "livestock": 0, "income_gel": "150"}
WELL_OFF = {**POOR, "children": 0, "cars": 2, "income_gel": "2500", "dwelling_condition": "good", "rooms": 6}


def _declared(staff, answers=POOR, days_ago=20, unit="TB-1") -> Application:
    applicant = person(unit=unit)
    return application_declare(actor=staff["assistance_specialist"] if unit == "TB-1" else SYSTEM,
                               person_id=applicant.pk, declaration=answers,
                               declared_on=TODAY - dt.timedelta(days=days_ago))


def _step(actor, application, action, **details) -> Application:
    return application_act(actor=actor, application_id=application.pk, action=action,
                           expected_version=application.version, details=Details(**details))


def _scored(staff, answers=POOR) -> Application:
    a = _declared(staff, answers)
    a = _step(staff["assistance_specialist"], a, "schedule_visit", on=TODAY - dt.timedelta(days=19),
              visit_on=TODAY - dt.timedelta(days=15), agent_id=staff["social_agent"].pk)
    a = _step(staff["social_agent"], a, "record_visit", on=TODAY - dt.timedelta(days=15), answers=answers)
    return _step(staff["assistance_specialist"], a, "compute_score", on=TODAY - dt.timedelta(days=14))


@pytest.mark.django_db
def test_from_declaration_to_first_payment(staff):
    a = _scored(staff)
    score = Score.objects.get(application=a)
    # 40,000 − 3×4,500 + 2×1,500 − 1×1,500 + 6,000 − 6,000 + 2×2,500 + 2×1,200 + 40×55 + 150×40 = 43,600; × 1.10
    assert score.value == 47960
    assert [line["line"] for line in score.lines][:2] == ["intercept", "variable"]
    a = _step(staff["assistance_specialist"], a, "decide", on=TODAY - dt.timedelta(days=10))
    assert a.state == State.ELIGIBLE
    assert a.amount_gel == Decimal("50") * 6 + Decimal("200") * 3  # band 2, six members; three children
    enrolment = Enrolment.objects.get(pk=a.enrolment_id)
    assert (enrolment.rating_score, enrolment.origin) == (47960, ScoreOrigin.COMPUTED)
    a = _step(staff["unit_head"], a, "record_payment", on=TODAY - dt.timedelta(days=2))
    assert (a.state, a.first_paid_on) == (State.PAID, TODAY - dt.timedelta(days=2))
    steps = list(Step.objects.filter(application=a).values_list("action", "by__username"))
    assert steps == [("declare", "assistance_specialist"), ("schedule_visit", "assistance_specialist"),
                     ("record_visit", "social_agent"), ("compute_score", "assistance_specialist"),
                     ("decide", "assistance_specialist"), ("record_payment", "unit_head")]
    assert AuditEvent.objects.filter(entity_type="assistance.application", entity_id=str(a.pk)).count() == 6


@pytest.mark.django_db
def test_a_score_above_the_bands_is_refused_and_an_appeal_reopens_it(staff):
    a = _scored(staff, WELL_OFF)
    with pytest.raises(TransitionRefused) as refused:
        _step(staff["assistance_specialist"], a, "decide")
    assert refused.value.code == "score_above_bands"
    a = _step(staff["assistance_specialist"], a, "refuse", reason="score_too_high")
    assert (a.state, a.refusal_reason) == (State.REFUSED, "score_too_high")
    with pytest.raises(DomainError) as silent:
        _step(staff["assistance_specialist"], a, "appeal")
    assert silent.value.code == "note_missing"
    a = _step(staff["assistance_specialist"], a, "appeal", note="the car was sold")
    a = _step(staff["assistance_specialist"], a, "schedule_visit", visit_on=TODAY)
    a = _step(staff["social_agent"], a, "record_visit", answers=POOR)  # the car was sold, the work ended
    a = _step(staff["assistance_specialist"], a, "compute_score")
    a = _step(staff["assistance_specialist"], a, "decide")
    assert a.state == State.ELIGIBLE
    assert Score.objects.filter(application=a).count() == 2  # the first score stays as it was


@pytest.mark.django_db
def test_the_table_and_the_roles_decide_who_does_what(staff):
    a = _declared(staff)
    with pytest.raises(TransitionRefused):
        _step(staff["assistance_specialist"], a, "compute_score")  # no visit yet
    with pytest.raises(PermissionDenied):
        _step(staff["social_agent"], a, "schedule_visit", visit_on=TODAY)  # agents visit; specialists schedule
    with pytest.raises(PermissionDenied):
        _step(staff["counsellor"], a, "schedule_visit", visit_on=TODAY)
    with pytest.raises(DomainError) as future:
        _step(staff["assistance_specialist"], a, "schedule_visit", on=TODAY + dt.timedelta(days=1), visit_on=TODAY)
    assert future.value.code == "date_in_future"
    with pytest.raises(DomainError) as before:
        _step(staff["assistance_specialist"], a, "schedule_visit", on=TODAY - dt.timedelta(days=60), visit_on=TODAY)
    assert before.value.code == "date_before_previous_step"
    with pytest.raises(ConcurrentEdit):
        application_act(actor=staff["assistance_specialist"], application_id=a.pk, action="withdraw",
                        expected_version=a.version - 1)
    elsewhere = _declared(staff, unit="KA-TEL")
    with pytest.raises(NotFound):
        _step(staff["assistance_specialist"], elsewhere, "withdraw")
    with pytest.raises(DomainError) as twice:
        application_declare(actor=staff["assistance_specialist"], person_id=a.applicant_id, declaration=POOR)
    assert twice.value.code == "application_open"


@pytest.mark.django_db
def test_the_declaration_says_which_answer_is_wrong(staff):
    applicant = person(unit="TB-1")
    with pytest.raises(DomainError) as wrong:
        application_declare(actor=staff["assistance_specialist"], person_id=applicant.pk,
                            declaration={**POOR, "rooms": "two"})
    assert wrong.value.code == "answer_not_a_number" and "rooms" in wrong.value.message
    with pytest.raises(DomainError) as missing:
        application_declare(actor=staff["assistance_specialist"], person_id=applicant.pk,
                            declaration={k: v for k, v in POOR.items() if k != "cars"})
    assert missing.value.code == "answer_missing"
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_late_steps_are_listed_for_the_unit_head(staff):
    waiting = _declared(staff, days_ago=30)  # no visit after 30 days: past the 10 working days
    _declared(staff, days_ago=2)  # within its service level
    elsewhere = _declared(staff, days_ago=30, unit="KA-TEL")
    found = late_applications_for_user(staff["unit_head"], today=TODAY)
    assert [late.application.pk for late in found] == [waiting.pk]
    assert found[0].due.late_days > 0
    assert elsewhere.pk not in [late.application.pk for late in late_applications_for_user(
        staff["regional_coordinator"], today=TODAY)]  # Imereti's coordinator: Kakheti is not theirs
    with pytest.raises(PermissionDenied):
        late_applications_for_user(staff["assistance_specialist"], today=TODAY)


@pytest.mark.django_db
def test_the_pages_show_the_score_line_by_line(staff):
    a = _scored(staff)
    client = Client()
    sign_in(client, staff["assistance_specialist"])
    page = client.get(reverse("assistance:application", kwargs={"application_id": a.pk}))
    body = page.content.decode()
    assert page.status_code == 200 and 'data-score="47960"' in body
    assert "Points before any answer" in body and "children under 18" in body and "×" in body
    assert AccessEvent.objects.filter(actor=staff["assistance_specialist"], person_id=a.applicant_id).exists()
    response = client.post(reverse("assistance:act", kwargs={"application_id": a.pk, "action": "decide"}),
                           {"decide-version": a.version, "decide-on": str(TODAY)})
    assert response.status_code == 302
    assert Application.objects.get(pk=a.pk).state == State.ELIGIBLE
    for name in ("assistance:list", "assistance:rules"):
        assert client.get(reverse(name)).status_code == 200
    head = Client()
    sign_in(head, staff["unit_head"])
    assert head.get(reverse("assistance:late")).status_code == 200


@pytest.mark.django_db
def test_the_home_page_shows_the_agents_visits_and_the_late_count(staff):
    a = _declared(staff, days_ago=30)
    _step(staff["assistance_specialist"], a, "schedule_visit", on=TODAY - dt.timedelta(days=29), visit_on=TODAY,
          agent_id=staff["social_agent"].pk)
    agent, head = Client(), Client()
    sign_in(agent, staff["social_agent"])
    sign_in(head, staff["unit_head"])
    body = agent.get("/").content.decode()
    assert f'href="/assistance/{a.pk}/"' in body and "My home visits" in body
    assert "1 application is late" in head.get("/").content.decode()
