"""Shapes of the casework API: cases and what is recorded on them, group sessions, employers, vacancies and
their shortlists. Writes of a record that can be overwritten carry `expected_version`, the version the client
read (409 `concurrent_edit` when someone changed it since); reads return `version` and an `ETag`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Generic, TypeVar

from ninja import Field, Schema

from sakme.employment.models import MAX_POSITIONS

T = TypeVar("T")


class Page(Schema, Generic[T]):
    """One page of a list: `next` is the cursor of the following page (pass it as `after`), null on the last."""

    items: list[T]
    next: str | None


class CaseOut(Schema):
    id: int
    person_id: int
    job_seeker_id: int
    job_seeker_name: str
    unit: str
    state: str
    outcome: str
    version: int
    counsellor_id: int | None
    opened_on: dt.date
    state_since: dt.date
    allowed_actions: list[str]
    open_activities: list[str]


class PlanActionOut(Schema):
    id: int
    description: str
    due_on: dt.date
    responsible: str
    done_on: dt.date | None


class PlanOut(Schema):
    id: int
    number: int
    goals: str
    agreed_on: dt.date | None
    written_on: dt.date
    actions: list[PlanActionOut]


class SessionOut(Schema):
    id: int
    kind: str
    held_on: dt.date
    notes: str


class ReferralOut(Schema):
    id: int
    case_id: int
    kind: str
    status: str
    referred_on: dt.date
    vacancy_id: int | None
    programme_id: int | None
    service: str
    consent_on: dt.date | None
    sent_on: dt.date | None
    outcome_on: dt.date | None
    version: int


class PlacementOut(Schema):
    id: int
    employer_id: int
    vacancy_id: int | None
    started_on: dt.date
    wage_gel: Decimal | None
    contract: str


class FollowUpOut(Schema):
    id: int
    months: int
    due_on: dt.date
    done_on: dt.date | None
    still_in_work_or_training: bool | None
    notes: str
    version: int


class CaseDetail(CaseOut):
    plan: PlanOut | None
    sessions: list[SessionOut]
    referrals: list[ReferralOut]
    placements: list[PlacementOut]
    follow_ups: list[FollowUpOut]
    transferred_from_id: int | None


class TransitionIn(Schema):
    action: str
    expected_version: int
    outcome: str = ""
    note: str = Field("", max_length=500)


class SessionIn(Schema):
    held_on: dt.date
    kind: str = "counselling"
    notes: str = ""


class RegisterIn(Schema):
    person_id: int
    registered_on: dt.date
    education: str = ""
    occupations: list[str] = []
    skills: str = ""
    languages: str = Field("", max_length=200)
    driving_licence: str = Field("", max_length=20)
    availability: str = "full_time"
    accommodations: str = ""
    consent_share_with_employers: bool = False


class AssignIn(Schema):
    counsellor_id: int = Field(description="A counsellor posted to the case's unit")
    expected_version: int


class TransferIn(Schema):
    to_unit: str = Field(description="The receiving unit's code")
    reason: str = Field(max_length=500)
    expected_version: int


class TransferOut(Schema):
    case: CaseOut
    new_case_id: int
    to_unit: str


class PlanActionIn(Schema):
    description: str = Field(max_length=300)
    due_on: dt.date
    responsible: str = "job_seeker"


class PlanIn(Schema):
    goals: str
    agreed_on: dt.date | None = None
    actions: list[PlanActionIn] = []
    expected_version: int = Field(description="The case's version the client read")


class PlanActionDoneIn(Schema):
    done_on: dt.date | None = Field(description="The day it was done; null to untick it")
    expected_version: int = Field(description="The case's version the client read")


class ReferralIn(Schema):
    kind: str
    referred_on: dt.date
    vacancy_id: int | None = None
    programme_id: int | None = None
    service: str = Field("", max_length=200)
    consent: bool = False


class ReferralDecisionIn(Schema):
    status: str = Field(description="accepted, not_accepted or no_show")
    decided_on: dt.date | None = None
    expected_version: int


class PlacementIn(Schema):
    started_on: dt.date
    vacancy_id: int | None = None
    employer_id: int | None = Field(None, description="For a job found without a vacancy of the unit")
    wage_gel: Decimal | None = Field(None, max_digits=9, decimal_places=2, ge=0)
    contract: str = "permanent"


class FollowUpIn(Schema):
    done_on: dt.date
    still_in_work_or_training: bool
    notes: str = Field("", max_length=500)
    expected_version: int


class ParticipantOut(Schema):
    case_id: int
    job_seeker_name: str
    attended: bool


class GroupSessionOut(Schema):
    id: int
    unit: str
    topic: str
    held_on: dt.date
    invited: int
    attended: int
    version: int


class GroupSessionDetail(GroupSessionOut):
    participants: list[ParticipantOut]


class GroupSessionIn(Schema):
    topic: str = Field(max_length=300)
    held_on: dt.date
    unit: str | None = Field(None, description="The unit's code; the caller's own unit when left out")
    invited: list[int] = Field(description="Case ids of the unit")
    attended: list[int] = []


class AttendanceIn(Schema):
    attended: list[int]
    expected_version: int


class EmployerOut(Schema):
    id: int
    tax_id: str
    name: str
    unit: str
    sector: str
    address: str
    contact_name: str
    contact_phone: str
    contact_email: str
    version: int


class EmployerIn(Schema):
    tax_id: str = Field(pattern=r"^\d{9}(\d{2})?$", description="9 digits (11 for a person)")
    name: str = Field(min_length=1, max_length=300)
    unit: str | None = Field(None, description="The unit's code; the caller's own unit when left out")
    sector: str = Field("", max_length=1)
    address: str = Field("", max_length=300)
    contact_name: str = Field("", max_length=200)
    contact_phone: str = Field("", max_length=20)
    contact_email: str = Field("", max_length=254)


class VacancyOut(Schema):
    id: int
    title: str
    employer_id: int
    employer: str
    occupation: str
    municipality: str
    positions: int
    wage_gel: float | None
    status: str
    opened_on: dt.date
    closes_on: dt.date | None
    version: int


class VacancyIn(Schema):
    occupation: str = Field(description="ISCO-08 unit group, 4 digits")
    title: str = Field(min_length=1, max_length=200)
    municipality: str = Field(description="Municipality code of the place of work")
    opened_on: dt.date
    closes_on: dt.date | None = None
    positions: int = Field(1, ge=1, le=MAX_POSITIONS)
    wage_gel: Decimal | None = Field(None, max_digits=9, decimal_places=2, ge=0)
    required_education: str = Field("", max_length=1)
    required_skills: str = ""
    description: str = ""


class CandidateOut(Schema):
    referral_id: int
    case_id: int
    job_seeker_name: str
    consent_on: dt.date | None
    sent_on: dt.date | None
    status: str
    version: int


class VacancyDetail(VacancyOut):
    shortlist: list[CandidateOut]


class CandidateIn(Schema):
    case_id: int


class CandidateDecisionIn(Schema):
    status: str = Field(description="accepted, not_accepted or no_show")
    expected_version: int


class AdaptationOut(Schema):
    id: int
    description: str
    status: str
    version: int


class CoachingOut(Schema):
    id: int
    kind: str
    held_on: dt.date
    hours: Decimal
    notes: str


class PathwayOut(Schema):
    case_id: int
    job_coach_id: int | None
    started_on: dt.date
    needs: str
    version: int
    adaptations: list[AdaptationOut]
    contacts: list[CoachingOut]


class PathwayIn(Schema):
    job_coach_id: int | None = Field(None, description="A counsellor of the case's unit")
    needs: str = ""
    expected_version: int = Field(description="Starting: the case's version; changing: the pathway's")


class AdaptationIn(Schema):
    description: str = Field("", max_length=300)
    status: str = "proposed"


class AdaptationChangeIn(Schema):
    status: str = Field(description="proposed, agreed, in_place or not_possible")
    expected_version: int


class CoachingIn(Schema):
    kind: str = Field(description="preparation, on_the_job or after_placement")
    held_on: dt.date
    hours: Decimal = Field(max_digits=4, decimal_places=1, ge=Decimal("0.5"), le=Decimal("12"))
    notes: str = ""
