"""Supported employment over the same use cases as the case page's section: the pathway (job coach, support
needed), workplace adaptations and coaching contacts."""

from __future__ import annotations

from typing import Any

from ninja import Router

from sakme.accounts.actors import AuthedRequest
from sakme.api.errors import ERRORS
from sakme.api.schemas.casework import (
    AdaptationChangeIn,
    AdaptationIn,
    AdaptationOut,
    CoachingIn,
    CoachingOut,
    PathwayIn,
    PathwayOut,
)
from sakme.audit.models import AccessKind
from sakme.casework import access, selectors, services
from sakme.casework.models import CoachingContact, SupportedEmployment, WorkplaceAdaptation
from sakme.common.errors import NotFound

router = Router(tags=["supported employment"])


def adaptation_out(a: WorkplaceAdaptation) -> dict[str, Any]:
    return {"id": a.pk, "description": a.description, "status": a.status, "version": a.version}


def coaching_out(c: CoachingContact) -> dict[str, Any]:
    return {"id": c.pk, "kind": c.kind, "held_on": c.held_on, "hours": c.hours, "notes": c.notes}


def _pathway(request: AuthedRequest, case_id: int) -> dict[str, Any]:
    case = access.case_get_for_user(request.user, case_id, kind=AccessKind.API, context=request.path)
    pathway: SupportedEmployment | None = selectors.supported_employment(case=case)
    if pathway is None:
        raise NotFound("This case has no supported-employment pathway.")
    return {"case_id": case.pk, "job_coach_id": pathway.job_coach_id, "started_on": pathway.started_on,
            "needs": pathway.needs, "version": pathway.version,
            "adaptations": [adaptation_out(a) for a in pathway.adaptations.all()],
            "contacts": [coaching_out(c) for c in pathway.latest_contacts]}  # type: ignore[attr-defined]


@router.get("/cases/{case_id}/supported-employment", response={200: PathwayOut, **ERRORS})
def pathway_detail(request: AuthedRequest, case_id: int) -> Any:
    """The case's pathway: job coach, support needed, adaptations, the coach's latest contacts."""
    return _pathway(request, case_id)


@router.post("/cases/{case_id}/supported-employment", response={200: PathwayOut, **ERRORS})
def pathway_start(request: AuthedRequest, case_id: int, payload: PathwayIn) -> Any:
    """Start the pathway for a job seeker whose disability is recorded (`expected_version`: the case's)."""
    services.supported_employment_start(actor=request.user, case_id=case_id, job_coach_id=payload.job_coach_id,
                                        needs=payload.needs, expected_version=payload.expected_version)
    return _pathway(request, case_id)


@router.put("/cases/{case_id}/supported-employment", response={200: PathwayOut, **ERRORS})
def pathway_change(request: AuthedRequest, case_id: int, payload: PathwayIn) -> Any:
    """Change the job coach or the support needed (`expected_version`: the pathway's)."""
    services.supported_employment_change(actor=request.user, case_id=case_id, job_coach_id=payload.job_coach_id,
                                         needs=payload.needs, expected_version=payload.expected_version)
    return _pathway(request, case_id)


@router.post("/cases/{case_id}/supported-employment/adaptations", response={200: AdaptationOut, **ERRORS})
def adaptation_add(request: AuthedRequest, case_id: int, payload: AdaptationIn) -> Any:
    """Propose a workplace adaptation (or record one already agreed or in place)."""
    return adaptation_out(services.adaptation_record(actor=request.user, case_id=case_id,
                                                     description=payload.description, status=payload.status))


@router.post("/cases/{case_id}/supported-employment/adaptations/{adaptation_id}",
             response={200: AdaptationOut, **ERRORS})
def adaptation_update(request: AuthedRequest, case_id: int, adaptation_id: int, payload: AdaptationChangeIn) -> Any:
    """Move an adaptation on: agreed, in place, not possible; 409 when it changed since `expected_version`."""
    return adaptation_out(services.adaptation_record(actor=request.user, case_id=case_id, adaptation_id=adaptation_id,
                                                     status=payload.status,
                                                     expected_version=payload.expected_version))


@router.post("/cases/{case_id}/supported-employment/coaching", response={200: CoachingOut, **ERRORS})
def coaching_add(request: AuthedRequest, case_id: int, payload: CoachingIn) -> Any:
    """Record a job coach's contact: preparing for work, on the job, or the follow-up after placement."""
    return coaching_out(services.coaching_record(actor=request.user, case_id=case_id, **payload.dict()))
