"""An analyst records a training and who attended it, through the pages, and finds it among the year's activities
in Georgian and in English; a unit head sees the year's activities but is offered nothing to record."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sakme.geo.models import TerritorialUnit, Training
from tests.browser.pages import in_language, serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TITLE_KA = "ტრენინგი სამუშაოს მაძიებელთა პროფილირების შესახებ"
TITLE_EN = "Training on profiling job seekers"


@pytest.fixture(autouse=True)
def _one_factor(settings):
    """As in the demo: analysts sign in without the second factor (its pages are tested in accounts)."""
    settings.SAKME_OTP_REQUIRED_ROLES = []


def switch_language(page, language: str) -> None:
    with page.expect_navigation():
        page.select_option("#language", language)
    assert page.locator("html").get_attribute("lang") == language


def header(page) -> str:
    """The trainings table's first column heading (the date), in the page's language."""
    return page.locator("section[aria-labelledby=h-trainings] thead th").first.inner_text()


def trainings_row(page, title: str):
    return page.locator("section[aria-labelledby=h-trainings] tbody tr", has_text=title)


@pytest.mark.parametrize("language", ["ka", "en"])
def test_an_analyst_records_a_training_with_two_attendees(page, live_server, staff, language):
    counsellor, specialist = staff["counsellor"], staff["employer_relations"]
    sign_in(page, live_server, "analyst", language)
    with page.expect_navigation():
        page.click("header nav a[href='/geo/activities/']")
    assert in_language(header(page), language)
    with page.expect_navigation():
        page.click("a[href='/geo/activities/trainings/new/?kind=training']")
    assert page.locator("select[name=kind]").input_value() == "training"
    assert serious_violations(page) == []
    page.fill("input[name=date]", "2025-03-12")
    page.fill("input[name=days]", "2")
    page.fill("textarea[name=title_ka]", TITLE_KA)
    page.fill("textarea[name=title_en]", TITLE_EN)
    attendees = page.locator("fieldset:has(legend:has-text('TB-1'))")  # staff grouped by their unit
    attendees.get_by_label("counsellor").check()
    attendees.get_by_label("employer_relations").check()
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    assert page.url == f"{live_server.url}/geo/activities/?year=2025"
    expect(page.locator(".messages li.success")).to_be_visible()
    assert serious_violations(page) == []
    training = Training.objects.get(title_en=TITLE_EN)
    assert set(training.attendees.values_list("pk", flat=True)) == {counsellor.pk, specialist.pk}
    shown, other = (TITLE_KA, TITLE_EN) if language == "ka" else (TITLE_EN, TITLE_KA)
    row = trainings_row(page, shown)
    expect(row).to_have_count(1)
    assert trainings_row(page, other).count() == 0  # the title in the page's language only
    row.locator("summary").click()  # who attended, with their unit
    expect(row.locator("li")).to_have_count(2)
    unit = TerritorialUnit.objects.get(code="TB-1")
    expect(row.locator("li", has_text="counsellor")).to_contain_text(unit.name_ka if language == "ka" else unit.name_en)

    other_language = "en" if language == "ka" else "ka"
    switch_language(page, other_language)
    expect(trainings_row(page, other)).to_have_count(1)
    assert in_language(header(page), other_language)


def test_a_unit_head_sees_the_year_but_records_nothing(page, live_server, staff):
    sign_in(page, live_server, "unit_head", "en")
    page.goto(f"{live_server.url}/geo/activities/?year=2019")
    expect(page.locator("section[aria-labelledby=h-orders] caption")).to_contain_text("N04-2412/ო")
    expect(page.locator("section[aria-labelledby=h-allocations] tbody tr")).to_have_count(7)
    assert page.locator("a[href*='/new/']").count() == 0
    page.select_option("#year", str(page.evaluate("new Date().getFullYear()")))  # the picker moves on by itself
    page.wait_for_url(re.compile(r".*/geo/activities/\?year=\d{4}$"))
