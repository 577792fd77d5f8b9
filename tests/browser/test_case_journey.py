"""One job seeker, from registration to the 6-month follow-up, through the pages, in Georgian and in English;
then what the unit head sees."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from sakme.accounts.actors import SYSTEM
from sakme.casework.models import Case, FollowUp, State
from sakme.employment import services as employment
from sakme.geo.models import TerritorialUnit
from sakme.tests.factories import person
from tests.browser.pages import in_language, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]




def submit(page, form_selector: str) -> None:
    with page.expect_navigation():
        page.locator(form_selector).locator("button[type=submit]").click()


def act(page, action: str, outcome: str | None = None) -> None:
    form = page.locator(f"form:has(button[data-action={action}])")
    if outcome:
        form.locator(f"select[name={action}-outcome]").select_option(outcome)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


@pytest.mark.parametrize("language", ["ka", "en"])
def test_from_registration_to_follow_up(page, live_server, staff, language):
    unit = TerritorialUnit.objects.get(code="TB-1")
    employer = employment.employer_register(actor=SYSTEM, tax_id="204567890", name="შპს თბილისის საცხობი",
                                            unit_id=unit.pk)
    vacancy = employment.vacancy_open(actor=SYSTEM, employer_id=employer.pk, occupation_code="5120", title="Cook",
                                      opened_on=dt.date.today(), municipality_code=unit.municipality.code,
                                      wage_gel=900)
    nino = person(given="ნინო", family="ბერიძე", phone="599123456")
    other = person(given="ანა", family="ლომიძე")

    sign_in(page, live_server, "counsellor", language)
    page.goto(f"{live_server.url}/registry/persons/{nino.pk}/")
    assert in_language(page.locator("#h-person").inner_text(), language)
    with page.expect_navigation():
        page.click(f"a[href='/cases/register/{nino.pk}/']")
    assert "599123456" in page.content()  # pre-filled from the registry, not asked again
    page.select_option("select[name=education]", "3")
    search = page.locator("#id_occupations")  # the ISCO-08 picker: a code or a word of the title
    search.type("5120")
    # Typed slowly (a loaded machine), "5" or "51" may have been searched first: wait for the one result of "5120".
    expect(page.locator("#id_occupations-found button")).to_have_count(1)
    expect(page.locator("#id_occupations-found button")).to_contain_text("5120")
    search.press("ArrowDown")
    page.keyboard.press("Enter")
    page.locator("#id_occupations-chosen input[value='5120']").wait_for()
    page.check("input[name=consent_data_processing]")
    page.check("input[name=consent_share_with_employers]")
    submit(page, "main form")
    case = Case.objects.get(job_seeker__person=nino)
    assert page.url.endswith(f"/cases/{case.pk}/")

    page.click("#h-sessions ~ details summary")
    submit(page, f"form[action='/cases/{case.pk}/sessions/']")
    act(page, "assess")
    page.click("#h-plan ~ details summary")
    page.fill("textarea[name=plan-goals]", "Work as a cook in Tbilisi")
    page.fill("input[name=a-0-description]", "Group session on interviews")
    page.fill("input[name=a-0-due_on]", dt.date.today().isoformat())
    submit(page, f"form[action='/cases/{case.pk}/plans/']")
    act(page, "agree_plan")
    act(page, "start_services")
    assert Case.objects.get(pk=case.pk).state == State.IN_SERVICES

    # A group consultation session: invited and attended.
    other_case = employment.job_seeker_register(actor=SYSTEM, person=other, unit=unit, registered_on=dt.date.today())
    from sakme.casework import services as casework

    casework.case_open(actor=staff["counsellor"], job_seeker_id=other_case.pk)
    page.goto(f"{live_server.url}/cases/group-sessions/new/")
    page.fill("input[name=topic]", "Job interviews")
    page.check(f"input[name=invited][value='{case.pk}']")
    page.check(f"input[name=attended][value='{case.pk}']")
    submit(page, "main form")
    assert case.group_participations.get().attended

    # Referral to the vacancy, with consent, from the vacancies the case page suggests (with their reasons).
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    suggested = page.locator("#h-suggested ~ div tbody tr", has_text=vacancy.title)
    suggested.wait_for()
    assert "5120" in suggested.inner_text()  # the reason: the same occupation, by its ISCO code
    suggested.locator("input[name=r-consent]").check()
    submit(page, f"#h-suggested ~ div tr:has-text('{vacancy.title}') form")

    # The employer accepts; the employer-relations specialist records it and the placement.
    sign_in(page, live_server, "employer_relations", language)
    page.goto(f"{live_server.url}/cases/vacancies/{vacancy.pk}/")
    decision = page.locator("form[action*='/decision/']")
    decision.locator("select[name=status]").select_option("accepted")
    with page.expect_navigation():
        decision.locator("button").click()
    with page.expect_navigation():
        page.locator("form[action*='/placement/'] button").click()
    assert case.placements.get().employer == employer

    # Back to the counsellor: outcome, follow-up, the 3- and 6-month checks.
    sign_in(page, live_server, "counsellor", language)
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    act(page, "record_outcome", outcome="employed")
    act(page, "start_follow_up")
    for months in (3, 6):
        follow_up = FollowUp.objects.get(case=case, months=months)
        form = page.locator(f"form[action='/cases/{case.pk}/follow-ups/{follow_up.pk}/']")
        form.locator("select[name=still_in_work_or_training]").select_option("1")
        with page.expect_navigation():
            form.locator("button").click()
    done = dict(FollowUp.objects.filter(case=case).values_list("months", "still_in_work_or_training"))
    assert done == {3: True, 6: True, 12: None}
    assert page.locator("html").get_attribute("lang") == language

    # The unit head sees the case in follow-up in the unit's caseload.
    sign_in(page, live_server, "unit_head", language)
    assert in_language(page.locator("#h-caseload").inner_text(), language)
    row = page.locator("#h-caseload ~ div a[href='/cases/?state=follow_up']").locator("xpath=../..")
    assert row.locator("td").nth(1).inner_text() == "1"
    page.goto(f"{live_server.url}/cases/?state=follow_up")
    assert "ბერიძე" in page.content() or "Beridze" in page.content()
