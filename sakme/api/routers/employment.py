"""Job-seeker profiles and their work history, ISCO-08 occupations, and training programmes, over the same
services and scoping getters as the pages (reads of a profile are logged the same way)."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Query, Router, Schema, Status

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.api.errors import ERRORS
from sakme.api.paging import PageQuery, keyset_page, page_out
from sakme.api.schemas import (
    JobSeekerOut,
    JobSeekerPatch,
    OccupationOut,
    ProgrammeDetail,
    ProgrammeOut,
    WorkHistoryChange,
    WorkHistoryIn,
    WorkHistoryOut,
)
from sakme.api.schemas.casework import Page
from sakme.audit.models import AccessKind
from sakme.casework.intakes import IntakePlaces, ProgrammePlaces, programme_places
from sakme.employment import access, selectors, services
from sakme.employment.models import JobSeeker, TrainingProgramme, WorkHistoryEntry
from sakme.geo.access import require

router = Router(tags=["employment"])


def _entry_out(e: WorkHistoryEntry) -> dict[str, Any]:
    return {"id": e.pk, "occupation": e.occupation_id, "job_title": e.job_title, "employer_name": e.employer_name,
            "started_on": e.started_on, "ended_on": e.ended_on, "version": e.version}


def _seeker(request: AuthedRequest, job_seeker_id: int) -> JobSeeker:
    return access.job_seeker_get_for_user(request.user, job_seeker_id, kind=AccessKind.API, context=request.path)


def _seeker_out(seeker: JobSeeker) -> dict[str, Any]:
    return {
        "id": seeker.pk, "person_id": seeker.person_id, "name": seeker.person.full_name, "unit": seeker.unit.code,
        "registered_on": seeker.registered_on, "education": seeker.education,
        "occupations_sought": sorted(o.code for o in seeker.occupations_sought.all()),
        "occupations_held": sorted(o.code for o in seeker.occupations_held.all()),
        "skills": seeker.skills, "languages": seeker.languages,
        "driving_licence": seeker.driving_licence_categories, "availability": seeker.availability,
        "preferred_municipalities": sorted(m.code for m in seeker.preferred_municipalities.all()),
        "disability_status": seeker.person.disability_status, "accommodations": seeker.accommodations,
        "consent_data_processing_on": seeker.consent_data_processing_on,
        "consent_share_with_employers_on": seeker.consent_share_with_employers_on, "version": seeker.version,
        "work_history": [_entry_out(e) for e in selectors.work_history(job_seeker_id=seeker.pk)],
    }


class OccupationQuery(Schema):
    q: str = ""


@router.get("/occupations", response={200: list[OccupationOut], **ERRORS})
def occupation_search(request: AuthedRequest, params: Query[OccupationQuery]) -> Any:
    """ISCO-08 unit groups by code (its start) or by words of the Georgian or English title (at most 20)."""
    return [{"code": o.code, "title_ka": o.title_ka, "title_en": o.title_en}
            for o in selectors.occupation_search(query=params.q[:100])]


@router.get("/job-seekers/{job_seeker_id}", response={200: JobSeekerOut, **ERRORS})
def job_seeker_detail(request: AuthedRequest, job_seeker_id: int) -> Any:
    """A job seeker's profile with the work history (the read is logged)."""
    return _seeker_out(_seeker(request, job_seeker_id))


@router.patch("/job-seekers/{job_seeker_id}", response={200: JobSeekerOut, **ERRORS})
def job_seeker_update(request: AuthedRequest, job_seeker_id: int, payload: JobSeekerPatch) -> Any:
    """Change the fields given; 409 when someone changed the profile since `expected_version`."""
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("expected_version")
    for text in ("education", "skills", "languages", "accommodations"):
        if text in changes and changes[text] is None:
            changes[text] = ""
    for many in ("occupations_sought", "occupations_held", "preferred_municipalities", "driving_licence"):
        if many in changes and changes[many] is None:
            changes[many] = []
    services.job_seeker_update(actor=request.user, job_seeker_id=job_seeker_id, expected_version=version, **changes)
    return _seeker_out(_seeker(request, job_seeker_id))


