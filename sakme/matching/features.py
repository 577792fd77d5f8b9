"""The two sides of the match built from the database: open vacancies, and job seekers, as `engine.Side` tables.

Built once and kept per process until a vacancy, a profile or a work history changes (`index()` compares a cheap
stamp of the three tables on each call). Skills are phrases, split on commas, semicolons and lines, folded
(`common.georgian.fold`) so that either script and the usual spellings meet; the texts of both sides share one
character n-gram TF-IDF, reduced by SVD to TEXT_DIMENSIONS so that a score is a dense product.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from django.db.models import Count, Max
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize

from sakme.common.georgian import fold
from sakme.employment.models import Availability, JobSeeker, Vacancy, WorkHistoryEntry
from sakme.geo.models import Municipality
from sakme.matching.engine import Side

ISCO_COLUMNS = 10_000
TEXT_DIMENSIONS = 128
PATTERNS = [choice for choice, _label in Availability.choices]
_SPLIT = re.compile(r"[,;\n\r]+")


def skill_phrases(text: str) -> dict[str, str]:
    """The skills of a free text, in order, once: each folded key with the words as written (what reasons quote)."""
    found: dict[str, str] = {}
    for part in _SPLIT.split(text or ""):
        key = fold(part)
        if key and key not in found:
            found[key] = " ".join(part.split())
    return found


@dataclass
class Places:
    """Municipalities by position, with their region's position and their seat's coordinates."""

    position: dict[int, int]
    region: np.ndarray
    lat: np.ndarray
    lon: np.ndarray

    @classmethod
    def load(cls) -> Places:
        rows = list(Municipality.objects.order_by("pk").values("pk", "region_id", "lat", "lon"))
        regions = {r: i for i, r in enumerate(sorted({row["region_id"] for row in rows}))}
        return cls({row["pk"]: i for i, row in enumerate(rows)},
                   np.array([regions[row["region_id"]] for row in rows], dtype=np.int32),
                   np.array([row["lat"] if row["lat"] is not None else np.nan for row in rows], dtype=np.float64),
                   np.array([row["lon"] if row["lon"] is not None else np.nan for row in rows], dtype=np.float64))

    def columns(self, ids: Iterable[int | None]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Position, region position, latitude and longitude of each municipality id (-1 / NaN when none)."""
        pos = np.array([self.position.get(i, -1) if i is not None else -1 for i in ids], dtype=np.int32)
        known = pos >= 0
        region = np.where(known, self.region[np.maximum(pos, 0)] if len(self.region) else -1, -1).astype(np.int32)
        lat = np.where(known, self.lat[np.maximum(pos, 0)] if len(self.lat) else np.nan, np.nan)
        lon = np.where(known, self.lon[np.maximum(pos, 0)] if len(self.lon) else np.nan, np.nan)
        return pos, region, lat, lon


@dataclass
class Rows:
    """What one side's rows say, before it becomes a `Side` (the vocabularies are shared by both sides)."""

    ids: list[int]
    codes: list[list[str]]
    skills: list[dict[str, str]]
    education: list[int]
    municipality: list[int | None]
    preferred: list[list[int]]
    pattern: list[int]
    wage: list[float]
    access: list[bool]
    text: list[str]


def vacancy_rows(vacancies: Iterable[Vacancy]) -> Rows:
    rows = Rows([], [], [], [], [], [], [], [], [], [])
    for v in vacancies:
        rows.ids.append(v.pk)
        rows.codes.append([v.occupation_id])
        rows.skills.append(skill_phrases(v.required_skills))
        rows.education.append(int(v.required_education) if v.required_education else -1)
        rows.municipality.append(v.municipality_id)
        rows.preferred.append([])
        rows.pattern.append(-1)
        rows.wage.append(float(v.wage_gel) if v.wage_gel is not None else np.nan)
        rows.access.append(False)
        rows.text.append(" ".join([v.title, v.occupation.title_ka, v.occupation.title_en, v.required_skills,
                                   v.description]))
    return rows


def seeker_rows(seekers: Iterable[JobSeeker]) -> Rows:
    rows = Rows([], [], [], [], [], [], [], [], [], [])
    for s in seekers:
        occupations = [*s.occupations_sought.all(), *s.occupations_held.all(), *(w.occupation for w in
                                                                                 s.work_history.all())]
        rows.ids.append(s.pk)
        rows.codes.append(list(dict.fromkeys(o.code for o in occupations)))
        rows.skills.append(skill_phrases(s.skills))
        rows.education.append(int(s.education) if s.education else -1)
        rows.municipality.append(s.person.municipality_id)
        rows.preferred.append([m.pk for m in s.preferred_municipalities.all()])
        rows.pattern.append(PATTERNS.index(s.availability) if s.availability in PATTERNS else -1)
        rows.wage.append(np.nan)
        rows.access.append(bool(s.accommodations.strip()))
        titles = [t for o in dict.fromkeys(occupations) for t in (o.title_ka, o.title_en)]
        rows.text.append(" ".join([s.skills, *titles, *(w.job_title for w in s.work_history.all())]))
    return rows


