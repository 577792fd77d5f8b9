"""Cases, job-seeker registration and vacancies over the same services and scoping getters as the pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router
from ninja.errors import HttpError

from sakme.api.schemas import (
    AssignIn,
    CaseOut,
    ErrorOut,
    ReferralIn,
    ReferralOut,
    RegisterIn,
    SessionIn,
    TransferIn,
    TransferOut,
    TransitionIn,
    VacancyOut,
)
from sakme.casework import access, services
from sakme.casework.models import Case, Referral
from sakme.casework.workflow import allowed_actions
from sakme.common.errors import ConcurrentEdit, DomainError, PermissionDenied
from sakme.employment.access import vacancies_for_user
from sakme.employment.models import TrainingProgramme, Vacancy
from sakme.employment.services import job_seeker_register
from sakme.geo.models import TerritorialUnit
from sakme.registry.access import person_get_for_user
from sakme.registry.models import Person

router = Router(tags=["casework"])
ERRORS: dict[int, Any] = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _case_out(case: Case) -> dict[str, Any]:
    return {"id": case.pk, "person_id": case.job_seeker.person_id, "job_seeker_name": case.job_seeker.person.full_name,
            "unit": case.unit.code, "state": case.state, "outcome": case.outcome, "version": case.version,
            "counsellor_id": case.counsellor_id,
            "opened_on": case.opened_on, "state_since": case.state_since,
            "allowed_actions": [t.action for t in allowed_actions(case)]}


def _call(fn: Callable[[], Any]) -> Any:
    """Domain refusals become HTTP answers with the domain's message."""
    try:
        return fn()
    except PermissionDenied as exc:
        raise HttpError(403, str(exc)) from exc
    except (Case.DoesNotExist, Person.DoesNotExist, TerritorialUnit.DoesNotExist, TrainingProgramme.DoesNotExist,
            Vacancy.DoesNotExist):
        raise HttpError(404, "Not found in your units.") from None
    except ConcurrentEdit as exc:
        raise HttpError(409, str(exc)) from exc
    except DomainError as exc:
        raise HttpError(422, str(exc)) from exc


@router.get("/cases", response={200: list[CaseOut], **ERRORS})
def case_list(request: HttpRequest, state: str = "") -> Any:
    """Cases of the caller's units (at most 200, oldest in their state first)."""
    def run() -> list[dict[str, Any]]:
        cases = access.cases_for_user(request.user).select_related("job_seeker__person", "unit")
        if state:
            cases = cases.filter(state=state)
        return [_case_out(c) for c in cases.order_by("state_since", "pk")[:200]]
    return _call(run)


@router.get("/cases/{case_id}", response={200: CaseOut, **ERRORS})
def case_detail(request: HttpRequest, case_id: int) -> Any:
    return _call(lambda: _case_out(access.case_get_for_user(request.user, case_id, context=request.path)))


@router.post("/cases/{case_id}/transitions", response={200: CaseOut, **ERRORS})
def case_transition(request: HttpRequest, case_id: int, payload: TransitionIn) -> Any:
    """Move the case along the workflow; 409 when someone changed it since `expected_version`."""
    def run() -> dict[str, Any]:
        access.case_get_for_user(request.user, case_id, context=request.path)
        case = services.case_transition(actor=request.user, case_id=case_id, action=payload.action,
                                        expected_version=payload.expected_version, outcome=payload.outcome,
                                        note=payload.note)
        return _case_out(case)
    return _call(run)


@router.post("/cases/{case_id}/sessions", response={200: CaseOut, **ERRORS})
def session_record(request: HttpRequest, case_id: int, payload: SessionIn) -> Any:
    def run() -> dict[str, Any]:
        access.case_get_for_user(request.user, case_id, context=request.path)
        services.session_record(actor=request.user, case_id=case_id, held_on=payload.held_on, kind=payload.kind,
                                notes=payload.notes)
        return _case_out(Case.objects.select_related("job_seeker__person", "unit").get(pk=case_id))
    return _call(run)


