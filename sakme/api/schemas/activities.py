"""Shapes of the activities API: a year's staff allocations, trainings, working meetings and orders with their
manuals, and recording them. A correction carries `expected_version`, the version the client read (409
`concurrent_edit` when someone changed it since); a manual's version is its order's."""

from __future__ import annotations

import datetime as dt

from ninja import Field, Schema


class StaffAllocationIn(Schema):
    unit: str = Field(min_length=1, max_length=16, description="The territorial unit's code")
    date: dt.date = Field(description="From when the unit has these staff units")
    staff_units: int = Field(description="Staff units on the employment component, 0 to 500")
    reason_ka: str = Field("", max_length=2000)
    reason_en: str = Field("", max_length=2000)


class StaffAllocationChange(StaffAllocationIn):
    expected_version: int


class StaffAllocationOut(Schema):
    id: int
    unit: str
    unit_name_ka: str
    unit_name_en: str
    region: str
    date: dt.date
    staff_units: int
    reason_ka: str
    reason_en: str
    version: int


class TrainingFields(Schema):
    kind: str = Field(description="`training` or `working_meeting`")
    date: dt.date
    days: int = Field(1, description="1 to 30")
    title_ka: str = Field(max_length=300)
    title_en: str = Field(max_length=300)


class TrainingIn(TrainingFields):
    attendees: list[int] = Field([], description="Ids of staff users with a post (none while it is only planned)")


class TrainingChange(TrainingFields):
    attendees: list[int] | None = Field(None, description="Who attended; left out, they stay as recorded")
    expected_version: int


class AttendeeOut(Schema):
    id: int
    name: str
    units: list[str] = Field(description="Codes of the units they are posted to (or of the region)")


class TrainingOut(Schema):
    id: int
    kind: str
    date: dt.date
    days: int
    title_ka: str
    title_en: str
    attendees: list[AttendeeOut]
    version: int


class ManualIn(Schema):
    kind: str = Field(description="`job_seekers`, `employers`, `group_sessions` or `other`")
    title_ka: str = Field(max_length=300)
    title_en: str = Field(max_length=300)


class ManualAdd(ManualIn):
    expected_version: int = Field(description="The order's version")


class ManualOut(Schema):
    id: int
    order_id: int
    kind: str
    title_ka: str
    title_en: str


class OrderIn(Schema):
    number: str = Field(max_length=40, description="As printed on the order, e.g. N04-2412/ო")
    date: dt.date
    title_ka: str = Field(max_length=300)
    title_en: str = Field(max_length=300)
    manuals: list[ManualIn] = Field(max_length=10, description="The manuals the order approves, at least one")


class OrderChange(Schema):
    number: str = Field(max_length=40)
    date: dt.date
    title_ka: str = Field(max_length=300)
    title_en: str = Field(max_length=300)
    expected_version: int


class OrderOut(Schema):
    id: int
    number: str
    date: dt.date
    title_ka: str
    title_en: str
    manuals: list[ManualOut]
    version: int


class ActivitiesOut(Schema):
    year: int
    staff_allocations: list[StaffAllocationOut]
    trainings: list[TrainingOut]
    working_meetings: list[TrainingOut]
    orders: list[OrderOut]


class YearQuery(Schema):
    year: int | None = Field(None, ge=2000, le=9998, description="This year when left out")
