"""Measures of the casework: caseload per counsellor, placements, follow-up retention, group sessions and their
attendance, referrals to training and their outcomes, staff trained."""

from __future__ import annotations

from typing import Any

import numpy as np

from sakme.casework.models import Case, FollowUp, GroupParticipant, GroupSession, Placement, Referral, State
from sakme.geo.models import StaffPost, Training
from sakme.indicators.measures.base import Context, Counts, days, grid_counts, measure, stock_grid


def _count(ctx: Context, rows: list[tuple[Any, ...]], numerator: list[float] | None = None,
           denominator: list[float] | None = None) -> Counts:
    """A flow from (unit id, date, ...) rows: each row counts 1 (or its numerator and denominator) in its month."""
    unit = ctx.unit_positions(r[0] for r in rows)
    month = ctx.span.month_index(days(r[1] for r in rows))
    return Counts(unit=unit, month=month, numerator=np.array(numerator or [1.0] * len(rows), dtype=float),
                  denominator=None if denominator is None else np.array(denominator, dtype=float))


@measure("caseload_per_counsellor")
def caseload_per_counsellor(ctx: Context, params: dict[str, Any]) -> Counts:
    """Open cases with a counsellor at each month's end, over the counsellors holding at least one of them."""
    rows = list(Case.objects.filter(counsellor__isnull=False).values_list("unit_id", "counsellor_id", "opened_on",
                                                                           "closed_on", "state"))
    pairs = sorted({(r[0], r[1]) for r in rows})
    pair_index = {p: i for i, p in enumerate(pairs)}
    # Open from opening to closing; a case that ended without a closing date (none should) counts as open.
    closed = [r[3] if r[4] == State.CLOSED else None for r in rows]
    per_pair = stock_grid(ctx.span, len(pairs), np.array([pair_index[r[0], r[1]] for r in rows], dtype=np.int64),
                          days(r[2] for r in rows), days(closed))
    pair_unit = ctx.unit_positions(p[0] for p in pairs)
    cases = np.zeros((len(ctx.units), ctx.span.months))
    counsellors = np.zeros_like(cases)
    known = pair_unit >= 0
    np.add.at(cases, pair_unit[known], per_pair[known])
    np.add.at(counsellors, pair_unit[known], (per_pair[known] > 0).astype(float))
    return grid_counts(cases, counsellors, over_time="last")


@measure("placements")
def placements(ctx: Context, params: dict[str, Any]) -> Counts:
    """Placements in work, by the month they started."""
    return _count(ctx, list(Placement.objects.values_list("case__unit_id", "started_on")))


@measure("follow_up_retention")
def follow_up_retention(ctx: Context, params: dict[str, Any]) -> Counts:
    """Of the follow-ups `months` after an outcome that were answered: the share still in work or training."""
    rows = list(FollowUp.objects.filter(months=params["months"], done_on__isnull=False,
                                        still_in_work_or_training__isnull=False)
                .values_list("case__unit_id", "due_on", "still_in_work_or_training"))
    return _count(ctx, rows, numerator=[1.0 if r[2] else 0.0 for r in rows], denominator=[1.0] * len(rows))


@measure("group_sessions")
def group_sessions(ctx: Context, params: dict[str, Any]) -> Counts:
    """Group consultation sessions held."""
    return _count(ctx, list(GroupSession.objects.values_list("unit_id", "held_on")))


@measure("group_attendance")
def group_attendance(ctx: Context, params: dict[str, Any]) -> Counts:
    """Of the job seekers invited to a group session: the share who attended."""
    rows = list(GroupParticipant.objects.values_list("session__unit_id", "session__held_on", "attended"))
    return _count(ctx, rows, numerator=[1.0 if r[2] else 0.0 for r in rows], denominator=[1.0] * len(rows))


@measure("training_referrals")
def training_referrals(ctx: Context, params: dict[str, Any]) -> Counts:
    """Referrals to a training programme, by the month they were made."""
    return _count(ctx, list(Referral.objects.filter(kind=Referral.Kind.TRAINING)
                            .values_list("case__unit_id", "referred_on")))


@measure("training_referral_outcomes")
def training_referral_outcomes(ctx: Context, params: dict[str, Any]) -> Counts:
    """Of the referrals to training with an outcome: the share accepted, by the month of the referral."""
    rows = list(Referral.objects.filter(kind=Referral.Kind.TRAINING).exclude(status=Referral.Status.PENDING)
                .values_list("case__unit_id", "referred_on", "status"))
    return _count(ctx, rows, numerator=[1.0 if r[2] == Referral.Status.ACCEPTED else 0.0 for r in rows],
                  denominator=[1.0] * len(rows))


@measure("staff_trained")
def staff_trained(ctx: Context, params: dict[str, Any]) -> Counts:
    """Employees posted to a unit who attended a training or working meeting: each once a year, in the month of
    their first one that year (so the months add up to the year)."""
    # An employee's latest post (the dict keeps the last one it is given).
    unit_of = dict(StaffPost.objects.filter(unit__isnull=False).order_by("pk").values_list("user_id", "unit_id"))
    first: dict[tuple[int, int], Any] = {}
    for user_id, day in Training.attendees.through.objects.values_list("user_id", "training__date"):
        key = (user_id, day.year)
        if user_id in unit_of and (key not in first or day < first[key]):
            first[key] = day
    return _count(ctx, [(unit_of[user_id], day) for (user_id, _), day in first.items()])
