"""The API's request and response shapes: registry, territory, job seekers and training here; casework, employers
and vacancies in `casework`; imports and linkage in `data`."""

from __future__ import annotations

import datetime as dt

from django.db import models
from ninja import Field, Schema

from sakme.employment.models import WorkHistoryEntry


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
    personal_number_masked: str | None = Field(description="••••••••123: the whole number only through the reveal")
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
    personal_number_masked: str | None
    given_name: str
    family_name: str
    birth_date: dt.date | None
    file_name: str
    row: int


class RevealIn(Schema):
    reason: str = Field(min_length=1, max_length=200, description="why the whole number is needed; it is logged")


class RevealOut(Schema):
    personal_number: str


class EmergencyAccessIn(Schema):
    personal_number: str = Field(max_length=20, description="the whole number, 11 digits")
    reason: str = Field(max_length=200, description="why the record is needed; logged and shown to the unit head")


class EmergencyAccessOut(Schema):
    id: int
    person_id: int
    user: str
    unit: str | None
    reason: str
    opened_at: dt.datetime
    until: dt.datetime


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


class SearchHitOut(PersonSummary):
    close_edits: int | None = Field(description="a close spelling: how many letters differ from the name typed "
                                                "(a swap of two neighbours is one); null for an exact spelling")


class SearchUnderstoodOut(Schema):
    name: str = Field(description="the words taken for the name")
    birth_date: dt.date | None
    birth_year: int | None
    municipality: str | None = Field(description="the municipality's code")
    sex: str
    not_understood: list[str] = Field(description="words with digits that are neither a year nor a date")


class SearchOut(Schema):
    fuzzy: bool = Field(description="some persons found are close spellings, not the name typed")
    whole_number_needed: bool = Field(description="digits typed, but not all 11: numbers are found whole only")
    understood: SearchUnderstoodOut
    persons: list[SearchHitOut] = Field(description="exact spellings first, then close ones")


class OccupationOut(Schema):
    code: str
    title_ka: str
    title_en: str


class WorkHistoryOut(Schema):
    id: int
    occupation: str
    job_title: str
    employer_name: str
    started_on: dt.date | None
    ended_on: dt.date | None
    version: int


class JobSeekerOut(Schema):
    id: int
    person_id: int
    name: str
    unit: str
    registered_on: dt.date
    education: str
    occupations_sought: list[str]
    occupations_held: list[str]
    skills: str
    languages: str
    driving_licence: list[str]
    availability: str
    preferred_municipalities: list[str]
    disability_status: str
    accommodations: str
    consent_data_processing_on: dt.date | None
    consent_share_with_employers_on: dt.date | None
    version: int
    work_history: list[WorkHistoryOut]


class JobSeekerPatch(Schema):
    """Only the fields given change; `expected_version` is the version the client read (409 if stale)."""

    expected_version: int
    registered_on: dt.date | None = None
    education: str | None = None
    occupations_sought: list[str] | None = None
    occupations_held: list[str] | None = None
    skills: str | None = None
    languages: str | None = None
    driving_licence: list[str] | None = None
    availability: str | None = None
    preferred_municipalities: list[str] | None = None
    accommodations: str | None = None
    consent_data_processing_on: dt.date | None = None
    consent_share_with_employers_on: dt.date | None = None


def column_length(model: type[models.Model], name: str) -> int | None:
    """The length a model's text column holds: the one rule, read by the schema rather than copied into it."""
    return getattr(model._meta.get_field(name), "max_length", None)


class WorkHistoryIn(Schema):
    occupation: str
    job_title: str = Field("", max_length=column_length(WorkHistoryEntry, "job_title"))
    employer_name: str = Field("", max_length=column_length(WorkHistoryEntry, "employer_name"))
    started_on: dt.date | None = None
    ended_on: dt.date | None = None


class WorkHistoryChange(WorkHistoryIn):
    expected_version: int


class IntakeOut(Schema):
    starts_on: dt.date
    applications_close_on: dt.date
    places: int
    taken: int
    left: int
    accepts_referrals: bool


class ProgrammeOut(Schema):
    id: int
    title: str
    occupation: str
    occupation_title_ka: str
    occupation_title_en: str
    provider: str
    provider_municipality: str
    duration_weeks: int
    capacity: int
    is_active: bool
    next_intake: IntakeOut | None


class ProgrammeDetail(ProgrammeOut):
    description: str
    provider_address: str
    provider_phone: str
    provider_email: str
    intakes: list[IntakeOut]
    waiting_for_an_intake: int

