"""Scoping getters of the surveys that show persons: a service event to record a survey for (whose it is), the
events still waiting for one (their names), the comments (no names shown, but each is a person's words). Each read
writes the access events."""

from __future__ import annotations

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.geo.access import require
from sakme.surveys import events, selectors


def event_get_for_user(user: Actor, kind: str, event_id: int, *, access: AccessKind = AccessKind.VIEW,
                       context: str = "") -> events.Event:
    """A service event of the user's units to record its survey (NotFound outside them); logs the person's view."""
    require(user, Capability.SURVEY_RECORD)
    event = events.event_get(user, events.service_of(kind), event_id)
    audit.record_access(actor=user, person_ids=[event.person.pk], kind=access, context=context)
    return event


def pending_for_user(user: Actor, *, service: str | None = None, access: AccessKind = AccessKind.LISTED,
                     context: str = "") -> selectors.Pending:
    """The recent events of the user's units with no response yet; logs every person listed."""
    pending = selectors.pending_events(user=user, service=service)
    audit.record_access(actor=user, person_ids=[e.person.pk for e in pending.events], kind=access, context=context)
    return pending


def comments_for_user(user: Actor, *, year: int, month: int | None = None, unit_code: str | None = None,
                      service: str | None = None, access: AccessKind = AccessKind.LISTED,
                      context: str = "") -> list[selectors.Comment]:
    """The comments given with consent in the reader's scope; logs whose words were read (the page shows no names)."""
    found = selectors.comments(user=user, year=year, month=month, unit_code=unit_code, service=service)
    audit.record_access(actor=user, person_ids=sorted({c.person_id for c in found}), kind=access, context=context)
    return found
