"""Households on assistance, job seekers known by each route, linked records and the benefit rules, built through the
real models for the outreach tests."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

from sakme.assistance.models import BenefitRules
from sakme.geo.models import TerritorialUnit
from sakme.linkage.models import Cluster, ClusterMember
from sakme.registry.models import (
    Enrolment,
    Household,
    ImportBatch,
    Membership,
    Person,
    SourceRecord,
    SourceSystem,
)
from sakme.tests.factories import person

TODAY = dt.date.today()
_keys = itertools.count(1)


def born(age: int, *, days: int = 0) -> dt.date:
    """A birth date `age` years before today (`days` earlier still)."""
    try:
        day = TODAY.replace(year=TODAY.year - age)
    except ValueError:
        day = TODAY.replace(year=TODAY.year - age, day=28)
    return day - dt.timedelta(days=days)


def rules(*, years: int = 4) -> BenefitRules:
    """The published rules: 60 GEL a member below 30,001, 50 below 57,001, 40 below 65,001; 200 GEL a child below
    100,000; the status kept for four years on taking a job below 120,000."""
    BenefitRules.objects.all().delete()
    return BenefitRules.objects.create(
        valid_from=dt.date(2023, 7, 1), child_score_below=100_000, child_gel=Decimal("200"),
        bands=[{"below": 30001, "per_member_gel": "60"}, {"below": 57001, "per_member_gel": "50"},
               {"below": 65001, "per_member_gel": "40"}],
        keeps_status_score_below=120_000 if years else None, keeps_status_years=years, illustrative=True)


def household(*ages: int, unit: str = "TB-1", score: int = 20_000, since: dt.date = dt.date(2020, 3, 1),
              status: str = "active", latest: dt.date | None = None, municipality: bool = True,
              **extra: object) -> tuple[Household, list[Person]]:
    """A household of members of these ages (the first the head) on assistance since `since`, its latest assessment
    on `latest` (default: a year ago) with `score` and `status`."""
    where = TerritorialUnit.objects.get(code=unit)
    home = Household.objects.create(source=SourceSystem.objects.get(code="ssa"), key=f"OUT-{next(_keys)}", unit=where,
                                    municipality=where.municipality if municipality else None,
                                    address="ვაჟა-ფშაველას 12")
    Enrolment.objects.create(household=home, rating_score=score + 5000, assessment_date=since, status="active")
    Enrolment.objects.create(household=home, rating_score=score, assessment_date=latest or TODAY - dt.timedelta(365),
                             status=status)
    members = []
    for i, age in enumerate(ages):
        member = person(unit=unit, birth=born(age), phone="555 12 34 56", **(extra if i == 0 else {}))
        Membership.objects.create(household=home, person=member, relation="head" if i == 0 else "child")
        members.append(member)
    return home, members


def batch(source: str) -> ImportBatch:
    return ImportBatch.objects.create(source=SourceSystem.objects.get(code=source), file_name=f"{source}.csv",
                                      file_sha256="0" * 64, status=ImportBatch.Status.SUCCEEDED)


def record(who: Person, source: str) -> SourceRecord:
    """A source record of the person in a source (the SSA registry, Worknet)."""
    return SourceRecord.objects.create(source=SourceSystem.objects.get(code=source), key=f"R-{next(_keys)}",
                                       person=who, batch=batch(source), row=1, given_name=who.given_name_ka,
                                       family_name=who.family_name_ka, birth_date=who.birth_date)


def link(*records: SourceRecord) -> Cluster:
    """Records linked into one cluster, as the linkage store writes them."""
    cluster = Cluster.objects.create(size=len(records))
    ClusterMember.objects.bulk_create(ClusterMember(cluster=cluster, record=r, probability=0.99) for r in records)
    return cluster
