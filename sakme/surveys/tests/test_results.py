"""The results of a period in the reader's scope, checked against figures worked out by hand; the comments for those
who read them, logged; "few answers" below five."""

from __future__ import annotations

import datetime as dt

import pytest

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AccessEvent
from sakme.common.errors import DomainError, NotFound, PermissionDenied
from sakme.surveys import access, selectors
from sakme.surveys.services import response_record
from sakme.surveys.tests.make import GOOD_DECISION, application, session

pytestmark = pytest.mark.django_db
YEAR = 2025
DAY = dt.date(YEAR, 3, 10)


def answer(unit, overall, wait, *, day=DAY, comment=""):
    event = session(unit=unit, held_on=day)
    return response_record(actor=SYSTEM, kind="counselling_session", event_id=event.pk, answered_on=day,
                           answers={"overall": overall, "wait_acceptable": wait, "explained_clearly": True,
                                    "recommend": overall >= 4}, consent_to_comment=bool(comment), comment=comment)


@pytest.fixture
def answered(surveys):
    """TB-1: ratings 5, 4, 3 (mean 4.0), wait acceptable 2 of 3; TB-2: 5, 5, 4, 3, 1 (mean 3.6), 3 of 5; Kutaisi:
    2, 2 (mean 2.0), 0 of 2. Outside the year and month: one more at TB-1."""
    for overall, wait in [(5, True), (4, True), (3, False)]:
        answer("TB-1", overall, wait)
    for overall, wait in [(5, True), (5, False), (4, False), (3, True), (1, True)]:
        answer("TB-2", overall, wait, day=dt.date(YEAR, 4, 2))
    answer("IM-KUT", 2, False, comment="რიგში დიდხანს ველოდე.")
    answer("IM-KUT", 2, False, comment="")
    answer("TB-1", 1, False, day=dt.date(YEAR - 1, 12, 30), comment="Last year's.")


def figures(result, unit):
    return {(r.unit.code if r.unit else None): r for r in result.rows}.get(unit) if unit else result.totals[0]


def test_an_analyst_sees_the_country_per_unit_and_in_total(answered, staff):
    result = selectors.results(user=staff["analyst"], year=YEAR)
    assert [r.unit.code for r in result.rows] == ["IM-KUT", "TB-1", "TB-2"]
    tb1, tb2, kut = figures(result, "TB-1"), figures(result, "TB-2"), figures(result, "IM-KUT")
    assert (tb1.answers, tb1.questions["overall"].mean, tb1.questions["wait_acceptable"].yes_share) == (3, 4.0, 0.6667)
    assert (tb2.answers, tb2.questions["overall"].mean, tb2.questions["wait_acceptable"].yes_share) == (5, 3.6, 0.6)
    assert (kut.answers, kut.questions["overall"].mean, kut.questions["wait_acceptable"].yes_share) == (2, 2.0, 0.0)
    total = result.totals[0]
    # (12 + 18 + 4) / 10 ratings; 5 of 10 found the wait acceptable; 5 of 10 would recommend (those who rated 4 or 5).
    assert (total.answers, total.questions["overall"].mean, total.questions["wait_acceptable"].yes_share) == \
        (10, 3.4, 0.5)
    assert total.questions["recommend"].yes_share == 0.5
    assert tb1.few and kut.few and not tb2.few and not total.few


def test_each_reader_sees_their_own_area(answered, staff):
    head = selectors.results(user=staff["unit_head"], year=YEAR)
    assert [r.unit.code for r in head.rows] == ["TB-1"] and head.totals[0].answers == 3
    coordinator = selectors.results(user=staff["regional_coordinator"], year=YEAR)
    assert [r.unit.code for r in coordinator.rows] == ["IM-KUT"] and coordinator.totals[0].questions[
        "overall"].mean == 2.0
    with pytest.raises(NotFound):
        selectors.results(user=staff["unit_head"], year=YEAR, unit_code="TB-2")
    with pytest.raises(PermissionDenied):
        selectors.results(user=staff["counsellor"], year=YEAR)


def test_a_month_a_unit_and_a_service(answered, staff):
    march = selectors.results(user=staff["analyst"], year=YEAR, month=3)
    assert {r.unit.code for r in march.rows} == {"TB-1", "IM-KUT"} and march.totals[0].answers == 5
    last_year = selectors.results(user=staff["analyst"], year=YEAR - 1, unit_code="TB-1")
    assert last_year.totals[0].answers == 1 and last_year.totals[0].questions["overall"].mean == 1.0
    assert selectors.results(user=staff["analyst"], year=YEAR, service="placement").rows == []
    with pytest.raises(DomainError) as refused:
        selectors.results(user=staff["analyst"], year=YEAR, month=13)
    assert refused.value.code == "survey_period_invalid"


def test_choices_are_counted(surveys, staff):
    for informed in ("sms", "sms", "letter"):
        event = application(decided_on=DAY)
        response_record(actor=SYSTEM, kind="assistance_decision", event_id=event.pk, answered_on=DAY,
                        answers={**GOOD_DECISION, "informed_by": informed})
    total = selectors.results(user=staff["unit_head"], year=YEAR).totals[0]
    assert total.service == "assistance_decision"
    assert total.questions["informed_by"].choices == {"sms": 2, "letter": 1}
    assert total.questions["overall"].mean == 3.0 and total.questions["appeal_known"].yes_share == 0.0


def test_comments_only_for_their_readers_with_no_names_and_logged(answered, staff):
    coordinator = staff["regional_coordinator"]
    found = access.comments_for_user(coordinator, year=YEAR, context="/surveys/")
    assert [c.text for c in found] == ["რიგში დიდხანს ველოდე."] and found[0].unit.code == "IM-KUT"
    logged = AccessEvent.objects.filter(actor=coordinator, kind="listed", context="/surveys/")
    assert list(logged.values_list("person_id", flat=True)) == [found[0].person_id]
    assert access.comments_for_user(staff["unit_head"], year=YEAR) == []  # TB-1's comment is of another year
    assert [c.text for c in access.comments_for_user(staff["unit_head"], year=YEAR - 1)] == ["Last year's."]
    with pytest.raises(PermissionDenied):  # analysts read figures only
        access.comments_for_user(staff["analyst"], year=YEAR)


def test_the_indicator_hook(answered):
    rows = selectors.satisfaction_counts()
    assert len(rows) == 11 and sum(r[2] for r in rows) == 5  # rated 4 or 5: TB-1 two, TB-2 three
    by_unit = {}
    for unit_id, _day, numerator, denominator in selectors.satisfaction_counts(how="mean"):
        total = by_unit.setdefault(unit_id, [0.0, 0.0])
        total[0] += numerator
        total[1] += denominator
    kutaisi = session(unit="IM-KUT").case.unit_id
    assert by_unit[kutaisi] == [4.0, 2.0]
    assert sum(r[2] for r in selectors.satisfaction_counts(question="wait_acceptable")) == 5
    assert selectors.satisfaction_counts(service="placement") == []
