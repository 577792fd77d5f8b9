"""The service events a survey follows, read alike whatever their kind: a counselling session (held), a placement
(started), a decision on a social-assistance application (decided): the unit that gave the service, its day, the
person it served. Who may touch which kind: casework's events for those who see cases, decisions for those who see
applications."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.assistance.models import Application
from sakme.casework.models import CounsellingSession, Placement
from sakme.common.errors import DomainError, NotFound
from sakme.geo.access import require, scope_check
from sakme.geo.models import TerritorialUnit
from sakme.registry.models import Person
from sakme.surveys.models import Service

# Reading an event shows whose it is: the capability that opens the records of its kind.
READ_CAPABILITY = {Service.COUNSELLING_SESSION: Capability.CASE_VIEW, Service.PLACEMENT: Capability.CASE_VIEW,
                   Service.ASSISTANCE_DECISION: Capability.APPLICATION_VIEW}


@dataclass(frozen=True)
class Event:
    service: Service
    pk: int
    unit: TerritorialUnit
    on: dt.date | None  # the day the service was given (None: an application not decided yet)
    person: Person
    case_id: int | None
    application_id: int | None
    detail: str  # the session's kind, the employer, the decision

    @property
    def service_label(self) -> str:
        return str(Service(self.service).label)


def service_of(kind: str) -> Service:
    """The service named by an address or a request (refused, with the known ones, when there is none such)."""
    if kind not in Service.values:
        raise DomainError(_("There is no survey for “%(kind)s”; the services surveyed are: %(known)s.")
                          % {"kind": kind, "known": ", ".join(Service.values)}, code="survey_service_unknown")
    return Service(kind)


def services_readable(actor: Actor) -> list[Service]:
    """The services whose events the actor may read."""
    return [s for s in Service if actor.can(READ_CAPABILITY[s])]


def event_rows(service: Service) -> QuerySet[Any]:
    """The records of a service, with what an `Event` shows joined."""
    if service == Service.COUNSELLING_SESSION:
        return CounsellingSession.objects.select_related("case__job_seeker__person", "case__unit")
    if service == Service.PLACEMENT:
        return Placement.objects.select_related("case__job_seeker__person", "case__unit", "employer")
    return Application.objects.select_related("applicant", "unit")


EVENT_DAY = {Service.COUNSELLING_SESSION: "held_on", Service.PLACEMENT: "started_on",
             Service.ASSISTANCE_DECISION: "decided_on"}
EVENT_UNIT = {Service.COUNSELLING_SESSION: "case__unit_id", Service.PLACEMENT: "case__unit_id",
              Service.ASSISTANCE_DECISION: "unit_id"}


def event_of(service: Service, record: Model) -> Event:
    """A session, placement or application as an `Event`."""
    if isinstance(record, CounsellingSession | Placement):
        case = record.case
        detail = (record.get_kind_display() if isinstance(record, CounsellingSession) else record.employer.name)
        day = record.held_on if isinstance(record, CounsellingSession) else record.started_on
        return Event(service, record.pk, case.unit, day, case.job_seeker.person, case.pk, None, str(detail))
    assert isinstance(record, Application)
    return Event(service, record.pk, record.unit, record.decided_on, record.applicant, None, record.pk,
                 str(record.get_state_display()))


NOT_FOUND = {
    Service.COUNSELLING_SESSION: lambda: _("No such counselling session in your units."),
    Service.PLACEMENT: lambda: _("No such placement in your units."),
    Service.ASSISTANCE_DECISION: lambda: _("No such social-assistance application in your units."),
}


def event_get(actor: Actor, service: Service, event_id: int, *, lock: bool = False) -> Event:
    """One event in the actor's units (NotFound otherwise, as the scoping getters say), after the check that the
    actor may read events of its kind; locked for the transaction on request."""
    require(actor, READ_CAPABILITY[service])
    rows = event_rows(service)
    if lock:
        rows = rows.select_for_update(of=("self",))
    record = rows.filter(pk=event_id).first()
    unit_id = None if record is None else (record.unit_id if isinstance(record, Application) else record.case.unit_id)
    scope_check(actor, unit_id, str(NOT_FOUND[service]()))
    if record is None:  # the system sees every unit: nothing was there to check
        raise NotFound(str(NOT_FOUND[service]()))
    return event_of(service, record)


def event_past_check(event: Event, today: dt.date | None = None) -> dt.date:
    """The event's day, once the service was given: a survey asks about what happened."""
    today = today or timezone.localdate()
    if event.on is None:
        raise DomainError(_("This application has not been decided yet: its survey is answered after the decision."),
                          code="survey_event_not_past")
    if event.on > today:
        raise DomainError(_("This %(service)s is on %(day)s, after today: a survey is answered after the service was "
                            "given.") % {"service": event.service_label, "day": date_format(event.on, "d.m.Y")},
                          code="survey_event_not_past")
    return event.on
