"""Why a vacancy suits a job seeker (or not quite), in words: each reason a code and its values, put in the reader's
language when shown ("same occupation 7411 · 3 of 4 skills · 12 km")."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from sakme.matching.engine import OCCUPATION_LEVELS, Scores, Side

MISSING_SHOWN = 3
TEXT_SIMILAR = 0.5


@dataclass(frozen=True)
class Reason:
    """One reason: `code` names it, `params` fill its words, `good` says whether it speaks for the match."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    good: bool = True

    @property
    def text(self) -> str:
        if self.code == "skills":
            return ngettext("%(covered)s of %(required)s skill", "%(covered)s of %(required)s skills",
                            self.params["required"]) % self.params
        return str(WORDS[self.code]) % self.params


WORDS = {
    "occupation_unit": _("same occupation %(code)s"),
    "occupation_minor": _("related occupation (group %(code)s)"),
    "occupation_submajor": _("same field (group %(code)s)"),
    "occupation_major": _("same broad group (%(code)s)"),
    "occupation_none": _("another occupation"),
    "skills_missing": _("missing: %(skills)s"),
    "education_fits": _("education fits"),
    "education_one_below": _("education one level below the one asked"),
    "education_below": _("education below the one asked"),
    "place_same": _("same municipality"),
    "place_preferred": _("a municipality they prefer"),
    "place_km": _("%(km)s km away"),
    "place_region": _("same region"),
    "place_unknown": _("place of one of them not known"),
    "pattern_other": _("another work pattern"),
    "wage_below": _("wage below what they expect"),
    "access_missing": _("needs accommodations the vacancy does not offer"),
    "text_similar": _("similar description"),
}
_LEVEL_CODES = ("occupation_unit", "occupation_minor", "occupation_submajor", "occupation_major")


def reasons(scores: Scores, i: int, j: int, seekers: Side, vacancies: Side, skills: list[str]) -> list[Reason]:
    """The reasons of the pair (seeker row i, vacancy row j) of `scores`, the strongest first."""
    out: list[Reason] = []
    credit = float(scores.parts["occupation"][i, j])
    vacancy_code = int(vacancies.occupations[j].indices[0]) if vacancies.occupations[j].nnz else None
    if credit > 0 and vacancy_code is not None:
        level = next(n for n, (_d, c) in enumerate(OCCUPATION_LEVELS) if math.isclose(c, credit, rel_tol=1e-4))
        digits = 4 - level
        out.append(Reason(_LEVEL_CODES[level], {"code": f"{vacancy_code:04d}"[:digits]}))
    else:
        out.append(Reason("occupation_none", good=False))
    required = vacancies.skills[j].indices
    if len(required):
        have = set(seekers.skills[i].indices)
        covered = [s for s in required if s in have]
        out.append(Reason("skills", {"covered": len(covered), "required": len(required)},
                          good=len(covered) * 2 >= len(required)))
        missing = [skills[s] for s in required if s not in have]
        if missing:
            shown = ", ".join(missing[:MISSING_SHOWN]) + ("…" if len(missing) > MISSING_SHOWN else "")
            out.append(Reason("skills_missing", {"skills": shown}, good=False))
    out.append(_place(scores, i, j, seekers, vacancies))
    education = float(scores.parts["education"][i, j])
    if vacancies.education[j] >= 0 and seekers.education[i] >= 0:
        out.append(Reason("education_fits") if education >= 1 else
                   Reason("education_one_below", good=False) if education >= 0.5 else
                   Reason("education_below", good=False))
    if scores.parts["pattern"][i, j] < 1:
        out.append(Reason("pattern_other", good=False))
    if scores.parts["wage"][i, j] < 1:
        out.append(Reason("wage_below", good=False))
    if scores.parts["access"][i, j] < 1:
        out.append(Reason("access_missing", good=False))
    if scores.parts["text"][i, j] >= TEXT_SIMILAR:
        out.append(Reason("text_similar"))
    return out


def _place(scores: Scores, i: int, j: int, seekers: Side, vacancies: Side) -> Reason:
    if seekers.municipality[i] >= 0 and seekers.municipality[i] == vacancies.municipality[j]:
        return Reason("place_same")
    if vacancies.municipality[j] >= 0 and seekers.preferred[i, int(vacancies.municipality[j])]:
        return Reason("place_preferred")
    distance = float(scores.km[i, j])
    if not np.isnan(distance):
        return Reason("place_km", {"km": round(distance)}, good=float(scores.parts["place"][i, j]) > 0)
    same_region = seekers.region[i] >= 0 and seekers.region[i] == vacancies.region[j]
    return Reason("place_region") if same_region else Reason("place_unknown", good=False)
