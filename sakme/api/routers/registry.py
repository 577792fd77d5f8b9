"""Persons and households, read through the same scoping getters as the pages (and logged the same way); refusals
become problem details (`sakme.api.errors`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from sakme.accounts.actors import AuthedRequest
from sakme.api.errors import ERRORS
from sakme.api.schemas import (
    EmergencyAccessIn,
    EmergencyAccessOut,
    HouseholdOut,
    PersonDetail,
    RevealIn,
    RevealOut,
    SearchOut,
)
from sakme.audit.models import AccessKind
from sakme.common.errors import DomainError
from sakme.geo.models import Municipality
from sakme.registry import access, emergency, reveal, selectors
from sakme.registry.models import EmergencyAccess, Person, Sex
from sakme.registry.search_query import BORN_HELP, born_from

router = Router(tags=["registry"])


class SearchParams(Schema):
    q: str
    born: str | None = Field(None, description="a birth year (1987) or date (05.03.1987 or 1987-03-05)")
    municipality: str | None = Field(None, description="a municipality's code")
    sex: Sex | None = None


def _summary(p: Person) -> dict[str, Any]:
    return {
        "id": p.pk, "personal_number_masked": p.personal_number_masked or None, "given_name_ka": p.given_name_ka,
        "family_name_ka": p.family_name_ka, "given_name_lat": p.given_name_lat, "family_name_lat": p.family_name_lat,
        "birth_date": p.birth_date, "sex": p.sex, "municipality": p.municipality.code if p.municipality else None,
        "unit": p.unit.code if p.unit else None,
    }


@router.get("/persons", response={200: SearchOut, **ERRORS})
def person_search(request: AuthedRequest, params: Query[SearchParams]) -> Any:
    """Search persons in the caller's units by personal number or name."""
    if params.born and born_from(params.born) is None:
        raise DomainError(str(BORN_HELP), code="born_invalid")
    place = Municipality.objects.filter(code=params.municipality).first() if params.municipality else None
    if params.municipality and place is None:
        raise DomainError(_("No municipality has the code “%(c)s”.") % {"c": params.municipality},
                          code="municipality_unknown")
    result = selectors.person_search(user=request.user, query=params.q,
                                     filters={"born": params.born, "municipality": place, "sex": params.sex})
    q = result.query
    understood = {"name": q.name, "birth_date": q.birth_date, "birth_year": q.birth_year,
                  "municipality": q.municipality.code if q.municipality else None, "sex": q.sex,
                  "not_understood": list(q.not_understood)}
    return {"fuzzy": result.fuzzy, "whole_number_needed": result.whole_number_needed, "understood": understood,
            "persons": [{**_summary(hit.person), "close_edits": hit.edits} for hit in result.hits]}


def _emergency_out(a: EmergencyAccess) -> dict[str, Any]:
    return {"id": a.pk, "person_id": a.person_id, "user": a.user.username, "unit": a.unit.code if a.unit else None,
            "reason": a.reason, "opened_at": a.opened_at, "until": a.until}


@router.post("/persons/emergency-access", response={200: EmergencyAccessOut, **ERRORS})
def emergency_access_open(request: AuthedRequest, body: EmergencyAccessIn) -> Any:
    """Break the glass: open the person of another unit holding this whole number, for a stated reason (logged,
    shown to that unit's head, lapsing after a few hours)."""
    opened = emergency.emergency_access_open(actor=request.user, personal_number=body.personal_number,
                                             reason=body.reason)
    return _emergency_out(opened)


@router.get("/emergency-accesses", response={200: list[EmergencyAccessOut], **ERRORS})
def emergency_accesses(request: AuthedRequest) -> Any:
    """Openings of persons of the caller's units from outside them (unit heads, the data-protection officer)."""
    found = emergency.emergency_accesses_listed(request.user, kind=AccessKind.API, context=request.path)
    return [_emergency_out(a) for a in found]


@router.post("/persons/{person_id}/personal-number", response={200: RevealOut, **ERRORS})
def person_number_reveal(request: AuthedRequest, person_id: int, body: RevealIn) -> Any:
    """The person's whole personal number, for a stated reason (logged as a reveal; every other response masks it)."""
    return {"personal_number": reveal.personal_number_reveal(actor=request.user, person_id=person_id,
                                                              reason=body.reason)}


@router.get("/persons/{person_id}", response={200: PersonDetail, **ERRORS})
def person_detail(request: AuthedRequest, person_id: int) -> Any:
    """One person of the caller's units, with household link and source records."""
    person = access.person_get_for_user(request.user, person_id, kind=AccessKind.API, context=request.path)
    page = selectors.person_page(person=person)
    membership = page["membership"]
    return {
        **_summary(person), "address": person.address, "phone": person.phone,
        "disability_status": person.disability_status,
        "household_id": membership.household_id if membership else None,
        "relation_to_head": membership.relation if membership else None,
        "source_records": [
            {"source": r.source.code, "key": r.key, "personal_number_masked": r.personal_number_masked or None,
             "given_name": r.given_name,
             "family_name": r.family_name, "birth_date": r.birth_date, "file_name": r.batch.file_name, "row": r.row}
            for r in page["records"]
        ],
    }


@router.get("/households/{household_id}", response={200: HouseholdOut, **ERRORS})
def household_detail(request: AuthedRequest, household_id: int) -> Any:
    """One household of the caller's units with its members and assessments."""
    household = access.household_get_for_user(request.user, household_id, context=request.path)
    members = household.memberships.select_related("person").order_by("person__birth_date")
    return {
        "id": household.pk, "key": household.key, "source": household.source.code,
        "unit": household.unit.code if household.unit else None,
        "members": [{"person_id": m.person_id, "relation": m.relation, "given_name_lat": m.person.given_name_lat,
                     "family_name_lat": m.person.family_name_lat, "birth_date": m.person.birth_date} for m in members],
        "enrolments": [{"assessment_date": e.assessment_date, "rating_score": e.rating_score, "status": e.status}
                       for e in household.enrolments.order_by("-assessment_date")],
    }
