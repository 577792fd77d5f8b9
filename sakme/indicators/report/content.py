"""The facts of the annual report on indicator 2.1 for one year, gathered from the records into plain dataclasses.

Read-only but for one thing: when no finished run holds the years the report shows (the baseline year to the
report's year), the indicator is computed first, as `sakme indicators show` does, so every figure comes from a
stored snapshot. Names are taken in the active language: call `annual_facts` inside `translation.override`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.common.errors import DomainError
from sakme.common.languages import in_language
from sakme.geo.models import ApprovalOrder, Manual, Region, RolloutEvent, StaffAllocation, TerritorialUnit, Training
from sakme.indicators.models import Definition, Level, Run, Value
from sakme.indicators.selectors import figure_text, run_latest, value_get, values
from sakme.indicators.services import indicators_compute

MEASURE = "units_on_model"  # the measure of indicator 2.1, whose annual report this is


@dataclass(frozen=True)
class RegionUnits:
    """A region and the names of some of its units (those on the model, or those a step concerned)."""

    region: str
    units: list[str]

    @property
    def count(self) -> int:
        return len(self.units)


@dataclass(frozen=True)
class Standing:
    """The indicator at a year's end: units on the model over working units, and which units by region."""

    year: int
    numerator: int
    denominator: int
    value: float | None  # per cent
    text: str  # as the dashboard writes it: 21/70 (30.0 %)
    regions: list[RegionUnits]


@dataclass(frozen=True)
class RegionShare:
    """Units of a region on the model at the year's end, of all its working units."""

    region: str
    on: int
    total: int


@dataclass(frozen=True)
class StaffChange:
    unit: str
    region: str
    before: int | None  # staff units before this step (None: none recorded)
    after: int


@dataclass(frozen=True)
class StaffStep:
    """Staff allocations of one date and reason: a reinforcement (or a cut) of several units."""

    date: dt.date
    reason: str
    changes: list[StaffChange]


@dataclass(frozen=True)
class TrainingHeld:
    date: dt.date
    kind: str
    meeting: bool
    title: str
    days: int
    attendees: int


@dataclass(frozen=True)
class OrderIssued:
    """An order of the director that approved manuals of the model."""

    number: str
    date: dt.date
    title: str
    manuals: list[str]


@dataclass(frozen=True)
class RolloutStep:
    """Units that adopted (or suspended) the model on one date, by region."""

    date: dt.date
    adopted: bool
    regions: list[RegionUnits]
    note: str

    @property
    def count(self) -> int:
        return sum(r.count for r in self.regions)


@dataclass(frozen=True)
class AnnualFacts:
    year: int
    language: str
    code: str
    name: str
    goal: str
    aim: str
    is_percent: bool
    baseline_year: int | None
    baseline: Standing | None  # None when the baseline year is after the report's year
    result: Standing
    target: float | None
    target_year: int | None
    target_units: int | None  # the units the target asks for, of the year's working units
    met: bool | None
    series: list[Standing]  # each year's end from the baseline year to the report's year (no unit lists)
    shares: list[RegionShare]  # every region at the year's end
    staff: list[StaffStep]
    trainings: list[TrainingHeld]
    orders: list[OrderIssued]
    rollout: list[RolloutStep]
    run_id: int
    run_finished: dt.datetime | None
    run_as_of: dt.date


def _unit_key(unit: TerritorialUnit) -> tuple[bool, str]:
    # A region's centre first, then its departments by name, as the agency lists them.
    return unit.kind != TerritorialUnit.Kind.REGIONAL_CENTRE, unit.name


def by_region(units: Iterable[TerritorialUnit]) -> list[RegionUnits]:
    """Units grouped by region: the regions with the most units first (then by code), units by `_unit_key`."""
    groups: dict[int, list[TerritorialUnit]] = defaultdict(list)
    regions: dict[int, Region] = {}
    for unit in units:
        groups[unit.region_id].append(unit)
        regions[unit.region_id] = unit.region
    order = sorted(groups, key=lambda r: (-len(groups[r]), regions[r].code))
    return [RegionUnits(region=regions[r].name, units=[u.name for u in sorted(groups[r], key=_unit_key)])
            for r in order]


def definition_for_report() -> Definition:
    """The indicator the annual report is about (refused until the reference data are loaded)."""
    definition = Definition.objects.filter(measure=MEASURE).order_by("order", "code").first()
    if definition is None:
        raise DomainError(_("The indicator of the service model's distribution is not defined: load the reference "
                            "data first (sakme reference load)."), code="report_no_indicator")
    return definition


def run_for(*, actor: Actor, year_from: int, year_to: int) -> Run:
    """The latest run holding the report's year, if it also holds the first year shown; else a new one for them."""
    run = run_latest(year=year_to)
    if run is None or run.year_from > year_from:
        run = indicators_compute(actor=actor, year_from=year_from, year_to=year_to)
    return run


