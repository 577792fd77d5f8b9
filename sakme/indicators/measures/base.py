"""What a measure returns, and the span of months it is computed over.

A measure reads the records once, set-based, and returns one of two frames indexed by unit and month:
`Counts` (a numerator and a denominator summed per unit and month; over a year they add up, or for a stock the
year's last month stands) or `Observations` (the raw values of a distribution, a median or percentile of which is
taken at every level). The engine (`engine.py`) turns a frame into the values of every unit, region and the country,
per month and per year.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from sakme.geo.models import TerritorialUnit

Ints = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]
Days = npt.NDArray[np.datetime64]
NO_DATE = np.datetime64("NaT")


@dataclass(frozen=True)
class Span:
    """The months a run computes: from January of `year_from` to December of `year_to`, none after `as_of`."""

    year_from: int
    year_to: int
    as_of: dt.date

    @property
    def first(self) -> dt.date:
        return dt.date(self.year_from, 1, 1)

    @property
    def months(self) -> int:
        last = min(dt.date(self.year_to, 12, 1), self.as_of.replace(day=1))
        return max(0, (last.year - self.year_from) * 12 + last.month)

    def month_of(self, index: int) -> tuple[int, int]:
        """(year, month) of a month index."""
        return self.year_from + index // 12, index % 12 + 1

    def month_ends(self) -> Days:
        """The last day of each month, or `as_of` for the month it falls in (a stock is counted then)."""
        starts = np.arange(np.datetime64(f"{self.year_from}-01", "M"), np.datetime64(f"{self.year_from}-01", "M")
                           + self.months + 1).astype("datetime64[D]")
        ends = starts[1:] - np.timedelta64(1, "D")
        return np.minimum(ends, np.datetime64(self.as_of, "D"))

    def month_index(self, days: Days) -> Ints:
        """The month index of each day (-1 outside the span, and for no date)."""
        months = days.astype("datetime64[M]").astype(np.int64) - np.datetime64(f"{self.year_from}-01", "M").astype(
            np.int64)
        inside = ~np.isnat(days) & (months >= 0) & (months < self.months)
        return np.where(inside, months, -1)


@dataclass
class Counts:
    unit: Ints
    month: Ints
    numerator: Floats
    denominator: Floats | None = None
    # A flow adds up over the months of a year; a stock (units on the model, open cases) is the year's last month.
    over_time: Literal["sum", "last"] = "sum"


@dataclass
class Observations:
    unit: Ints
    month: Ints
    values: Floats
    quantile: float = 0.5


Frame = Counts | Observations


@dataclass
class Context:
    """What every measure of a run shares: the span, the units in index order, and data read once for several."""

    span: Span
    units: list[TerritorialUnit]
    unit_index: dict[int, int] = field(init=False)
    cache: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.unit_index = {u.pk: i for i, u in enumerate(self.units)}

    def unit_positions(self, unit_ids: Iterable[int | None]) -> Ints:
        """The index of each unit id (-1 for none or an unknown unit), by a look-up table."""
        ids = np.fromiter((u if u is not None else -1 for u in unit_ids), dtype=np.int64)
        table = np.full(max(self.unit_index, default=0) + 2, -1, dtype=np.int64)
        table[list(self.unit_index)] = list(self.unit_index.values())
        inside = (ids >= 0) & (ids < len(table) - 1)
        return np.where(inside, table[np.where(inside, ids, len(table) - 1)], -1)

    def once(self, key: str, read: Callable[[], Any]) -> Any:
        """Data several measures need, read from the database once per run."""
        if key not in self.cache:
            self.cache[key] = read()
        return self.cache[key]


EPOCH_ORDINAL = dt.date(1970, 1, 1).toordinal()
NONE = np.iinfo(np.int64).min  # what numpy reads as NaT


def days(values: Iterable[dt.date | None]) -> Days:
    """Dates as a numpy array of days (NaT for none); through their ordinals, ten times faster than numpy's own
    conversion of date objects."""
    ordinals = np.fromiter((v.toordinal() - EPOCH_ORDINAL if v is not None else NONE for v in values), dtype=np.int64)
    return ordinals.view("datetime64[D]")


def keep(frame_unit: Ints, frame_month: Ints) -> npt.NDArray[np.bool_]:
    """Rows of a known unit inside the span."""
    return (frame_unit >= 0) & (frame_month >= 0)


Measure = Callable[[Context, dict[str, Any]], Frame]
MEASURES: dict[str, Measure] = {}


def measure(name: str) -> Callable[[Measure], Measure]:
    """Register a measure under the name definitions use."""
    def register(function: Measure) -> Measure:
        MEASURES[name] = function
        return function
    return register


def stock_grid(span: Span, groups: int, group: Ints, start: Days, end: Days) -> Floats:
    """How many items are open at each month's end, per group (a unit, ...): an item counts from its start to its
    end (exclusive), not at all without a group (-1). A (groups x months) grid, from +1/-1 events and a running sum."""
    months = span.months
    grid = np.zeros((groups, months + 1))
    origin = np.datetime64(f"{span.year_from}-01", "M").astype(np.int64)
    start_month = start.astype("datetime64[M]").astype(np.int64) - origin
    end_month = np.where(np.isnat(end), months, end.astype("datetime64[M]").astype(np.int64) - origin)
    first = np.maximum(start_month, 0)
    counted = (group >= 0) & ~np.isnat(start) & (start_month < months) & (end_month > first)
    np.add.at(grid, (group[counted], first[counted]), 1)
    ends = counted & (end_month < months)
    np.add.at(grid, (group[ends], end_month[ends]), -1)
    return np.cumsum(grid, axis=1)[:, :months]


def grid_counts(numerator: Floats, denominator: Floats | None = None, *,
                over_time: Literal["sum", "last"] = "sum") -> Counts:
    """A frame of every (unit, month) cell of a grid."""
    units, months = numerator.shape
    unit, month = np.divmod(np.arange(units * months, dtype=np.int64), months)
    return Counts(unit=unit, month=month, numerator=numerator.ravel(),
                  denominator=None if denominator is None else denominator.ravel(), over_time=over_time)
