"""Demo outreach: a campaign of the demo unit (TB-2) taken 40 days ago, worked since: calls, visits and letters with
mixed outcomes by the unit's counsellor and the municipal social worker of Tbilisi, a few referrals by the social
worker (one kept, one missed, some still waiting), and registrations that followed, credited to the campaign. Written
through the services, so every record is checked and audited as the pages' would be."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from sakme.accounts.actors import SYSTEM, Actor
from sakme.accounts.models import User
from sakme.common.errors import DomainError
from sakme.employment.services import job_seeker_register
from sakme.geo.models import TerritorialUnit
from sakme.outreach import services
from sakme.outreach.models import Campaign, CampaignEntry, Channel, ContactOutcome, ReferralKind

UNIT = "TB-2"
NAME = "შემოდგომის კამპანია · Autumn outreach"
DAYS_AGO = 40
SIZE = 80
CONTACTED = 36  # the top of the list that was tried so far
OUTCOMES = [ContactOutcome.REACHED_INTERESTED, ContactOutcome.REACHED_NOT_INTERESTED, ContactOutcome.NOT_REACHED,
            ContactOutcome.WRONG_CONTACT, ContactOutcome.MOVED]
WEIGHTS = [30, 20, 35, 10, 5]


def _user(username: str) -> Actor:
    return User.objects.filter(username=username, is_active=True).first() or SYSTEM


def _day(rng: random.Random, after: dt.date, within: int) -> dt.date:
    """A day in the `within` days after `after`."""
    return after + dt.timedelta(days=rng.randrange(1, max(2, within + 1)))


@transaction.atomic
def demo_outreach_load(*, seed: int) -> int:
    """The demo unit's campaign with its contacts, referrals and credited registrations (skipped when it is there);
    returns how many persons the campaign took (0 when skipped or when the unit's list is empty)."""
    unit = TerritorialUnit.objects.filter(code=UNIT).first()
    if unit is None or Campaign.objects.filter(unit=unit, name=NAME).exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    taken_on = today - dt.timedelta(days=DAYS_AGO)
    try:
        campaign = services.campaign_take(actor=SYSTEM, unit_id=unit.pk, name=NAME, taken_on=taken_on, size=SIZE)
    except DomainError:  # nobody on the demo unit's list (a population without assistance): nothing to show
        return 0
    counsellor, worker = _user("counsellor"), _user("municipal_social_worker")
    entries = list(CampaignEntry.objects.filter(campaign=campaign).select_related("person").order_by("rank"))
    interested: list[tuple[CampaignEntry, dt.date]] = []
    for entry in entries[:CONTACTED]:
        outcome, on = ContactOutcome.NOT_REACHED, taken_on
        for attempt in range(rng.choice((1, 1, 2, 3))):  # tried again (at last visited) when not reached
            outcome = rng.choices(OUTCOMES, WEIGHTS)[0]
            channel = Channel.VISIT if attempt == 2 else rng.choice([Channel.PHONE, Channel.PHONE, Channel.LETTER])
            on = _day(rng, on, 6)
            services.contact_record(actor=worker if channel == Channel.VISIT or rng.random() < 0.4 else counsellor,
                                    campaign_id=campaign.pk, entry_id=entry.pk, channel=channel, outcome=outcome,
                                    on=on)
            if outcome != ContactOutcome.NOT_REACHED:
                break
        if outcome == ContactOutcome.REACHED_INTERESTED:
            interested.append((entry, on))
    # The social worker refers the interested: appointments to register (the first two went and registered, the
    # third missed it, the rest are still to come), and one household to apply again.
    for i, (entry, made_on) in enumerate(interested[:6]):  # referred on the day they were reached
        if i == 5:
            services.referral_make(actor=worker, campaign_id=campaign.pk, entry_id=entry.pk,
                                   kind=ReferralKind.APPLICATION, made_on=made_on)
            continue
        appointment = made_on + dt.timedelta(days=7) if i < 3 else today + dt.timedelta(days=3 + i)
        services.referral_make(actor=worker, campaign_id=campaign.pk, entry_id=entry.pk,
                               kind=ReferralKind.REGISTRATION, appointment_on=appointment, made_on=made_on)
        if i < 2:
            job_seeker_register(actor=SYSTEM, person=entry.person, unit=unit, registered_on=appointment,
                                consent_data_processing_on=appointment)
    # And one who came to the unit on their own after the letter: a registration credited with no referral.
    if len(entries) > CONTACTED:
        came_on = _day(rng, taken_on, DAYS_AGO - 1)
        job_seeker_register(actor=SYSTEM, person=entries[CONTACTED].person, unit=unit, registered_on=came_on,
                            consent_data_processing_on=came_on)
    return campaign.size
