"""Outreach through the pages, in Georgian and in English: a unit head takes a campaign from the unit's list and
records a contact; the municipal social worker refers a household of the campaign to the unit and finds the referral,
waiting for its outcome, on their referrals page. No serious accessibility finding on any page on the way."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from sakme.outreach.models import Campaign, ContactAttempt, Referral
from sakme.outreach.tests.worlds import household, rules
from tests.browser.pages import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _one_factor(settings):
    """As in the demo: staff sign in without the second factor (its pages are tested in accounts)."""
    settings.SAKME_OTP_REQUIRED_ROLES = []


def submit(page, form) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


@pytest.mark.parametrize("language", ["ka", "en"])
def test_a_campaign_taken_worked_and_a_household_referred(page, live_server, staff, language):
    rules()
    _, (poorest, _partner) = household(34, 33, score=6_000, unit="TB-1")
    _, (other,) = household(41, score=18_000, unit="TB-1")

    sign_in(page, live_server, "unit_head", language)
    page.goto(f"{live_server.url}/outreach/")
    assert page.locator("html").get_attribute("lang") == language
    expect(page.locator("main table tbody tr")).to_have_count(3)
    expect(page.locator("main table tbody tr").first.locator(f"a[href='/registry/persons/{poorest.pk}/']")
           ).to_have_count(1)
    assert serious_violations(page) == []
    take = page.locator("form[action='/outreach/campaigns/take/']")
    take.locator("#take-name").fill("შემოდგომა 2026")
    take.locator("#take-size").fill("2")
    submit(page, take)

    campaign = Campaign.objects.get(name="შემოდგომა 2026")
    assert page.url == f"{live_server.url}/outreach/campaigns/{campaign.pk}/"
    expect(page.locator(".messages li.success")).to_be_visible()
    expect(page.locator("main table tbody tr[data-entry]")).to_have_count(2)
    assert serious_violations(page) == []
    entry = campaign.entries.get(person=poorest)
    contact = page.locator("form:has(button[data-action=contact])")
    contact.locator("#contact-entry").select_option(str(entry.pk))
    contact.locator("#contact-channel").select_option("phone")
    contact.locator("#contact-outcome").select_option("reached_interested")
    contact.locator("#contact-note").fill("ორშაბათს მოვა")
    submit(page, contact)
    expect(page.locator(".messages li.success")).to_be_visible()
    expect(page.locator(f"tr[data-entry='{entry.pk}']")).to_contain_text(dt.date.today().strftime("%d.%m.%Y"))
    assert ContactAttempt.objects.get(entry=entry).by.username == "unit_head"
    assert other.pk not in set(campaign.entries.values_list("person_id", flat=True))

    sign_in(page, live_server, "municipal_social_worker", language)
    page.goto(f"{live_server.url}/outreach/campaigns/")
    with page.expect_navigation():
        page.click(f"a[href='/outreach/campaigns/{campaign.pk}/']")
    assert serious_violations(page) == []
    assert page.locator("a[download]").count() == 0  # the field sheet is for who takes campaigns
    refer = page.locator("form:has(button[data-action=refer])")
    refer.locator("#referral-entry").select_option(str(entry.pk))
    refer.locator("#referral-kind").select_option("registration_appointment")
    refer.locator("#referral-appointment_on").fill((dt.date.today() + dt.timedelta(days=3)).isoformat())
    submit(page, refer)
    expect(page.locator(".messages li.success")).to_be_visible()
    referral = Referral.objects.get(entry=entry)
    assert referral.made_by.username == "municipal_social_worker" and referral.to_unit_id == campaign.unit_id

    page.goto(f"{live_server.url}/outreach/referrals/")
    expect(page.locator("td[data-outcome=pending]")).to_have_count(1)
    expect(page.locator("main table tbody tr").first).to_contain_text(poorest.personal_number_masked)
    assert serious_violations(page) == []
