from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, QuerySet, Subquery

from sakme.geo.models import RolloutEvent, TerritorialUnit


def units_with_model_on(*, date: dt.date) -> QuerySet[TerritorialUnit]:
    """Units whose latest rollout event on or before `date` is an adoption of the new service model."""
    latest = RolloutEvent.objects.filter(unit=OuterRef("pk"), date__lte=date).order_by("-date", "-pk")
    return (
        TerritorialUnit.objects.annotate(latest_event=Subquery(latest.values("event")[:1]))
        .filter(latest_event=RolloutEvent.Event.ADOPTED)
        .select_related("region")
    )


def unit_choices(*, exclude: int | None = None) -> list[tuple[str, list[tuple[int, str]]]]:
    """The working units grouped by region, in the active language (one query), for a choice of unit."""
    groups: dict[str, list[tuple[int, str]]] = {}
    units = TerritorialUnit.objects.filter(is_active=True)
    if exclude is not None:
        units = units.exclude(pk=exclude)
    for unit in units.select_related("region").order_by("region__code", "code"):
        groups.setdefault(unit.region.name, []).append((unit.pk, f"{unit.name} ({unit.code})"))
    return list(groups.items())
