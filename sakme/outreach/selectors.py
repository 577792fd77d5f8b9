"""Reads of outreach: the list by need, the campaigns, a campaign's page and one's referrals.

A page of the list is one SQL query, its rows and the count (a window over the list), whatever the size of the unit:
the households of the place are filtered first (their latest enrolment looked up once per household, index-only on
`outreach_enrolment_latest`), then their members by `membership.household_id`, registrations by person and cluster
peers by record; each figure of the order is a subquery on the same indexes (bench/outreach.py). Who is listed:

- a member of a household whose latest enrolment is active (on assistance now),
- of working age on the day (`policy.ages`), not with a severe disability,
- not a registered job seeker, by sakme, by a source that holds job seekers, or through a linked record
  (`outcomes.is_job_seeker`);

ordered by need: the household's latest rating score (lowest first), then its children (most first), then its time on
assistance (longest first), then the person's id.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value, Window
from django.db.models.functions import Coalesce
from django.utils import timezone

from sakme.accounts.actors import Actor
from sakme.assistance.rules import benefit_rules_on
from sakme.audit.models import AccessKind
from sakme.outreach.access import (
    Place,
    campaigns_for_user,
    entries_for_user,
    outreach_households_for_user,
    persons_listed,
    place_for_user,
    referrals_for_user,
)
from sakme.outreach.keeps import Keeps, keeps_for
from sakme.outreach.models import Campaign, CampaignEntry, ContactAttempt, Referral
from sakme.outreach.outcomes import (
    credited,
    is_job_seeker,
    outcome_on,
    referral_outcome,
    registered_on,
    with_outcomes,
)
from sakme.outreach.policy import NOT_ABLE, PAGE_SIZE, birth_window, children_born_after
from sakme.registry.models import Enrolment, EnrolmentStatus, Household, Membership, Person

CREDITS_SHOWN = 100


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def on_assistance(households: QuerySet[Household]) -> QuerySet[Household]:
    """The households whose latest enrolment is active (looked up once per household, not per member)."""
    latest = Enrolment.objects.filter(household_id=OuterRef("pk")).order_by("-assessment_date")
    return households.alias(latest_status=Subquery(latest.values("status")[:1])).filter(
        latest_status=EnrolmentStatus.ACTIVE)


def eligible(households: QuerySet[Household], as_of: dt.date) -> QuerySet[Person]:
    """Who of these households' members is on the outreach list on `as_of` (not yet ordered: count it as it is)."""
    born_after, born_by = birth_window(as_of)
    return (Person.objects.filter(membership__household__in=on_assistance(households).values("pk"),
                                  birth_date__gt=born_after, birth_date__lte=born_by)
            .exclude(disability_status__in=NOT_ABLE)
            .filter(~is_job_seeker(OuterRef("pk"))))


def ranked(persons: QuerySet[Person], as_of: dt.date) -> QuerySet[Person]:
    """The list's persons with the figures of their household (`score`, `children`, `members`, `since`), by need."""
    household = OuterRef("membership__household_id")
    enrolments = Enrolment.objects.filter(household_id=household)
    members = Membership.objects.filter(household_id=household).order_by().values("household_id")
    children = members.filter(person__birth_date__gt=children_born_after(as_of))
    return persons.annotate(
        score=Subquery(enrolments.order_by("-assessment_date").values("rating_score")[:1]),
        children=Coalesce(Subquery(children.annotate(n=Count("pk")).values("n")), Value(0),
                          output_field=IntegerField()),
        members=Subquery(members.annotate(n=Count("pk")).values("n"), output_field=IntegerField()),
        since=Subquery(enrolments.order_by("assessment_date").values("assessment_date")[:1]),
    ).order_by("score", "-children", "since", "pk")


@dataclass
class OutreachRow:
    rank: int
    person: Person
    household: Household
    score: int
    children: int
    members: int
    since: dt.date
    age: int
    keeps: Keeps


@dataclass
class OutreachPage:
    place: Place
    as_of: dt.date
    rows: list[OutreachRow]
    total: int
    page: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))

    @property
    def next(self) -> int | None:
        return self.page + 1 if self.page < self.pages else None

    @property
    def previous(self) -> int | None:
        return self.page - 1 if self.page > 1 else None


