"""Territorial scoping: which units a user may see. Every personal-data getter starts here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.db.models import Q, QuerySet, Value
from django.http import HttpRequest
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability, role_sees_every_unit
from sakme.common.errors import DomainError, NotFound, PermissionDenied
from sakme.geo.models import StaffPost, TerritorialUnit

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class UnitScope:
    """Either every unit (`everywhere`) or the ids of the units a user is posted to; and the municipalities a
    municipal social worker is posted to (they see the households there, through `filter_place` only)."""

    everywhere: bool
    unit_ids: frozenset[int]
    municipality_ids: frozenset[int] = frozenset()

    def allows(self, unit_id: int | None) -> bool:
        return self.everywhere or (unit_id is not None and unit_id in self.unit_ids)

    def allows_place(self, unit_id: int | None, municipality_id: int | None) -> bool:
        """Whether a record of this unit and municipality (a household) is in scope, by unit or by municipality."""
        return self.allows(unit_id) or (municipality_id is not None and municipality_id in self.municipality_ids)

    def filter_place(self, unit_field: str = "unit_id", municipality_field: str = "municipality_id") -> Q:
        """As `filter`, and the records of the municipalities the user is posted to."""
        if self.everywhere or not self.municipality_ids:
            return self.filter(unit_field)
        by_place = Q(**{f"{municipality_field}__in": sorted(self.municipality_ids)})
        return (self.filter(unit_field) | by_place) if self.unit_ids else by_place

    def filter(self, field: str = "unit_id") -> Q:
        """A Q object restricting a queryset to this scope through `field` (a unit foreign key)."""
        if self.everywhere:
            return Q()
        return Q(**{f"{field}__in": sorted(self.unit_ids)}) if self.unit_ids else Q(pk__in=[])


def unit_scope_for_user(user: Any) -> UnitScope:
    """The units a user sees: all for nationwide roles and the system, else their unit posts and their regions'
    units."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return UnitScope(False, frozenset())
    cached = getattr(user, "_unit_scope", None)
    if cached is not None:
        return cached
    if getattr(user, "is_system", False):
        return UnitScope(True, frozenset())
    if role_sees_every_unit(user.role):
        scope = UnitScope(True, frozenset())
    else:
        posts = StaffPost.objects.filter(user=user)
        units = TerritorialUnit.objects.filter(
            Q(pk__in=posts.filter(unit__isnull=False).values("unit_id"))
            | Q(region_id__in=posts.filter(region__isnull=False).values("region_id"))
        ).order_by().values_list("pk", Value("unit"))
        places = (posts.filter(municipality__isnull=False).order_by()
                  .values_list("municipality_id", Value("municipality")))
        found = list(units.union(places, all=True))  # one query for both
        scope = UnitScope(False, frozenset(pk for pk, kind in found if kind == "unit"),
                          frozenset(pk for pk, kind in found if kind == "municipality"))
    user._unit_scope = scope
    return scope


def require(actor: Actor | Any, capability: Capability | tuple[Capability, ...], *, unit: int | None = None) -> None:
    """Refuse (PermissionDenied) unless the actor holds the capability (or one of them) and, for a record of a unit,
    the unit is in the actor's scope. The one permission check of services, pages and the API."""
    wanted = capability if isinstance(capability, tuple) else (capability,)
    if not (getattr(actor, "is_authenticated", False) and any(actor.can(c) for c in wanted)):
        raise PermissionDenied(_("Your role does not allow this."))
    if unit is not None and not unit_scope_for_user(actor).allows(unit):
        raise PermissionDenied(_("This belongs to another territorial unit."), code="other_unit")


def scope_check(actor: Actor | Any, unit_id: int | None, not_found: str) -> None:
    """Refuse (NotFound) a record of a unit outside the actor's scope: to them it does not exist, as in the
    scoping getters."""
    if not unit_scope_for_user(actor).allows(unit_id):
        raise NotFound(not_found)


def requires(*capabilities: Capability) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """A page (or API route) only for users holding one of the capabilities; the rest get the 403 page."""
    def decorate(view: Callable[P, R]) -> Callable[P, R]:
        @wraps(view)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            request = args[0]
            assert isinstance(request, HttpRequest)
            require(request.user, capabilities)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def units_get_for_user(user: Any) -> QuerySet[TerritorialUnit]:
    """Territorial units the user's scope covers, ordered by code."""
    scope = unit_scope_for_user(user)
    return TerritorialUnit.objects.filter(scope.filter("pk")).select_related("region", "municipality")


def home_unit(user: Any) -> TerritorialUnit | None:
    """The unit a staff member is posted to (their first unit post), where their new records belong."""
    post = StaffPost.objects.filter(user=user, unit__isnull=False).select_related("unit").order_by("pk").first()
    return post.unit if post else None


def unit_id_of_code(code: str | None) -> int | None:
    """The id of the unit with this code (units are reference data, public), None for no code; NotFound for a code
    no unit has."""
    if not code:
        return None
    unit = TerritorialUnit.objects.filter(code=code).only("pk").first()
    if unit is None:
        raise NotFound(_("No such territorial unit."))
    return unit.pk


def unit_of_new_record(actor: Actor | Any, unit_id: int | None = None) -> int:
    """The unit a new record (an employer, a group session) belongs to: the one named, else the one the user is
    posted to. Services call it after their permission check; whether the user may write there is theirs too."""
    if unit_id is not None:
        return unit_id
    own = home_unit(actor) if not getattr(actor, "is_system", False) else None
    if own is None:
        raise DomainError(_("You are not posted to a unit: name the unit the record belongs to."), code="no_unit")
    return own.pk
