"""The outreach API: the same services and getters as its pages. Reads log every person shown (as read through the
API); writes call one service each; refusals become problem details (`sakme.api.errors`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from sakme.accounts.actors import AuthedRequest
from sakme.api.errors import ERRORS
from sakme.api.schemas.outreach import (
    CampaignDetail,
    CampaignIn,
    CampaignOut,
    ContactIn,
    ContactOut,
    OutreachListOut,
    OutreachListQuery,
    OutreachReferralIn,
    OutreachReferralOut,
    PageQuery,
)
from sakme.audit.models import AccessKind
from sakme.common.errors import NotFound
from sakme.geo.access import unit_id_of_code
from sakme.geo.models import Municipality
from sakme.outreach import access, selectors, services
from sakme.outreach.keeps import Keeps
from sakme.outreach.models import Campaign, ContactAttempt, Referral

router = Router(tags=["outreach"])


def _keeps(keeps: Keeps) -> dict[str, Any]:
    return {"keeps_until": keeps.until, "monthly_gel": keeps.monthly_gel, "keeps_en": keeps.en, "keeps_ka": keeps.ka}


def campaign_out(c: Campaign) -> dict[str, Any]:
    return {"id": c.pk, "name": c.name, "unit": c.unit.code, "municipality": c.municipality.code if c.municipality
            else None, "taken_on": c.taken_on, "taken_by": c.taken_by.username if c.taken_by else None,
            "size": c.size}


def contact_out(c: ContactAttempt) -> dict[str, Any]:
    return {"id": c.pk, "entry_id": c.entry_id, "channel": c.channel, "on": c.on, "outcome": c.outcome,
            "note": c.note, "by": c.by.username if c.by else None}


def referral_out(r: Referral) -> dict[str, Any]:
    """A referral read by `selectors.outcome_rows` (its outcome computed), with its entry's person."""
    return {"id": r.pk, "entry_id": r.entry_id, "campaign_id": r.entry.campaign_id, "person_id": r.entry.person_id,
            "name": r.entry.person.full_name, "kind": r.kind, "made_on": r.made_on, "appointment_on": r.appointment_on,
            "to_unit": r.to_unit.code, "outcome": r.outcome.value,  # type: ignore[attr-defined]
            "outcome_on": r.outcome_day}  # type: ignore[attr-defined]


@router.get("/outreach", response={200: OutreachListOut, **ERRORS})
def outreach_list(request: AuthedRequest, params: Query[OutreachListQuery]) -> Any:
    """The outreach list of one of the caller's units (or of their municipality), by need, 50 a page: working-age,
    able members of households on assistance who are not registered job seekers."""
    page = selectors.outreach_list_for_user(request.user, unit_code=params.unit, municipality_code=params.municipality,
                                            as_of=params.as_of, page=params.page, context=request.path,
                                            kind=AccessKind.API)
    place = page.place
    return {"unit": place.unit.code if place.unit else None,
            "municipality": place.municipality.code if place.municipality else None, "as_of": page.as_of,
            "total": page.total, "page": page.page, "pages": page.pages,
            "items": [{"rank": r.rank, "person_id": r.person.pk, "name": r.person.full_name,
                       "personal_number": r.person.personal_number_masked, "age": r.age, "phone": r.person.phone,
                       "household_id": r.household.pk, "household_key": r.household.key, "score": r.score,
                       "children": r.children, "members": r.members, "on_assistance_since": r.since,
                       **_keeps(r.keeps)} for r in page.rows]}


@router.get("/outreach/campaigns", response={200: list[CampaignOut], **ERRORS})
def outreach_campaign_list(request: AuthedRequest, params: Query[PageQuery]) -> Any:
    """The campaigns of the caller's units (or municipality), the newest first, 50 a page."""
    campaigns, _total = selectors.campaign_list(request.user, page=params.page)
    return [campaign_out(c) for c in campaigns]


@router.post("/outreach/campaigns", response={200: CampaignOut, **ERRORS})
def outreach_campaign_create(request: AuthedRequest, payload: CampaignIn) -> Any:
    """Take the top of a unit's list as it stands on a day (default today) as a campaign (`size` persons, default
    200)."""
    municipality_id = None
    if payload.municipality:
        municipality_id = Municipality.objects.filter(code=payload.municipality).values_list("pk", flat=True).first()
        if municipality_id is None:
            raise NotFound(_("No such municipality."))
    unit_id = unit_id_of_code(payload.unit)
    if unit_id is None:
        raise NotFound(_("No such territorial unit."))
    campaign = services.campaign_take(actor=request.user, unit_id=unit_id, name=payload.name,
                                      municipality_id=municipality_id, size=payload.size, taken_on=payload.taken_on)
    return campaign_out(access.campaign_get_for_user(request.user, campaign.pk))


