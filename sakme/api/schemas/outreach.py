"""Shapes of the outreach API: the list by need, campaigns with their persons, contacts and referrals (with what came
of them), credited registrations. Personal numbers are masked, as on every page; what a household keeps if a member
takes a job is said in both languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from sakme.outreach.policy import CAMPAIGN_MAX


class OutreachListQuery(Schema):
    unit: str = Field("", max_length=16, description="a unit's code (one of the caller's)")
    municipality: str = Field("", max_length=40, description="a municipality's code (a municipal social worker's)")
    as_of: dt.date | None = Field(None, description="the day the list is of (default today)")
    page: int = Field(1, ge=1, le=100_000)


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)


class Keeps(Schema):
    keeps_until: dt.date | None = Field(description="until when the household keeps its status if the person takes "
                                                    "a job today (null: the rules keep none)")
    monthly_gel: Decimal | None = Field(description="what the household receives a month now (null: nothing)")
    keeps_en: str
    keeps_ka: str


class OutreachRowOut(Keeps):
    rank: int
    person_id: int
    name: str
    personal_number: str = Field(description="masked")
    age: int
    phone: str
    household_id: int
    household_key: str
    score: int
    children: int
    members: int
    on_assistance_since: dt.date


class OutreachListOut(Schema):
    unit: str | None
    municipality: str | None
    as_of: dt.date
    total: int
    page: int
    pages: int
    items: list[OutreachRowOut]


class CampaignIn(Schema):
    unit: str = Field(min_length=1, max_length=16, description="the unit's code")
    name: str = Field(max_length=200)
    municipality: str | None = Field(None, max_length=40, description="only the unit's households of this "
                                                                      "municipality")
    size: int | None = Field(None, ge=1, le=CAMPAIGN_MAX, description="persons from the top of the list")
    taken_on: dt.date | None = Field(None, description="the list as it stands on this day (default today)")


class CampaignOut(Schema):
    id: int
    name: str
    unit: str
    municipality: str | None
    taken_on: dt.date
    taken_by: str | None
    size: int


class ContactIn(Schema):
    entry_id: int
    channel: str = Field(max_length=8, description="phone, visit or letter")
    outcome: str = Field(max_length=24, description="reached_interested, reached_not_interested, not_reached, "
                                                    "wrong_contact or moved")
    on: dt.date | None = None
    note: str = Field("", max_length=300)


class ContactOut(Schema):
    id: int
    entry_id: int
    channel: str
    on: dt.date
    outcome: str
    note: str
    by: str | None


class OutreachReferralIn(Schema):
    entry_id: int
    kind: str = Field(max_length=24, description="registration_appointment or application")
    appointment_on: dt.date | None = None
    to_unit: str | None = Field(None, max_length=16, description="the unit's code (default the campaign's)")


class OutreachReferralOut(Schema):
    id: int
    entry_id: int
    campaign_id: int
    person_id: int
    name: str
    kind: str
    made_on: dt.date
    appointment_on: dt.date | None
    to_unit: str
    outcome: str = Field(description="pending, registered, applied or missed")
    outcome_on: dt.date | None


class EntryOut(Keeps):
    id: int
    rank: int
    person_id: int
    name: str
    personal_number: str = Field(description="masked")
    phone: str
    household_id: int
    household_key: str
    address: str
    score: int
    children: int
    members: int
    since: dt.date
    contacts: list[ContactOut]
    referrals: list[OutreachReferralOut]


class CreditOut(Schema):
    entry_id: int
    person_id: int
    name: str
    registered_on: dt.date


class CampaignDetail(CampaignOut):
    total: int = Field(description="the campaign's persons in the caller's households")
    page: int
    pages: int
    entries: list[EntryOut]
    credited_total: int
    credited: list[CreditOut]
