"""The records behind a figure: what a measure counted for one period, in the units the reader may see.

Unit heads and coordinators read their units' cases by name; analysts, who see no names, read a pseudonym per
person. Every person listed is logged as read.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Min, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.assistance.models import Application
from sakme.assistance.workflow import DELAYS, delay_deadline
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.casework.clocks import deadlines
from sakme.casework.models import Case, FollowUp, GroupParticipant, GroupSession, Placement, Referral, State
from sakme.common.errors import NotFound
from sakme.employment.models import Vacancy
from sakme.geo.access import require, unit_scope_for_user
from sakme.geo.models import StaffPost, TerritorialUnit, Training
from sakme.geo.selectors import units_with_model_on
from sakme.indicators.dashboards import Where, where_for_user
from sakme.indicators.measures.assistance import applications_on_clock
from sakme.indicators.models import Definition
from sakme.registry.models import EnrolmentStatus, Person
from sakme.registry.personal_numbers import pseudonym
from sakme.surveys.models import Response

PER_PAGE = 100


@dataclass(frozen=True)
class Period:
    year: int
    month: int | None

    @property
    def first(self) -> dt.date:
        return dt.date(self.year, self.month or 1, 1)

    @property
    def last(self) -> dt.date:
        month = self.month or 12
        return min(dt.date(self.year, month, calendar.monthrange(self.year, month)[1]), timezone.localdate())


@dataclass
class Records:
    where: Where
    columns: list[str]
    rows: list[list[Any]]
    total: int
    page: int
    pages: int


Within = Callable[[str], Q]  # the reader's units, as a filter through a given unit field


@dataclass(frozen=True)
class Listing:
    """What one measure lists: the rows of the period in some units, their columns, and each row's cells."""

    columns: Callable[[], list[str]]
    rows: Callable[[Period, Within, dict[str, Any]], QuerySet[Any]]
    cells: Callable[[Any, Callable[[Any], str], dict[str, Any]], list[Any]]
    person: Callable[[Any], int | None] = lambda row: None


def _working_days(start: dt.date | None, stop: dt.date | None) -> int | None:
    if start is None or stop is None:
        return None
    return max(int(np.busday_count(start, stop)), 0)


def _case_person(case: Case) -> int:
    return case.job_seeker.person_id


def _clock_rows(period: Period, within: Within, params: dict[str, Any]) -> QuerySet[Any]:
    clock, inside = params["clock"], {"__range": (period.first, period.last)}
    if clock == "first_session":
        return (Case.objects.filter(within("unit_id"), transferred_from__isnull=True, **{f"opened_on{k}": v for k, v in
                                                                            inside.items()})
                .annotate(started=Min("opened_on"), stopped=Min("sessions__held_on"))
                .select_related("unit", "job_seeker__person").order_by("opened_on", "pk"))
    if clock == "plan":
        return (Case.objects.filter(within("unit_id"), transferred_from__isnull=True, **{f"opened_on{k}": v for k, v in
                                                                            inside.items()})
                .annotate(started=Min("opened_on"), stopped=Min("plans__agreed_on"))
                .select_related("unit", "job_seeker__person").order_by("opened_on", "pk"))
    if clock == "referral_outcome":
        return (Referral.objects.filter(within("case__unit_id"), referred_on__range=(period.first, period.last))
                .annotate(started=Min("referred_on"), stopped=Min("outcome_on"))
                .select_related("case__unit", "case__job_seeker__person").order_by("referred_on", "pk"))
    return (Vacancy.objects.filter(within("unit_id"), opened_on__range=(period.first, period.last))
            .annotate(started=Min("opened_on"), stopped=Min("referrals__sent_on"))
            .select_related("unit", "employer").order_by("opened_on", "pk"))


def _clock_cells(row: Any, name: Callable[[Any], str], params: dict[str, Any]) -> list[Any]:
    taken = _working_days(row.started, row.stopped)
    waiting = _working_days(row.started, timezone.localdate()) if row.stopped is None else None
    late = (taken if taken is not None else waiting or 0) > deadlines()[params["clock"]]
    if isinstance(row, Vacancy):
        who = f"{row.title} · {row.employer.name}"
        unit = row.unit
    else:
        case = row if isinstance(row, Case) else row.case
        who, unit = name(case), case.unit
    return [who, unit.code, row.started, row.stopped, taken, _("yes") if late else _("no")]


def _clock_person(row: Any) -> int | None:
    if isinstance(row, Vacancy):
        return None
    return _case_person(row if isinstance(row, Case) else row.case)


