"""Employer services over the same use cases as the employer pages: employers of the caller's units, vacancy
intake, the shortlist of a vacancy (sent only with each candidate's consent), the employer's decisions and the
placements that follow."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from sakme.accounts.actors import AuthedRequest
from sakme.api.errors import ERRORS
from sakme.api.paging import PageQuery, keyset_page, page_out
from sakme.api.routers.cases import placement_out
from sakme.api.schemas.casework import (
    CandidateDecisionIn,
    CandidateIn,
    CandidateOut,
    EmployerIn,
    EmployerOut,
    Page,
    PlacementOut,
    VacancyDetail,
    VacancyIn,
    VacancyOut,
)
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.casework import selectors, services
from sakme.casework.models import Referral
from sakme.employment import access
from sakme.employment import services as employment
from sakme.employment.models import Employer, Vacancy
from sakme.geo.access import unit_id_of_code

router = Router(tags=["employers"])


def employer_out(e: Employer) -> dict[str, Any]:
    return {"id": e.pk, "tax_id": e.tax_id, "name": e.name, "unit": e.unit.code, "sector": e.sector,
            "address": e.address, "contact_name": e.contact_name, "contact_phone": e.contact_phone,
            "contact_email": e.contact_email, "version": e.version}


def vacancy_out(v: Vacancy) -> dict[str, Any]:
    return {"id": v.pk, "title": v.title, "employer_id": v.employer_id, "employer": v.employer.name,
            "occupation": v.occupation_id, "municipality": v.municipality.code, "positions": v.positions,
            "wage_gel": float(v.wage_gel) if v.wage_gel is not None else None, "status": v.status,
            "opened_on": v.opened_on, "closes_on": v.closes_on, "version": v.version}


def candidate_out(r: Referral) -> dict[str, Any]:
    return {"referral_id": r.pk, "case_id": r.case_id, "job_seeker_name": r.case.job_seeker.person.full_name,
            "consent_on": r.consent_on, "sent_on": r.sent_on, "status": r.status, "version": r.version}


@router.get("/employers", response={200: Page[EmployerOut], **ERRORS})
def employer_list(request: AuthedRequest, params: Query[PageQuery]) -> Any:
    """Employers served by the caller's units, 50 a page."""
    rows, after = keyset_page(access.employers_for_user(request.user).select_related("unit"), after=params.after)
    return page_out([employer_out(e) for e in rows], after)


@router.get("/employers/{employer_id}", response={200: EmployerOut, **ERRORS})
def employer_detail(request: AuthedRequest, employer_id: int) -> Any:
    return employer_out(access.employer_get_for_user(request.user, employer_id))


@router.post("/employers", response={200: EmployerOut, **ERRORS})
def employer_register(request: AuthedRequest, payload: EmployerIn) -> Any:
    """Register an employer with a unit of the caller (their own when `unit` is left out)."""
    data = payload.dict()
    unit_id = unit_id_of_code(data.pop("unit"))
    employer = employment.employer_register(actor=request.user, unit_id=unit_id, **data)
    return employer_out(access.employer_get_for_user(request.user, employer.pk))


@router.post("/employers/{employer_id}/vacancies", response={200: VacancyOut, **ERRORS})
def vacancy_open(request: AuthedRequest, employer_id: int, payload: VacancyIn) -> Any:
    """Take in a vacancy from an employer of the caller's units."""
    data = payload.dict()
    vacancy = employment.vacancy_open(actor=request.user, employer_id=employer_id,
                                      occupation_code=data.pop("occupation"),
                                      municipality_code=data.pop("municipality"), **data)
    return vacancy_out(access.vacancy_get_for_user(request.user, vacancy.pk))


class VacancyQuery(PageQuery):
    status: str = Vacancy.Status.OPEN


@router.get("/vacancies", response={200: Page[VacancyOut], **ERRORS})
def vacancy_list(request: AuthedRequest, params: Query[VacancyQuery]) -> Any:
    """Vacancies of the caller's units with the given status (open by default), newest first, 50 a page."""
    rows, after = keyset_page(access.vacancies_for_user(request.user).filter(status=params.status),
                              after=params.after, newest_first=True)
    return page_out([vacancy_out(v) for v in rows], after)


def _detail(request: AuthedRequest, vacancy_id: int) -> dict[str, Any]:
    vacancy = access.vacancy_get_for_user(request.user, vacancy_id)
    shortlist = selectors.shortlist(vacancy=vacancy)
    audit.record_access(actor=request.user, kind=AccessKind.API, context=request.path,
                        person_ids=[r.case.job_seeker.person_id for r in shortlist])
    return {**vacancy_out(vacancy), "shortlist": [candidate_out(r) for r in shortlist]}


@router.get("/vacancies/{vacancy_id}", response={200: VacancyDetail, **ERRORS})
def vacancy_detail(request: AuthedRequest, vacancy_id: int) -> Any:
    """A vacancy with its shortlist."""
    return _detail(request, vacancy_id)


@router.post("/vacancies/{vacancy_id}/shortlist", response={200: VacancyDetail, **ERRORS})
def shortlist_add(request: AuthedRequest, vacancy_id: int, payload: CandidateIn) -> Any:
    """Put a job seeker of the vacancy's unit who is in services on its shortlist."""
    services.shortlist_add(actor=request.user, vacancy_id=vacancy_id, case_id=payload.case_id)
    return _detail(request, vacancy_id)


@router.post("/vacancies/{vacancy_id}/shortlist/send", response={200: VacancyDetail, **ERRORS})
def shortlist_send(request: AuthedRequest, vacancy_id: int) -> Any:
    """Send the shortlist to the employer: only the candidates who consented go; the others stay behind."""
    services.shortlist_send(actor=request.user, vacancy_id=vacancy_id)
    return _detail(request, vacancy_id)


@router.post("/vacancies/{vacancy_id}/shortlist/{referral_id}/decision", response={200: CandidateOut, **ERRORS})
def candidate_decide(request: AuthedRequest, vacancy_id: int, referral_id: int, payload: CandidateDecisionIn) -> Any:
    """The employer's decision on a candidate; 409 when it changed since `expected_version`."""
    referral = services.candidate_decide(actor=request.user, vacancy_id=vacancy_id, referral_id=referral_id,
                                         status=payload.status, expected_version=payload.expected_version)
    return candidate_out(Referral.objects.select_related("case__job_seeker__person").get(pk=referral.pk))


@router.post("/vacancies/{vacancy_id}/shortlist/{referral_id}/placement", response={200: PlacementOut, **ERRORS})
def candidate_place(request: AuthedRequest, vacancy_id: int, referral_id: int) -> Any:
    """Place a candidate the employer accepted (today, at the vacancy's wage)."""
    return placement_out(services.candidate_place(actor=request.user, vacancy_id=vacancy_id, referral_id=referral_id))
