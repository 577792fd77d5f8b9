"""Shapes of suggestions: a vacancy for a job seeker, a job seeker for a vacancy, each with its reasons (a code and
its values for machines, the words in the caller's language for people)."""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema


class ReasonOut(Schema):
    code: str = Field(description="e.g. occupation_unit, skills, skills_missing, place_km, education_fits")
    params: dict[str, Any]
    good: bool = Field(description="whether the reason speaks for the match")
    text: str = Field(description="the reason in words, in the language asked for")


class VacancySuggestionOut(Schema):
    vacancy_id: int
    title: str
    employer: str
    municipality: str
    score: float = Field(description="0 to 1: the weighted signals (sakme/matching/engine.py)")
    reasons: list[ReasonOut]


class CandidateSuggestionOut(Schema):
    case_id: int
    job_seeker_id: int
    person_id: int
    name: str
    score: float
    reasons: list[ReasonOut]
