"""Satisfaction, from the surveys typed in after a service event: the share of answers rating a question at or above
a bound (or saying yes), per the month it was answered."""

from __future__ import annotations

from typing import Any

from sakme.indicators.measures.base import Context, Counts, measure
from sakme.indicators.measures.casework import _count
from sakme.surveys.selectors import satisfaction_counts


@measure("satisfaction")
def satisfaction(ctx: Context, params: dict[str, Any]) -> Counts:
    """`service`: counselling_session, placement or assistance_decision (empty: all); `question`: its code
    ("overall"); `satisfied_from`: the lowest rating that counts as satisfied."""
    rows = satisfaction_counts(question=params.get("question", "overall"), service=params.get("service") or None,
                               satisfied_from=params.get("satisfied_from", 4), how="share")
    return _count(ctx, rows, numerator=[r[2] for r in rows], denominator=[r[3] for r in rows])
