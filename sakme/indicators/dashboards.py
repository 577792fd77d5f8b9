"""What the dashboards show: where the reader looks (the country, a region, a unit, within their scope), the
headline figures there, an indicator's monthly trend and its areas compared, read in a constant number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.common.errors import NotFound
from sakme.geo.access import unit_scope_for_user
from sakme.geo.models import Region, StaffPost, TerritorialUnit
from sakme.indicators.models import Definition, Level, Run, Value
from sakme.indicators.selectors import figure_text

HEADLINE = ("2.1", "placements", "delay.first_session.median", "delay.first_session.late", "delay.plan.median",
            "caseload", "follow_up.6", "group_attendance", "training_outcomes", "linkage_rate")


@dataclass(frozen=True)
class Where:
    """The area a dashboard shows: the country, one region or one unit."""

    level: str
    region: Region | None = None
    unit: TerritorialUnit | None = None

    @property
    def label(self) -> str:
        if self.unit is not None:
            return f"{self.unit.name} ({self.unit.code})"
        return self.region.name if self.region is not None else _("Georgia")

    @property
    def param(self) -> str:
        """The area as the pages' `area` parameter."""
        if self.unit is not None:
            return f"unit:{self.unit.code}"
        return f"region:{self.region.code}" if self.region is not None else ""

    @property
    def unit_id(self) -> int | None:
        return self.unit.pk if self.unit is not None else None

    @property
    def region_id(self) -> int | None:
        """The region's id when the area is a region (a unit's region is not the area)."""
        return self.region.pk if self.region is not None and self.unit is None else None

    def key(self) -> tuple[str, int | None, int | None]:
        return (self.level, self.region_id, self.unit_id)

    @property
    def compared_level(self) -> str | None:
        """What is compared side by side here: the regions of the country, the units of a region."""
        compared: dict[str, str] = {Level.COUNTRY: Level.REGION, Level.REGION: Level.UNIT}
        return compared.get(self.level)


def where_of(value: Value) -> Where:
    """The area a figure is of."""
    return Where(value.level, value.region if value.level != Level.COUNTRY else None,
                 value.unit if value.level == Level.UNIT else None)


def where_for_user(user: Actor, *, region: str = "", unit: str = "") -> Where:
    """The area asked for, if the reader's scope holds it (NotFound otherwise); by default their widest one:
    the country for nationwide roles, their region for a coordinator, their unit for its staff."""
    scope = unit_scope_for_user(user)
    if unit:
        found = TerritorialUnit.objects.select_related("region").filter(code=unit).first()
        if found is None or not scope.allows(found.pk):
            raise NotFound(_("No such unit in your units."))
        return Where(Level.UNIT, found.region, found)
    if region:
        chosen = Region.objects.filter(code=region).first()
        if chosen is None or not (scope.everywhere or _posted_to_region(user, chosen)):
            raise NotFound(_("No such region in your scope."))
        return Where(Level.REGION, chosen)
    if scope.everywhere:
        return Where(Level.COUNTRY)
    posted = Region.objects.filter(staff_posts__user=acting_user(user)).order_by("code").first()
    if posted is not None:
        return Where(Level.REGION, posted)
    first = TerritorialUnit.objects.select_related("region").filter(pk__in=scope.unit_ids).order_by("code").first()
    if first is None:
        raise NotFound(_("You are not posted to any unit."))
    return Where(Level.UNIT, first.region, first)


def _posted_to_region(user: Actor, region: Region) -> bool:
    return StaffPost.objects.filter(user=acting_user(user), region=region).exists()


def areas_for_user(user: Actor) -> list[Where]:
    """The areas the reader may switch between (their units, their regions, or every region)."""
    scope = unit_scope_for_user(user)
    if scope.everywhere:
        return [Where(Level.COUNTRY)] + [Where(Level.REGION, r) for r in Region.objects.order_by("code")]
    posted = Region.objects.filter(staff_posts__user=acting_user(user)).order_by("code")
    regions = [Where(Level.REGION, r) for r in posted]
    units = [Where(Level.UNIT, u.region, u) for u in
             TerritorialUnit.objects.select_related("region").filter(pk__in=scope.unit_ids).order_by("code")]
    return regions + units


