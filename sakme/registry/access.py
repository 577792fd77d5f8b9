"""Scoping getters: the only way to read persons and households. Each read of a person is logged."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import PermissionDenied
from sakme.geo.access import unit_scope_for_user
from sakme.registry.models import Household, Person


def _require_person_view(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and user.can(Capability.PERSON_VIEW)):
        raise PermissionDenied(_("Your role does not give access to persons' data."))


def persons_for_user(user: Any) -> QuerySet[Person]:
    """Persons of the units the user may see (raises PermissionDenied for roles that see no persons)."""
    _require_person_view(user)
    return Person.objects.filter(unit_scope_for_user(user).filter("unit_id"))


def households_for_user(user: Any) -> QuerySet[Household]:
    """Households of the units the user may see."""
    _require_person_view(user)
    return Household.objects.filter(unit_scope_for_user(user).filter("unit_id"))


def person_get_for_user(user: Any, person_id: int, *, kind: AccessKind = AccessKind.VIEW,
                        context: str = "") -> Person:
    """One person in the user's scope (Person.DoesNotExist otherwise); writes an AccessEvent."""
    person = persons_for_user(user).select_related("municipality", "unit", "primary_source").get(pk=person_id)
    audit.record_access(actor=user, person_ids=[person.pk], kind=kind, context=context)
    return person


def household_get_for_user(user: Any, household_id: int, *, context: str = "") -> Household:
    """One household in the user's scope; writes an AccessEvent for each member shown."""
    household = households_for_user(user).select_related("unit", "municipality").get(pk=household_id)
    member_ids = list(household.memberships.values_list("person_id", flat=True))
    audit.record_access(actor=user, person_ids=member_ids, kind=AccessKind.VIEW, context=context)
    return household
