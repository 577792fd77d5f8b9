"""Shapes of the surveys API: the questionnaires (versions), a response typed in from paper, the results of a period
(figures only) with the comments for who may read them, and the service events still waiting for their survey."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class ChoiceOut(Schema):
    code: str
    text_ka: str
    text_en: str


class QuestionOut(Schema):
    code: str
    kind: str = Field(description="`scale_1_5`, `yes_no` or `choice`")
    text_ka: str
    text_en: str
    optional: bool = False
    choices: list[ChoiceOut] = []


class SurveyVersionOut(Schema):
    id: int
    code: str
    version: int
    service: str = Field(description="`counselling_session`, `placement` or `assistance_decision`")
    valid_from: dt.date
    title_ka: str
    title_en: str
    questions: list[QuestionOut]


class ResponseIn(Schema):
    service: str = Field(description="The kind of event: `counselling_session`, `placement` or `assistance_decision`")
    event_id: int = Field(description="The session's, placement's or application's id")
    answered_on: dt.date = Field(description="The day the person answered (from the event's day to today)")
    answers: dict[str, Any] = Field(description="By question code: a rating 1–5, true/false, or a choice's code")
    consent_to_comment: bool = False
    comment: str = Field("", description="Kept only when the person agreed (`consent_to_comment`)")


class ResponseOut(Schema):
    id: int
    service: str
    event_id: int
    unit: str
    survey: str = Field(description="The version answered to, as `code vN`")
    answered_on: dt.date
    channel: str
    answers: dict[str, Any]
    consent_to_comment: bool
    comment: str


class ResultsQuery(Schema):
    year: int
    month: int | None = None
    unit: str | None = Field(None, description="A unit's code; all the caller's units when left out")
    service: str | None = None


class QuestionFiguresOut(Schema):
    code: str
    kind: str
    text: str
    answers: int
    mean: float | None = Field(description="The mean rating (scale questions)")
    yes_share: float | None = Field(description="The share of yes, 0 to 1 (yes/no questions)")
    choices: dict[str, int] = Field(description="How many chose each choice (choice questions)")


class FiguresOut(Schema):
    unit: str | None = Field(description="The unit's code; null for the total over the units shown")
    service: str
    answers: int
    few: bool = Field(description="Fewer than `few_below` answers: read with care")
    questions: list[QuestionFiguresOut]


class CommentOut(Schema):
    answered_on: dt.date
    unit: str
    service: str
    comment: str


class ResultsOut(Schema):
    year: int
    month: int | None
    unit: str | None
    service: str | None
    few_below: int
    rows: list[FiguresOut]
    totals: list[FiguresOut]
    comments: list[CommentOut] | None = Field(description="For those who read comments (no names); null otherwise")


class PendingQuery(Schema):
    service: str | None = None


class PendingEventOut(Schema):
    service: str
    event_id: int
    on: dt.date
    unit: str
    person_id: int
    person_name: str
    case_id: int | None
    application_id: int | None
    detail: str


class PendingOut(Schema):
    since: dt.date
    total: int
    items: list[PendingEventOut]
