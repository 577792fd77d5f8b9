"""Revealing a whole personal number: the one way to read one, for roles that must check it against a document,
with a reason that the access log keeps (every page, export and API response shows it masked)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.audit.models import AccessKind
from sakme.common.errors import DomainError
from sakme.geo.access import require
from sakme.registry import personal_numbers
from sakme.registry.access import person_get_for_user

REASON_MIN = 5
REASON_MAX = 200  # what the access log's context holds


def reason_checked(reason: str) -> str:
    """A reason for an access out of the ordinary, whitespace collapsed; refused when too short to mean anything."""
    reason = " ".join(reason.split())
    if len(reason) < REASON_MIN:
        raise DomainError(_("Say why you need it (at least %(n)d characters).") % {"n": REASON_MIN},
                          code="reason_required")
    if len(reason) > REASON_MAX:
        raise DomainError(_("Keep the reason within %(n)d characters.") % {"n": REASON_MAX}, code="reason_too_long")
    return reason


def personal_number_reveal(*, actor: Actor, person_id: int, reason: str) -> str:
    """The person's whole number, once a reason is given; the reveal and its reason go to the access log."""
    require(actor, Capability.PERSON_NUMBER_REVEAL)
    reason = reason_checked(reason)
    person = person_get_for_user(actor, person_id, kind=AccessKind.REVEAL,
                                 context=personal_numbers.mask_text(reason))
    if not person.personal_number_sealed:
        raise DomainError(_("This person has no personal number on record."), code="no_personal_number")
    return personal_numbers.unseal(person.personal_number_sealed)