def _standing(run: Run, definition: Definition, year: int, *, units: bool) -> Standing:
    value = value_get(run=run, definition=definition, year=year)
    regions: list[RegionUnits] = []
    if units:
        rows = values(run=run, definition=definition, level=Level.UNIT, year=year).filter(numerator__gt=0)
        regions = by_region(v.unit for v in rows.select_related("unit__region") if v.unit is not None)
    return Standing(year=year, numerator=int(value.numerator or 0) if value else 0,
                    denominator=int(value.denominator or 0) if value else 0,
                    value=value.value if value else None, text=figure_text(definition, value), regions=regions)


def _shares(run: Run, definition: Definition, year: int) -> list[RegionShare]:
    rows: list[Value] = list(values(run=run, definition=definition, level=Level.REGION, year=year))
    shares = [RegionShare(region=v.region.name if v.region else "", on=int(v.numerator or 0),
                          total=int(v.denominator or 0)) for v in rows if v.denominator]
    return sorted(shares, key=lambda s: (-s.on, -s.total, s.region))


def _staff(year: int) -> list[StaffStep]:
    of_year = list(StaffAllocation.objects.filter(date__year=year).select_related("unit__region")
                   .order_by("date", "unit__code"))
    earlier: dict[int, list[StaffAllocation]] = defaultdict(list)
    for row in StaffAllocation.objects.filter(unit_id__in={a.unit_id for a in of_year},
                                              date__lt=dt.date(year + 1, 1, 1)).order_by("date"):
        earlier[row.unit_id].append(row)
    steps: dict[tuple[dt.date, str], list[StaffAllocation]] = defaultdict(list)
    for allocation in of_year:
        steps[allocation.date, allocation.reason].append(allocation)
    result = []
    for (date, reason), rows in steps.items():
        changes = []
        for a in sorted(rows, key=lambda r: (r.unit.region.code, _unit_key(r.unit))):
            before = [e.staff_units for e in earlier[a.unit_id] if e.date < a.date]
            changes.append(StaffChange(unit=a.unit.name, region=a.unit.region.name,
                                       before=before[-1] if before else None, after=a.staff_units))
        result.append(StaffStep(date=date, reason=reason, changes=changes))
    return result


def _trainings(year: int) -> list[TrainingHeld]:
    rows = Training.objects.filter(date__year=year).annotate(attended=Count("attendees")).order_by("date", "pk")
    return [TrainingHeld(date=t.date, kind=t.get_kind_display(), meeting=t.kind == Training.Kind.WORKING_MEETING,
                         title=t.title, days=t.days, attendees=t.attended) for t in rows]


def _orders(year: int) -> list[OrderIssued]:
    orders = ApprovalOrder.objects.filter(date__year=year, manuals__isnull=False).distinct().order_by("date", "pk")
    manuals: dict[int, list[str]] = defaultdict(list)
    for manual in Manual.objects.filter(order__in=orders).order_by("pk"):
        manuals[manual.order_id].append(manual.title)
    return [OrderIssued(number=o.number, date=o.date, title=in_language(o.title_ka, o.title_en),
                        manuals=manuals[o.pk]) for o in orders]


def _rollout(year: int) -> list[RolloutStep]:
    steps: dict[tuple[dt.date, str], list[RolloutEvent]] = defaultdict(list)
    for event in RolloutEvent.objects.filter(date__year=year).select_related("unit__region").order_by("date", "pk"):
        steps[event.date, event.event].append(event)
    result = []
    for (date, kind), events in steps.items():
        notes = {in_language(e.note_ka, e.note_en) for e in events}
        result.append(RolloutStep(date=date, adopted=kind == RolloutEvent.Event.ADOPTED,
                                  regions=by_region(e.unit for e in events),
                                  note=notes.pop() if len(notes) == 1 else ""))
    return result


def target_units(definition: Definition, denominator: int) -> int | None:
    """How many units the target asks for: 30 % of 70 is 21."""
    if definition.target is None:
        return None
    if definition.is_percent:
        return math.ceil(definition.target * denominator / 100 - 1e-9)
    return math.ceil(definition.target - 1e-9)


def annual_facts(*, year: int, actor: Actor) -> AnnualFacts:
    """Everything the annual report of `year` says, from the records and the indicator's run."""
    definition = definition_for_report()
    first = min(definition.baseline_year or year, year)
    run = run_for(actor=actor, year_from=first, year_to=year)
    result = _standing(run, definition, year, units=True)
    baseline = None
    if definition.baseline_year is not None and definition.baseline_year <= year:
        baseline = _standing(run, definition, definition.baseline_year, units=True)
    return AnnualFacts(
        year=year, language=get_language() or "ka", code=definition.code, name=definition.name,
        goal=definition.goal, aim=definition.aim, is_percent=definition.is_percent,
        baseline_year=definition.baseline_year, baseline=baseline, result=result,
        target=definition.target, target_year=definition.target_year,
        target_units=target_units(definition, result.denominator), met=definition.target_met(result.value),
        series=[_standing(run, definition, y, units=False) for y in range(first, year + 1)],
        shares=_shares(run, definition, year), staff=_staff(year), trainings=_trainings(year),
        orders=_orders(year), rollout=_rollout(year), run_id=run.pk, run_finished=run.finished_at,
        run_as_of=run.as_of,
    )
