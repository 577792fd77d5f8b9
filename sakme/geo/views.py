from __future__ import annotations

from django.db.models import Min, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from sakme.geo.access import units_get_for_user
from sakme.geo.models import RolloutEvent, TerritorialUnit


def units(request: HttpRequest) -> HttpResponse:
    """The territorial units in the user's scope, with when each adopted the new service model."""
    today = timezone.localdate()
    rows = units_get_for_user(request.user).annotate(
        adopted_on=Min("rollout_events__date", filter=Q(rollout_events__event=RolloutEvent.Event.ADOPTED))
    )
    all_units = TerritorialUnit.objects.filter(is_active=True).count()
    on_model = TerritorialUnit.objects.filter(
        rollout_events__event=RolloutEvent.Event.ADOPTED, rollout_events__date__lte=today
    ).distinct().count()
    return render(request, "geo/units.html", {
        "units": rows, "all_units": all_units, "on_model": on_model,
        "share": round(100 * on_model / all_units) if all_units else 0, "today": today,
    })