def _side(rows: Rows, places: Places, skills: dict[str, int], text: np.ndarray) -> Side:
    n = len(rows.ids)
    # Unit groups only: a code of a coarser level ("741") read as a number would be taken for another group (0741).
    occ = [(i, int(code)) for i, codes in enumerate(rows.codes) for code in codes
           if code and code.isdigit() and len(code) == 4]
    sk = [(i, skills[p]) for i, phrases in enumerate(rows.skills) for p in phrases if p in skills]
    pref = [(i, places.position[m]) for i, ms in enumerate(rows.preferred) for m in ms if m in places.position]
    pos, region, lat, lon = places.columns(rows.municipality)
    return Side(
        ids=np.array(rows.ids, dtype=np.int64), occupations=_binary(occ, n, ISCO_COLUMNS),
        skills=_binary(sk, n, max(len(skills), 1)), education=np.array(rows.education, dtype=np.int16),
        municipality=pos, region=region, lat=lat, lon=lon,
        preferred=_binary(pref, n, max(len(places.position), 1)), pattern=np.array(rows.pattern, dtype=np.int16),
        wage=np.array(rows.wage, dtype=np.float64), languages=np.zeros(n, dtype=np.int64),
        access=np.array(rows.access, dtype=bool), text=text)


def _binary(cells: list[tuple[int, int]], n: int, columns: int) -> sp.csr_matrix:
    if not cells:
        return sp.csr_matrix((n, columns), dtype=np.float32)
    r, c = zip(*cells, strict=True)
    matrix = sp.csr_matrix((np.ones(len(cells), dtype=np.float32), (r, c)), shape=(n, columns))
    matrix.data[:] = 1  # a code or a skill named twice counts once
    return matrix


def texts_embedded(*texts: list[str]) -> list[np.ndarray]:
    """Each list of texts as L2-normed rows of one shared space: character n-grams (3 to 4, within words) of the
    folded text (Georgian and Latin meet), TF-IDF, reduced by SVD when there are more than TEXT_DIMENSIONS."""
    everything = [fold(t) for group in texts for t in group]
    if not any(everything):
        return [np.zeros((len(group), 1), dtype=np.float32) for group in texts]
    tfidf = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4), sublinear_tf=True, dtype=np.float32)
    matrix = tfidf.fit_transform(everything)
    if min(matrix.shape) > TEXT_DIMENSIONS:
        dense = TruncatedSVD(TEXT_DIMENSIONS, random_state=0).fit_transform(matrix)
    else:
        dense = matrix.toarray()
    dense = normalize(dense).astype(np.float32)
    out, at = [], 0
    for group in texts:
        out.append(dense[at:at + len(group)])
        at += len(group)
    return out


@dataclass
class Index:
    """Both sides, ready to score, and what the reasons quote: each skill of the vocabulary as first written."""

    vacancies: Side
    seekers: Side
    skills: list[str]
    stamp: tuple[Any, ...]

    def vacancy_row(self, vacancy_id: int) -> int | None:
        found = np.flatnonzero(self.vacancies.ids == vacancy_id)
        return int(found[0]) if len(found) else None

    def seeker_row(self, job_seeker_id: int) -> int | None:
        found = np.flatnonzero(self.seekers.ids == job_seeker_id)
        return int(found[0]) if len(found) else None


def build(vacancies: Iterable[Vacancy], seekers: Iterable[JobSeeker], stamp: tuple[Any, ...] = (),
          rows: tuple[Rows, Rows] | None = None) -> Index:
    """The index of these vacancies and job seekers (the querysets prefetch what `vacancy_rows` and
    `seeker_rows` read)."""
    v_rows, s_rows = rows or (vacancy_rows(vacancies), seeker_rows(seekers))
    places = Places.load()
    shown: dict[str, str] = {}
    for phrases in [*v_rows.skills, *s_rows.skills]:
        for key, words in phrases.items():
            shown.setdefault(key, words)
    vocabulary = sorted(shown)
    skills = {p: i for i, p in enumerate(vocabulary)}
    v_text, s_text = texts_embedded(v_rows.text, s_rows.text)
    return Index(_side(v_rows, places, skills, v_text), _side(s_rows, places, skills, s_text),
                 [shown[key] for key in vocabulary], stamp)


def _stamp() -> tuple[Any, ...]:
    open_vacancies = Vacancy.objects.filter(status=Vacancy.Status.OPEN).aggregate(n=Count("pk"), at=Max("updated_at"))
    seekers = JobSeeker.objects.aggregate(n=Count("pk"), at=Max("updated_at"))
    history = WorkHistoryEntry.objects.aggregate(n=Count("pk"), v=Max("version"), last=Max("pk"))
    return (*open_vacancies.values(), *seekers.values(), *history.values())


_cache: dict[str, Index] = {}
_lock = threading.Lock()


def index() -> Index:
    """The index of all open vacancies and all job seekers, rebuilt when one of them changed."""
    stamp = _stamp()
    with _lock:
        current = _cache.get("index")
        if current is None or current.stamp != stamp:
            vacancies = (Vacancy.objects.filter(status=Vacancy.Status.OPEN).select_related("occupation")
                         .order_by("pk"))
            seekers = (JobSeeker.objects.select_related("person").order_by("pk")
                       .prefetch_related("occupations_sought", "occupations_held", "preferred_municipalities",
                                         "work_history__occupation"))
            current = _cache["index"] = build(vacancies, seekers, stamp)
        return current
