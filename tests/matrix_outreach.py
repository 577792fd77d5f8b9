"""The permission matrix's rows for this app: its routes, the records they act on in each unit, their addresses.

Outreach: the unit's staff and a municipality's social workers see the list and the campaigns of their place (a
regional coordinator reads their region's); counsellors, unit heads, assistance specialists and municipal social
workers record contacts and make referrals; counsellors and unit heads take campaigns and export them. Another
place's campaign is not found (404) for every scoped role, the municipal social worker included.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from sakme.accounts.roles import Capability, Role, role_can
from sakme.outreach.models import Campaign, CampaignEntry
from sakme.registry.models import Enrolment, Household, Membership, SourceSystem
from sakme.tests.factories import person as person_of
from tests.matrix_rules import DAY, _page_write, allowed


def _holders(capability: Capability) -> set[Role]:
    return {role for role in Role if role_can(role, capability)}


VIEW, WORK, CAMPAIGN = (_holders(Capability.OUTREACH_VIEW), _holders(Capability.OUTREACH_WORK),
                        _holders(Capability.OUTREACH_CAMPAIGN))
_CONTACT = {"channel": "phone", "outcome": "not_reached"}
_REFERRAL = {"kind": "application"}

# url name -> (method, kwargs kind, rule), as in tests/test_permission_matrix.py
ROWS: dict[str, tuple[str, str | None, dict[str, object]]] = {
    "outreach:list": ("get", None, allowed(VIEW)),
    "outreach:campaigns": ("get", None, allowed(VIEW)),
    "outreach:campaign_take": ("post", None, allowed(CAMPAIGN, ok=302, form=_page_write(
        name="Matrix", unit=lambda t: t["outreach_unit"], size=5))),
    "outreach:campaign": ("get", "campaign", allowed(VIEW, scoped=True)),
    "outreach:contact_add": ("post", "campaign", allowed(WORK, scoped=True, ok=302, form=_page_write(
        entry=lambda t: t["entry"], on=DAY, **_CONTACT))),
    "outreach:referral_add": ("post", "campaign", allowed(WORK, scoped=True, ok=302, form=_page_write(
        entry=lambda t: t["entry"], **_REFERRAL))),
    "outreach:export": ("get", "campaign", allowed(CAMPAIGN, scoped=True)),
    "outreach:referrals": ("get", None, allowed(WORK)),
    "api:outreach_list": ("get", None, allowed(VIEW, anon=401)),
    "api:outreach_campaign_list": ("get", None, allowed(VIEW, anon=401)),
    # The unit's list has the matrix's person on assistance in it: the campaign is taken (its unit's staff only).
    "api:outreach_campaign_create": ("post", None, allowed(CAMPAIGN, anon=401, json=lambda t: {
        "unit": "TB-1", "name": "Matrix", "size": 5})),
    "api:outreach_campaign_detail": ("get", "campaign", allowed(VIEW, scoped=True, anon=401)),
    "api:outreach_contact_create": ("post", "campaign", allowed(WORK, scoped=True, anon=401, json=lambda t: {
        "entry_id": t["entry"], **_CONTACT})),
    "api:outreach_referral_create": ("post", "campaign", allowed(WORK, scoped=True, anon=401, json=lambda t: {
        "entry_id": t["entry"], **_REFERRAL})),
    "api:outreach_referral_list": ("get", None, allowed(WORK, anon=401)),
    "api:outreach_campaign_export": ("get", "campaign", allowed(CAMPAIGN, scoped=True, anon=401)),
}
KINDS: tuple[str, ...] = ("campaign",)  # the kinds url() answers for
SCOPED_KINDS: tuple[str, ...] = ("campaign",)  # kinds also tried on another unit's record (404 for scoped roles)


def objects(person: Any, household: Any) -> dict[str, int]:
    """A member of a household on assistance in the person's unit (and municipality), and a campaign that took them
    (the matrix's own person is a job seeker: not on the list)."""
    unit = person.unit
    member = person_of(unit=unit.code, given="ლია", family="კაპანაძე")
    home = Household.objects.create(source=SourceSystem.objects.get(code="ssa"), key=f"OUT-{unit.code}", unit=unit,
                                    municipality=unit.municipality)
    Membership.objects.create(household=home, person=member, relation="head")
    Enrolment.objects.create(household=home, rating_score=20_000, assessment_date=DAY, status="active")
    # Written directly (taking a campaign is tested in sakme/outreach): the matrix makes these for every test.
    campaign = Campaign.objects.create(unit=unit, name=f"Matrix {unit.code}", taken_on=DAY, size=1)
    entry = CampaignEntry.objects.create(campaign=campaign, person=member, household=home, rank=1, score=20_000,
                                         children=0, members=1, since=DAY)
    return {"campaign": campaign.pk, "entry": entry.pk, "outreach_unit": unit.pk}


def url(name: str, kind: str, target: dict[str, Any]) -> str:
    if kind == "campaign":
        return reverse(name, kwargs={"campaign_id": target["campaign"]})
    raise AssertionError(f"no address for {name} ({kind})")
