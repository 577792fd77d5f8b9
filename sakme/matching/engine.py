"""Scores of job seekers against vacancies, vectorised, with the parts that make each score.

Both sides are tables of the same columns (`Side`): one row per vacancy or per job seeker, features computed once
when the table is built (`features.py`). A score compares one row of one side with every row of the other (the
vacancies for a job seeker, the candidates for a vacancy) or a block of rows with all of the other (everyone
against everything), in numpy and scipy sparse products, never a loop over pairs. The parts stay apart so that
each suggestion says why it is one (`reasons.py`).

Signals (each in [0, 1], weighted by WEIGHTS):
  occupation  the closest level at which an ISCO-08 code of the seeker meets the vacancy's: the same unit group
              (4 digits) 1, minor group (3) 0.6, sub-major (2) 0.35, major (1) 0.15
  skills      the share of the vacancy's required skills the seeker has (0.5 when it requires none)
  education   the seeker's ISCED level against the one required: at or above 1, one below 0.5, else 0
  place       the same or a preferred municipality 1, else by distance: 1 - km / PLACE_KM (0 beyond), the same
              region at least 0.4
  pattern     the work pattern the seeker is available for (full time, part time, shifts, seasonal)
  wage        the wage offered against the one the seeker expects (1 when either is unknown)
  languages   the share of the languages the vacancy asks for that the seeker speaks (1 when none)
  access      0 when the seeker needs accommodations the vacancy does not say it offers, else 1
  text        cosine similarity of the two texts (character n-gram TF-IDF, reduced by SVD): Georgian and English
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from sakme.geo.distances import km_matrix

WEIGHTS: dict[str, float] = {"occupation": 3.0, "skills": 2.5, "education": 1.0, "place": 2.0, "pattern": 0.5,
                             "wage": 0.5, "languages": 0.5, "access": 1.0, "text": 1.5}
OCCUPATION_LEVELS = ((1, 1.0), (10, 0.6), (100, 0.35), (1000, 0.15))  # divisor of the 4-digit code, credit
PLACE_KM = 60.0  # beyond this distance a vacancy is out of daily reach
SAME_REGION = 0.4


@dataclass
class Side:
    """One side of the match (vacancies, or job seekers): n rows, the same columns on both sides.

    `occupations` is a sparse n x 10000 0/1 matrix of the 4-digit ISCO codes (a vacancy has one, a seeker those
    sought, held and worked in); `skills` n x S over the shared skill vocabulary; `text` n x D dense, L2-normed.
    Unknown numbers are NaN; unknown codes -1.
    """

    ids: np.ndarray
    occupations: sp.csr_matrix
    skills: sp.csr_matrix
    education: np.ndarray  # ISCED level, -1 unknown or none required
    municipality: np.ndarray  # position in the list of municipalities (features.py), -1 unknown
    region: np.ndarray  # likewise
    lat: np.ndarray
    lon: np.ndarray
    preferred: sp.csr_matrix  # n x municipalities (by position): a seeker's preferred ones; none for vacancies
    pattern: np.ndarray  # index of the work pattern, -1 any
    wage: np.ndarray  # GEL a month: offered (vacancy) or expected (seeker)
    languages: np.ndarray  # bit mask of LANGUAGES
    access: np.ndarray  # bool: needs accommodations (seeker) / offers them (vacancy)
    text: np.ndarray
    levels: list[sp.csr_matrix] = field(default_factory=list)  # `occupations` at each of OCCUPATION_LEVELS

    def __post_init__(self) -> None:
        if not self.levels:
            self.levels = [coarsen(self.occupations, divisor) for divisor, _credit in OCCUPATION_LEVELS]

    def __len__(self) -> int:
        return len(self.ids)

    def rows(self, index: np.ndarray | list[int] | slice) -> Side:
        """A subset of the rows (a block of seekers, one vacancy)."""
        return Side(self.ids[index], self.occupations[index], self.skills[index], self.education[index],
                    self.municipality[index], self.region[index], self.lat[index], self.lon[index],
                    self.preferred[index], self.pattern[index], self.wage[index], self.languages[index],
                    self.access[index], self.text[index], [level[index] for level in self.levels])


def _occupation(seekers: Side, vacancies: Side) -> np.ndarray:
    """Seekers x vacancies: the credit of the closest ISCO level at which they meet."""
    best = np.zeros((len(seekers), len(vacancies)), dtype=np.float32)
    for level, (_divisor, credit) in enumerate(OCCUPATION_LEVELS):
        met = (seekers.levels[level] @ vacancies.levels[level].T).toarray() > 0
        best = np.where(met & (best == 0), np.float32(credit), best)
    return best


def coarsen(codes: sp.csr_matrix, divisor: int) -> sp.csr_matrix:
    """The codes at a coarser level (7411 -> 741 -> 74 -> 7), as a 0/1 matrix over 10000 columns."""
    if divisor == 1:
        return codes
    coo = codes.tocoo()
    coarse = sp.csr_matrix((np.ones(coo.nnz, dtype=np.float32), (coo.row, coo.col // divisor)), shape=codes.shape)
    coarse.data[:] = 1
    return coarse


def _skills(seekers: Side, vacancies: Side) -> tuple[np.ndarray, np.ndarray]:
    """Seekers x vacancies: the share of the vacancy's skills covered, and how many are covered."""
    covered = (seekers.skills @ vacancies.skills.T).toarray().astype(np.float32)
    required = np.asarray(vacancies.skills.sum(axis=1)).ravel().astype(np.float32)
    share = np.where(required > 0, covered / np.maximum(required, 1), np.float32(0.5))
    return share.astype(np.float32), covered


