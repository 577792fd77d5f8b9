from __future__ import annotations

import datetime as dt
from typing import Any

from ninja import Field, Schema


class DefinitionOut(Schema):
    code: str
    name_ka: str
    name_en: str
    description_ka: str
    description_en: str
    goal_ka: str
    goal_en: str
    aim_ka: str
    aim_en: str
    unit_of_measure: str = Field(description="percent | count | ratio | working_days")
    direction: str = Field(description="increase | decrease: which way is better")
    baseline: float | None
    baseline_year: int | None
    target: float | None
    target_year: int | None
    measure: str
    parameters: dict[str, Any]


class IndicatorRunOut(Schema):
    id: int
    year_from: int
    year_to: int
    as_of: dt.date
    status: str
    values_count: int
    finished_at: dt.datetime | None
    seconds: float | None


class ValueOut(Schema):
    level: str = Field(description="country | region | unit")
    region: str | None = Field(description="the region's code")
    unit: str | None = Field(description="the unit's code")
    year: int
    month: int | None = Field(description="blank for the whole year")
    numerator: float | None
    denominator: float | None
    value: float | None
    text: str = Field(description="as the pages write it: numerator/denominator (percent), a count, or a value")
    target_met: bool | None


class ValuesOut(Schema):
    indicator: str
    run: IndicatorRunOut
    values: list[ValueOut]


class RecordsOut(Schema):
    indicator: str
    columns: list[str]
    rows: list[list[Any]]
    total: int
    page: int
    pages: int


class ComputeIn(Schema):
    year: int | None = Field(None, description="only this year; every year since the baseline when left out")


class ReportIn(Schema):
    year: int
    language: str = Field(max_length=2, description="ka | en")
    format: str = Field(max_length=4, description="docx | pdf")


class ReportOut(Schema):
    id: int
    year: int
    language: str
    format: str
    status: str
    progress: int
    error: str
    created_at: dt.datetime
    finished_at: dt.datetime | None
