"""A person's links across sources, through the same getters as the person page (logged the same way)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError

from sakme.api.schemas import ErrorOut
from sakme.audit.models import AccessKind
from sakme.common.errors import PermissionDenied
from sakme.linkage import selectors as linkage
from sakme.registry import access
from sakme.registry.models import Person

router = Router(tags=["linkage"])


class LinkedRecordOut(Schema):
    source: str
    key: str
    person_id: int
    given_name: str
    family_name: str
    birth_date: dt.date | None
    probability: float


class PersonLinksOut(Schema):
    linked: list[LinkedRecordOut]
    linked_outside_your_units: int


@router.get("/persons/{person_id}/links", response={200: PersonLinksOut, 403: ErrorOut, 404: ErrorOut})
def person_links(request: HttpRequest, person_id: int) -> Any:
    """Source records of other persons linked to this person's records, with their match probability."""
    try:
        person = access.person_get_for_user(request.user, person_id, kind=AccessKind.API, context=request.path)
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except Person.DoesNotExist:
        raise HttpError(404, "No such person in your units.") from None
    found = linkage.person_links(user=request.user, person=person, kind=AccessKind.API)
    return {"linked": [{"source": x.record.source.code, "key": x.record.key, "person_id": x.record.person_id,
                        "given_name": x.record.given_name, "family_name": x.record.family_name,
                        "birth_date": x.record.birth_date, "probability": x.probability} for x in found["linked"]],
            "linked_outside_your_units": found["linked_hidden"]}
