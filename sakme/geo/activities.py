"""Recording the programme's activities that the annual report lists: staff allocated to the units' employment
component, trainings and working meetings with who attended, and the orders approving methodological manuals.

Each write checks `activity.record`, validates, locks what it changes and compares the version the user saw (a stale
edit is refused, never lost), and writes its audit event. A manual's version is its order's: editing or adding one
moves the order on.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.models import User
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.common.errors import ConcurrentEdit, DomainError, NotFound
from sakme.geo.access import require
from sakme.geo.models import ApprovalOrder, Manual, StaffAllocation, StaffPost, TerritorialUnit, Training

FIRST_DATE = dt.date(2000, 1, 1)  # nothing of the programme is older
MAX_STAFF_UNITS = 500
MAX_DAYS = 30
PLANNED_AHEAD_DAYS = 2 * 366  # trainings and allocations may be planned, up to two years ahead

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class ManualData:
    """A manual as a page or the API gives it: its kind and its title in both languages."""

    kind: str
    title_ka: str
    title_en: str


def _today() -> dt.date:
    return timezone.localdate()


def _shown(date: dt.date) -> str:
    return formats.date_format(date, "d.m.Y")


def _locked(model: type[M], pk: int, expected_version: int | None, not_found: str, stale: str) -> M:
    """The record, locked for this transaction, after the version check (a write of a record needs the version the
    user saw)."""
    record = model._default_manager.select_for_update().filter(pk=pk).first()
    if record is None:
        raise NotFound(not_found)
    if expected_version is None:
        raise DomainError(_("Say which version of the record you edited (expected_version)."), code="version_missing")
    if record.version != expected_version:  # type: ignore[attr-defined]
        raise ConcurrentEdit(stale)
    return record


def _date_check(date: dt.date, *, latest: dt.date) -> None:
    if not FIRST_DATE <= date <= latest:
        raise DomainError(_("The date %(date)s is out of range: give a date from %(first)s to %(last)s.") % {
            "date": _shown(date), "first": _shown(FIRST_DATE), "last": _shown(latest)}, code="date_out_of_range")


def _titles(title_ka: str, title_en: str) -> tuple[str, str]:
    """Both titles, trimmed; refused when either is missing (the report is printed in both languages)."""
    title_ka, title_en = title_ka.strip(), title_en.strip()
    if not title_ka:
        raise DomainError(_("Give the title in Georgian as well: the report is printed in both languages."),
                          code="title_missing")
    if not title_en:
        raise DomainError(_("Give the title in English as well: the report is printed in both languages."),
                          code="title_missing")
    return title_ka, title_en


def _changes(record: models.Model, values: dict[str, Any]) -> dict[str, Any]:
    """Set the values on the record; return those that changed (for the audit event), as text."""
    changed = {}
    for name, value in values.items():
        before = getattr(record, name)
        if before != value:
            changed[name] = {"from": str(before), "to": str(value)} if record.pk else str(value)
            setattr(record, name, value)
    return changed


@transaction.atomic
def staff_allocation_save(*, actor: Actor, unit_id: int, date: dt.date, staff_units: int, reason_ka: str = "",
                          reason_en: str = "", allocation_id: int | None = None,
                          expected_version: int | None = None) -> StaffAllocation:
    """Record (or correct) the staff units a territorial unit has on the employment component from a date."""
    require(actor, Capability.ACTIVITY_RECORD)
    unit = TerritorialUnit.objects.filter(pk=unit_id).first()
    if unit is None:
        raise NotFound(_("No such territorial unit."))
    _date_check(date, latest=_today() + dt.timedelta(days=PLANNED_AHEAD_DAYS))
    if not 0 <= staff_units <= MAX_STAFF_UNITS:
        raise DomainError(_("A unit cannot have %(n)s staff units: give a number from 0 to %(max)s.") % {
            "n": staff_units, "max": MAX_STAFF_UNITS}, code="staff_units_out_of_range")
    reason_ka, reason_en = reason_ka.strip(), reason_en.strip()
    if bool(reason_ka) != bool(reason_en):
        raise DomainError(_("Give the reason in Georgian and in English, or leave both empty."),
                          code="translation_missing")
    if allocation_id is None:
        allocation = StaffAllocation()
    else:
        allocation = _locked(StaffAllocation, allocation_id, expected_version, _("No such staff allocation."),
                             _("Someone else changed this staff allocation a moment ago. Reload it and apply your "
                               "change again."))
    clash = StaffAllocation.objects.filter(unit=unit, date=date).exclude(pk=allocation.pk).exists()
    if clash:
        raise DomainError(_("%(unit)s already has a staff allocation from %(date)s: correct that one.") % {
            "unit": unit, "date": _shown(date)}, code="allocation_exists")
    changes = _changes(allocation, {"unit_id": unit.pk, "date": date, "staff_units": staff_units,
                                    "reason_ka": reason_ka, "reason_en": reason_en})
    action = "staff_allocation.update" if allocation.pk else "staff_allocation.create"
    if allocation.pk:
        allocation.version += 1
    allocation.save()
    audit.record(actor=actor, action=action, entity_type="geo.staffallocation", entity_id=allocation.pk,
                 changes=changes)
    return allocation


def _attendees_check(training: Training, attendees: Sequence[int], date: dt.date) -> set[int]:
    wanted = set(attendees)
    if wanted and date > _today():
        raise DomainError(_("The training of %(date)s has not been held yet: record who attended once it has.") % {
            "date": _shown(date)}, code="attendance_before_held")
    already = set(training.attendees.values_list("pk", flat=True)) if training.pk else set()
    staff = set(StaffPost.objects.filter(user_id__in=wanted - already, user__is_active=True)
                .values_list("user_id", flat=True))
    strangers = sorted(wanted - already - staff)
    if strangers:  # those recorded before stay, whatever became of their posts
        raise DomainError(_("Only staff posted to a unit or a region can be recorded as attending; these users are "
                            "not: %(ids)s.") % {"ids": ", ".join(map(str, strangers))}, code="attendee_not_staff")
    return wanted


@transaction.atomic
def training_save(*, actor: Actor, kind: str, date: dt.date, title_ka: str, title_en: str, days: int = 1,
                  attendees: Sequence[int] | None = None, training_id: int | None = None,
                  expected_version: int | None = None) -> Training:
    """Record (or correct) a training or a working meeting and who attended it (None: the attendees stay as they
    are). A planned one has no attendees until it is held."""
    require(actor, Capability.ACTIVITY_RECORD)
    if kind not in Training.Kind.values:
        raise DomainError(_("Say whether it is a training or a working meeting."), code="kind_unknown")
    _date_check(date, latest=_today() + dt.timedelta(days=PLANNED_AHEAD_DAYS))
    if not 1 <= days <= MAX_DAYS:
        raise DomainError(_("A training lasts from 1 to %(max)s days, not %(n)s.") % {"max": MAX_DAYS, "n": days},
                          code="days_out_of_range")
    title_ka, title_en = _titles(title_ka, title_en)
    if training_id is None:
        training = Training()
    else:
        training = _locked(Training, training_id, expected_version, _("No such training or working meeting."),
                           _("Someone else changed this training a moment ago. Reload it and apply your change "
                             "again."))
    if Training.objects.filter(date=date, title_en=title_en).exclude(pk=training.pk).exists():
        raise DomainError(_("A training or working meeting of this English title is already recorded on %(date)s.")
                          % {"date": _shown(date)}, code="training_exists")
    if attendees is None and training.pk and training.attendees.exists():
        attendees = list(training.attendees.values_list("pk", flat=True))  # kept: still none before it is held
    wanted = _attendees_check(training, attendees, date) if attendees is not None else None
    changes = _changes(training, {"kind": kind, "date": date, "days": days, "title_ka": title_ka,
                                  "title_en": title_en})
    action = "training.update" if training.pk else "training.create"
    if training.pk:
        training.version += 1
    training.save()
    if wanted is not None:
        before = set(training.attendees.values_list("pk", flat=True))
        if wanted != before:
            training.attendees.set(User.objects.filter(pk__in=wanted))
            changes["attendees"] = {"added": sorted(wanted - before), "removed": sorted(before - wanted)}
    audit.record(actor=actor, action=action, entity_type="geo.training", entity_id=training.pk, changes=changes)
    return training


def _manual_values(data: ManualData) -> dict[str, str]:
    if data.kind not in Manual.Kind.values:
        raise DomainError(_("Choose what the manual is for."), code="kind_unknown")
    title_ka, title_en = _titles(data.title_ka, data.title_en)
    return {"kind": data.kind, "title_ka": title_ka, "title_en": title_en}


@transaction.atomic
def order_save(*, actor: Actor, number: str, date: dt.date, title_ka: str, title_en: str,
               manuals: Sequence[ManualData] | None = None, order_id: int | None = None,
               expected_version: int | None = None) -> ApprovalOrder:
    """Record an order of the director with the manuals it approves (at least one), or correct an order's number,
    date and title (its manuals are saved one by one: `manual_save`)."""
    require(actor, Capability.ACTIVITY_RECORD)
    number = number.strip()
    if not number:
        raise DomainError(_("Give the order's number as it is printed on it (e.g. N04-2412/ო)."),
                          code="order_number_missing")
    _date_check(date, latest=_today())
    title_ka, title_en = _titles(title_ka, title_en)
    if order_id is None:
        order = ApprovalOrder()
        rows = [_manual_values(m) for m in manuals or []]
        if not rows:
            raise DomainError(_("Add at least one manual the order approves."), code="manuals_missing")
        titles = [r["title_en"] for r in rows]
        if len(set(titles)) < len(titles):
            raise DomainError(_("Two manuals have the same English title: each manual once."),
                              code="manual_duplicate")
    else:
        if manuals:
            raise DomainError(_("Add or correct the manuals of a recorded order one by one."), code="invalid")
        order = _locked(ApprovalOrder, order_id, expected_version, _("No such order."),
                        _("Someone else changed this order or its manuals a moment ago. Reload it and apply your "
                          "change again."))
        rows = []
    if ApprovalOrder.objects.filter(number=number, date=date).exclude(pk=order.pk).exists():
        raise DomainError(_("Order %(number)s of %(date)s is already recorded.") % {
            "number": number, "date": _shown(date)}, code="order_exists")
    changes = _changes(order, {"number": number, "date": date, "title_ka": title_ka, "title_en": title_en})
    action = "order.update" if order.pk else "order.create"
    if order.pk:
        order.version += 1
    order.save()
    if rows:
        Manual.objects.bulk_create(Manual(order=order, **r) for r in rows)
        changes["manuals"] = [r["title_en"] for r in rows]
    audit.record(actor=actor, action=action, entity_type="geo.approvalorder", entity_id=order.pk, changes=changes)
    return order


@transaction.atomic
def manual_save(*, actor: Actor, kind: str, title_ka: str, title_en: str, expected_version: int | None,
                manual_id: int | None = None, order_id: int | None = None) -> Manual:
    """Correct a manual, or add one to a recorded order (`order_id`); `expected_version` is the order's, which
    moves on."""
    require(actor, Capability.ACTIVITY_RECORD)
    if manual_id is not None:
        manual = Manual.objects.filter(pk=manual_id).first()
        if manual is None:
            raise NotFound(_("No such manual."))
        order_id = manual.order_id
    else:
        manual = Manual()
    if order_id is None:
        raise NotFound(_("No such order."))
    order = _locked(ApprovalOrder, order_id, expected_version, _("No such order."),
                    _("Someone else changed this order or its manuals a moment ago. Reload it and apply your change "
                      "again."))
    values = _manual_values(ManualData(kind=kind, title_ka=title_ka, title_en=title_en))
    if order.manuals.filter(title_en=values["title_en"]).exclude(pk=manual.pk).exists():
        raise DomainError(_("The order already approves a manual of this English title."), code="manual_duplicate")
    changes = _changes(manual, {"order_id": order.pk, **values})
    action = "manual.update" if manual.pk else "manual.create"
    manual.save()
    order.version += 1
    order.save(update_fields=["version"])
    audit.record(actor=actor, action=action, entity_type="geo.manual", entity_id=manual.pk, changes=changes)
    return manual
