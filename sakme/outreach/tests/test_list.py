"""The outreach list: who is on it, who is left out (job seekers by every route, through linked records too), the
order by need, what each household keeps, the scope of each role, the access log and the queries it takes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AccessEvent, AccessKind
from sakme.common.errors import NotFound, PermissionDenied
from sakme.common.workdays import add_months
from sakme.outreach.selectors import outreach_list_for_user
from sakme.outreach.tests.worlds import TODAY, born, household, link, record, rules
from sakme.tests.factories import job_seeker, person

pytestmark = pytest.mark.django_db


def listed(user=SYSTEM, **kwargs) -> list[int]:
    kwargs.setdefault("unit_code", "TB-1")
    return [r.person.pk for r in outreach_list_for_user(user, **kwargs).rows]


def test_job_seekers_are_left_out_by_sakme_by_worknet_and_through_linked_records(staff):
    _, (stays,) = household(30)
    _, (registered,) = household(30)
    job_seeker(who=registered)
    _, (in_worknet,) = household(30)
    record(in_worknet, "worknet")
    # The same person known twice: an SSA record of one person id linked to a Worknet record of another.
    _, (linked_to_worknet,) = household(30)
    link(record(linked_to_worknet, "ssa"), record(person(given="ნინო", birth=linked_to_worknet.birth_date), "worknet"))
    # Linked to a record whose person registered in sakme.
    _, (linked_to_seeker,) = household(30)
    elsewhere = person()
    job_seeker(who=elsewhere)
    link(record(linked_to_seeker, "ssa"), record(elsewhere, "ssa"))
    # Linked, but to nobody who seeks work: stays.
    _, (linked_to_nobody,) = household(30)
    link(record(linked_to_nobody, "ssa"), record(person(), "ssa"))

    assert set(listed()) == {stays.pk, linked_to_nobody.pk}


def test_working_age_able_members_of_households_on_assistance_now(staff):
    _, members = household(40, 64, 16, 15, 65)
    adult, oldest, youngest = members[:3]
    _, (severe,) = household(30, disability_status="severe")
    _, (moderate,) = household(30, disability_status="moderate")
    household(30, status="suspended")  # no longer on assistance
    household(30, status="terminated")
    household(30, unit="TB-2")  # another unit's list

    assert set(listed()) == {adult.pk, oldest.pk, youngest.pk, moderate.pk}
    assert severe.pk not in listed()
    sixteen_tomorrow = household(16)[1][0]
    sixteen_tomorrow.birth_date = born(16) + dt.timedelta(days=1)
    sixteen_tomorrow.save()
    assert sixteen_tomorrow.pk not in listed()
    assert sixteen_tomorrow.pk in listed(as_of=TODAY + dt.timedelta(days=1))


def test_ordered_by_score_then_children_then_time_on_assistance(staff):
    _, (poorest,) = household(30, score=9_000)
    _, (two_children, *_) = household(30, 5, 7, score=15_000)
    _, (one_child_long, _) = household(30, 3, score=15_000, since=dt.date(2012, 1, 1))
    _, (one_child, _) = household(30, 3, score=15_000, since=dt.date(2019, 1, 1))
    _, (richer,) = household(30, score=50_000)

    page = outreach_list_for_user(SYSTEM, unit_code="TB-1")
    assert [r.person.pk for r in page.rows] == [poorest.pk, two_children.pk, one_child_long.pk, one_child.pk,
                                                richer.pk]
    assert [r.rank for r in page.rows] == [1, 2, 3, 4, 5]
    second = page.rows[1]
    assert (second.score, second.children, second.members, second.since) == (15_000, 2, 3, dt.date(2020, 3, 1))
    assert second.age == 30 and second.household.address


def test_what_the_household_keeps_in_words(staff):
    rules()
    household(35, 34, 8, score=20_000)
    row = outreach_list_for_user(SYSTEM, unit_code="TB-1").rows[0]
    until = add_months(TODAY, 48)
    assert row.keeps.until == until and row.keeps.monthly_gel == 380  # 3 × 60 + 200 for the child
    assert row.keeps.en == (f"If you take a job, your household keeps its vulnerable status for 4 years, until "
                            f"{until.day} {until:%B %Y}; today it receives 380 GEL a month.")
    assert row.keeps.ka != "" and str(until.year) in row.keeps.ka


def test_what_is_kept_when_the_rules_keep_no_status_or_pay_nothing(staff):
    rules(years=0)
    household(35, score=70_000)
    row = outreach_list_for_user(SYSTEM, unit_code="TB-1").rows[0]
    assert row.keeps.until is None and row.keeps.monthly_gel is None
    assert "keeps no status" in row.keeps.en


def test_each_role_sees_its_place_only(staff):
    _, (tb1,) = household(30, unit="TB-1")
    _, (tb2,) = household(30, unit="TB-2")
    _, (telavi,) = household(30, unit="KA-TEL")
    _, (tb1_unplaced,) = household(30, unit="TB-1", municipality=False)  # no municipality recorded
    worker = staff["municipal_social_worker"]

    assert set(listed(staff["counsellor"])) == {tb1.pk, tb1_unplaced.pk}
    page = outreach_list_for_user(worker)  # their municipality by default: Tbilisi's five units
    assert page.place.municipality.code == "tbilisi" and page.place.unit is None
    assert {r.person.pk for r in page.rows} == {tb1.pk, tb2.pk}
    assert set(listed(worker, unit_code="TB-2")) == {tb2.pk}
    with pytest.raises(NotFound):
        listed(worker, unit_code="KA-TEL")
    with pytest.raises(NotFound):
        listed(worker, unit_code="", municipality_code="telavi")
    with pytest.raises(NotFound):
        listed(staff["counsellor"], unit_code="TB-2")
    assert set(listed(staff["regional_coordinator"], unit_code="IM-KUT")) == set()
    with pytest.raises(PermissionDenied):
        listed(staff["analyst"])
    assert telavi.pk in listed(unit_code="KA-TEL")


def test_the_persons_shown_are_logged(staff):
    _, members = household(30, 31)
    outreach_list_for_user(staff["unit_head"], unit_code="TB-1", context="/outreach/")
    logged = AccessEvent.objects.filter(actor=staff["unit_head"], kind=AccessKind.LISTED, context="/outreach/")
    assert sorted(logged.values_list("person_id", flat=True)) == sorted(m.pk for m in members)


def test_a_page_at_a_time_in_the_same_number_of_queries(staff):
    rules()
    household(30)
    outreach_list_for_user(staff["counsellor"], unit_code="TB-1")  # the user's scope, read once per request
    with CaptureQueriesContext(connection) as few:
        outreach_list_for_user(staff["counsellor"], unit_code="TB-1")
    for _ in range(60):
        household(30, 4)
    with CaptureQueriesContext(connection) as many:
        page = outreach_list_for_user(staff["counsellor"], unit_code="TB-1", page=2)
    assert len(many) == len(few)
    assert (page.total, page.pages, len(page.rows), page.rows[0].rank, page.next) == (61, 2, 11, 51, None)
    listed = [q["sql"] for q in many.captured_queries if "registry_person" in q["sql"]]
    assert len(listed) == 1  # the page's rows and the count: one query (a window over the list)
    past = outreach_list_for_user(staff["counsellor"], unit_code="TB-1", page=9)  # past the end: the last page
    assert (past.page, past.total, [r.rank for r in past.rows][:2]) == (2, 61, [51, 52])
    empty = outreach_list_for_user(SYSTEM, unit_code="TB-3", page=3)
    assert (empty.total, empty.page, empty.pages, empty.rows) == (0, 1, 1, [])
