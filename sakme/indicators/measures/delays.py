"""Delays of the service model, in working days, per the month their clock started: registration to the first
counselling session and to an agreed plan, a referral to its outcome, a vacancy to its first shortlist sent.

A clock is (unit, started, stopped) per item; an item still waiting has no stop. The median and 90th percentile are
of the items that stopped; the share past the service level counts the stopped ones that took longer and the waiting
ones already older than the deadline, over every item started.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from django.db.models import Min

from sakme.casework.clocks import deadlines
from sakme.casework.models import Case, CounsellingSession, EmploymentPlan, Referral
from sakme.employment.models import Vacancy
from sakme.indicators.measures.base import Context, Counts, Days, Frame, Ints, Observations, days, measure

Clock = tuple[Ints, Days, Days]


def _registrations(ctx: Context) -> tuple[Ints, Ints, Days]:
    """Cases opened at registration, by id (a transferred case continues its clock in the first unit: left out)."""
    def read() -> tuple[Ints, Ints, Days]:
        rows = list(Case.objects.filter(transferred_from__isnull=True).order_by("pk")
                    .values_list("pk", "unit_id", "opened_on"))
        return (np.fromiter((r[0] for r in rows), dtype=np.int64), ctx.unit_positions(r[1] for r in rows),
                days(r[2] for r in rows))
    return ctx.once("registrations", read)  # type: ignore[no-any-return]


def _first_by_case(ids: Ints, pairs: list[tuple[int, Any]]) -> Days:
    """The first date per case (NaT for none), aligned with `ids` (sorted)."""
    stopped = np.full(len(ids), np.datetime64("NaT"), dtype="datetime64[D]")
    if pairs and len(ids):
        case = np.fromiter((p[0] for p in pairs), dtype=np.int64)
        position = np.minimum(np.searchsorted(ids, case), len(ids) - 1)
        found = ids[position] == case
        stopped[position[found]] = days(p[1] for p in pairs)[found]
    return stopped


def _first_session(ctx: Context) -> Clock:
    ids, unit, opened = _registrations(ctx)
    first = CounsellingSession.objects.values("case_id").annotate(first=Min("held_on")).values_list("case_id", "first")
    return unit, opened, _first_by_case(ids, list(first))


def _plan(ctx: Context) -> Clock:
    ids, unit, opened = _registrations(ctx)
    agreed = (EmploymentPlan.objects.filter(agreed_on__isnull=False).values("case_id")
              .annotate(first=Min("agreed_on")).values_list("case_id", "first"))
    return unit, opened, _first_by_case(ids, list(agreed))


def _referral_outcome(ctx: Context) -> Clock:
    rows = list(Referral.objects.values_list("case__unit_id", "referred_on", "outcome_on"))
    return ctx.unit_positions(r[0] for r in rows), days(r[1] for r in rows), days(r[2] for r in rows)


def _shortlist(ctx: Context) -> Clock:
    rows = list(Vacancy.objects.annotate(first=Min("referrals__sent_on")).values_list("unit_id", "opened_on", "first"))
    return ctx.unit_positions(r[0] for r in rows), days(r[1] for r in rows), days(r[2] for r in rows)


CLOCKS: dict[str, Callable[[Context], Clock]] = {
    "first_session": _first_session, "plan": _plan, "referral_outcome": _referral_outcome, "shortlist": _shortlist,
}


@measure("delay")
def delay(ctx: Context, params: dict[str, Any]) -> Frame:
    """`statistic`: "median" or "p90" of the working days taken, or "late": the share past the service level."""
    clock = params["clock"]
    unit, started, stopped = ctx.once(f"clock:{clock}", lambda: CLOCKS[clock](ctx))
    return clock_frame(ctx, params["statistic"], (unit, started, stopped), deadlines()[clock])


def clock_frame(ctx: Context, statistic: str, clock: Clock, deadline: int) -> Frame:
    """A clock's items as a frame of the statistic: the median or 90th percentile of the working days taken, or the
    share past the deadline (in working days)."""
    unit, started, stopped = clock
    as_of = np.datetime64(ctx.span.as_of, "D")
    stopped = np.where(stopped > as_of, np.datetime64("NaT"), stopped)  # what happened after `as_of` had not yet
    month = ctx.span.month_index(started)
    done = ~np.isnat(stopped) & ~np.isnat(started)
    taken = np.full(len(started), np.nan)
    taken[done] = np.maximum(np.busday_count(started[done], stopped[done]), 0)
    if statistic in ("median", "p90"):
        return Observations(unit=unit, month=month, values=taken, quantile=0.5 if statistic == "median" else 0.9)
    waiting = ~done & ~np.isnat(started)
    late = done & (taken > deadline)
    late[waiting] = np.busday_count(started[waiting], np.maximum(started[waiting], as_of)) > deadline
    return Counts(unit=unit, month=month, numerator=late.astype(float), denominator=np.ones(len(started)))
