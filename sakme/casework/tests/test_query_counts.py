"""The casework pages run the same number of queries whatever the size of the unit and the length of a case's
history: a page of a large unit costs what a page of a small one does (bench/pages.py times them at scale)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sakme.accounts.actors import SYSTEM
from sakme.casework import selectors, services
from sakme.casework.models import Case, FollowUp, Outcome, Referral, State
from sakme.common.workdays import add_working_days
from sakme.employment import services as employment
from sakme.geo.models import TerritorialUnit
from sakme.tests.factories import person, sign_in, version

TODAY = dt.date.today()
CASE_LINK = re.compile(r'href="/cases/(\d+)/"')


def _open(counsellor, *, days_ago: int = 40) -> Case:
    seeker = employment.job_seeker_register(actor=SYSTEM, person=person(),
                                            unit=TerritorialUnit.objects.get(code="TB-1"),
                                            registered_on=TODAY - dt.timedelta(days_ago))
    return services.case_open(actor=counsellor, job_seeker_id=seeker.pk, opened_on=TODAY - dt.timedelta(days_ago))


def _to(case: Case, state: State, *, sessions: int = 1, plans: int = 1) -> Case:
    """Work the case through the services up to `state`, with that many sessions and plan versions."""
    for n in range(sessions):
        services.session_record(actor=SYSTEM, case_id=case.pk, held_on=TODAY - dt.timedelta(n), notes=f"session {n}")
    _move(case, "assess")
    if state == State.ASSESSED:
        return case
    for n in range(plans):
        services.plan_write(actor=SYSTEM, case_id=case.pk, goals=f"goals, version {n + 1}", actions=[
            {"description": f"action {a}", "due_on": TODAY + dt.timedelta(a)} for a in range(3)],
            expected_version=version(case))
    _move(case, "agree_plan")
    _move(case, "start_services")
    return case


def _move(case: Case, action: str, **kw: str) -> None:
    """Take `action` on the case, as the system, from its current version."""
    services.case_transition(actor=SYSTEM, case_id=case.pk, action=action, expected_version=version(case), **kw)


def _refer(case: Case, n: int = 1) -> None:
    for i in range(n):
        services.referral_create(actor=SYSTEM, case_id=case.pk, kind=Referral.Kind.SOCIAL_SERVICE,
                                 service=f"service {i}", referred_on=TODAY - dt.timedelta(30))


def _in_follow_up(counsellor) -> Case:
    """A case that ended in work, its first follow-up due last week (the placement was in the past)."""
    case = _to(_open(counsellor), State.IN_SERVICES)
    employer = employment.employer_register(actor=SYSTEM, tax_id=f"2{case.pk:08d}", name="შპს საცხობი",
                                            unit_id=case.unit_id)
    services.placement_record(actor=SYSTEM, case_id=case.pk, started_on=TODAY, employer_id=employer.pk)
    _move(case, "record_outcome", outcome=Outcome.EMPLOYED)
    _move(case, "start_follow_up")
    FollowUp.objects.filter(case=case, months=3).update(due_on=TODAY - dt.timedelta(7))  # as if months had passed
    return case


def _get(client: Client, url: str, **headers: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.fixture
def counsellor(staff):
    return sign_in(Client(), staff["counsellor"])


def _every_kind_due(user) -> None:
    _open(user)  # first session late
    _to(_open(user), State.ASSESSED)  # plan late
    _refer(_to(_open(user), State.IN_SERVICES))  # referral outcome late
    _in_follow_up(user)  # follow-up late


def test_counsellors_home_is_constant_and_shows_the_most_urgent(staff, counsellor):
    _every_kind_due(staff["counsellor"])
    few, page = _get(counsellor, reverse("home"))
    for what in ("first counselling session", "agree the individual employment plan", "outcome of the referral",
                 "3-month follow-up"):
        assert what in page
    _every_kind_due(staff["counsellor"])
    for days_ago in range(selectors.DUE_SHOWN):
        _open(staff["counsellor"], days_ago=days_ago + 10)
    many, page = _get(counsellor, reverse("home"))
    assert many == few
    due = page.split('id="h-due"')[1].split("</section>")[0]
    assert len(CASE_LINK.findall(due)) == selectors.DUE_SHOWN
    assert f"The {selectors.DUE_SHOWN} most urgent of {selectors.DUE_SHOWN + 8} are listed" in due
    oldest = Case.objects.filter(state=State.REGISTERED).order_by("opened_on", "pk").first()
    assert CASE_LINK.findall(due)[0] == str(oldest.pk)  # the latest first session comes first


def test_unit_heads_home_is_constant(staff):
    head = sign_in(Client(), staff["unit_head"])
    _every_kind_due(staff["counsellor"])
    few, page = _get(head, reverse("home"))
    assert "Caseload" in page and "Late in the unit" in page
    for _ in range(35):
        _open(staff["counsellor"])
    many, page = _get(head, reverse("home"))
    assert many == few
    assert len(CASE_LINK.findall(page.split('id="h-due"')[1].split("</section>")[0])) == 30


def test_latest_start_turns_a_deadline_into_a_date_filter():
    """A clock that started on or before `latest_start(until, n)` is due by `until`; one a day later is not."""
    monday = dt.date(2026, 11, 23)
    for until in (monday + dt.timedelta(d) for d in range(14)):
        for days in (0, 1, 4, 5, 6, 10, 15):
            start = selectors.latest_start(until, days)
            assert add_working_days(start, days) <= until < add_working_days(start + dt.timedelta(1), days)


def test_unit_case_list_is_constant_and_pages_by_keyset(staff, counsellor):
    for _ in range(3):
        _open(staff["counsellor"])
    few, page = _get(counsellor, reverse("casework:list"))
    assert len(set(CASE_LINK.findall(page))) == 3 and 'rel="next"' not in page
    for _ in range(selectors.PAGE_SIZE * 2):
        _open(staff["counsellor"])  # all opened on the same day: the keyset breaks the tie by id
    many, page = _get(counsellor, reverse("casework:list"))
    assert many == few
    seen: list[str] = []
    url = reverse("casework:list")
    while True:
        queries, page = _get(counsellor, url)
        assert queries == few
        ids = list(dict.fromkeys(CASE_LINK.findall(page)))
        seen += ids
        found = re.search(r'href="(\?state=open&amp;after=[^"]+)" rel="next"', page)
        if not found:
            break
        url = reverse("casework:list") + found.group(1).replace("&amp;", "&")
    assert len(seen) == len(set(seen)) == selectors.PAGE_SIZE * 2 + 3
    assert f"{selectors.PAGE_SIZE * 2 + 3} cases" in page


def test_case_list_filters(staff, counsellor):
    closed = _open(staff["counsellor"])
    _move(closed, "end_early", outcome=Outcome.WITHDRAWN)
    _move(closed, "close_without_follow_up")
    registered = _open(staff["counsellor"])
    assessed = _to(_open(staff["counsellor"]), State.ASSESSED)

    def listed(query: str) -> set[int]:
        return {int(i) for i in CASE_LINK.findall(_get(counsellor, reverse("casework:list") + query)[1])}

    assert listed("") == listed("?state=open") == listed("?state=nonsense") == {registered.pk, assessed.pk}
    assert listed("?state=all") == {closed.pk, registered.pk, assessed.pk}
    assert listed("?state=closed") == {closed.pk}
    assert listed("?state=assessed&after=garbage") == {assessed.pk}


def test_case_page_is_constant_however_long_the_history(staff, counsellor):
    short = _to(_open(staff["counsellor"]), State.IN_SERVICES)
    _refer(short)
    few, page = _get(counsellor, reverse("casework:case", args=[short.pk]))
    long = _to(_open(staff["counsellor"]), State.IN_SERVICES, sessions=selectors.SHOWN_SESSIONS + 5, plans=7)
    _refer(long, selectors.SHOWN_REFERRALS + 4)
    oldest = Referral.objects.filter(case=long).order_by("pk").first()
    Referral.objects.filter(case=long).exclude(pk=oldest.pk).update(status=Referral.Status.REJECTED, outcome_on=TODAY)
    for n in range(4):
        services.group_session_hold(actor=staff["counsellor"], unit_id=long.unit_id, topic=f"topic {n}",
                                    held_on=TODAY, invited=[long.pk], attended=[long.pk])
    many, page = _get(counsellor, reverse("casework:case", args=[long.pk]))
    assert many == few
    assert "and 5 earlier sessions" in page and "and 4 earlier referrals" in page
    # The pending referral is on the page, with its form, though it is the oldest.
    assert re.findall(r"/referrals/(\d+)/decision/", page) == [str(oldest.pk)]
    assert "goals, version 7" in page and "topic 3" in page


def test_long_forms_come_when_opened(staff, counsellor):
    case = _to(_open(staff["counsellor"]), State.IN_SERVICES)
    url = reverse("casework:case_form", args=[case.pk, "referral"])
    page = _get(counsellor, reverse("casework:case", args=[case.pk]))[1]
    assert f'hx-get="{url}"' in page and 'name="r-vacancy"' not in page
    employer = employment.employer_register(actor=SYSTEM, tax_id="204567890", name="შპს საცხობი",
                                            unit_id=case.unit_id)

    def vacancies(n: int) -> None:
        for i in range(n):
            employment.vacancy_open(actor=SYSTEM, employer_id=employer.pk, occupation_code="5120", title=f"Cook {i}",
                                    opened_on=TODAY, municipality_code=case.unit.municipality.code)

    vacancies(1)
    few, fragment = _get(counsellor, url, HX_Request="true")
    assert 'name="r-vacancy"' in fragment and "<html" not in fragment and "Cook 0" in fragment
    vacancies(30)
    many, fragment = _get(counsellor, url, HX_Request="true")
    assert many == few and "Cook 29" in fragment
    full = _get(counsellor, url)[1]  # without JavaScript: a page of its own
    assert "<html" in full and 'name="r-vacancy"' in full and case.job_seeker.person.full_name in full
    placement = _get(counsellor, reverse("casework:case_form", args=[case.pk, "placement"]), HX_Request="true")[1]
    assert 'name="p-vacancy"' in placement
    assert counsellor.get(reverse("casework:case_form", args=[case.pk, "nothing"])).status_code == 404
