"""Service-level clocks: what is due on each case and what is late, in working days.

Deadlines are data (`ServiceLevel`); these are the defaults when a deployment has set none.
"""

from __future__ import annotations

import calendar
import datetime as dt

from sakme.casework.models import ServiceLevel

DEFAULT_WORKING_DAYS = {
    ServiceLevel.Clock.FIRST_SESSION: 5,
    ServiceLevel.Clock.PLAN: 15,
    ServiceLevel.Clock.REFERRAL_OUTCOME: 10,
    ServiceLevel.Clock.SHORTLIST: 10,
}


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


def deadlines() -> dict[str, int]:
    """Working days per clock: the deployment's ServiceLevel rows over the defaults."""
    configured = dict(ServiceLevel.objects.values_list("clock", "working_days"))
    return {str(clock): configured.get(clock, days) for clock, days in DEFAULT_WORKING_DAYS.items()}