def _application_rows(period: Period, within: Within, params: dict[str, Any]) -> QuerySet[Application]:
    start, stop, _levels = DELAYS[params["step"]]
    return (applications_on_clock(params["step"]).filter(within("unit_id"), **{
        f"{start}__range": (period.first, period.last)}).annotate(started=Min(start), stopped=Min(stop))
        .select_related("unit", "applicant").order_by(start, "pk"))


def _application_cells(row: Application, name: Callable[[Any], str], params: dict[str, Any]) -> list[Any]:
    taken = _working_days(row.started, row.stopped)  # type: ignore[attr-defined]
    waiting = _working_days(row.started, timezone.localdate()) if row.stopped is None else None  # type: ignore
    late = (taken if taken is not None else waiting or 0) > delay_deadline(params["step"])
    return [name(row.applicant), row.unit.code, row.started, row.stopped, taken,  # type: ignore[attr-defined]
            _("yes") if late else _("no")]


def _beneficiaries(period: Period, within: Within, params: dict[str, Any]) -> QuerySet[Person]:
    """Working-age members of households in the programme at the period's end (as the linkage rate counts them)."""
    end = period.last
    youngest = dt.date(end.year - params["age_from"], end.month, min(end.day, 28))
    oldest = dt.date(end.year - params["age_to"] - 1, end.month, min(end.day, 28))
    return (Person.objects.filter(within("unit_id"), birth_date__lte=youngest, birth_date__gt=oldest,
                                  membership__household__enrolments__status=EnrolmentStatus.ACTIVE)
            .annotate(since=Min("membership__household__enrolments__assessment_date")).filter(since__lte=end)
            .select_related("unit", "job_seeker").order_by("pk"))


LISTINGS: dict[str, Listing] = {
    "units_on_model": Listing(
        columns=lambda: [_("Unit"), _("Name"), _("Region")],
        rows=lambda period, within, params: units_with_model_on(date=period.last).filter(within("pk"))
        .order_by("region__code", "code"),
        cells=lambda u, name, params: [u.code, u.name, u.region.name]),
    "delay": Listing(
        columns=lambda: [_("Person or vacancy"), _("Unit"), _("Started"), _("Stopped"), _("Working days"),
                         _("Past the service level")],
        rows=_clock_rows, cells=_clock_cells, person=_clock_person),
    "assistance_delay": Listing(
        columns=lambda: [_("Applicant"), _("Unit"), _("Started"), _("Stopped"), _("Working days"),
                         _("Past the service level")],
        rows=_application_rows, cells=_application_cells, person=lambda row: row.applicant_id),
    # Survey answers: the answer only (the day, the unit, the rating), never who gave it.
    "satisfaction": Listing(
        columns=lambda: [_("Answered on"), _("Unit"), _("Service"), _("Rating")],
        rows=lambda period, within, params: Response.objects.filter(
            within("unit_id"), answered_on__range=(period.first, period.last),
            **({"service": params["service"]} if params.get("service") else {}))
        .select_related("unit").order_by("answered_on", "pk"),
        cells=lambda r, name, params: [r.answered_on, r.unit.code, r.get_service_display(),
                                       r.answers.get(params.get("question", "overall"), "")]),
    "caseload_per_counsellor": Listing(
        columns=lambda: [_("Person"), _("Unit"), _("Counsellor"), _("Opened on"), _("State")],
        rows=lambda period, within, params: Case.objects.filter(
            within("unit_id"), counsellor__isnull=False, opened_on__lte=period.last).filter(
            Q(closed_on__isnull=True) | Q(closed_on__gt=period.last) | ~Q(state=State.CLOSED))
        .select_related("unit", "counsellor", "job_seeker__person").order_by("unit__code", "counsellor_id", "pk"),
        cells=lambda c, name, params: [name(c), c.unit.code, c.counsellor.get_full_name() or c.counsellor.username,
                                       c.opened_on, c.get_state_display()],
        person=_case_person),
    "placements": Listing(
        columns=lambda: [_("Person"), _("Unit"), _("Employer"), _("Start date")],
        rows=lambda period, within, params: Placement.objects.filter(
            within("case__unit_id"), started_on__range=(period.first, period.last))
        .select_related("case__unit", "case__job_seeker__person", "employer").order_by("started_on", "pk"),
        cells=lambda p, name, params: [name(p.case), p.case.unit.code, p.employer.name, p.started_on],
        person=lambda p: _case_person(p.case)),
    "follow_up_retention": Listing(
        columns=lambda: [_("Person"), _("Unit"), _("Due on"), _("Done on"),
                         _("Still employed or in training")],
        rows=lambda period, within, params: FollowUp.objects.filter(
            within("case__unit_id"), months=params["months"], done_on__isnull=False,
            still_in_work_or_training__isnull=False, due_on__range=(period.first, period.last))
        .select_related("case__unit", "case__job_seeker__person").order_by("due_on", "pk"),
        cells=lambda f, name, params: [name(f.case), f.case.unit.code, f.due_on, f.done_on,
                                       _("yes") if f.still_in_work_or_training else _("no")],
        person=lambda f: _case_person(f.case)),
    "group_sessions": Listing(
        columns=lambda: [_("Unit"), _("Date"), _("Topic")],
        rows=lambda period, within, params: GroupSession.objects.filter(
            within("unit_id"), held_on__range=(period.first, period.last))
        .select_related("unit").order_by("held_on", "pk"),
        cells=lambda s, name, params: [s.unit.code, s.held_on, s.topic]),
    "group_attendance": Listing(
        columns=lambda: [_("Person"), _("Unit"), _("Date"), _("Attended")],
        rows=lambda period, within, params: GroupParticipant.objects.filter(
            within("session__unit_id"), session__held_on__range=(period.first, period.last))
        .select_related("session__unit", "case__job_seeker__person").order_by("session__held_on", "pk"),
        cells=lambda p, name, params: [name(p.case), p.session.unit.code, p.session.held_on,
                                       _("yes") if p.attended else _("no")],
        person=lambda p: _case_person(p.case)),
    "training_referrals": Listing(
        columns=lambda: [_("Person"), _("Unit"), _("Programme"), _("Referred on"), _("Status")],
        rows=lambda period, within, params: Referral.objects.filter(
            within("case__unit_id"), kind=Referral.Kind.TRAINING,
            referred_on__range=(period.first, period.last))
        .select_related("case__unit", "case__job_seeker__person", "programme").order_by("referred_on", "pk"),
        cells=lambda r, name, params: [name(r.case), r.case.unit.code, str(r.programme), r.referred_on,
                                       r.get_status_display()],
        person=lambda r: _case_person(r.case)),
    "staff_trained": Listing(
        columns=lambda: [_("Employee"), _("Training or working meeting"), _("Date")],
        rows=lambda period, within, params: Training.attendees.through.objects.filter(
            training__date__range=(period.first, period.last),
            user__posts__in=StaffPost.objects.filter(within("unit_id")))
        .select_related("user", "training").order_by("training__date", "pk").distinct(),
        cells=lambda a, name, params: [a.user.get_full_name() or a.user.username, a.training.title,
                                       a.training.date]),
    "linkage_rate": Listing(
        columns=lambda: [_("Person"), _("Unit"), _("Registered as a job seeker on")],
        rows=_beneficiaries,
        cells=lambda p, name, params: [name(p), p.unit.code if p.unit else "",
                                       getattr(getattr(p, "job_seeker", None), "registered_on", None)],
        person=lambda p: p.pk),
}
LISTINGS["training_referral_outcomes"] = LISTINGS["training_referrals"]


