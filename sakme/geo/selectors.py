from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from sakme.accounts.models import User
from sakme.geo.models import (
    ApprovalOrder,
    Manual,
    RolloutEvent,
    StaffAllocation,
    StaffPost,
    TerritorialUnit,
    Training,
)


def units_with_model_on(*, date: dt.date) -> QuerySet[TerritorialUnit]:
    """Units whose latest rollout event on or before `date` is an adoption of the new service model."""
    latest = RolloutEvent.objects.filter(unit=OuterRef("pk"), date__lte=date).order_by("-date", "-pk")
    return (
        TerritorialUnit.objects.annotate(latest_event=Subquery(latest.values("event")[:1]))
        .filter(latest_event=RolloutEvent.Event.ADOPTED)
        .select_related("region")
    )


def unit_choices(*, exclude: int | None = None) -> list[tuple[str, list[tuple[int, str]]]]:
    """The working units grouped by region, in the active language (one query), for a choice of unit."""
    groups: dict[str, list[tuple[int, str]]] = {}
    units = TerritorialUnit.objects.filter(is_active=True)
    if exclude is not None:
        units = units.exclude(pk=exclude)
    for unit in units.select_related("region").order_by("region__code", "code"):
        groups.setdefault(unit.region.name, []).append((unit.pk, f"{unit.name} ({unit.code})"))
    return list(groups.items())


@dataclass(frozen=True)
class YearActivities:
    """What the annual report lists of a year's activities, each list with its related rows joined."""

    year: int
    staff_allocations: list[StaffAllocation]
    trainings: list[Training]
    working_meetings: list[Training]
    orders: list[ApprovalOrder]


def activities_of_year(year: int) -> YearActivities:
    """A year's staff allocations (with their units), trainings and working meetings (with their attendees and the
    attendees' posts), and orders (with the manuals they approve): six queries, however many rows."""
    allocations = StaffAllocation.objects.filter(date__year=year).select_related("unit__region")
    held = list(Training.objects.filter(date__year=year).prefetch_related(*_attendees()).order_by("date", "pk"))
    orders = ApprovalOrder.objects.filter(date__year=year).prefetch_related(
        Prefetch("manuals", queryset=Manual.objects.order_by("pk"))).order_by("date", "pk")
    return YearActivities(
        year=year, staff_allocations=list(allocations.order_by("date", "unit__code")),
        trainings=[t for t in held if t.kind == Training.Kind.TRAINING],
        working_meetings=[t for t in held if t.kind == Training.Kind.WORKING_MEETING], orders=list(orders))


def activity_years(*, also: int) -> list[int]:
    """The years with any activity recorded, and `also` (this year, say), the latest first."""
    years = {also}
    for model in (StaffAllocation, Training, ApprovalOrder):
        years |= {d.year for d in model._default_manager.dates("date", "year")}
    return sorted(years, reverse=True)


def staff_choices(*, also: Iterable[int] = ()) -> list[tuple[str, list[tuple[int, str]]]]:
    """Staff who may attend a training (active users with a post in a unit or region: the agency's staff, not the
    municipalities'), grouped by the unit (or region) of their first post, region by region, in the active language
    (one query); `also` adds users recorded before who hold no post now (one more)."""
    agency = StaffPost.objects.filter(Q(unit__isnull=False) | Q(region__isnull=False), user__is_active=True)
    posts = sorted(agency.select_related("user", "unit__region", "region"),
                   key=lambda p: (_region_code(p), p.unit.code if p.unit else "", p.user.last_name,
                                  p.user.first_name, p.pk))
    groups: dict[str, list[tuple[int, str]]] = {}
    seen: set[int] = set()
    for post in posts:
        if post.user_id in seen:
            continue
        seen.add(post.user_id)
        where = f"{post.unit.name} ({post.unit.code})" if post.unit else str(post.region)
        groups.setdefault(where, []).append((post.user_id, _person(post.user)))
    rest = set(also) - seen
    if rest:
        others = User.objects.filter(pk__in=rest).order_by("last_name", "first_name", "pk")
        groups[str(_("No post now"))] = [(u.pk, _person(u)) for u in others]
    return list(groups.items())


def _region_code(post: StaffPost) -> str:
    region = post.unit.region if post.unit else post.region
    return region.code if region else ""


def _person(user: User) -> str:
    return user.get_full_name() or user.username


def _attendees() -> tuple[Prefetch, Prefetch]:
    """The attendees of trainings, by name, each with their posts (unit or region) joined."""
    return (Prefetch("attendees", queryset=User.objects.order_by("last_name", "first_name", "username")),
            Prefetch("attendees__posts", queryset=StaffPost.objects.select_related("unit", "region").order_by("pk")))


def training_detail(training_id: int) -> Training:
    """One training or working meeting with its attendees and their posts (three queries)."""
    return Training.objects.prefetch_related(*_attendees()).get(pk=training_id)
