"""From a measure's frame to the figures of every unit, region and the country, per month and per year.

Counts add up: per unit and month by scatter-add, per region and the country by summing units, per year by summing
the months (a flow) or taking the year's last month (a stock). Observations do not: a median is taken again from
the raw values of every group. All of it is numpy over arrays, never a query per figure.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from sakme.indicators.measures.base import Context, Counts, Floats, Frame, Ints, Observations, keep
from sakme.indicators.models import Definition, Level

Row = tuple[Any, ...]  # level, region id, unit id, year, month, numerator, denominator, value


def _levels(ctx: Context) -> list[tuple[str, Ints, list[tuple[int | None, int | None]]]]:
    """Each level with the group of every unit and the (region id, unit id) of every group."""
    regions = sorted({u.region_id for u in ctx.units})
    region_index = {r: i for i, r in enumerate(regions)}
    return [
        (Level.UNIT, np.arange(len(ctx.units), dtype=np.int64), [(u.region_id, u.pk) for u in ctx.units]),
        (Level.REGION, np.array([region_index[u.region_id] for u in ctx.units], dtype=np.int64),
         [(r, None) for r in regions]),
        (Level.COUNTRY, np.zeros(len(ctx.units), dtype=np.int64), [(None, None)]),
    ]


def _periods(ctx: Context) -> list[tuple[int, int | None]]:
    """(year, month) of every month of the span, then (year, None) of every year."""
    span = ctx.span
    months = [span.month_of(i) for i in range(span.months)]
    years = sorted({y for y, _ in months})
    return [*months, *((y, None) for y in years)]


def _value(definition: Definition, numerator: float, denominator: float | None) -> float | None:
    if definition.unit_of_measure == Definition.UnitOfMeasure.COUNT:
        return numerator
    if not denominator:
        return None
    share = numerator / denominator
    return share * 100 if definition.is_percent else share


def _with_years(grid: Floats, ctx: Context, over_time: str) -> Floats:
    """Month columns followed by one column per year: the months' sum, or the year's last month for a stock."""
    months = ctx.span.months
    years = (months + 11) // 12
    if over_time == "sum":
        padded = np.zeros((grid.shape[0], years * 12))
        padded[:, :months] = grid
        by_year = padded.reshape(grid.shape[0], years, 12).sum(axis=2)
    else:
        last = np.minimum(np.arange(years) * 12 + 11, months - 1)
        by_year = grid[:, last]
    return np.concatenate([grid, by_year], axis=1)


def _counts_rows(definition: Definition, frame: Counts, ctx: Context) -> Iterator[Row]:
    months = ctx.span.months
    rows = keep(frame.unit, frame.month)
    cells = (len(ctx.units), months)
    numerator = np.zeros(cells)
    np.add.at(numerator, (frame.unit[rows], frame.month[rows]), frame.numerator[rows])
    denominator = None
    if frame.denominator is not None:
        denominator = np.zeros(cells)
        np.add.at(denominator, (frame.unit[rows], frame.month[rows]), frame.denominator[rows])
    periods = _periods(ctx)
    for level, group_of_unit, groups in _levels(ctx):
        summed_num = np.zeros((len(groups), months))
        np.add.at(summed_num, group_of_unit, numerator)
        num = _with_years(summed_num, ctx, frame.over_time)
        den = None
        if denominator is not None:
            summed_den = np.zeros((len(groups), months))
            np.add.at(summed_den, group_of_unit, denominator)
            den = _with_years(summed_den, ctx, frame.over_time)
        for g, (region_id, unit_id) in enumerate(groups):
            for p, (year, month) in enumerate(periods):
                n = float(num[g, p])
                d = None if den is None else float(den[g, p])
                if level == Level.UNIT and not n and not d:
                    continue  # an empty cell of one unit is not stored; the region and country always are
                yield level, region_id, unit_id, year, month, n, d, _value(definition, n, d)


def _observation_rows(frame: Observations, ctx: Context) -> Iterator[Row]:
    rows = keep(frame.unit, frame.month) & ~np.isnan(frame.values)
    unit, month, values = frame.unit[rows], frame.month[rows], frame.values[rows]
    months = ctx.span.months
    periods = _periods(ctx)
    year_column = months + (month // 12)  # the column of each observation's year, after the month columns
    for level, group_of_unit, groups in _levels(ctx):
        group = group_of_unit[unit]
        found: dict[tuple[int, int], tuple[float, float]] = {}
        for column in (month, year_column):
            key = group * len(periods) + column
            order = np.argsort(key, kind="stable")
            sorted_key, sorted_values = key[order], values[order]
            bounds = np.flatnonzero(np.diff(sorted_key)) + 1
            for chunk_key, chunk in zip(sorted_key[np.r_[0, bounds]] if len(sorted_key) else [],
                                        np.split(sorted_values, bounds), strict=False):
                g, p = divmod(int(chunk_key), len(periods))
                found[g, p] = (float(len(chunk)), float(np.quantile(chunk, frame.quantile)))
        for g, (region_id, unit_id) in enumerate(groups):
            for p, (year, month_number) in enumerate(periods):
                n, value = found.get((g, p), (0.0, None))
                if level == Level.UNIT and not n:
                    continue
                yield level, region_id, unit_id, year, month_number, n, None, value


def rows_of(definition: Definition, frame: Frame, ctx: Context) -> Iterator[Row]:
    """Every figure of one indicator."""
    if isinstance(frame, Counts):
        return _counts_rows(definition, frame, ctx)
    return _observation_rows(frame, ctx)
