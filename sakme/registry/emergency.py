"""Break the glass: opening a person outside one's units, for a stated reason, for a few hours.

The person is found by their whole personal number only (no browsing of other units); the opening is an audit
event and an access event with the reason; while it lasts the person is in the user's scope (see
`access.persons_for_user`); the unit head of the person's unit and the data-protection officer see every one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import DomainError, NotFound, PermissionDenied
from sakme.geo.access import require, unit_scope_for_user
from sakme.registry import personal_numbers
from sakme.registry.models import EmergencyAccess, Person
from sakme.registry.reveal import reason_checked


def emergency_hours() -> float:
    return float(getattr(settings, "SAKME_EMERGENCY_ACCESS_HOURS", 4))


def emergency_access_open(*, actor: Actor, personal_number: str, reason: str) -> EmergencyAccess:
    """Open the person holding this whole number, though of another unit, for `emergency_hours()`."""
    require(actor, Capability.EMERGENCY_ACCESS)
    reason = reason_checked(reason)
    number = personal_numbers.whole_number(personal_number)
    if number is None:
        raise DomainError(_("Type all 11 digits of the personal number."), code="whole_number_needed")
    person = Person.objects.filter(personal_number_digest=personal_numbers.digest(number)).first()
    if person is None:
        raise NotFound(_("No person holds this personal number."), code="not_found")
    if unit_scope_for_user(actor).allows(person.unit_id):
        raise DomainError(_("This person is in your units already: open them as usual."), code="in_scope")
    user = acting_user(actor)
    if user is None:
        raise PermissionDenied(_("Only a member of staff opens a person outside their units."))
    with transaction.atomic():
        opened = EmergencyAccess.objects.create(
            user=user, person=person, unit_id=person.unit_id, reason=reason,
            until=timezone.now() + dt.timedelta(hours=emergency_hours()))
        audit.record(actor=actor, action="person.emergency_access", entity_type="registry.person",
                     entity_id=person.pk, changes={"unit": person.unit_id, "until": opened.until.isoformat()})
        audit.record_access(actor=actor, person_ids=[person.pk], kind=AccessKind.EMERGENCY,
                            context=personal_numbers.mask_text(reason))
    user.__dict__.pop("_opened_person_ids", None)  # read again: the person is open to the user from now
    return opened


def emergency_accesses_for_user(actor: Actor) -> QuerySet[EmergencyAccess]:
    """The openings a reviewer may see: of persons of their units (unit heads, coordinators), or all (the
    data-protection officer); the newest first."""
    require(actor, Capability.EMERGENCY_ACCESS_REVIEW)
    return (EmergencyAccess.objects.filter(unit_scope_for_user(actor).filter("unit_id"))
            .select_related("user", "person", "unit").order_by("-opened_at", "-pk"))


def emergency_accesses_listed(actor: Actor, *, kind: AccessKind, context: str,
                              limit: int = 200) -> list[EmergencyAccess]:
    """The newest openings a reviewer may see, for a page or the API; the persons shown are logged."""
    found = list(emergency_accesses_for_user(actor)[:limit])
    audit.record_access(actor=actor, person_ids=sorted({a.person_id for a in found}), kind=kind, context=context)
    return found


def emergency_accesses_of_user(actor: Actor) -> QuerySet[EmergencyAccess]:
    """The user's own openings still open, for their home page."""
    user = acting_user(actor)
    return (EmergencyAccess.objects.filter(user_id=user.pk if user else 0, until__gt=timezone.now())
            .select_related("person").order_by("until"))
