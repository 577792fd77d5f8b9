"""Territorial scoping: which units a user may see. Every personal-data getter starts here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from sakme.accounts.roles import NATIONWIDE_ROLES
from sakme.geo.models import StaffPost, TerritorialUnit


@dataclass(frozen=True)
class UnitScope:
    """Either every unit (`everywhere`) or the ids of the units a user is posted to."""

    everywhere: bool
    unit_ids: frozenset[int]

    def allows(self, unit_id: int | None) -> bool:
        return self.everywhere or (unit_id is not None and unit_id in self.unit_ids)

    def filter(self, field: str = "unit_id") -> Q:
        """A Q object restricting a queryset to this scope through `field` (a unit foreign key)."""
        if self.everywhere:
            return Q()
        return Q(**{f"{field}__in": sorted(self.unit_ids)}) if self.unit_ids else Q(pk__in=[])


def unit_scope_for_user(user: Any) -> UnitScope:
    """The units a user sees: all for nationwide roles, else their unit posts and their regions' units."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return UnitScope(False, frozenset())
    cached = getattr(user, "_unit_scope", None)
    if cached is not None:
        return cached
    if user.role in NATIONWIDE_ROLES:
        scope = UnitScope(True, frozenset())
    else:
        posts = StaffPost.objects.filter(user=user)
        ids = set(
            TerritorialUnit.objects.filter(
                Q(pk__in=posts.filter(unit__isnull=False).values("unit_id"))
                | Q(region_id__in=posts.filter(region__isnull=False).values("region_id"))
            ).values_list("pk", flat=True)
        )
        scope = UnitScope(False, frozenset(ids))
    user._unit_scope = scope
    return scope


def units_get_for_user(user: Any) -> Any:
    """Territorial units the user's scope covers, ordered by code."""
    scope = unit_scope_for_user(user)
    return TerritorialUnit.objects.filter(scope.filter("pk")).select_related("region", "municipality")


def home_unit(user: Any) -> TerritorialUnit | None:
    """The unit a staff member is posted to (their first unit post), where their new records belong."""
    post = StaffPost.objects.filter(user=user, unit__isnull=False).select_related("unit").order_by("pk").first()
    return post.unit if post else None