@router.get("/outreach/campaigns/{campaign_id}", response={200: CampaignDetail, **ERRORS})
def outreach_campaign_detail(request: AuthedRequest, campaign_id: int, params: Query[PageQuery]) -> Any:
    """A campaign with a page of its persons in the caller's households (their contacts, referrals and outcomes) and
    the registrations credited to it."""
    campaign = access.campaign_get_for_user(request.user, campaign_id)
    page = selectors.campaign_page(request.user, campaign, page=params.page, context=request.path,
                                   kind=AccessKind.API)
    entries = []
    for row in page.rows:
        e, p = row.entry, row.entry.person
        for r in row.referrals:
            r.entry = e
        entries.append({"id": e.pk, "rank": e.rank, "person_id": p.pk, "name": p.full_name,
                        "personal_number": p.personal_number_masked, "phone": p.phone, "household_id": e.household_id,
                        "household_key": e.household.key, "address": e.household.address or p.address,
                        "score": e.score, "children": e.children, "members": e.members, "since": e.since,
                        "contacts": [contact_out(c) for c in row.contacts],
                        "referrals": [referral_out(r) for r in row.referrals], **_keeps(row.keeps)})
    return {**campaign_out(campaign), "total": page.total, "page": page.page, "pages": page.pages,
            "entries": entries, "credited_total": page.credited_total,
            "credited": [{"entry_id": e.pk, "person_id": e.person_id, "name": e.person.full_name,
                          "registered_on": e.registered_on} for e in page.credited]}  # type: ignore[attr-defined]


@router.post("/outreach/campaigns/{campaign_id}/contacts", response={200: ContactOut, **ERRORS})
def outreach_contact_create(request: AuthedRequest, campaign_id: int, payload: ContactIn) -> Any:
    """Record a try to reach a person of the campaign (phone, visit or letter) and what came of it."""
    contact = services.contact_record(actor=request.user, campaign_id=campaign_id, entry_id=payload.entry_id,
                                      channel=payload.channel, outcome=payload.outcome, on=payload.on,
                                      note=payload.note)
    return contact_out(contact)


def _referral(referral_id: int) -> Referral:
    found = selectors.outcome_rows(Referral.objects.filter(pk=referral_id).select_related(
        "entry__person", "to_unit"), timezone.localdate())
    return found[0]


@router.post("/outreach/campaigns/{campaign_id}/referrals", response={200: OutreachReferralOut, **ERRORS})
def outreach_referral_create(request: AuthedRequest, campaign_id: int, payload: OutreachReferralIn) -> Any:
    """Refer a person of the campaign to a unit (default the campaign's): to register as a job seeker on an appointment
    day, or to apply; its outcome comes back on the caller's referrals."""
    to_unit_id = unit_id_of_code(payload.to_unit)
    referral = services.referral_make(actor=request.user, campaign_id=campaign_id, entry_id=payload.entry_id,
                                      kind=payload.kind, appointment_on=payload.appointment_on, to_unit_id=to_unit_id)
    return referral_out(_referral(referral.pk))


@router.get("/outreach/referrals", response={200: list[OutreachReferralOut], **ERRORS})
def outreach_referral_list(request: AuthedRequest, params: Query[PageQuery]) -> Any:
    """The referrals the caller made, the latest first, 50 a page, with what came of each."""
    referrals, _total = selectors.referral_list(request.user, page=params.page, context=request.path,
                                                kind=AccessKind.API)
    return [referral_out(r) for r in referrals]


@router.get("/outreach/campaigns/{campaign_id}/export", response=ERRORS,
            openapi_extra={"responses": {200: {"description": "the campaign's list as CSV, for field work",
                                               "content": {"text/csv": {"schema": {"type": "string"}}}}}})
def outreach_campaign_export(request: AuthedRequest, campaign_id: int) -> Any:
    """The campaign's persons in the caller's households as CSV (numbers masked), logged as an export."""
    sheet = services.campaign_export(actor=request.user, campaign_id=campaign_id)
    response = HttpResponse(sheet.content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{sheet.file_name}"'
    return response
