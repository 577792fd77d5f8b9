"""Schemas of the social-assistance API: applications, their steps and scores, the late list and the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from ninja import Schema


class ApplicationIn(Schema):
    person_id: int
    declaration: dict[str, Any]
    declared_on: dt.date | None = None
    channel: str = "unit"


class StepIn(Schema):
    """One step of the workflow; each action reads what it needs (schedule_visit: visit_on, agent_id; record_visit:
    answers; refuse: reason; appeal: note)."""

    expected_version: int
    on: dt.date | None = None
    visit_on: dt.date | None = None
    agent_id: int | None = None
    answers: dict[str, Any] = {}
    reason: str = ""
    note: str = ""


class LineOut(Schema):
    kind: str
    label: str
    answer: str
    weight: str
    points: str


class ScoreOut(Schema):
    value: int
    formula_version: int
    visited_on: dt.date
    lines: list[LineOut]


class StepOut(Schema):
    action: str
    from_state: str
    to_state: str
    on: dt.date
    by: str | None
    note: str


class DueOut(Schema):
    clock: str
    since: dt.date
    due: dt.date
    late_days: int


class ApplicationOut(Schema):
    id: int
    unit: str
    household_id: int
    applicant_id: int
    applicant_name: str
    state: str
    state_since: dt.date
    declared_on: dt.date
    visit_on: dt.date | None
    visited_on: dt.date | None
    decided_on: dt.date | None
    amount_gel: Decimal | None
    refusal_reason: str
    first_paid_on: dt.date | None
    appealed_on: dt.date | None
    version: int
    due: DueOut | None
    allowed_actions: list[str]


class ApplicationDetail(ApplicationOut):
    declaration: dict[str, Any]
    answers: dict[str, Any]
    score: ScoreOut | None
    steps: list[StepOut]
    keeps_status_until: dt.date | None


class ApplicationListQuery(Schema):
    state: str = ""
    after: str = ""


class LateQuery(Schema):
    unit: str = ""


class FormulaOut(Schema):
    version: int
    valid_from: dt.date
    title: str
    illustrative: bool
    intercept: int
    variables: list[dict[str, Any]]
    region_coefficients: dict[str, str]
    members: list[str]
    children: str


class BenefitRulesOut(Schema):
    valid_from: dt.date
    bands: list[dict[str, Any]]
    child_score_below: int
    child_gel: Decimal
    keeps_status_years: int
    keeps_status_score_below: int | None
    illustrative: bool