@router.post("/cases/{case_id}/assign", response={200: CaseOut, **ERRORS})
def case_assign(request: HttpRequest, case_id: int, payload: AssignIn) -> Any:
    """Give an open case to a counsellor of its unit: unit heads for any case, a counsellor only an unassigned one
    for themselves; 409 when the case changed since `expected_version`."""
    def run() -> dict[str, Any]:
        access.case_get_for_user(request.user, case_id, context=request.path)
        unit_id = Case.objects.values_list("unit_id", flat=True).get(pk=case_id)
        counsellor = services.counsellors_of_unit(unit_id).filter(pk=payload.counsellor_id).first()
        if counsellor is None:
            raise DomainError(_("Choose a counsellor posted to this case's unit."))
        services.case_assign(actor=request.user, case_id=case_id, counsellor=counsellor,
                             expected_version=payload.expected_version)
        return _case_out(Case.objects.select_related("job_seeker__person", "unit").get(pk=case_id))
    return _call(run)


@router.post("/cases/{case_id}/transfer", response={200: TransferOut, **ERRORS})
def case_transfer(request: HttpRequest, case_id: int, payload: TransferIn) -> Any:
    """Hand an open case to another unit (by the unit's code): this case closes as transferred, the receiving
    unit continues a new case from the same state; 409 when the case changed since `expected_version`."""
    def run() -> dict[str, Any]:
        access.case_get_for_user(request.user, case_id, context=request.path)
        unit = TerritorialUnit.objects.get(code=payload.to_unit)
        successor = services.case_transfer(actor=request.user, case_id=case_id, to_unit=unit, reason=payload.reason,
                                           expected_version=payload.expected_version)
        case = Case.objects.select_related("job_seeker__person", "unit").get(pk=case_id)
        return {"case": _case_out(case), "new_case_id": successor.pk, "to_unit": unit.code}
    return _call(run)


def _referral_out(r: Referral) -> dict[str, Any]:
    return {"id": r.pk, "case_id": r.case_id, "kind": r.kind, "status": r.status, "referred_on": r.referred_on,
            "vacancy_id": r.vacancy_id, "programme_id": r.programme_id, "version": r.version}


@router.post("/cases/{case_id}/referrals", response={200: ReferralOut, **ERRORS})
def referral_create(request: HttpRequest, case_id: int, payload: ReferralIn) -> Any:
    """Refer the job seeker to a vacancy of the case's unit, a training programme (into the intake that takes
    referrals that day, while it has places), supported employment or another social service."""
    def run() -> dict[str, Any]:
        case = access.case_get_for_user(request.user, case_id, context=request.path)
        vacancy = (Vacancy.objects.get(pk=payload.vacancy_id, unit_id=case.unit_id)
                   if payload.vacancy_id is not None else None)
        programme = TrainingProgramme.objects.get(pk=payload.programme_id) if payload.programme_id is not None else None
        referral = services.referral_create(actor=request.user, case_id=case_id, kind=payload.kind,
                                            referred_on=payload.referred_on, vacancy=vacancy, programme=programme,
                                            service=payload.service,
                                            consent_on=payload.referred_on if payload.consent else None)
        return _referral_out(referral)
    return _call(run)


@router.post("/job-seekers", response={200: CaseOut, **ERRORS})
def register(request: HttpRequest, payload: RegisterIn) -> Any:
    """Register a registry person as a job seeker at their unit and open the case."""
    def run() -> dict[str, Any]:
        access.cases_for_user(request.user)  # the role check comes before looking the person up
        person = person_get_for_user(request.user, payload.person_id, context=request.path)
        if person.unit is None:
            raise DomainError("The person has no territorial unit.")
        with transaction.atomic():
            seeker = job_seeker_register(
                actor=request.user, person=person, unit=person.unit, registered_on=payload.registered_on,
                education=payload.education, occupations=payload.occupations,
                consent_data_processing_on=payload.registered_on,
                consent_share_with_employers_on=payload.registered_on if payload.consent_share_with_employers
                else None)
            case = services.case_open(actor=request.user, job_seeker=seeker, opened_on=payload.registered_on)
        return _case_out(case)
    return _call(run)


@router.get("/vacancies", response={200: list[VacancyOut], **ERRORS})
def vacancy_list(request: HttpRequest, status: str = "open") -> Any:
    """Vacancies of the caller's units."""
    def run() -> list[dict[str, Any]]:
        rows = vacancies_for_user(request.user).filter(status=status).order_by("-opened_on")[:200]
        return [{"id": v.pk, "title": v.title, "employer": v.employer.name, "occupation": v.occupation_id,
                 "municipality": v.municipality.code, "positions": v.positions,
                 "wage_gel": float(v.wage_gel) if v.wage_gel is not None else None, "status": v.status,
                 "opened_on": v.opened_on} for v in rows]
    return _call(run)