@router.post("/job-seekers/{job_seeker_id}/work-history", response={200: WorkHistoryOut, **ERRORS})
def work_history_add(request: AuthedRequest, job_seeker_id: int, payload: WorkHistoryIn) -> Any:
    """Add a job to the work history (also counted among the occupations held)."""
    data = payload.dict()
    entry = services.work_history_add(actor=request.user, job_seeker_id=job_seeker_id,
                                      occupation_code=data.pop("occupation"), **data)
    return _entry_out(entry)


@router.put("/job-seekers/{job_seeker_id}/work-history/{entry_id}", response={200: WorkHistoryOut, **ERRORS})
def work_history_change(request: AuthedRequest, job_seeker_id: int, entry_id: int, payload: WorkHistoryChange) -> Any:
    """Correct a job of the work history; 409 when it changed since `expected_version`."""
    data = payload.dict()
    entry = services.work_history_change(actor=request.user, job_seeker_id=job_seeker_id, entry_id=entry_id,
                                         expected_version=data.pop("expected_version"),
                                         occupation_code=data.pop("occupation"), **data)
    return _entry_out(entry)


@router.delete("/job-seekers/{job_seeker_id}/work-history/{entry_id}", response={204: None, **ERRORS})
def work_history_remove(request: AuthedRequest, job_seeker_id: int, entry_id: int, expected_version: int) -> Any:
    """Remove a job from the work history; 409 when it changed since `expected_version`."""
    services.work_history_remove(actor=request.user, job_seeker_id=job_seeker_id, entry_id=entry_id,
                                 expected_version=expected_version)
    return Status(204, None)


def _intake_out(i: IntakePlaces) -> dict[str, Any]:
    return {"starts_on": i.intake.starts_on, "applications_close_on": i.intake.applications_close_on,
            "places": i.capacity, "taken": i.taken, "left": i.left, "accepts_referrals": i.accepts_referrals}


def _programme_out(p: TrainingProgramme, places: ProgrammePlaces) -> dict[str, Any]:
    intake = places.next_open
    return {"id": p.pk, "title": p.title, "occupation": p.occupation_id, "occupation_title_ka": p.occupation.title_ka,
            "occupation_title_en": p.occupation.title_en, "provider": p.provider.name,
            "provider_municipality": p.provider.municipality.code, "duration_weeks": p.duration_weeks,
            "capacity": p.capacity, "is_active": p.is_active,
            "next_intake": _intake_out(intake) if intake else None}


class ProgrammeQuery(PageQuery):
    occupation: str = ""
    municipality: str = ""
    intake_open: bool = False


@router.get("/training-programmes", response={200: Page[ProgrammeOut], **ERRORS})
def programme_list(request: AuthedRequest, params: Query[ProgrammeQuery]) -> Any:
    """Active programmes, 50 a page, by occupation (code or title words), the provider's municipality and
    whether an intake takes referrals now, each with that intake's places."""
    require(request.user, Capability.PROGRAMME_VIEW)
    today = timezone.localdate()
    rows = selectors.programmes(occupation=params.occupation[:100], municipality=params.municipality,
                                intake_open_on=today if params.intake_open else None)
    found, after = keyset_page(rows, after=params.after)
    places = programme_places(found, today=today, upcoming_only=True)
    return page_out([_programme_out(p, places[p.pk]) for p in found], after)


@router.get("/training-programmes/{programme_id}", response={200: ProgrammeDetail, **ERRORS})
def programme_detail(request: AuthedRequest, programme_id: int) -> Any:
    """One programme with every intake, its places and those taken by referrals."""
    require(request.user, Capability.PROGRAMME_VIEW)
    p = selectors.programme_get(programme_id=programme_id)
    places = programme_places([p], today=timezone.localdate())[p.pk]
    return {**_programme_out(p, places), "description": p.description, "provider_address": p.provider.address,
            "provider_phone": p.provider.contact_phone, "provider_email": p.provider.contact_email,
            "intakes": [_intake_out(i) for i in places.intakes], "waiting_for_an_intake": places.waiting}

