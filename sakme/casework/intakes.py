"""Places in the intakes of training programmes, counted from the referrals made to them.

A referral to a programme made on a day counts towards the first intake whose referrals are still accepted that
day (`applications_close_on` on or after it); a referral made after the last announced intake closed waits for the
next one. Pending and accepted referrals take a place; refused ones and no-shows give it back.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from sakme.casework.models import Referral
from sakme.common.errors import DomainError
from sakme.employment.models import TrainingIntake, TrainingProgramme

TAKING_A_PLACE = (Referral.Status.PENDING, Referral.Status.ACCEPTED)


@dataclass
class IntakePlaces:
    intake: TrainingIntake
    capacity: int
    taken: int = 0
    accepts_referrals: bool = False

    @property
    def left(self) -> int:
        return max(self.capacity - self.taken, 0)

    @property
    def full(self) -> bool:
        return self.taken >= self.capacity


@dataclass
class ProgrammePlaces:
    """A programme's intakes with their places, and the referrals waiting for an intake not yet announced."""

    intakes: list[IntakePlaces] = field(default_factory=list)
    waiting: int = 0

    @property
    def next_open(self) -> IntakePlaces | None:
        """The intake that takes referrals made today (None when none is announced)."""
        return next((i for i in self.intakes if i.accepts_referrals), None)


def programme_places(programmes: Iterable[TrainingProgramme], *, today: dt.date,
                     upcoming_only: bool = False) -> dict[int, ProgrammePlaces]:
    """Intakes and places of each programme, in two queries whatever the number of programmes."""
    by_id = {p.pk: p for p in programmes}
    found: dict[int, ProgrammePlaces] = {pk: ProgrammePlaces() for pk in by_id}
    if not by_id:
        return found
    closes: dict[int, list[dt.date]] = defaultdict(list)
    for intake in TrainingIntake.objects.filter(programme_id__in=list(by_id)).order_by(
            "programme_id", "applications_close_on", "starts_on"):
        intake.programme = by_id[intake.programme_id]  # no query per intake for its programme's capacity
        found[intake.programme_id].intakes.append(IntakePlaces(intake=intake, capacity=intake.capacity,
                                                               accepts_referrals=intake.applications_close_on >= today))
        closes[intake.programme_id].append(intake.applications_close_on)
    referrals = Referral.objects.filter(programme_id__in=list(by_id), kind=Referral.Kind.TRAINING,
                                        status__in=TAKING_A_PLACE)
    if upcoming_only:  # only the intakes still ahead matter: skip referrals counted towards past ones
        starts = [_window_start(closes[pk], today) for pk in by_id]
        known = [d for d in starts if d is not None]
        if len(known) == len(starts):
            referrals = referrals.filter(referred_on__gt=min(known))
    for row in referrals.values("programme_id", "referred_on").annotate(n=Count("id")).order_by():
        days = closes[row["programme_id"]]
        index = bisect.bisect_left(days, row["referred_on"])
        places = found[row["programme_id"]]
        if index < len(days):
            places.intakes[index].taken += row["n"]
        else:
            places.waiting += row["n"]
    if upcoming_only:
        for places in found.values():
            places.intakes = [i for i in places.intakes if i.accepts_referrals]
    return found


def _window_start(days: list[dt.date], today: dt.date) -> dt.date | None:
    """The close date of the last intake before today's (referrals after it count towards today's)."""
    index = bisect.bisect_left(days, today)
    return days[index - 1] if index > 0 else None


def programme_referral_check(*, programme: TrainingProgramme, on: dt.date) -> IntakePlaces:
    """The intake a referral made on `on` joins, or a DomainError saying why the programme cannot take it.
    Call with the programme locked, so two referrals cannot take the last place together."""
    if not programme.is_active:
        raise DomainError(_("This training programme no longer takes referrals."), code="programme_closed")
    places = programme_places([programme], today=on)[programme.pk]
    intake = places.next_open
    if intake is None:
        raise DomainError(_("No intake of this programme takes referrals made on %(day)s: the provider has not "
                            "announced one yet.") % {"day": on.strftime("%d.%m.%Y")}, code="no_intake")
    if intake.full:
        raise DomainError(_("The intake starting on %(day)s is full (%(n)s places).")
                          % {"day": intake.intake.starts_on.strftime("%d.%m.%Y"), "n": intake.capacity},
                          code="intake_full")
    return intake
