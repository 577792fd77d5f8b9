"""A counsellor signs in, finds a person as they type, opens the page, and switches to Georgian."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from sakme.audit.models import AccessEvent
from sakme.tests.factories import PASSWORD, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_counsellor_finds_and_opens_a_person(page, live_server, staff):
    nino = person(given="ნინო", family="ხარაიშვილი", personal_number="01001012345")
    person(given="ნინო", family="ხარაიშვილი", unit="KA-TEL")  # another unit: never shown
    sign_in(page, live_server, "counsellor")
    page.click("text=Persons")
    page.wait_for_url(f"{live_server.url}/registry/persons/")  # keys pressed before the page is there are lost
    page.keyboard.press("/")
    page.keyboard.type("Xaraisvili")  # a variant spelling, typed live: htmx fetches the results
    row = page.locator("#results tbody tr")
    row.first.wait_for()
    assert row.count() == 1
    page.click("#results a")
    page.wait_for_url(f"{live_server.url}/registry/persons/{nino.pk}/")
    assert page.locator("h1").inner_text().startswith("Nino Kharaishvili")
    assert AccessEvent.objects.filter(person_id=nino.pk, kind="view").count() == 1
    with page.expect_navigation():
        page.select_option("#language", "ka")
    assert page.locator("h1").inner_text().startswith("ნინო ხარაიშვილი")
    assert page.locator("html").get_attribute("lang") == "ka"
    assert "პირადი ნომერი" in page.content()


def test_a_typed_name_with_a_typo_and_a_birth_year_finds_the_person_marked_as_close(page, live_server, staff):
    nino = person(given="ნინო", family="ბერიძე", birth=dt.date(1987, 3, 5))
    person(given="ნინო", family="ბერიძე", birth=dt.date(1990, 3, 5))  # a namesake born another year
    person(given="ნინო", family="ბერიძე", birth=dt.date(1987, 3, 5), sex="M")  # the same, but a man
    sign_in(page, live_server, "counsellor")
    page.goto(f"{live_server.url}/registry/persons/")
    page.fill("#search-q", "berodze nino 1987")
    row = page.locator("#results tbody tr")
    row.first.wait_for()
    assert row.count() == 2 and "close match: 1 letter differs" in row.first.inner_text()
    assert "born in 1987" in page.locator("#search-understood").inner_text()
    page.select_option("select[name=sex]", "F")  # the filter beside the box narrows to the woman
    expect(row).to_have_count(1)
    page.click("#results a")
    page.wait_for_url(f"{live_server.url}/registry/persons/{nino.pk}/")


def test_pages_work_on_a_phone_screen(browser, live_server, staff):
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="en-GB")
    page = context.new_page()
    sign_in(page, live_server, "counsellor")
    page.goto(f"{live_server.url}/registry/persons/?q=beridze")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, "the page scrolls sideways on a phone"
    context.close()


def test_pages_raise_no_console_errors_under_the_content_security_policy(page, live_server, staff):
    # A refused inline script or style shows up only here: the page still looks fine.
    person(given="ნინო", family="ბერიძე")
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, live_server, "counsellor")
    page.goto(f"{live_server.url}/registry/persons/")
    page.keyboard.press("/")
    page.keyboard.type("beridze")
    page.locator("#results tbody tr").first.wait_for()
    page.goto(f"{live_server.url}/cases/")
    assert errors == []


def test_counsellor_reveals_a_number_with_a_reason(page, live_server, staff):
    nino = person(given="ნინო", family="ბერიძე", personal_number="01001012345")
    sign_in(page, live_server, "counsellor")
    page.goto(f"{live_server.url}/registry/persons/{nino.pk}/")
    assert "01001012345" not in page.content() and "••••••••345" in page.content()
    page.click("main a:text-is('Reveal')")
    page.fill("main input[name=reason]", "checking the ID card she showed")
    page.click("main button[type=submit]")
    page.locator("[data-testid=revealed-number]").wait_for()
    assert page.locator("[data-testid=revealed-number]").inner_text() == "01001012345"
    assert AccessEvent.objects.get(person_id=nino.pk, kind="reveal").context == "checking the ID card she showed"