def outreach_list_for_user(user: Actor, *, unit_code: str = "", municipality_code: str = "",
                           as_of: dt.date | None = None, page: int = 1, context: str = "",
                           kind: AccessKind = AccessKind.LISTED) -> OutreachPage:
    """One page of the outreach list of a unit or municipality in the user's scope, by need, with what each household
    keeps if the person takes a job; the persons shown are logged."""
    as_of = as_of or timezone.localdate()
    place = place_for_user(user, unit_code=unit_code, municipality_code=municipality_code)
    persons = eligible(outreach_households_for_user(user, place), as_of)
    # The count rides on the page's query (a window over the whole list), so the list is read once; a page past the
    # end is counted on its own and the last page read instead.
    listed = ranked(persons, as_of).select_related("membership__household").annotate(listed=Window(Count("pk")))
    page = max(1, page)
    found = list(listed[(page - 1) * PAGE_SIZE:page * PAGE_SIZE])
    if found:
        total = found[0].listed  # type: ignore[attr-defined]
    else:
        total = persons.count() if page > 1 else 0
        page = max(1, -(-total // PAGE_SIZE))
        found = list(listed[(page - 1) * PAGE_SIZE:page * PAGE_SIZE]) if total else []
    offset = (page - 1) * PAGE_SIZE
    rules = benefit_rules_on(as_of)
    rows = [OutreachRow(rank=offset + i, person=p, household=p.membership.household, score=p.score,  # type: ignore[attr-defined]
                        children=p.children, members=p.members, since=p.since,  # type: ignore[attr-defined]
                        age=age_on(p.birth_date, as_of) if p.birth_date else 0,
                        keeps=keeps_for(rules, score=p.score, members=p.members,  # type: ignore[attr-defined]
                                        children=p.children, on=as_of))  # type: ignore[attr-defined]
            for i, p in enumerate(found, start=1)]
    persons_listed(user, [r.person.pk for r in rows], context=context, kind=kind)
    return OutreachPage(place=place, as_of=as_of, rows=rows, total=total, page=page)


def list_taken(households: QuerySet[Household], as_of: dt.date, size: int) -> list[dict[str, Any]]:
    """The top `size` of the list as a campaign takes it: person, household and the figures that ranked them."""
    return list(ranked(eligible(households, as_of), as_of)[:size].values(  # type: ignore[misc]
        "pk", "membership__household_id", "score", "children", "members", "since"))


# -- campaigns -------------------------------------------------------------------------------------------

def campaign_list(user: Actor, *, page: int = 1) -> tuple[list[Campaign], int]:
    """The campaigns of the user's scope, the newest first, a page at a time, and how many there are."""
    campaigns = campaigns_for_user(user)
    total = campaigns.count()
    offset = (max(1, page) - 1) * PAGE_SIZE
    return list(campaigns.select_related("unit", "municipality", "taken_by")
                .annotate(contacts=Count("entries__contacts"))
                .order_by("-taken_on", "-pk")[offset:offset + PAGE_SIZE]), total


@dataclass
class EntryRow:
    entry: CampaignEntry
    keeps: Keeps
    contacts: list[ContactAttempt] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)

    @property
    def last_contact(self) -> ContactAttempt | None:
        return self.contacts[-1] if self.contacts else None


@dataclass
class CampaignPage:
    campaign: Campaign
    rows: list[EntryRow]
    total: int  # the campaign's persons the user sees
    page: int
    credited: list[CampaignEntry]
    credited_total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def outcome_rows(referrals: QuerySet[Referral], today: dt.date, *, offset: int = 0,
                 limit: int | None = None) -> list[Referral]:
    """The referrals (a slice of them) with their outcome (`outcome`) and its day (`outcome_day`), in one query."""
    annotated = with_outcomes(referrals)
    found = list(annotated[offset:offset + limit] if limit is not None else annotated)
    for r in found:
        r.outcome = referral_outcome(r, today)  # type: ignore[attr-defined]
        r.outcome_day = outcome_on(r)  # type: ignore[attr-defined]
    return found


def campaign_page(user: Actor, campaign: Campaign, *, page: int = 1, context: str = "",
                  kind: AccessKind = AccessKind.LISTED) -> CampaignPage:
    """A page of the campaign's persons the user sees, with their contacts and referrals (and what came of them), and
    the registrations credited to the campaign; everyone shown is logged."""
    today = timezone.localdate()
    entries = entries_for_user(user, campaign)
    total = entries.count()
    page = max(1, min(page, max(1, -(-total // PAGE_SIZE))))
    offset = (page - 1) * PAGE_SIZE
    shown = list(entries.select_related("person", "household").order_by("rank")[offset:offset + PAGE_SIZE])
    rules = benefit_rules_on(today)
    rows = {e.pk: EntryRow(e, keeps_for(rules, score=e.score, members=e.members, children=e.children, on=today))
            for e in shown}
    for contact in ContactAttempt.objects.filter(entry_id__in=rows).select_related("by").order_by("on", "pk"):
        rows[contact.entry_id].contacts.append(contact)
    for referral in outcome_rows(Referral.objects.filter(entry_id__in=rows).select_related("to_unit", "made_by")
                                 .order_by("made_on", "pk"), today):
        rows[referral.entry_id].referrals.append(referral)
    credits = credited(entries)
    credited_shown = list(credits.select_related("person").order_by("rank")[:CREDITS_SHOWN])
    for entry in credited_shown:
        entry.registered_on = registered_on(entry)  # type: ignore[attr-defined]
    credited_total = len(credited_shown) if len(credited_shown) < CREDITS_SHOWN else credits.count()
    persons_listed(user, sorted({e.person_id for e in shown} | {e.person_id for e in credited_shown}),
                   context=context, kind=kind)
    return CampaignPage(campaign=campaign, rows=list(rows.values()), total=total, page=page,
                        credited=credited_shown, credited_total=credited_total)


def referral_list(user: Actor, *, page: int = 1, context: str = "",
                  kind: AccessKind = AccessKind.LISTED) -> tuple[list[Referral], int]:
    """The referrals the user made, the latest first, with what came of each; the persons shown are logged."""
    referrals = referrals_for_user(user)
    total = referrals.count()
    offset = (max(1, page) - 1) * PAGE_SIZE
    found = outcome_rows(referrals.select_related("entry__person", "entry__household", "entry__campaign", "to_unit")
                         .order_by("-made_on", "-pk"), timezone.localdate(), offset=offset, limit=PAGE_SIZE)
    persons_listed(user, sorted({r.entry.person_id for r in found}), context=context, kind=kind)
    return found, total
