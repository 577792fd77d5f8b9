"""Dates of service levels: working days (Monday to Friday) and calendar months."""

from __future__ import annotations

import calendar
import datetime as dt


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