def _education(seekers: Side, vacancies: Side) -> np.ndarray:
    have = seekers.education[:, None]
    need = vacancies.education[None, :]
    score = np.where(have >= need, 1.0, np.where(have == need - 1, 0.5, 0.0))
    return np.where((need < 0), 1.0, np.where(have < 0, 0.5, score)).astype(np.float32)


def _place(seekers: Side, vacancies: Side) -> tuple[np.ndarray, np.ndarray]:
    """Seekers x vacancies: the place score, and the distance in km (NaN where unknown)."""
    distance = km_matrix(seekers.lat, seekers.lon, vacancies.lat, vacancies.lon).astype(np.float32)
    score = np.clip(1 - distance / PLACE_KM, 0, 1)
    score = np.where(np.isnan(distance), 0.0, score)
    same_region = (seekers.region[:, None] == vacancies.region[None, :]) & (seekers.region[:, None] >= 0)
    score = np.where(same_region, np.maximum(score, SAME_REGION), score)
    same = (seekers.municipality[:, None] == vacancies.municipality[None, :]) & (seekers.municipality[:, None] >= 0)
    columns = np.clip(vacancies.municipality, 0, seekers.preferred.shape[1] - 1)
    preferred = seekers.preferred[:, columns].toarray() > 0
    preferred &= (vacancies.municipality >= 0)[None, :]
    score = np.where(same | preferred, 1.0, score)
    return score.astype(np.float32), distance


def _pattern(seekers: Side, vacancies: Side) -> np.ndarray:
    s, v = seekers.pattern[:, None], vacancies.pattern[None, :]
    return np.where((s < 0) | (v < 0) | (s == v), 1.0, 0.3).astype(np.float32)


def _wage(seekers: Side, vacancies: Side) -> np.ndarray:
    expected, offered = seekers.wage[:, None], vacancies.wage[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.clip(offered / expected, 0, 1)
    return np.where(np.isnan(ratio), 1.0, ratio).astype(np.float32)


def _languages(seekers: Side, vacancies: Side) -> np.ndarray:
    asked = vacancies.languages[None, :]
    spoken = seekers.languages[:, None] & asked
    n_asked = np.bitwise_count(asked)
    share = np.bitwise_count(spoken) / np.maximum(n_asked, 1)
    return np.where(n_asked == 0, 1.0, share).astype(np.float32)


def _access(seekers: Side, vacancies: Side) -> np.ndarray:
    return np.where(seekers.access[:, None] & ~vacancies.access[None, :], 0.0, 1.0).astype(np.float32)


def _text(seekers: Side, vacancies: Side) -> np.ndarray:
    return np.clip(seekers.text @ vacancies.text.T, 0, 1).astype(np.float32)


@dataclass
class Scores:
    """Seekers x vacancies: the total and each signal, with the counts and distances the reasons quote."""

    total: np.ndarray
    parts: dict[str, np.ndarray]
    skills_covered: np.ndarray
    km: np.ndarray


def score(seekers: Side, vacancies: Side, weights: dict[str, float] | None = None) -> Scores:
    """Every seeker of `seekers` against every vacancy of `vacancies` (keep one side small: a block)."""
    weights = weights or WEIGHTS
    skills, covered = _skills(seekers, vacancies)
    place, distance = _place(seekers, vacancies)
    parts = {"occupation": _occupation(seekers, vacancies), "skills": skills,
             "education": _education(seekers, vacancies), "place": place, "pattern": _pattern(seekers, vacancies),
             "wage": _wage(seekers, vacancies), "languages": _languages(seekers, vacancies),
             "access": _access(seekers, vacancies), "text": _text(seekers, vacancies)}
    total = np.zeros((len(seekers), len(vacancies)), dtype=np.float32)
    for name, part in parts.items():
        total += np.float32(weights.get(name, 0.0)) * part
    total /= np.float32(sum(weights.values()))
    return Scores(total, parts, covered, distance)


def top(values: np.ndarray, k: int) -> np.ndarray:
    """Indices of the k highest values of a row, highest first (ties by index)."""
    k = min(k, len(values))
    if k <= 0:
        return np.array([], dtype=np.int64)
    chosen = np.argpartition(-values, k - 1)[:k]
    return chosen[np.lexsort((chosen, -values[chosen]))]
