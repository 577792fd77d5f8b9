"""Who the outreach list is for and how much of it a page or a campaign holds: the figures, in one place.

A deployment may change the ages in its settings (`SAKME_OUTREACH_AGE_FROM`, `SAKME_OUTREACH_AGE_TO`, inclusive);
everything else reads them from here.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

# Working age, inclusive: from the 16th birthday to the day before the 65th.
AGE_FROM = 16
AGE_TO = 64
CHILD_UNDER = 18  # members younger than this count as the household's children
# Persons with this disability status are not asked to take a job.
NOT_ABLE = ("severe",)
PAGE_SIZE = 50
CAMPAIGN_SIZE = 200  # the top of the list a campaign takes when no size is given
CAMPAIGN_MAX = 2000  # more than a unit's staff can reach; a larger one is refused


def ages() -> tuple[int, int]:
    """The working ages (inclusive), as the deployment set them."""
    return (int(getattr(settings, "SAKME_OUTREACH_AGE_FROM", AGE_FROM)),
            int(getattr(settings, "SAKME_OUTREACH_AGE_TO", AGE_TO)))


def years_before(day: dt.date, years: int) -> dt.date:
    """The same day `years` earlier (29 February becomes the 28th in a year without it)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_window(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """Birth dates of the working ages on `as_of`: born after the first date and on or before the second."""
    youngest, oldest = ages()
    return years_before(as_of, oldest + 1), years_before(as_of, youngest)


def children_born_after(as_of: dt.date) -> dt.date:
    """Members born after this day are children on `as_of`."""
    return years_before(as_of, CHILD_UNDER)
