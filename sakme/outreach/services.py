"""Use cases of outreach: take a campaign from a unit's list, record a contact with a person on it, refer them to the
unit, and export the list for field work. Each checks permission and scope, runs in one transaction and is audited."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.assistance.rules import benefit_rules_on
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import DomainError, NotFound
from sakme.common.spreadsheets import inert
from sakme.geo.access import require
from sakme.geo.models import Municipality, TerritorialUnit
from sakme.outreach.access import (
    Place,
    campaign_get_for_user,
    entries_for_user,
    entry_get_for_user,
    outreach_households_for_user,
    persons_listed,
)
from sakme.outreach.keeps import keeps_for
from sakme.outreach.models import (
    Campaign,
    CampaignEntry,
    Channel,
    ContactAttempt,
    ContactOutcome,
    Referral,
    ReferralKind,
)
from sakme.outreach.outcomes import still_open
from sakme.outreach.policy import CAMPAIGN_MAX, CAMPAIGN_SIZE
from sakme.outreach.selectors import list_taken


def _day_check(day: dt.date, campaign: Campaign, today: dt.date) -> None:
    if day > today:
        raise DomainError(_("The day is in the future: record what happened, when it happened."),
                          code="date_in_future")
    if day < campaign.taken_on:
        raise DomainError(_("The day is before the campaign was taken (%(day)s).") % {
            "day": campaign.taken_on.strftime("%d.%m.%Y")}, code="before_campaign")


@transaction.atomic
def campaign_take(*, actor: Actor, unit_id: int, name: str, municipality_id: int | None = None,
                  taken_on: dt.date | None = None, size: int | None = None) -> Campaign:
    """Take the top `size` of a unit's outreach list (or of its part in one municipality) as it stands on `taken_on`,
    as a campaign for the unit's staff."""
    require(actor, Capability.OUTREACH_CAMPAIGN, unit=unit_id)
    unit = TerritorialUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("No such territorial unit."))
    municipality = Municipality.objects.filter(pk=municipality_id).first() if municipality_id is not None else None
    if municipality_id is not None and municipality is None:
        raise NotFound(_("No such municipality."))
    today = timezone.localdate()
    taken_on = taken_on or today
    if taken_on > today:
        raise DomainError(_("A campaign takes the list as it stands today or stood on an earlier day."),
                          code="date_in_future")
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Give the campaign a name."), code="name_missing")
    size = CAMPAIGN_SIZE if size is None else size
    if not 1 <= size <= CAMPAIGN_MAX:
        raise DomainError(_("A campaign takes from 1 to %(max)s persons.") % {"max": CAMPAIGN_MAX},
                          code="campaign_size")
    taken = list_taken(outreach_households_for_user(actor, Place(unit, municipality)), taken_on, size)
    if not taken:
        raise DomainError(_("Nobody is on this list on that day: there is nobody to reach."), code="list_empty")
    campaign = Campaign.objects.create(unit=unit, municipality=municipality, name=name[:200], taken_on=taken_on,
                                       taken_by=acting_user(actor), size=len(taken))
    CampaignEntry.objects.bulk_create(
        [CampaignEntry(campaign=campaign, person_id=row["pk"], household_id=row["membership__household_id"],
                       rank=rank, score=row["score"], children=row["children"], members=row["members"],
                       since=row["since"]) for rank, row in enumerate(taken, start=1)], batch_size=1000)
    audit.record(actor=actor, action="outreach.campaign_take", entity_type="outreach.campaign", entity_id=campaign.pk,
                 changes={"unit": unit.code, "municipality": municipality.code if municipality else None,
                          "taken_on": taken_on.isoformat(), "size": len(taken), "name": campaign.name})
    return campaign


@transaction.atomic
def contact_record(*, actor: Actor, campaign_id: int, entry_id: int | None, channel: str, outcome: str,
                   on: dt.date | None = None, note: str = "") -> ContactAttempt:
    """Record a try to reach a person of the campaign (a call, a visit, a letter) and what came of it."""
    campaign = campaign_get_for_user(actor, campaign_id, capability=Capability.OUTREACH_WORK)
    entry = entry_get_for_user(actor, campaign, entry_id)
    if channel not in Channel.values:
        raise DomainError(_("Choose how: a phone call, a home visit or a letter."), code="channel_unknown")
    if outcome not in ContactOutcome.values:
        raise DomainError(_("Choose what came of the contact."), code="contact_outcome_unknown")
    on = on or timezone.localdate()
    _day_check(on, campaign, timezone.localdate())
    contact = ContactAttempt.objects.create(entry=entry, channel=channel, on=on, by=acting_user(actor),
                                            outcome=outcome, note=(note or "").strip()[:300])
    audit.record(actor=actor, action="outreach.contact_record", entity_type="outreach.contactattempt",
                 entity_id=contact.pk, changes={"campaign": campaign.pk, "entry": entry.pk, "channel": channel,
                                                "outcome": outcome, "on": on.isoformat()})
    return contact


