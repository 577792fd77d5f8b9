"""Dates of service levels: working days (Monday to Friday) and calendar months."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from typing import Any


def add_working_days(day: dt.date, days: int) -> dt.date:
    """`days` working days (Monday to Friday) after `day`."""
    weeks, rest = divmod(days, 5)
    result = day + dt.timedelta(weeks=weeks)
    while rest:
        result += dt.timedelta(days=1)
        if result.weekday() < 5:
            rest -= 1
    return result


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it is shorter (31 January + 1 = 28/29 February)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def working_days_by_clock(levels: Any, defaults: Mapping[Any, int]) -> dict[str, int]:
    """Working days per clock: a deployment's service-level rows (`levels`, a model with `clock` and
    `working_days`) over the defaults."""
    configured = dict(levels.objects.values_list("clock", "working_days"))
    return {str(clock): configured.get(clock, days) for clock, days in defaults.items()}
