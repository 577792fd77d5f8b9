"""Suggestions, both ways, through the same scoping getters as the pages of cases and vacancies: the vacancies
that suit a case's job seeker, and the job seekers in services who suit a vacancy. Each with its score and its
reasons. Only what can be acted on is suggested: open vacancies of the case's unit not yet referred to, and for a
vacancy the unit's job seekers in services not yet on its shortlist."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sakme.accounts.actors import Actor
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.casework import selectors as casework
from sakme.casework.access import case_get_for_user, cases_for_user
from sakme.casework.models import Case, Referral
from sakme.employment.access import vacancy_get_for_user
from sakme.employment.models import Vacancy
from sakme.matching import engine, features
from sakme.matching.reasons import Reason, reasons

SHOWN = 10


@dataclass(frozen=True)
class VacancySuggestion:
    vacancy: Vacancy
    score: float
    reasons: list[Reason]


def can_refer(*, user: Actor, case_id: int) -> bool:
    """Whether the user may refer the case's job seeker now (the case's state opens referrals)."""
    case = cases_for_user(user).filter(pk=case_id).first()
    return case is not None and "referral" in casework.open_to(case=case, user=user)[1]


@dataclass(frozen=True)
class CandidateSuggestion:
    case: Case
    score: float
    reasons: list[Reason]


def vacancies_for_case(*, user: Actor, case_id: int, limit: int = SHOWN, kind: AccessKind = AccessKind.VIEW,
                       context: str = "") -> list[VacancySuggestion]:
    """The open vacancies of the case's unit that suit its job seeker best, not yet referred to (a view of the
    job seeker, logged by the case getter)."""
    case = case_get_for_user(user, case_id, kind=kind, context=context)
    index = features.index()
    row = index.seeker_row(case.job_seeker_id)
    referred = set(Referral.objects.filter(case=case, vacancy__isnull=False).values_list("vacancy_id", flat=True))
    of_unit = set(Vacancy.objects.filter(unit_id=case.unit_id, status=Vacancy.Status.OPEN)
                  .values_list("pk", flat=True)) - referred
    columns = np.flatnonzero(np.isin(index.vacancies.ids, list(of_unit)))
    if row is None or not len(columns):
        return []
    seeker, vacancies = index.seekers.rows([row]), index.vacancies.rows(columns)
    scores = engine.score(seeker, vacancies)
    best = engine.top(scores.total[0], limit)
    chosen = Vacancy.objects.select_related("employer", "occupation", "municipality").in_bulk(
        [int(vacancies.ids[j]) for j in best])
    return [VacancySuggestion(chosen[int(vacancies.ids[j])], float(scores.total[0, j]),
                              reasons(scores, 0, int(j), seeker, vacancies, index.skills))
            for j in best if int(vacancies.ids[j]) in chosen]


def candidates_for_vacancy(*, user: Actor, vacancy_id: int, limit: int = SHOWN, kind: AccessKind = AccessKind.LISTED,
                           context: str = "") -> list[CandidateSuggestion]:
    """The job seekers in services at the vacancy's unit who suit it best, not yet on its shortlist (each one
    shown is logged as listed)."""
    vacancy = vacancy_get_for_user(user, vacancy_id)
    cases = {c.job_seeker_id: c for c in casework.shortlist_candidates(user=user, vacancy=vacancy, limit=100_000)}
    index = features.index()
    column = index.vacancy_row(vacancy.pk)
    rows = np.flatnonzero(np.isin(index.seekers.ids, list(cases)))
    if column is None or not len(rows):
        return []
    seekers, one = index.seekers.rows(rows), index.vacancies.rows([column])
    scores = engine.score(seekers, one)
    best = engine.top(scores.total[:, 0], limit)
    found = [CandidateSuggestion(cases[int(seekers.ids[i])], float(scores.total[i, 0]),
                                 reasons(scores, int(i), 0, seekers, one, index.skills)) for i in best]
    audit.record_access(actor=user, person_ids=[s.case.job_seeker.person_id for s in found], kind=kind,
                        context=context)
    return found
