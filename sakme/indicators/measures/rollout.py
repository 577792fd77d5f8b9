"""Indicator 2.1: the territorial units working under the New Employment Service Model, from the rollout events."""

from __future__ import annotations

from typing import Any

import numpy as np

from sakme.geo.models import RolloutEvent
from sakme.indicators.measures.base import Context, Counts, grid_counts, measure


@measure("units_on_model")
def units_on_model(ctx: Context, params: dict[str, Any]) -> Counts:
    """At each month's end: 1 for a unit whose latest rollout event is an adoption, over 1 for every working unit."""
    ends = ctx.span.month_ends()
    on = np.zeros((len(ctx.units), ctx.span.months))
    for unit_id, date, event in RolloutEvent.objects.order_by("date", "pk").values_list("unit_id", "date", "event"):
        if unit_id in ctx.unit_index:  # in date order: a later event overrides an earlier one from its date on
            on[ctx.unit_index[unit_id], ends >= np.datetime64(date, "D")] = event == RolloutEvent.Event.ADOPTED
    working = np.array([[1.0 if u.is_active else 0.0] for u in ctx.units]) * np.ones((1, ctx.span.months))
    return grid_counts(on * working, working, over_time="last")
