"""Reading the figures: the run that holds a year, an indicator's values, what changed between two runs."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.geo.access import require, unit_scope_for_user
from sakme.indicators.models import Definition, Level, Run, Value


def run_latest(*, year: int | None = None, run_id: int | None = None) -> Run | None:
    """The latest finished run, covering `year` when one is given (or that run, when it is a finished one)."""
    runs = Run.objects.filter(status=Run.Status.DONE)
    if run_id is not None:
        runs = runs.filter(pk=run_id)
    if year is not None:
        runs = runs.filter(year_from__lte=year, year_to__gte=year)
    return runs.order_by("-finished_at", "-pk").first()


def values(*, run: Run, definition: Definition, level: str = Level.COUNTRY, year: int | None = None,
           monthly: bool = False, region_id: int | None = None, unit_id: int | None = None,
           unit_ids: list[int] | None = None) -> QuerySet[Value]:
    """The values of one indicator in a run at one level: by year, or by month (of `year`, or all)."""
    rows = Value.objects.filter(run=run, definition=definition, level=level, month__isnull=not monthly)
    if year is not None:
        rows = rows.filter(year=year)
    if region_id is not None:
        rows = rows.filter(region_id=region_id)
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    if unit_ids is not None:
        rows = rows.filter(unit_id__in=unit_ids)
    return rows.select_related("region", "unit").order_by("year", "month", "region__code", "unit__code")


def value_get(*, run: Run, definition: Definition, year: int, month: int | None = None,
              level: str = Level.COUNTRY, region_id: int | None = None, unit_id: int | None = None) -> Value | None:
    """One figure of a run (None where nothing was stored: an empty unit cell)."""
    return (values(run=run, definition=definition, level=level, year=year, monthly=month is not None,
                   region_id=region_id, unit_id=unit_id).filter(Q(month=month) if month else Q()).first())


@dataclass(frozen=True)
class Change:
    definition: Definition
    value: Value
    before: float | None
    after: float | None


def run_changes(*, run: Run, before: Run, limit: int = 200) -> list[Change]:
    """Yearly country and region figures that differ between two runs (a correction of the data shows here)."""
    def keyed(r: Run) -> dict[tuple[object, ...], Value]:
        rows = Value.objects.filter(run=r, month__isnull=True).exclude(level=Level.UNIT).select_related(
            "definition", "region")
        return {(v.definition_id, v.level, v.region_id, v.year): v for v in rows}
    old, new = keyed(before), keyed(run)
    changes = []
    for key, value in sorted(new.items(), key=lambda kv: (kv[1].definition.order, kv[0][1], str(kv[0][2]), kv[0][3])):
        was = old.get(key)
        if was is None:
            continue
        a, b = was.value, value.value
        if (a is None) != (b is None) or (a is not None and b is not None and abs(a - b) > 1e-9):
            changes.append(Change(definition=value.definition, value=value, before=a, after=b))
    return changes[:limit]


def figure_text(definition: Definition, value: Value | None) -> str:
    """A figure as `numerator/denominator (percent)`, a count, or a value with its unit."""
    if value is None or (value.value is None and definition.unit_of_measure != Definition.UnitOfMeasure.COUNT):
        return "—"
    if definition.is_percent:
        return f"{value.numerator:g}/{value.denominator:g} ({value.value:.1f} %)"
    if definition.unit_of_measure == Definition.UnitOfMeasure.COUNT:
        return f"{value.numerator:g}"
    return f"{value.value:.1f}"


def values_for_user(user: Actor, *, definition: Definition, run: Run, level: str, year: int | None = None,
                    month: int | None = None, region: str = "", unit: str = "") -> QuerySet[Value]:
    """An indicator's figures at one level, by year (or one month), filtered; units' figures only of the units in
    the reader's scope."""
    require(user, Capability.INDICATOR_VIEW)
    rows = Value.objects.filter(run=run, definition=definition, level=level).select_related("region", "unit")
    if year is not None:
        rows = rows.filter(year=year)
    rows = rows.filter(month=month) if month is not None else rows.filter(month__isnull=True)  # no month: the year
    if region:
        rows = rows.filter(region__code=region)
    if unit:
        rows = rows.filter(unit__code=unit)
    if level == Level.UNIT:
        rows = rows.filter(unit_scope_for_user(user).filter("unit_id"))
    return rows.order_by("year", "month", "region__code", "unit__code")