def records_for_user(user: Actor, *, definition: Definition, year: int, month: int | None = None,
                     region: str = "", unit: str = "", page: int = 1, context: str = "") -> Records:
    """The records one figure counts, in the reader's units (a unit or region outside them: NotFound); persons by
    name for those who may see persons, by pseudonym for analysts; every person shown is logged."""
    require(user, Capability.INDICATOR_RECORDS)
    where = where_for_user(user, region=region, unit=unit)
    unit_id, region_id = where.unit_id, where.region_id
    scope = unit_scope_for_user(user)
    if unit_id is not None and not scope.allows(unit_id):
        raise NotFound(_("No such unit in your units."))
    units = TerritorialUnit.objects.filter(scope.filter("pk"))
    if unit_id is not None:
        units = units.filter(pk=unit_id)
    if region_id is not None:
        units = units.filter(region_id=region_id)
    unit_ids = list(units.values_list("pk", flat=True))

    def within(field: str) -> Q:
        return Q(**{f"{field}__in": unit_ids})

    listing = LISTINGS[definition.measure]
    by_name = user.can(Capability.PERSON_VIEW)

    def name(row: Any) -> str:
        person = row.job_seeker.person if isinstance(row, Case) else row
        return person.full_name if by_name else pseudonym(person.pk)

    rows = listing.rows(Period(year, month), within, definition.parameters)
    total = rows.count()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(page, 1), pages)
    shown = list(rows[(page - 1) * PER_PAGE: page * PER_PAGE])
    audit.record_access(actor=user, kind=AccessKind.LISTED, context=context,
                        person_ids=sorted({pid for row in shown if (pid := listing.person(row)) is not None}))
    return Records(where=where, columns=listing.columns(),
                   rows=[listing.cells(row, name, definition.parameters) for row in shown],
                   total=total, page=page, pages=pages)
