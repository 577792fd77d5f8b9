"""Delays of the social-assistance process, in working days, per the month their clock started: from the declaration
to the home visit and to the decision, from an eligible decision to the first payment (`assistance.workflow.DELAYS`,
held to the sum of the steps' service levels)."""

from __future__ import annotations

from typing import Any

from sakme.assistance.models import Application
from sakme.assistance.workflow import DELAYS, delay_deadline
from sakme.indicators.measures.base import Context, Frame, days, measure
from sakme.indicators.measures.delays import Clock, clock_frame


def applications_on_clock(name: str) -> Any:
    """The applications a delay counts: all of them, or for the payment the ones decided eligible."""
    start, _stop, _levels = DELAYS[name]
    found = Application.objects.filter(**{f"{start}__isnull": False})
    return found.filter(amount_gel__isnull=False) if name == "payment" else found


def _clock(ctx: Context, name: str) -> Clock:
    start, stop, _levels = DELAYS[name]
    rows = list(applications_on_clock(name).values_list("unit_id", start, stop))
    return ctx.unit_positions(r[0] for r in rows), days(r[1] for r in rows), days(r[2] for r in rows)


@measure("assistance_delay")
def assistance_delay(ctx: Context, params: dict[str, Any]) -> Frame:
    """`step`: visit, decision or payment; `statistic`: "median", "p90" or "late"."""
    name = params["step"]
    clock = ctx.once(f"assistance:{name}", lambda: _clock(ctx, name))
    return clock_frame(ctx, params["statistic"], clock, delay_deadline(name))
