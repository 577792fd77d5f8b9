"""Suggestions both ways, over the same selectors as the case and vacancy pages (`matching/selectors.py`): the
vacancies that suit a case's job seeker, the job seekers who suit a vacancy, each with its score and reasons."""

from __future__ import annotations

from typing import Any

from ninja import Router

from sakme.accounts.actors import AuthedRequest
from sakme.api.errors import ERRORS
from sakme.api.schemas.matching import CandidateSuggestionOut, ReasonOut, VacancySuggestionOut
from sakme.audit.models import AccessKind
from sakme.matching import selectors
from sakme.matching.reasons import Reason

router = Router(tags=["matching"])


def _reasons(reasons: list[Reason]) -> list[dict[str, Any]]:
    return [ReasonOut(code=r.code, params=r.params, good=r.good, text=r.text).dict() for r in reasons]


@router.get("/cases/{case_id}/suggested-vacancies", response={200: list[VacancySuggestionOut], **ERRORS})
def case_vacancies(request: AuthedRequest, case_id: int, limit: int = selectors.SHOWN) -> Any:
    """The open vacancies of the case's unit that suit its job seeker best (not yet referred to), best first."""
    found = selectors.vacancies_for_case(user=request.user, case_id=case_id, limit=min(limit, 50),
                                         kind=AccessKind.API, context=request.path)
    return [{"vacancy_id": s.vacancy.pk, "title": s.vacancy.title, "employer": s.vacancy.employer.name,
             "municipality": s.vacancy.municipality.code, "score": round(s.score, 4), "reasons": _reasons(s.reasons)}
            for s in found]


@router.get("/vacancies/{vacancy_id}/suggested-candidates", response={200: list[CandidateSuggestionOut], **ERRORS})
def vacancy_candidates(request: AuthedRequest, vacancy_id: int, limit: int = selectors.SHOWN) -> Any:
    """The job seekers in services at the vacancy's unit who suit it best (not yet on its shortlist), best first."""
    found = selectors.candidates_for_vacancy(user=request.user, vacancy_id=vacancy_id, limit=min(limit, 50),
                                             kind=AccessKind.API, context=request.path)
    return [{"case_id": s.case.pk, "job_seeker_id": s.case.job_seeker_id, "person_id": s.case.job_seeker.person_id,
             "name": s.case.job_seeker.person.full_name, "score": round(s.score, 4), "reasons": _reasons(s.reasons)}
            for s in found]
