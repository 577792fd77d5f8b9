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
from sakme.geo.access import UnitScope, require, unit_scope_for_user
from sakme.registry.models import EmergencyAccess, Household, Person


def persons_for_user(user: Actor) -> QuerySet[Person]:
    """Persons of the units the user may see, those the user opened outside them (break the glass) while that
    lasts, and those into whom a person of the user's units was merged (PermissionDenied for roles that see no
    persons). A person merged into another is in no list: their page says where they went (`PersonMerged`)."""
    require(user, Capability.PERSON_VIEW)
    scope = unit_scope_for_user(user)
    current = Person.objects.filter(merged_into__isnull=True)
    others = [] if scope.everywhere else [*_opened_person_ids(user), *_merged_from_units(scope)]
    if not others:  # the usual case: the units alone, so that counts and searches keep to the unit index
        return current.filter(scope.filter("unit_id"))
    return current.filter(scope.filter("unit_id") | Q(pk__in=others))


def _merged_from_units(scope: UnitScope) -> list[int]:
    """The survivors of the persons of the units merged into someone (a unit keeps seeing the person its cases are
    about when the survivor is another unit's). One query on the few merged persons (the index of merged_into)."""
    return list(Person.objects.filter(scope.filter("unit_id"), merged_into__isnull=False)
                .exclude(scope.filter("merged_into__unit_id")).values_list("merged_into_id", flat=True).distinct())


class PersonMerged(NotFound):
    """The person was merged into another: pages go there, the API says where (404, code `person_merged`)."""

    code = "person_merged"

    def __init__(self, person: Person) -> None:
        super().__init__(_("Person %(p)s was merged into person %(s)s.") % {"p": person.pk, "s": person.merged_into_id})
        self.survivor_id = int(person.merged_into_id or 0)


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
        scope = unit_scope_for_user(user)
        merged = Person.objects.filter(scope.filter("unit_id"), pk=person_id, merged_into__isnull=False).first()
        if merged is not None:
            raise PersonMerged(merged)
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
