"""Territorial units in the caller's scope and the service model's rollout."""

from __future__ import annotations

from typing import Any

from django.db.models import Min, Q
from ninja import Router

from sakme.accounts.actors import AuthedRequest
from sakme.api.errors import ERRORS
from sakme.api.schemas import UnitOut
from sakme.geo.access import units_get_for_user
from sakme.geo.models import RolloutEvent

router = Router(tags=["geo"])


@router.get("/units", response={200: list[UnitOut], **ERRORS})
def unit_list(request: AuthedRequest) -> Any:
    """Territorial units in the caller's scope, with the date each adopted the new service model."""
    units = units_get_for_user(request.user).annotate(
        model_since=Min("rollout_events__date", filter=Q(rollout_events__event=RolloutEvent.Event.ADOPTED))
    )
    return [{"id": u.pk, "code": u.code, "name_ka": u.name_ka, "name_en": u.name_en, "kind": u.kind,
             "region": u.region.code, "model_since": u.model_since} for u in units]
