"""Scoping getters: the only way to read persons and households. Each read of a person is logged."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import NotFound
from sakme.geo.access import require, unit_scope_for_user
from sakme.registry.models import EmergencyAccess, Household, Person


def persons_for_user(user: Actor) -> QuerySet[Person]:
    """Persons of the units the user may see, and those the user opened outside them (break the glass) while that
    lasts (PermissionDenied for roles that see no persons)."""
    require(user, Capability.PERSON_VIEW)
    scope = unit_scope_for_user(user)
    opened = [] if scope.everywhere else _opened_person_ids(user)
    if not opened:  # the usual case: the units alone, so that counts and searches keep to the unit index
        return Person.objects.filter(scope.filter("unit_id"))
    return Person.objects.filter(scope.filter("unit_id") | Q(pk__in=opened))


def _opened_person_ids(user: Actor) -> list[int]:
    """The persons the user opened outside their units and may still see (read once per request)."""
    member = acting_user(user)
    if member is None:
        return []
    cached: list[int] | None = getattr(member, "_opened_person_ids", None)
    if cached is None:
        cached = list(EmergencyAccess.objects.filter(user_id=member.pk, until__gt=timezone.now())
                      .values_list("person_id", flat=True))
        member._opened_person_ids = cached  # type: ignore[attr-defined]
    return cached


def households_for_user(user: Actor) -> QuerySet[Household]:
    """Households of the units the user may see."""
    require(user, Capability.PERSON_VIEW)
    return Household.objects.filter(unit_scope_for_user(user).filter("unit_id"))


def person_get_for_user(user: Actor, person_id: int, *, kind: AccessKind = AccessKind.VIEW,
                        context: str = "") -> Person:
    """One person in the user's scope (NotFound otherwise); writes an AccessEvent."""
    person = persons_for_user(user).select_related("municipality", "unit", "primary_source").filter(
        pk=person_id).first()
    if person is None:
        raise NotFound(_("No such person in your units."))
    audit.record_access(actor=user, person_ids=[person.pk], kind=kind, context=context)
    return person


def household_get_for_user(user: Actor, household_id: int, *, context: str = "") -> Household:
    """One household in the user's scope (NotFound otherwise); writes an AccessEvent for each member shown."""
    household = households_for_user(user).select_related("unit", "municipality").filter(pk=household_id).first()
    if household is None:
        raise NotFound(_("No such household in your units."))
    member_ids = list(household.memberships.values_list("person_id", flat=True))
    audit.record_access(actor=user, person_ids=member_ids, kind=AccessKind.VIEW, context=context)
    return household
