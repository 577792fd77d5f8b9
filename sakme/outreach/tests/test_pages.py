"""The outreach pages, as their users go through them: the list and its picker, taking a campaign, recording a
contact, referring a household and seeing what came of it, the field sheet; and what another place's users get."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AccessEvent, AccessKind
from sakme.outreach.models import Campaign, ContactAttempt, Referral
from sakme.outreach.services import campaign_take
from sakme.outreach.tests.worlds import TODAY, household, rules
from sakme.tests.factories import job_seeker, sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(staff):
    rules()
    _, (first, second) = household(30, 31, score=7_000, unit="TB-1")
    _, (elsewhere,) = household(30, unit="KA-TEL")
    return {"first": first, "second": second, "elsewhere": elsewhere}


def client_of(user) -> Client:
    return sign_in(Client(), user)


def test_the_list_offers_the_users_own_places_only(staff, world):
    response = client_of(staff["counsellor"]).get("/outreach/")
    body = response.content.decode()
    assert response.status_code == 200
    assert world["first"].full_name in body and world["first"].personal_number_masked in body
    assert 'value="TB-1"' in body and 'value="KA-TEL"' not in body and 'name="municipality"' not in body
    assert "keeps its vulnerable status for 4 years" in body
    worker = client_of(staff["municipal_social_worker"])
    body = worker.get("/outreach/").content.decode()
    assert 'value="tbilisi" selected' in body and world["first"].full_name in body
    assert 'value="TB-3"' in body and 'value="KA-TEL"' not in body  # the units of their municipality
    assert worker.get("/outreach/?unit=KA-TEL").status_code == 404
    assert client_of(staff["analyst"]).get("/outreach/").status_code == 403


def test_a_unit_head_takes_a_campaign_and_records_a_contact(staff, world):
    head = client_of(staff["unit_head"])
    unit_id = world["first"].unit_id
    response = head.post("/outreach/campaigns/take/", {"name": "Autumn", "unit": unit_id, "size": 10,
                                                        "taken_on": TODAY.isoformat()})
    campaign = Campaign.objects.get(name="Autumn")
    assert response.status_code == 302 and response["Location"] == f"/outreach/campaigns/{campaign.pk}/"
    page = head.get(response["Location"]).content.decode()
    assert world["second"].full_name in page and 'name="entry"' in page and "export.csv" in page
    entry = campaign.entries.get(person=world["first"])
    response = head.post(f"/outreach/campaigns/{campaign.pk}/contacts/", {
        "entry": entry.pk, "channel": "phone", "on": TODAY.isoformat(), "outcome": "reached_interested", "note": ""})
    assert response.status_code == 302
    assert ContactAttempt.objects.get(entry=entry).outcome == "reached_interested"
    assert "reached, interested" in head.get(response["Location"]).content.decode()
    # A refusal of the rules is said on the page, with its code.
    response = head.post(f"/outreach/campaigns/{campaign.pk}/contacts/", {
        "entry": entry.pk, "channel": "phone", "on": (TODAY + dt.timedelta(days=2)).isoformat(),
        "outcome": "not_reached"})
    assert 'data-error-code="date_in_future"' in head.get(response["Location"]).content.decode()
    sheet = head.get(f"/outreach/campaigns/{campaign.pk}/export.csv")
    assert sheet["Content-Type"].startswith("text/csv") and "attachment" in sheet["Content-Disposition"]
    assert world["first"].family_name_ka in sheet.content.decode("utf-8-sig")
    assert AccessEvent.objects.filter(actor=staff["unit_head"], kind=AccessKind.EXPORT).count() == 2


def test_the_municipal_social_worker_refers_and_sees_the_outcome(staff, world):
    campaign = campaign_take(actor=SYSTEM, unit_id=world["first"].unit_id, name="Winter",
                             taken_on=TODAY - dt.timedelta(days=20))
    other = campaign_take(actor=SYSTEM, unit_id=world["elsewhere"].unit_id, name="Telavi")
    worker = client_of(staff["municipal_social_worker"])
    entry = campaign.entries.get(person=world["second"])
    response = worker.post(f"/outreach/campaigns/{campaign.pk}/referrals/", {
        "entry": entry.pk, "kind": "registration_appointment",
        "appointment_on": (TODAY + dt.timedelta(days=3)).isoformat(), "to_unit": ""})
    assert response.status_code == 302
    referral = Referral.objects.get(entry=entry)
    assert (referral.made_by, referral.to_unit_id) == (staff["municipal_social_worker"], campaign.unit_id)
    page = worker.get("/outreach/referrals/").content.decode()
    assert re.search(r'data-outcome="pending"', page) and world["second"].full_name in page
    job_seeker(who=world["second"], unit="TB-1", registered_on=TODAY)
    page = worker.get("/outreach/referrals/").content.decode()
    assert 'data-outcome="registered"' in page
    assert "registration credited" in worker.get(f"/outreach/campaigns/{campaign.pk}/").content.decode()
    # Another unit's campaign, and writes to it, do not exist for them; the field sheet is not theirs.
    assert worker.get(f"/outreach/campaigns/{other.pk}/").status_code == 404
    other_entry = other.entries.get()
    assert worker.post(f"/outreach/campaigns/{other.pk}/contacts/", {
        "entry": other_entry.pk, "channel": "visit", "on": TODAY.isoformat(),
        "outcome": "moved"}).status_code == 404
    assert worker.post(f"/outreach/campaigns/{campaign.pk}/contacts/", {
        "entry": other_entry.pk, "channel": "visit", "on": TODAY.isoformat(),
        "outcome": "moved"}).status_code == 404
    assert worker.get(f"/outreach/campaigns/{campaign.pk}/export.csv").status_code == 403
    assert client_of(staff["regional_coordinator"]).get("/outreach/referrals/").status_code == 403


def test_the_campaigns_page_lists_the_users_campaigns(staff, world):
    mine = campaign_take(actor=SYSTEM, unit_id=world["first"].unit_id, name="Ours")
    campaign_take(actor=SYSTEM, unit_id=world["elsewhere"].unit_id, name="Theirs")
    body = client_of(staff["counsellor"]).get("/outreach/campaigns/").content.decode()
    assert f"/outreach/campaigns/{mine.pk}/" in body and "Theirs" not in body and 'name="size"' in body
    body = client_of(staff["municipal_social_worker"]).get("/outreach/campaigns/").content.decode()
    assert "Ours" in body and "Theirs" not in body and 'name="size"' not in body