def _area_filter(where: Where) -> Q:
    if where.level == Level.UNIT:
        return Q(level=Level.UNIT, unit=where.unit)
    if where.level == Level.REGION:
        return Q(level=Level.REGION, region=where.region)
    return Q(level=Level.COUNTRY)


def _compared_filter(where: Where, user: Actor) -> Q:
    if where.compared_level == Level.REGION:
        return Q(level=Level.REGION)
    if where.compared_level == Level.UNIT:
        scope = unit_scope_for_user(user)
        return Q(level=Level.UNIT, region=where.region) & Q(scope.filter("unit_id"))
    return Q(pk__in=[])


@dataclass
class Figure:
    definition: Definition
    value: Value | None
    country: Value | None = None

    @property
    def text(self) -> str:
        return figure_text(self.definition, self.value)

    @property
    def met(self) -> bool | None:
        return self.definition.target_met(self.value.value if self.value else None)


@dataclass
class Board:
    """The figures of one area and year, with an indicator's months and its areas compared."""

    run: Run
    year: int
    where: Where
    headline: list[Figure]
    focus: Definition
    months: list[Value] = field(default_factory=list)
    country_months: list[Value] = field(default_factory=list)
    compared: list[Value] = field(default_factory=list)

    @property
    def focus_figure(self) -> Figure:
        return next((f for f in self.headline if f.definition.pk == self.focus.pk), Figure(self.focus, None))


def board(*, user: Actor, run: Run, year: int, where: Where, focus: Definition,
          codes: tuple[str, ...] = HEADLINE) -> Board:
    """Everything a dashboard or indicator page shows, in three queries."""
    definitions = {d.code: d for d in Definition.objects.filter(Q(code__in=codes) | Q(pk=focus.pk))}
    rows = list(Value.objects.filter(run=run, year=year, definition__in=definitions.values())
                .filter(_area_filter(where) | Q(level=Level.COUNTRY) | (Q(definition=focus)
                                                                       & _compared_filter(where, user)))
                .select_related("region", "unit"))
    area_key = where.key()

    def key_of(v: Value) -> tuple[str, Any, Any]:
        return (v.level, v.region_id if v.level == Level.REGION else None, v.unit_id if v.level == Level.UNIT else
                None)

    yearly = {(v.definition_id, key_of(v)): v for v in rows if v.month is None}
    country = (Level.COUNTRY, None, None)
    headline = [Figure(d, yearly.get((d.pk, area_key)), yearly.get((d.pk, country)))
                for code in codes if (d := definitions.get(code)) is not None]
    if focus.code not in codes:
        headline.append(Figure(focus, yearly.get((focus.pk, area_key)), yearly.get((focus.pk, country))))
    monthly = sorted((v for v in rows if v.month is not None and v.definition_id == focus.pk),
                     key=lambda v: v.month or 0)
    compared_level = where.compared_level
    compared = sorted((v for v in rows if v.definition_id == focus.pk and v.month is None
                       and v.level == compared_level),
                      key=lambda v: (v.region.code if v.region else "", v.unit.code if v.unit else ""))
    return Board(run=run, year=year, where=where, headline=headline, focus=focus,
                 months=_every_month(run, year, focus, where, [v for v in monthly if key_of(v) == area_key]),
                 country_months=_every_month(run, year, focus, Where(Level.COUNTRY),
                                             [v for v in monthly if key_of(v) == country]),
                 compared=compared)


def _every_month(run: Run, year: int, definition: Definition, where: Where, found: list[Value]) -> list[Value]:
    """A value for every month of the year the run computed: a unit's empty month is not stored, and is nothing
    counted (0) for a count, no figure for the rest."""
    last = 12 if year < run.as_of.year else run.as_of.month
    by_month = {v.month: v for v in found}
    empty = 0.0 if definition.unit_of_measure == Definition.UnitOfMeasure.COUNT else None
    return [by_month.get(m) or Value(run=run, definition=definition, level=where.level, region=where.region,
                                     unit=where.unit, year=year, month=m, numerator=0.0, value=empty)
            for m in range(1, last + 1)]
