"""A household's application from declaration to first payment, through the pages, in Georgian and in English: the
specialist declares it from the applicant's registry page and schedules the visit, the social agent records the
visit's answers, the specialist computes the score (explained line by line), decides and the unit head records the
first payment; an application that waited past its service level shows on the unit head's late list."""

from __future__ import annotations

import datetime as dt

import pytest

from sakme.assistance.models import Application, State
from sakme.tests.factories import person
from tests.browser.pages import in_language, serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _step(page, action: str) -> None:
    with page.expect_navigation():
        page.click(f"button[data-action={action}]")
    assert page.locator(".messages .error, [role=alert]").count() == 0, page.locator("main").inner_text()[:500]


def _state(page) -> str:
    return page.locator("#h-state").get_attribute("data-state") or ""


@pytest.mark.parametrize("language", ["ka", "en"])
def test_an_application_from_declaration_to_first_payment(page, live_server, staff, language):
    applicant = person(unit="TB-1", given="მარინა", family="კვარაცხელია")
    sign_in(page, live_server, "assistance_specialist", language)
    page.goto(f"{live_server.url}/registry/persons/{applicant.pk}/")
    with page.expect_navigation():
        page.click(f"a[href='/assistance/apply/{applicant.pk}/']")
    assert in_language(page.locator("h1").inner_text(), language)
    assert serious_violations(page) == []
    page.fill("input[name=q_children]", "2")
    page.fill("input[name=q_working_age]", "2")
    page.select_option("select[name=q_dwelling_condition]", "poor")
    page.fill("input[name=q_rooms]", "2")
    page.fill("input[name=q_income_gel]", "120")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert _state(page) == State.DECLARED
    application = Application.objects.get(applicant=applicant)
    page.fill("input[name=schedule_visit-visit_on]", str(dt.date.today()))
    page.select_option("select[name=schedule_visit-agent]", str(staff["social_agent"].pk))
    _step(page, "schedule_visit")
    assert _state(page) == State.VISIT_SCHEDULED

    sign_in(page, live_server, "social_agent", language)
    page.goto(f"{live_server.url}/assistance/{application.pk}/")
    assert page.locator("input[name=record_visit-q_children]").input_value() == "2"  # the declaration, pre-filled
    page.fill("input[name=record_visit-q_income_gel]", "80")  # the visit found less income than declared
    _step(page, "record_visit")
    assert _state(page) == State.VISITED

    sign_in(page, live_server, "assistance_specialist", language)
    page.goto(f"{live_server.url}/assistance/{application.pk}/")
    _step(page, "compute_score")
    score = application.scores.get()
    assert page.locator("[data-score]").get_attribute("data-score") == str(score.value)
    lines = page.locator("table.score-lines tbody tr")
    assert lines.count() == len(score.lines)  # every line of the computation
    assert page.locator("table.score-lines tr.line-variable").count() == len(score.formula.variables)
    assert page.locator("table.score-lines tr.line-score td.num").last.inner_text() == str(score.value)
    assert in_language(page.locator("table.score-lines tr.line-intercept td").first.inner_text(), language)
    assert serious_violations(page) == []
    _step(page, "decide")
    assert _state(page) == State.ELIGIBLE

    sign_in(page, live_server, "unit_head", language)
    page.goto(f"{live_server.url}/assistance/{application.pk}/")
    _step(page, "record_payment")
    assert _state(page) == State.PAID
    steps = page.locator("ol.steps li")
    assert steps.count() == 6


@pytest.mark.parametrize("language", ["ka", "en"])
def test_a_late_step_shows_on_the_unit_heads_list(page, live_server, staff, language):
    day = dt.date.today() - dt.timedelta(days=40)
    waiting = person(unit="TB-1", given="ზურაბ", family="ჯაყელი")
    from sakme.assistance.services.applications import application_declare
    from tests.matrix_assistance import DECLARATION

    late = application_declare(actor=staff["assistance_specialist"], person_id=waiting.pk, declaration=DECLARATION,
                               declared_on=day)
    sign_in(page, live_server, "unit_head", language)
    page.goto(f"{live_server.url}/assistance/")
    with page.expect_navigation():
        page.click("a[href='/assistance/late/']")
    row = page.locator("tbody tr", has=page.locator(f"a[href='/assistance/{late.pk}/']"))
    assert row.count() == 1
    assert in_language(page.locator("thead").inner_text(), language)
    assert serious_violations(page) == []
    with page.expect_navigation():
        row.locator("a").first.click()
    assert page.locator("[data-late=yes]").count() == 1
