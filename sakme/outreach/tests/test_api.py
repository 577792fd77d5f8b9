"""The outreach API gives what the pages give, through the same services and getters: the same list, the same
campaign, the same outcomes, the same field sheet; and refuses what the pages refuse, with the same codes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AccessEvent, AccessKind, AuditEvent
from sakme.common.workdays import add_months
from sakme.geo.models import TerritorialUnit
from sakme.outreach import selectors, services
from sakme.outreach.models import Campaign
from sakme.outreach.tests.worlds import TODAY, household, rules
from sakme.tests.factories import job_seeker, sign_in
from tests.twins import Twin, mismatches

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture
def world(staff):
    rules()
    _, (first, second, _child) = household(30, 31, 6, score=7_000)
    _, (third,) = household(40, score=12_000)
    household(30, unit="KA-TEL")
    campaign = services.campaign_take(actor=SYSTEM, unit_id=first.unit_id, name="Autumn",
                                      taken_on=TODAY - dt.timedelta(days=30))
    return {"first": first, "second": second, "third": third, "campaign": campaign,
            "entry": campaign.entries.get(person=first)}


def api(user) -> Client:
    return sign_in(Client(), user)


def test_the_list_is_the_pages_list(staff, world):
    head = staff["unit_head"]
    body = api(head).get(f"{API}/outreach?unit=TB-1").json()
    page = selectors.outreach_list_for_user(head, unit_code="TB-1")
    assert body["total"] == page.total == 3 and body["unit"] == "TB-1" and body["pages"] == 1
    assert [(i["person_id"], i["score"], i["children"], i["members"], i["keeps_en"]) for i in body["items"]] == [
        (r.person.pk, r.score, r.children, r.members, r.keeps.en) for r in page.rows]
    first = body["items"][0]
    assert first["personal_number"] == world["first"].personal_number_masked and first["monthly_gel"] == "380.00"
    assert first["keeps_until"] == add_months(TODAY, 48).isoformat()
    assert AccessEvent.objects.filter(actor=head, kind=AccessKind.API, context=f"{API}/outreach").count() == 3
    worker = api(staff["municipal_social_worker"])
    assert worker.get(f"{API}/outreach").json()["municipality"] == "tbilisi"
    assert worker.get(f"{API}/outreach?unit=KA-TEL").status_code == 404
    assert api(staff["analyst"]).get(f"{API}/outreach").status_code == 403


def test_campaigns_contacts_referrals_and_outcomes(staff, world):
    head, worker = api(staff["unit_head"]), api(staff["municipal_social_worker"])
    created = head.post(f"{API}/outreach/campaigns", {"unit": "TB-1", "name": "Winter", "size": 2},
                        content_type="application/json")
    assert created.status_code == 200, created.content
    assert (created.json()["size"], created.json()["taken_by"]) == (2, "unit_head")
    assert Campaign.objects.get(pk=created.json()["id"]).entries.count() == 2
    listed = [c["name"] for c in worker.get(f"{API}/outreach/campaigns").json()]
    assert listed == ["Winter", "Autumn"]
    campaign, entry = world["campaign"], world["entry"]
    contact = worker.post(f"{API}/outreach/campaigns/{campaign.pk}/contacts", {
        "entry_id": entry.pk, "channel": "visit", "outcome": "reached_interested", "note": "Comes Monday"},
        content_type="application/json").json()
    assert (contact["by"], contact["on"], contact["outcome"]) == ("municipal_social_worker", TODAY.isoformat(),
                                                                  "reached_interested")
    referral = worker.post(f"{API}/outreach/campaigns/{campaign.pk}/referrals", {
        "entry_id": entry.pk, "kind": "registration_appointment",
        "appointment_on": (TODAY + dt.timedelta(days=2)).isoformat()}, content_type="application/json").json()
    assert (referral["outcome"], referral["to_unit"], referral["name"]) == ("pending", "TB-1",
                                                                          world["first"].full_name)
    job_seeker(who=world["first"], registered_on=TODAY)
    mine = worker.get(f"{API}/outreach/referrals").json()
    assert [(r["id"], r["outcome"], r["outcome_on"]) for r in mine] == [(referral["id"], "registered",
                                                                         TODAY.isoformat())]
    detail = head.get(f"{API}/outreach/campaigns/{campaign.pk}").json()
    assert detail["credited_total"] == 1 and detail["credited"][0]["person_id"] == world["first"].pk
    first = next(e for e in detail["entries"] if e["id"] == entry.pk)
    assert [c["id"] for c in first["contacts"]] == [contact["id"]]
    assert [r["outcome"] for r in first["referrals"]] == ["registered"]
    assert head.get(f"{API}/outreach/campaigns/{campaign.pk}?page=2").json()["page"] == 1
    household(30, unit="TB-2")
    other = services.campaign_take(actor=SYSTEM, unit_id=TerritorialUnit.objects.get(code="TB-2").pk, name="TB-2")
    assert worker.get(f"{API}/outreach/campaigns/{other.pk}").status_code == 200  # Tbilisi's: theirs too
    assert head.get(f"{API}/outreach/campaigns/{other.pk}").status_code == 404


def test_the_field_sheet_is_the_pages(staff, world):
    head = api(staff["unit_head"])
    campaign = world["campaign"]
    by_api = head.get(f"{API}/outreach/campaigns/{campaign.pk}/export")
    by_page = head.get(f"/outreach/campaigns/{campaign.pk}/export.csv")
    assert by_api.status_code == by_page.status_code == 200
    assert by_api["Content-Type"] == by_page["Content-Type"] == "text/csv; charset=utf-8"
    assert by_api.content == by_page.content
    assert AuditEvent.objects.filter(action="outreach.campaign_export").count() == 2
    assert api(staff["municipal_social_worker"]).get(f"{API}/outreach/campaigns/{campaign.pk}/export"
                                                     ).status_code == 403


TOMORROW = (TODAY + dt.timedelta(days=1)).isoformat()
TWINS = [
    Twin("a contact recorded ahead of its day", "municipal_social_worker",
         lambda w: (f"/outreach/campaigns/{w['campaign'].pk}/contacts/", {
             "entry": w["entry"].pk, "channel": "phone", "outcome": "not_reached", "on": TOMORROW}),
         lambda w: (f"/outreach/campaigns/{w['campaign'].pk}/contacts", {
             "entry_id": w["entry"].pk, "channel": "phone", "outcome": "not_reached", "on": TOMORROW}),
         "date_in_future"),
    Twin("a contact by fax", "municipal_social_worker",
         lambda w: (f"/outreach/campaigns/{w['campaign'].pk}/contacts/", {
             "entry": w["entry"].pk, "channel": "fax", "outcome": "not_reached", "on": TODAY.isoformat()}),
         lambda w: (f"/outreach/campaigns/{w['campaign'].pk}/contacts", {
             "entry_id": w["entry"].pk, "channel": "fax", "outcome": "not_reached"}),
         "channel_unknown"),
    Twin("an appointment to register without its day", "counsellor",
         lambda w: (f"/outreach/campaigns/{w['campaign'].pk}/referrals/", {
             "entry": w["entry"].pk, "kind": "registration_appointment"}),
         lambda w: (f"/outreach/campaigns/{w['campaign'].pk}/referrals", {
             "entry_id": w["entry"].pk, "kind": "registration_appointment"}),
         "appointment_missing"),
    Twin("a referral by a coordinator, who refers nobody", "regional_coordinator",
         lambda w: (f"/outreach/campaigns/{w['campaign'].pk}/referrals/", {
             "entry": w["entry"].pk, "kind": "application"}),
         lambda w: (f"/outreach/campaigns/{w['campaign'].pk}/referrals", {
             "entry_id": w["entry"].pk, "kind": "application"}),
         "permission_denied"),
    Twin("a campaign of a list with nobody on it", "unit_head",
         lambda w: ("/outreach/campaigns/take/", {"name": "Past", "unit": w["first"].unit_id, "size": 5,
                                                  "taken_on": "1990-01-01"}),
         lambda w: ("/outreach/campaigns", {"name": "Past", "unit": "TB-1", "size": 5, "taken_on": "1990-01-01"}),
         "list_empty"),
]


def test_the_page_and_the_api_refuse_alike(staff, world):
    clients = {role: sign_in(Client(), staff[role]) for role in {t.role for t in TWINS}}
    found = mismatches(TWINS, clients, world)
    assert not found, "\n".join(found)
