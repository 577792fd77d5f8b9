"""Scoping getters of outreach: the unit's staff see their units' households, a municipal social worker the
households of the municipality they are posted to, and nobody anything else (another place is not found). Every
person shown or exported is logged here."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import NotFound
from sakme.geo.access import UnitScope, require, unit_scope_for_user
from sakme.geo.models import Municipality, TerritorialUnit
from sakme.outreach.models import Campaign, CampaignEntry, Referral
from sakme.registry.models import Household

HOUSEHOLD_UNIT, HOUSEHOLD_MUNICIPALITY = "household__unit_id", "household__municipality_id"


@dataclass(frozen=True)
class Place:
    """Whose outreach list: a unit's, a municipality's, or (both named) the part of a unit in one municipality."""

    unit: TerritorialUnit | None = None
    municipality: Municipality | None = None

    def __str__(self) -> str:
        names = [f"{self.unit.name} ({self.unit.code})" if self.unit else "",
                 self.municipality.name if self.municipality else ""]
        return " · ".join(n for n in names if n)

    def households(self, prefix: str = "") -> Q:
        """The households of this place, through `prefix` (a path to a household)."""
        q = Q()
        if self.unit is not None:
            q &= Q(**{f"{prefix}unit_id": self.unit.pk})
        if self.municipality is not None:
            q &= Q(**{f"{prefix}municipality_id": self.municipality.pk})
        return q


def _unit_open_to(scope: UnitScope, unit: TerritorialUnit) -> bool:
    """A unit whose list the user may ask for: one of theirs, or one of the municipality they are posted to (its
    households there only, through the place filter)."""
    return scope.allows(unit.pk) or unit.municipality_id in scope.municipality_ids


def places_for_user(user: Actor) -> tuple[list[TerritorialUnit], list[Municipality]]:
    """What the list's picker offers: the user's units (and those of their municipality), their municipalities."""
    require(user, Capability.OUTREACH_VIEW)
    scope = unit_scope_for_user(user)
    units = TerritorialUnit.objects.filter(is_active=True).filter(
        scope.filter("pk") | Q(municipality_id__in=sorted(scope.municipality_ids))).order_by("code")
    return list(units), list(Municipality.objects.filter(pk__in=sorted(scope.municipality_ids)).order_by("name_en"))


def place_for_user(user: Actor, *, unit_code: str = "", municipality_code: str = "") -> Place:
    """The unit or municipality whose list the user asks for, in their scope (NotFound otherwise); with none named,
    their first unit, else their first municipality."""
    require(user, Capability.OUTREACH_VIEW)
    scope = unit_scope_for_user(user)
    unit = municipality = None
    if unit_code:
        unit = TerritorialUnit.objects.select_related("municipality").filter(code=unit_code).first()
        if unit is None or not _unit_open_to(scope, unit):
            raise NotFound(_("No such territorial unit among yours."))
    if municipality_code:
        municipality = Municipality.objects.filter(code=municipality_code).first()
        if municipality is None or not (
                scope.everywhere or municipality.pk in scope.municipality_ids
                or TerritorialUnit.objects.filter(pk__in=sorted(scope.unit_ids), municipality=municipality).exists()):
            raise NotFound(_("No such municipality among yours."))
    if unit is None and municipality is None:
        units, municipalities = places_for_user(user)
        if municipalities:
            municipality = municipalities[0]
        elif units:
            unit = units[0]
        else:
            raise NotFound(_("You are posted to no unit or municipality."))
    return Place(unit, municipality)


def outreach_households_for_user(user: Actor, place: Place) -> QuerySet[Household]:
    """Households of a place that the user may see: their members are whom the list is drawn from (the list's filters
    come on top, in selectors.py)."""
    require(user, Capability.OUTREACH_VIEW)
    scope = unit_scope_for_user(user)
    return Household.objects.filter(scope.filter_place("unit_id", "municipality_id") & place.households())


def persons_listed(user: Actor, person_ids: Iterable[int], *, context: str,
                   kind: AccessKind = AccessKind.LISTED) -> int:
    """Log that these persons were shown to the user (or exported, or read through the API)."""
    return audit.record_access(actor=user, person_ids=list(person_ids), kind=kind, context=context)


def _campaign_scope(scope: UnitScope) -> Q:
    if scope.everywhere:
        return Q()
    q = Q(unit_id__in=sorted(scope.unit_ids)) if scope.unit_ids else Q(pk__in=[])
    if scope.municipality_ids:
        places = sorted(scope.municipality_ids)
        q |= Q(municipality_id__in=places) | Q(unit__municipality_id__in=places)
    return q


def campaigns_for_user(user: Actor) -> QuerySet[Campaign]:
    """Campaigns of the user's units, and those of their municipality's units for a municipal social worker."""
    require(user, Capability.OUTREACH_VIEW)
    return Campaign.objects.filter(_campaign_scope(unit_scope_for_user(user)))


def campaign_get_for_user(user: Actor, campaign_id: int, *,
                          capability: Capability = Capability.OUTREACH_VIEW) -> Campaign:
    """One campaign in the user's scope (NotFound otherwise), its persons not read yet."""
    require(user, capability)
    campaign = campaigns_for_user(user).select_related("unit", "municipality", "taken_by").filter(
        pk=campaign_id).first()
    if campaign is None:
        raise NotFound(_("No such outreach campaign in your units."))
    return campaign


def entries_for_user(user: Actor, campaign: Campaign) -> QuerySet[CampaignEntry]:
    """The campaign's persons whose households the user may see (a municipal social worker: their municipality's)."""
    scope = unit_scope_for_user(user)
    return CampaignEntry.objects.filter(campaign=campaign).filter(scope.filter_place(HOUSEHOLD_UNIT,
                                                                                     HOUSEHOLD_MUNICIPALITY))


def entry_get_for_user(user: Actor, campaign: Campaign, entry_id: int | None) -> CampaignEntry:
    """One person of the campaign in the user's scope (NotFound otherwise)."""
    entry = (entries_for_user(user, campaign).select_related("person", "household").filter(pk=entry_id).first()
             if entry_id is not None else None)
    if entry is None:
        raise NotFound(_("No such person in this campaign among your households."))
    return entry


def referrals_for_user(user: Actor) -> QuerySet[Referral]:
    """The referrals the user made, of households still in their scope."""
    require(user, Capability.OUTREACH_WORK)
    member = acting_user(user)
    scope = unit_scope_for_user(user)
    return Referral.objects.filter(made_by_id=member.pk if member else None).filter(
        scope.filter_place(f"entry__{HOUSEHOLD_UNIT}", f"entry__{HOUSEHOLD_MUNICIPALITY}"))
