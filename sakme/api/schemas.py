from __future__ import annotations

import datetime as dt

from ninja import Schema


class UnitOut(Schema):
    id: int
    code: str
    name_ka: str
    name_en: str
    kind: str
    region: str
    model_since: dt.date | None = None


class PersonSummary(Schema):
    id: int
    personal_number: str | None
    given_name_ka: str
    family_name_ka: str
    given_name_lat: str
    family_name_lat: str
    birth_date: dt.date | None
    sex: str
    municipality: str | None
    unit: str | None


class SourceRecordOut(Schema):
    source: str
    key: str
    personal_number: str
    given_name: str
    family_name: str
    birth_date: dt.date | None
    file_name: str
    row: int


class EnrolmentOut(Schema):
    assessment_date: dt.date
    rating_score: int
    status: str


class MemberOut(Schema):
    person_id: int
    relation: str
    given_name_lat: str
    family_name_lat: str
    birth_date: dt.date | None


class HouseholdOut(Schema):
    id: int
    key: str
    source: str
    unit: str | None
    members: list[MemberOut]
    enrolments: list[EnrolmentOut]


class PersonDetail(PersonSummary):
    address: str
    phone: str
    disability_status: str
    household_id: int | None
    relation_to_head: str | None
    source_records: list[SourceRecordOut]


class SearchOut(Schema):
    fuzzy: bool
    persons: list[PersonSummary]


class ErrorOut(Schema):
    detail: str


class CaseOut(Schema):
    id: int
    person_id: int
    job_seeker_name: str
    unit: str
    state: str
    outcome: str
    version: int
    opened_on: dt.date
    state_since: dt.date
    allowed_actions: list[str]


class TransitionIn(Schema):
    action: str
    expected_version: int
    outcome: str = ""
    note: str = ""


class SessionIn(Schema):
    held_on: dt.date
    kind: str = "counselling"
    notes: str = ""


class RegisterIn(Schema):
    person_id: int
    registered_on: dt.date
    education: str = ""
    occupations: list[str] = []
    consent_share_with_employers: bool = False


class VacancyOut(Schema):
    id: int
    title: str
    employer: str
    occupation: str
    municipality: str
    positions: int
    wage_gel: float | None
    status: str
    opened_on: dt.date
