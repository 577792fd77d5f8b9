"""The profile in a browser, on a tablet-sized screen, by keyboard: the occupation picker and the work history."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from sakme.accounts.actors import SYSTEM
from sakme.employment import services
from sakme.employment.models import JobSeeker, WorkHistoryEntry
from sakme.geo.models import TerritorialUnit
from sakme.tests.factories import PASSWORD, person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("SAKME_SCREENSHOTS", "")


def test_picking_occupations_and_adding_a_job_by_keyboard(browser, live_server, staff):
    seeker = services.job_seeker_register(actor=SYSTEM, person=person(), registered_on=dt.date(2025, 3, 3),
                                          unit=TerritorialUnit.objects.get(code="TB-1"), occupations=["9112"])
    context = browser.new_context(locale="en-GB", viewport={"width": 820, "height": 1180}, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.select_option("#language", "en") if page.locator("html").get_attribute("lang") != "en" else None
    page.fill("input[name=username]", "counsellor")
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/job-seekers/{seeker.pk}/edit/")
    search = page.locator("#id_occupations_sought")
    search.click()
    search.type("cook")
    page.locator("#id_occupations_sought-found button", has_text="5120").wait_for()
    search.press("Enter")  # searches; does not submit the form
    assert "/edit/" in page.url
    search.press("ArrowDown")
    page.keyboard.press("Enter")  # adds the first result, and focus comes back to the search field
    page.locator("#id_occupations_sought-chosen input[value='5120']").wait_for()
    page.locator("#id_occupations_sought-chosen input[value='9112']").uncheck()
    page.locator("input[name=driving_licence][value=B]").check()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/profile-edit.png", full_page=True)
    with page.expect_navigation():
        page.locator("button[type=submit]", has_text="Save the profile").click()
    seeker = JobSeeker.objects.get(pk=seeker.pk)
    assert [o.code for o in seeker.occupations_sought.all()] == ["5120"] and seeker.driving_licence == "B"

    page.locator("summary", has_text="Add a job").click()
    page.locator("#id_w-occupation").type("weld")
    page.locator("#id_w-occupation-found button", has_text="7212").click()
    page.locator("#id_w-occupation-chosen input[value='7212']").wait_for()
    # The pick settles by giving the focus back to the search field: wait for it, or it lands mid-way in the next fill.
    expect(page.locator("#id_w-occupation")).to_be_focused()
    page.fill("#id_w-employer_name", "Rustavi Steel")
    page.fill("#id_w-started_on", "2018-05-01")
    expect(page.locator("#id_w-employer_name")).to_have_value("Rustavi Steel")
    page.locator("#work-history button[type=submit]", has_text="Add").click()
    page.locator("#work-history li", has_text="Rustavi Steel").wait_for()
    assert WorkHistoryEntry.objects.get(job_seeker=seeker).occupation_id == "7212"
    page.locator("#work-history a", has_text="Correct").click()
    page.fill("li.editing input[name$=job_title]", "Welder")
    page.locator("#work-history li.editing button[type=submit]").click()
    page.locator("#work-history ul.entries > li:not(.editing)", has_text="Welder").wait_for()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/profile.png", full_page=True)
    assert WorkHistoryEntry.objects.get(job_seeker=seeker).job_title == "Welder"
    assert errors == []
    context.close()
