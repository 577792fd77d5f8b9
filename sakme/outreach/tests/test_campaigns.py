"""Campaigns through the services: taking one, contacts and referrals within scope, a registration credited to its
campaign (also under a linked record), each referral's outcome, the field sheet exported and logged."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest

from sakme.accounts.actors import SYSTEM
from sakme.assistance.models import Application
from sakme.audit.models import AccessEvent, AccessKind, AuditEvent
from sakme.common.errors import DomainError, NotFound, PermissionDenied
from sakme.geo.models import TerritorialUnit
from sakme.outreach import access, selectors, services
from sakme.outreach.models import CampaignEntry, ReferralOutcome
from sakme.outreach.tests.worlds import TODAY, household, link, record, rules
from sakme.tests.factories import job_seeker, person

pytestmark = pytest.mark.django_db
TB1 = "TB-1"
AGO = TODAY - dt.timedelta(days=40)


def unit(code: str = TB1) -> int:
    return TerritorialUnit.objects.get(code=code).pk


def take(actor=SYSTEM, **kwargs):
    kwargs.setdefault("unit_id", unit())
    kwargs.setdefault("name", "Spring outreach")
    kwargs.setdefault("taken_on", AGO)
    return services.campaign_take(actor=actor, **kwargs)


def entry_of(campaign, who) -> CampaignEntry:
    return CampaignEntry.objects.get(campaign=campaign, person=who)


def test_a_campaign_takes_the_top_of_the_list_as_it_stood(staff):
    _, (first,) = household(30, score=5_000)
    _, (second, _child) = household(30, 4, score=8_000)
    household(30, score=9_000)
    campaign = take(staff["unit_head"], size=2)
    entries = list(campaign.entries.order_by("rank").values_list("person_id", "rank", "score", "children", "members"))
    assert entries == [(first.pk, 1, 5_000, 0, 1), (second.pk, 2, 8_000, 1, 2)]
    assert (campaign.size, campaign.taken_by, campaign.taken_on) == (2, staff["unit_head"], AGO)
    event = AuditEvent.objects.get(action="outreach.campaign_take", entity_id=str(campaign.pk))
    assert event.changes["size"] == 2 and event.actor == staff["unit_head"]


def test_taking_is_refused_outside_the_rules(staff):
    household(30)
    with pytest.raises(PermissionDenied):
        take(staff["municipal_social_worker"])  # records contacts and referrals; takes no campaign
    with pytest.raises(PermissionDenied):
        take(staff["unit_head"], unit_id=unit("TB-2"))
    for kwargs, code in [({"size": 0}, "campaign_size"), ({"name": " "}, "name_missing"),
                         ({"taken_on": TODAY + dt.timedelta(days=1)}, "date_in_future"),
                         ({"unit_id": unit(), "taken_on": dt.date(1990, 1, 1)}, "list_empty")]:
        with pytest.raises(DomainError) as refused:
            take(staff["unit_head"], **kwargs)
        assert refused.value.code == code


def test_contacts_and_referrals_stay_within_the_place(staff):
    _, (tb1,) = household(30, unit="TB-1")
    _, (telavi,) = household(30, unit="KA-TEL")
    ours, theirs = take(), take(unit_id=unit("KA-TEL"), name="Telavi")
    worker = staff["municipal_social_worker"]
    contact = services.contact_record(actor=worker, campaign_id=ours.pk, entry_id=entry_of(ours, tb1).pk,
                                      channel="visit", outcome="reached_interested", note="Will come on Monday")
    assert (contact.by, contact.on) == (worker, TODAY)
    with pytest.raises(NotFound):
        services.contact_record(actor=worker, campaign_id=theirs.pk, entry_id=entry_of(theirs, telavi).pk,
                                channel="phone", outcome="not_reached")
    with pytest.raises(NotFound):  # another campaign's person through this campaign
        services.contact_record(actor=worker, campaign_id=ours.pk, entry_id=entry_of(theirs, telavi).pk,
                                channel="phone", outcome="not_reached")
    with pytest.raises(PermissionDenied):
        services.contact_record(actor=staff["regional_coordinator"], campaign_id=ours.pk,
                                entry_id=entry_of(ours, tb1).pk, channel="phone", outcome="not_reached")
    for kwargs, code in [({"channel": "fax"}, "channel_unknown"), ({"outcome": "maybe"}, "contact_outcome_unknown"),
                         ({"on": AGO - dt.timedelta(days=1)}, "before_campaign")]:
        with pytest.raises(DomainError) as refused:
            services.contact_record(actor=worker, campaign_id=ours.pk, entry_id=entry_of(ours, tb1).pk,
                                    **{"channel": "phone", "outcome": "not_reached", **kwargs})
        assert refused.value.code == code
    assert [c.pk for c in access.campaigns_for_user(worker)] == [ours.pk]


def test_a_registration_that_follows_is_credited_to_the_campaign(staff):
    _, (registers, stays_away, registered_before, under_other_id) = household(30, 31, 32, 33)
    campaign = take()
    job_seeker(who=registers, registered_on=TODAY - dt.timedelta(days=3))
    # Registered earlier than the campaign (someone else's credit, if anyone's).
    CampaignEntry.objects.filter(person=registered_before).update(rank=99)
    job_seeker(who=registered_before, registered_on=AGO - dt.timedelta(days=5))
    # Registered under another person id, linked to theirs by the linkage.
    twin = person(given="ლევან", birth=under_other_id.birth_date)
    link(record(under_other_id, "ssa"), record(twin, "worknet"))
    job_seeker(who=twin, registered_on=AGO)

    page = selectors.campaign_page(SYSTEM, campaign)
    credited = {e.person_id: e.registered_on for e in page.credited}
    assert credited == {registers.pk: TODAY - dt.timedelta(days=3), under_other_id.pk: AGO}
    assert page.credited_total == 2 and stays_away.pk not in credited


def test_a_referral_comes_back_with_its_outcome(staff):
    rules()
    _, (will_register, misses, applies, waits) = household(30, 31, 32, 33)
    _, (elsewhere,) = household(30)
    campaign = take()
    worker = staff["municipal_social_worker"]
    made = {}
    for who, kind, appointment in [(will_register, "registration_appointment", TODAY - dt.timedelta(days=5)),
                                   (misses, "registration_appointment", TODAY - dt.timedelta(days=1)),
                                   (applies, "application", None),
                                   (waits, "registration_appointment", TODAY + dt.timedelta(days=7))]:
        made[who.pk] = services.referral_make(actor=worker, campaign_id=campaign.pk,
                                              entry_id=entry_of(campaign, who).pk, kind=kind,
                                              appointment_on=appointment, made_on=TODAY - dt.timedelta(days=10))
    job_seeker(who=will_register, registered_on=TODAY - dt.timedelta(days=5))
    home = entry_of(campaign, applies).household
    Application.objects.create(unit_id=unit(), household=home, applicant=applies, state="declared",
                               state_since=TODAY - dt.timedelta(days=2), declared_on=TODAY - dt.timedelta(days=2))

    referrals, total = selectors.referral_list(worker)
    outcomes = {r.entry.person_id: (r.outcome, r.outcome_day) for r in referrals}
    assert total == 4 and outcomes == {
        will_register.pk: (ReferralOutcome.REGISTERED, TODAY - dt.timedelta(days=5)),
        misses.pk: (ReferralOutcome.MISSED, None),
        applies.pk: (ReferralOutcome.APPLIED, TODAY - dt.timedelta(days=2)),
        waits.pk: (ReferralOutcome.PENDING, None)}
    assert selectors.referral_list(staff["counsellor"])[1] == 0  # the outcome goes back to who referred
    with pytest.raises(DomainError) as refused:  # one waiting referral of a kind at a time
        services.referral_make(actor=worker, campaign_id=campaign.pk, entry_id=entry_of(campaign, waits).pk,
                               kind="registration_appointment", appointment_on=TODAY + dt.timedelta(days=8))
    assert refused.value.code == "already_referred"
    # The missed appointment may be made again.
    services.referral_make(actor=worker, campaign_id=campaign.pk, entry_id=entry_of(campaign, misses).pk,
                           kind="registration_appointment", appointment_on=TODAY + dt.timedelta(days=8))
    for kwargs, code in [({"kind": "registration_appointment"}, "appointment_missing"),
                         ({"kind": "x"}, "referral_kind_unknown"),
                         ({"kind": "application", "appointment_on": TODAY - dt.timedelta(days=1)},
                          "appointment_before_referral"),
                         ({"kind": "application", "to_unit_id": 0}, "unit_unknown")]:
        with pytest.raises(DomainError) as refused:
            services.referral_make(actor=worker, campaign_id=campaign.pk, entry_id=entry_of(campaign, elsewhere).pk,
                                   **kwargs)
        assert refused.value.code == code


def test_the_field_sheet_is_limited_to_the_users_place_and_logged(staff):
    rules()
    _, (tb1, partner) = household(30, 31, unit="TB-1")
    _, (tb1_unplaced,) = household(30, unit="TB-1", municipality=False)
    campaign = take()
    sheet = services.campaign_export(actor=staff["unit_head"], campaign_id=campaign.pk)
    assert sheet.content.startswith(b"\xef\xbb\xbf") and sheet.rows == 3
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["rank", "name (Georgian)", "name (Latin)", "personal number"]
    first = rows[1]
    assert first[3] == tb1.personal_number_masked and "•" in first[3]
    assert first[5] == "ვაჟა-ფშაველას 12" and first[6] == "555 12 34 56"
    assert first[13].startswith("If you take a job, your household keeps its vulnerable status for 4 years")
    event = AuditEvent.objects.get(action="outreach.campaign_export", entity_id=str(campaign.pk))
    assert event.changes == {"rows": 3} and event.actor == staff["unit_head"]
    exported = AccessEvent.objects.filter(actor=staff["unit_head"], kind=AccessKind.EXPORT)
    assert sorted(exported.values_list("person_id", flat=True)) == sorted([tb1.pk, partner.pk, tb1_unplaced.pk])
    with pytest.raises(PermissionDenied):  # exports are for who takes campaigns
        services.campaign_export(actor=staff["municipal_social_worker"], campaign_id=campaign.pk)
    household(30, unit="KA-TEL")
    telavi = take(unit_id=unit("KA-TEL"), name="Telavi")
    with pytest.raises(NotFound):
        services.campaign_export(actor=staff["unit_head"], campaign_id=telavi.pk)
    # The municipal social worker sees the households of their municipality only (not one with none recorded).
    page = selectors.campaign_page(staff["municipal_social_worker"], campaign)
    assert {r.entry.person_id for r in page.rows} == {tb1.pk, partner.pk}
