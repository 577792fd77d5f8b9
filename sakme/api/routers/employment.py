"""Job-seeker profiles and their work history, ISCO-08 occupations, and training programmes, over the same
services and scoping getters as the pages (reads of a profile are logged the same way)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from sakme.accounts.roles import Capability
from sakme.api.schemas import (
    ErrorOut,
    JobSeekerOut,
    JobSeekerPatch,
    OccupationOut,
    ProgrammeDetail,
    ProgrammeOut,
    WorkHistoryChange,
    WorkHistoryIn,
    WorkHistoryOut,
)
from sakme.audit.models import AccessKind
from sakme.casework.intakes import IntakePlaces, ProgrammePlaces, programme_places
from sakme.common.errors import ConcurrentEdit, DomainError, PermissionDenied
from sakme.employment import access, selectors, services
from sakme.employment.models import JobSeeker, TrainingIntake, TrainingProgramme, WorkHistoryEntry

router = Router(tags=["employment"])
ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _call(fn: Callable[[], Any]) -> Any:
    """Domain refusals become HTTP answers with the domain's message."""
    try:
        return fn()
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except ObjectDoesNotExist:
        raise HttpError(404, "Not found in your units.") from None
    except ConcurrentEdit as exc:
        raise HttpError(409, str(exc)) from exc
    except DomainError as exc:
        raise HttpError(422, str(exc)) from exc


def _entry_out(e: WorkHistoryEntry) -> dict[str, Any]:
    return {"id": e.pk, "occupation": e.occupation_id, "job_title": e.job_title, "employer_name": e.employer_name,
            "started_on": e.started_on, "ended_on": e.ended_on, "version": e.version}


def _seeker(request: HttpRequest, job_seeker_id: int) -> JobSeeker:
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


@router.get("/occupations", response={200: list[OccupationOut]})
def occupation_search(request: HttpRequest, params: Query[OccupationQuery]) -> Any:
    """ISCO-08 unit groups by code (its start) or by words of the Georgian or English title (at most 20)."""
    return [{"code": o.code, "title_ka": o.title_ka, "title_en": o.title_en}
            for o in selectors.occupation_search(query=params.q[:100])]


@router.get("/job-seekers/{job_seeker_id}", response={200: JobSeekerOut, **ERRORS})
def job_seeker_detail(request: HttpRequest, job_seeker_id: int) -> Any:
    """A job seeker's profile with the work history (the read is logged)."""
    return _call(lambda: _seeker_out(_seeker(request, job_seeker_id)))


@router.patch("/job-seekers/{job_seeker_id}", response={200: JobSeekerOut, **ERRORS})
def job_seeker_update(request: HttpRequest, job_seeker_id: int, payload: JobSeekerPatch) -> Any:
    """Change the fields given; 409 when someone changed the profile since `expected_version`."""
    def run() -> dict[str, Any]:
        _seeker(request, job_seeker_id)
        changes = payload.dict(exclude_unset=True)
        version = changes.pop("expected_version")
        for text in ("education", "skills", "languages", "accommodations"):
            if text in changes and changes[text] is None:
                changes[text] = ""
        for many in ("occupations_sought", "occupations_held", "preferred_municipalities", "driving_licence"):
            if many in changes and changes[many] is None:
                changes[many] = []
        services.job_seeker_update(actor=request.user, job_seeker_id=job_seeker_id, expected_version=version,
                                   **changes)
        return _seeker_out(access.job_seekers_for_user(request.user).select_related("person", "unit").prefetch_related(
            "occupations_sought", "occupations_held", "preferred_municipalities").get(pk=job_seeker_id))
    return _call(run)


@router.post("/job-seekers/{job_seeker_id}/work-history", response={200: WorkHistoryOut, **ERRORS})
def work_history_add(request: HttpRequest, job_seeker_id: int, payload: WorkHistoryIn) -> Any:
    def run() -> dict[str, Any]:
        _seeker(request, job_seeker_id)
        data = payload.dict()
        entry = services.work_history_add(actor=request.user, job_seeker_id=job_seeker_id,
                                          occupation_code=data.pop("occupation"), **data)
        return _entry_out(entry)
    return _call(run)


@router.put("/job-seekers/{job_seeker_id}/work-history/{entry_id}", response={200: WorkHistoryOut, **ERRORS})
def work_history_change(request: HttpRequest, job_seeker_id: int, entry_id: int, payload: WorkHistoryChange) -> Any:
    """Correct a job of the work history; 409 when it changed since `expected_version`."""
    def run() -> dict[str, Any]:
        seeker = _seeker(request, job_seeker_id)
        WorkHistoryEntry.objects.get(pk=entry_id, job_seeker=seeker)
        data = payload.dict()
        entry = services.work_history_change(actor=request.user, entry_id=entry_id,
                                             expected_version=data.pop("expected_version"),
                                             occupation_code=data.pop("occupation"), **data)
        return _entry_out(entry)
    return _call(run)


@router.delete("/job-seekers/{job_seeker_id}/work-history/{entry_id}", response={204: None, **ERRORS})
def work_history_remove(request: HttpRequest, job_seeker_id: int, entry_id: int, expected_version: int) -> Any:
    """Remove a job from the work history; 409 when it changed since `expected_version`."""
    def run() -> Status[None]:
        seeker = _seeker(request, job_seeker_id)
        WorkHistoryEntry.objects.get(pk=entry_id, job_seeker=seeker)
        services.work_history_remove(actor=request.user, entry_id=entry_id, expected_version=expected_version)
        return Status(204, None)
    return _call(run)


def _require_programmes(request: HttpRequest) -> None:
    user: Any = request.user
    if not (user.can(Capability.CASE_WORK) or user.can(Capability.EMPLOYER_SERVICES)):
        raise PermissionDenied("Your role does not allow this.")


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


class ProgrammeQuery(Schema):
    occupation: str = ""
    municipality: str = ""
    intake_open: bool = False


@router.get("/training-programmes", response={200: list[ProgrammeOut], **ERRORS})
def programme_list(request: HttpRequest, params: Query[ProgrammeQuery]) -> Any:
    """Active programmes (at most 200) by occupation (code or title words), the provider's municipality and
    whether an intake takes referrals now, each with that intake's places."""
    def run() -> list[dict[str, Any]]:
        _require_programmes(request)
        today = timezone.localdate()
        rows = selectors.programmes(occupation=params.occupation[:100], municipality=params.municipality)
        if params.intake_open:
            rows = rows.filter(pk__in=TrainingIntake.objects.filter(applications_close_on__gte=today)
                               .values("programme_id"))
        found = list(rows[:200])
        places = programme_places(found, today=today, upcoming_only=True)
        return [_programme_out(p, places[p.pk]) for p in found]
    return _call(run)


@router.get("/training-programmes/{programme_id}", response={200: ProgrammeDetail, **ERRORS})
def programme_detail(request: HttpRequest, programme_id: int) -> Any:
    """One programme with every intake, its places and those taken by referrals."""
    def run() -> dict[str, Any]:
        _require_programmes(request)
        p = TrainingProgramme.objects.select_related("provider__municipality", "occupation").get(pk=programme_id)
        places = programme_places([p], today=timezone.localdate())[p.pk]
        return {**_programme_out(p, places), "description": p.description, "provider_address": p.provider.address,
                "provider_phone": p.provider.contact_phone, "provider_email": p.provider.contact_email,
                "intakes": [_intake_out(i) for i in places.intakes], "waiting_for_an_intake": places.waiting}
    return _call(run)

