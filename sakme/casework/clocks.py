"""Service-level clocks: what is due on each case and what is late, in working days.

Deadlines are data (`ServiceLevel`); these are the defaults when a deployment has set none.
"""

from __future__ import annotations

from sakme.casework.models import ServiceLevel
from sakme.common.workdays import working_days_by_clock

DEFAULT_WORKING_DAYS = {
    ServiceLevel.Clock.FIRST_SESSION: 5,
    ServiceLevel.Clock.PLAN: 15,
    ServiceLevel.Clock.REFERRAL_OUTCOME: 10,
    ServiceLevel.Clock.SHORTLIST: 10,
}


def deadlines() -> dict[str, int]:
    """Working days per clock: the deployment's ServiceLevel rows over the defaults."""
    return working_days_by_clock(ServiceLevel, DEFAULT_WORKING_DAYS)