@transaction.atomic
def referral_make(*, actor: Actor, campaign_id: int, entry_id: int | None, kind: str,
                  appointment_on: dt.date | None = None, to_unit_id: int | None = None,
                  made_on: dt.date | None = None) -> Referral:
    """Refer a person of the campaign to a unit (the campaign's unless another is named): to register as a job seeker
    on an appointment day, or to apply for assistance again. What comes of it is computed (`outcomes.py`)."""
    campaign = campaign_get_for_user(actor, campaign_id, capability=Capability.OUTREACH_WORK)
    entry = entry_get_for_user(actor, campaign, entry_id)
    CampaignEntry.objects.select_for_update().filter(pk=entry.pk).first()  # one referral of a person at a time
    if kind not in ReferralKind.values:
        raise DomainError(_("Choose what to refer to: registering as a job seeker or applying for assistance."),
                          code="referral_kind_unknown")
    today = timezone.localdate()
    made_on = made_on or today
    _day_check(made_on, campaign, today)
    if kind == ReferralKind.REGISTRATION and appointment_on is None:
        raise DomainError(_("Give the day of the appointment at the unit."), code="appointment_missing")
    if appointment_on is not None and appointment_on < made_on:
        raise DomainError(_("The appointment is before the day of the referral."), code="appointment_before_referral")
    to_unit = TerritorialUnit.objects.filter(pk=to_unit_id if to_unit_id is not None else campaign.unit_id,
                                             is_active=True).first()
    if to_unit is None:
        raise DomainError(_("Choose a working territorial unit."), code="unit_unknown")
    if still_open(Referral.objects.filter(entry=entry, kind=kind), today):
        raise DomainError(_("This person already has a referral of this kind waiting for its outcome."),
                          code="already_referred")
    referral = Referral.objects.create(entry=entry, kind=kind, appointment_on=appointment_on, to_unit=to_unit,
                                       made_by=acting_user(actor), made_on=made_on)
    audit.record(actor=actor, action="outreach.referral_make", entity_type="outreach.referral", entity_id=referral.pk,
                 changes={"campaign": campaign.pk, "entry": entry.pk, "kind": kind, "to_unit": to_unit.code,
                          "appointment_on": appointment_on.isoformat() if appointment_on else None})
    return referral


@dataclass(frozen=True)
class FieldSheet:
    """A campaign's list as a CSV file for field work."""

    file_name: str
    content: bytes
    rows: int


def _columns() -> list[str]:
    return [_("rank"), _("name (Georgian)"), _("name (Latin)"), _("personal number"), _("birth date"), _("address"),
            _("phone"), _("household"), _("rating score"), _("members"), _("children"), _("on assistance since"),
            _("what they keep (Georgian)"), _("what they keep (English)")]


@transaction.atomic
def campaign_export(*, actor: Actor, campaign_id: int) -> FieldSheet:
    """The campaign's persons the user sees, as a CSV for field work (personal numbers masked, no cell a formula);
    logged: an audit event with the row count and an access event for every person in it."""
    campaign = campaign_get_for_user(actor, campaign_id, capability=Capability.OUTREACH_CAMPAIGN)
    today = timezone.localdate()
    rules = benefit_rules_on(today)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_columns())
    persons: list[int] = []
    for e in entries_for_user(actor, campaign).select_related("person", "household").order_by("rank"):
        p, keeps = e.person, keeps_for(rules, score=e.score, members=e.members, children=e.children, on=today)
        cells = [e.rank, f"{p.given_name_ka} {p.family_name_ka}".strip(),
                 f"{p.given_name_lat} {p.family_name_lat}".strip(), p.personal_number_masked,
                 p.birth_date.isoformat() if p.birth_date else "", e.household.address or p.address, p.phone,
                 e.household.key, e.score, e.members, e.children, e.since.isoformat(), keeps.ka, keeps.en]
        writer.writerow([inert(str(c)) for c in cells])
        persons.append(p.pk)
    audit.record(actor=actor, action="outreach.campaign_export", entity_type="outreach.campaign",
                 entity_id=campaign.pk, changes={"rows": len(persons)})
    persons_listed(actor, persons, context=f"outreach campaign {campaign.pk} export", kind=AccessKind.EXPORT)
    return FieldSheet(file_name=f"outreach-{campaign.pk}-{today.isoformat()}.csv",
                      content=codecs.BOM_UTF8 + buffer.getvalue().encode(), rows=len(persons))
