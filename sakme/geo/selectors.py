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
