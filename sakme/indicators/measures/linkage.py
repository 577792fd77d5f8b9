"""The linkage rate: the share of working-age social-assistance beneficiaries who are registered job seekers."""

from __future__ import annotations

from typing import Any

import numpy as np
from django.db.models import Min

from sakme.indicators.measures.base import Context, Counts, Days, days, grid_counts, measure, stock_grid
from sakme.registry.models import EnrolmentStatus, Person


def _birthday(birth: Days, age: int) -> Days:
    """The day a person born on `birth` turns `age` (29 February: the 1st of March)."""
    month = birth.astype("datetime64[M]")
    return (month + age * 12).astype("datetime64[D]") + (birth - month.astype("datetime64[D]"))


@measure("linkage_rate")
def linkage_rate(ctx: Context, params: dict[str, Any]) -> Counts:
    """At each month's end: members of a household in the programme (from its first assessment, while it has an
    active enrolment) aged `age_from` to `age_to`, and how many of them are registered job seekers."""
    rows = list(Person.objects.filter(membership__household__enrolments__status=EnrolmentStatus.ACTIVE,
                                      birth_date__isnull=False)
                .annotate(since=Min("membership__household__enrolments__assessment_date"))
                .values_list("unit_id", "birth_date", "since", "job_seeker__registered_on"))
    unit = ctx.unit_positions(r[0] for r in rows)
    birth = days(r[1] for r in rows)
    start = np.maximum(days(r[2] for r in rows), _birthday(birth, params["age_from"]))
    end = _birthday(birth, params["age_to"] + 1)
    registered = days(r[3] for r in rows)
    seekers = np.where(np.isnat(registered), np.datetime64("NaT"), np.maximum(start, registered))
    beneficiaries = stock_grid(ctx.span, len(ctx.units), unit, start, end)
    linked = stock_grid(ctx.span, len(ctx.units), unit, seekers.astype("datetime64[D]"), end)
    return grid_counts(linked, beneficiaries, over_time="last")
