"""Two staff change the same case at the same moment: neither change is silently lost (PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from sakme.casework import services
from sakme.casework.models import Case, CaseEvent, CounsellingSession, Outcome, State
from sakme.common.errors import ConcurrentEdit
from sakme.employment import services as employment
from sakme.geo.models import TerritorialUnit
from sakme.tests.factories import person

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("concurrency")]
DAY = dt.date(2025, 3, 3)


def at_once(*calls):
    """Run the calls in threads released together; return what each returned or raised."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            results[i] = call()
        except Exception as exc:  # the test inspects it
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def case(staff):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the race is PostgreSQL's to prove")
    seeker = employment.job_seeker_register(actor=staff["counsellor"], person=person(),
                                            unit=TerritorialUnit.objects.get(code="TB-1"), registered_on=DAY)
    case = services.case_open(actor=staff["counsellor"], job_seeker_id=seeker.pk, opened_on=DAY)
    services.session_record(actor=staff["counsellor"], case_id=case.pk, held_on=DAY)
    return Case.objects.get(pk=case.pk)


def test_two_conflicting_transitions_one_wins_the_other_is_told(staff, case):
    seen = case.version
    results = at_once(
        lambda: services.case_transition(actor=staff["counsellor"], case_id=case.pk, action="assess",
                                         expected_version=seen),
        lambda: services.case_transition(actor=staff["unit_head"], case_id=case.pk, action="end_early",
                                         outcome=Outcome.WITHDRAWN, expected_version=seen),
    )
    winners = [r for r in results if isinstance(r, Case)]
    refused = [r for r in results if isinstance(r, ConcurrentEdit)]
    assert len(winners) == 1 and len(refused) == 1, results
    final = Case.objects.get(pk=case.pk)
    assert final.state == winners[0].state and final.version == seen + 1
    assert CaseEvent.objects.filter(case=case).exclude(action="open").count() == 1


def test_two_sessions_recorded_at_once_are_both_kept(staff, case):
    results = at_once(*[
        (lambda who=who: services.session_record(actor=staff[who], case_id=case.pk, held_on=DAY, notes=who))
        for who in ("counsellor", "unit_head")
    ])
    assert all(isinstance(r, CounsellingSession) for r in results), results
    assert sorted(CounsellingSession.objects.filter(case=case).values_list("notes", flat=True)) == [
        "", "counsellor", "unit_head"]
    assert Case.objects.get(pk=case.pk).version == case.version + 2
    assert Case.objects.get(pk=case.pk).state == State.REGISTERED
