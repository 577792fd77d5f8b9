"""How well matching ranks the hires that happened: for each placement through a vacancy, the vacancies of the unit
open that day (what the case page would have suggested) are ranked for the job seeker as matching ranks them, and
the one taken is looked for.

Reported: hit rate at k (the vacancy taken among the first k) and NDCG at k (one relevant vacancy: 1/log2(rank+1)
when it is among the first k), for sakme's score and for a plain text ranking (the usual baseline: scikit-learn's
TF-IDF of words with its defaults, cosine of the job seeker's profile text and the vacancy's). Ties count against
the vacancy taken (its rank is the number of vacancies scored at least as high), so a score that says nothing
cannot look good.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from sakme.casework.models import Placement
from sakme.employment.models import JobSeeker, Vacancy
from sakme.matching import engine, features


@dataclass(frozen=True)
class Ranking:
    hit_rate: float
    ndcg: float


@dataclass(frozen=True)
class Evaluation:
    hires: int
    candidates: float  # vacancies open on the day, on average
    k: int
    sakme: Ranking
    text_only: Ranking


def _rank(scores: np.ndarray, taken: int) -> int:
    """1-based rank of column `taken`, ties counted against it."""
    return int((scores >= scores[taken]).sum())


def _summary(ranks: list[int], k: int) -> Ranking:
    if not ranks:
        return Ranking(0.0, 0.0)
    hits = [r <= k for r in ranks]
    gains = [1 / math.log2(r + 1) if r <= k else 0.0 for r in ranks]
    return Ranking(sum(hits) / len(ranks), sum(gains) / len(ranks))


def evaluate(*, k: int = 10) -> Evaluation:
    """Rank, for every hire through a vacancy, the unit's vacancies open on its first day."""
    hires = list(Placement.objects.filter(vacancy__isnull=False).values_list(
        "case__job_seeker_id", "vacancy_id", "started_on", "case__unit_id"))
    if not hires:
        return Evaluation(0, 0.0, k, Ranking(0.0, 0.0), Ranking(0.0, 0.0))
    vacancies = Vacancy.objects.select_related("occupation").order_by("pk")
    seekers = (JobSeeker.objects.filter(pk__in={h[0] for h in hires}).select_related("person").order_by("pk")
               .prefetch_related("occupations_sought", "occupations_held", "preferred_municipalities",
                                 "work_history__occupation"))
    rows = features.vacancy_rows(vacancies), features.seeker_rows(seekers)
    index = features.build(vacancies, seekers, rows=rows)
    plain = TfidfVectorizer().fit([*rows[0].text, *rows[1].text])
    v_plain, s_plain = plain.transform(rows[0].text), plain.transform(rows[1].text)
    opened = np.array([v.opened_on.toordinal() for v in vacancies], dtype=np.int64)
    closes = np.array([v.closes_on.toordinal() if v.closes_on else 10**7 for v in vacancies], dtype=np.int64)
    units = np.array([v.unit_id for v in vacancies], dtype=np.int64)
    row_of = {int(s): i for i, s in enumerate(index.seekers.ids)}
    column_of = {int(v): j for j, v in enumerate(index.vacancies.ids)}
    ranks: dict[str, list[int]] = {"sakme": [], "text": []}
    sizes = []
    for seeker_id, vacancy_id, day, unit_id in hires:
        open_then = np.flatnonzero((units == unit_id) & (opened <= day.toordinal()) & (closes >= day.toordinal()))
        taken = np.flatnonzero(open_then == column_of[vacancy_id])
        if not len(taken):
            continue
        seeker, candidates = index.seekers.rows([row_of[seeker_id]]), index.vacancies.rows(open_then)
        sizes.append(len(open_then))
        ranks["sakme"].append(_rank(engine.score(seeker, candidates).total[0], int(taken[0])))
        text = (s_plain[row_of[seeker_id]] @ v_plain[open_then].T).toarray()[0]
        ranks["text"].append(_rank(text, int(taken[0])))
    return Evaluation(len(sizes), float(np.mean(sizes)) if sizes else 0.0, k, _summary(ranks["sakme"], k),
                      _summary(ranks["text"], k))
