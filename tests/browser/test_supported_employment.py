"""Supported employment in the browser: a counsellor starts the pathway of a job seeker with a disability, records
an adaptation and a coaching contact, moves the adaptation on; then corrects a past group session's attendance.
The pages raise no console errors (the CSP refuses nothing)."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from sakme.accounts.actors import SYSTEM
from sakme.casework import services
from sakme.casework.models import Case, GroupParticipant, SupportedEmployment
from sakme.tests.factories import PASSWORD, open_case, person, version

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TODAY = dt.date.today()


def _sign_in(page, server, username: str) -> None:
    page.goto(f"{server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")


def _submit(form) -> None:
    with form.page.expect_navigation():
        form.locator("button[type=submit]").click()


def test_a_pathway_and_a_group_session_through_the_pages(page, live_server, staff):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    case = open_case(who=person(given="ლევან", family="გიორგაძე", disability_status="significant"),
                     counsellor=staff["counsellor"])
    services.session_record(actor=SYSTEM, case_id=case.pk, held_on=TODAY)
    services.case_transition(actor=SYSTEM, case_id=case.pk, action="assess", expected_version=version(case))
    session = services.group_session_hold(actor=SYSTEM, unit_id=case.unit_id, topic="Writing a CV", held_on=TODAY,
                                          invited=[case.pk], attended=[])
    _sign_in(page, live_server, "counsellor")

    page.goto(f"{live_server.url}/cases/{case.pk}/")
    start = page.locator("form[action$='/supported-employment/']")
    start.locator("select[name=job_coach]").select_option(str(staff["counsellor"].pk))
    start.locator("textarea[name=needs]").fill("Written instructions")
    _submit(start)
    expect(page.locator("#h-supported")).to_be_visible()
    expect(page.locator("section:has(#h-supported)")).to_contain_text("Written instructions")

    page.locator("summary", has_text="Propose an adaptation").click()
    adaptation = page.locator("form[action$='/supported-employment/adaptations/']")
    adaptation.locator("input[name=description]").fill("Step-free entrance")
    _submit(adaptation)
    page.locator("summary", has_text="Record a coaching contact").click()
    coaching = page.locator("form[action$='/supported-employment/coaching/']")
    coaching.locator("select[name=kind]").select_option("preparation")
    coaching.locator("input[name=hours]").fill("2")
    coaching.locator("textarea[name=notes]").fill("Visited the bakery together")
    _submit(coaching)
    section = page.locator("section:has(#h-supported)")
    expect(section).to_contain_text("Step-free entrance")
    expect(section).to_contain_text("Visited the bakery together")

    row = section.locator("li", has_text="Step-free entrance").locator("form")
    row.locator("select[name=status]").select_option("agreed")
    _submit(row)
    pathway = SupportedEmployment.objects.get(case=case)
    assert list(pathway.adaptations.values_list("status", flat=True)) == ["agreed"]

    page.goto(f"{live_server.url}/cases/group-sessions/")
    with page.expect_navigation():
        page.get_by_role("link", name="Writing a CV").click()
    page.locator(f"input[name=attended][value='{case.pk}']").check()
    _submit(page.locator("form[action$='/attendance/']"))
    expect(page.locator(".messages")).to_contain_text("Attendance corrected")
    assert GroupParticipant.objects.get(session=session, case=case).attended
    assert Case.objects.get(pk=case.pk).supported_employment.contacts.count() == 1
    assert errors == []
