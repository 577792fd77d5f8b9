"""What came of outreach, computed from the records that followed it (nothing is stored): a registration credited to
the campaign that listed the person, and the outcome of each referral. One rule each, here only.

A person is registered when they have a JobSeeker, or when a source record of theirs is in a linkage cluster with a
record whose person has one: the same person, known twice before the registries were merged.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from sakme.assistance.models import Application
from sakme.employment.models import JobSeeker
from sakme.outreach.models import CampaignEntry, Referral, ReferralKind, ReferralOutcome
from sakme.registry.models import SourceRecord, SourceSystem

CLUSTER_PEERS = "cluster_member__cluster__members__record"  # from a source record to every record of its cluster


def seeker_sources() -> QuerySet[SourceSystem, Any]:
    """Sources whose records are registrations as a job seeker (Worknet)."""
    return SourceSystem.objects.filter(holds_job_seekers=True).values("pk")


def is_job_seeker(person: Any) -> Q:
    """A condition on a person (`person` is their id, an OuterRef or a field): registered as a job seeker in sakme, by a
    source that holds job seekers, or through a record of theirs linked to a record of either kind."""
    linked = SourceRecord.objects.filter(person_id=person).filter(
        Q(**{f"{CLUSTER_PEERS}__source_id__in": seeker_sources()})
        | Q(**{f"{CLUSTER_PEERS}__person__job_seeker__isnull": False}))
    return Q(Exists(JobSeeker.objects.filter(person_id=person))) | Q(Exists(
        SourceRecord.objects.filter(person_id=person, source_id__in=seeker_sources()))) | Q(Exists(linked))


def registered_since(person: Any, day: Any) -> dict[str, Subquery]:
    """Annotations: the first day on or after `day` on which the person (`own`) or a person linked to them through a
    cluster (`linked`) was registered as a job seeker; None when neither was."""
    own = JobSeeker.objects.filter(person_id=person, registered_on__gte=day).values("registered_on")[:1]
    peers = f"person__source_records__{CLUSTER_PEERS}__person_id"
    linked = JobSeeker.objects.filter(registered_on__gte=day, **{peers: person}).order_by(
        "registered_on").values("registered_on")[:1]
    return {"registered_own": Subquery(own), "registered_linked": Subquery(linked)}


def _first(*days: dt.date | None) -> dt.date | None:
    found = [d for d in days if d is not None]
    return min(found) if found else None


# -- registrations credited to a campaign ----------------------------------------------------------------

def with_registrations(entries: QuerySet[CampaignEntry]) -> QuerySet[CampaignEntry]:
    """The entries with the first registration of their person on or after their campaign's day (`registered_own`,
    `registered_linked`: read `registered_on(entry)`)."""
    return entries.annotate(**registered_since(OuterRef("person_id"), OuterRef("campaign__taken_on")))


def credited(entries: QuerySet[CampaignEntry]) -> QuerySet[CampaignEntry]:
    """The entries whose person registered as a job seeker on or after the campaign's day: credited to it."""
    annotated = with_registrations(entries)
    return annotated.filter(Q(registered_own__isnull=False) | Q(registered_linked__isnull=False))


def registered_on(row: Any) -> dt.date | None:
    """The registration day of an entry or referral annotated by `with_registrations` or `with_outcomes`."""
    return _first(getattr(row, "registered_own", None), getattr(row, "registered_linked", None))


# -- referrals -------------------------------------------------------------------------------------------

def with_outcomes(referrals: QuerySet[Referral]) -> QuerySet[Referral]:
    """The referrals with what followed them: a registration of the person on or after the referral's day, an
    application of the household declared on or after it (read `referral_outcome(referral)`)."""
    applied = Application.objects.filter(household_id=OuterRef("entry__household_id"),
                                         declared_on__gte=OuterRef("made_on")).order_by("declared_on")
    return referrals.annotate(**registered_since(OuterRef("entry__person_id"), OuterRef("made_on")),
                              applied_on=Subquery(applied.values("declared_on")[:1]))


def referral_outcome(referral: Referral, today: dt.date | None = None) -> ReferralOutcome:
    """Registered (an appointment to register, followed by a registration), applied (a referral to apply, followed
    by an application), missed (nothing followed and the appointment day has passed), else pending."""
    today = today or timezone.localdate()
    if referral.kind == ReferralKind.REGISTRATION and registered_on(referral) is not None:
        return ReferralOutcome.REGISTERED
    if referral.kind == ReferralKind.APPLICATION and getattr(referral, "applied_on", None) is not None:
        return ReferralOutcome.APPLIED
    if referral.appointment_on is not None and referral.appointment_on < today:
        return ReferralOutcome.MISSED
    return ReferralOutcome.PENDING


def outcome_on(referral: Referral) -> dt.date | None:
    """The day of what followed the referral (a registration or an application), if anything did."""
    if referral.kind == ReferralKind.REGISTRATION:
        return registered_on(referral)
    return getattr(referral, "applied_on", None)


def still_open(referrals: QuerySet[Referral], today: dt.date) -> list[Referral]:
    """The referrals whose outcome is still pending (a second one of the same kind would repeat them)."""
    return [r for r in with_outcomes(referrals) if referral_outcome(r, today) == ReferralOutcome.PENDING]

