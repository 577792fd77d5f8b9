"""The programme's activities of a year (staff allocations, trainings, working meetings, orders approving manuals),
and the pages that record and correct them. A correction made from a stale page is refused and shown again with the
user's values and what is saved now, never saved over someone else's."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.db import models
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.common.errors import ConcurrentEdit, DomainError, NotFound
from sakme.common.pages import refuse_form, render_form
from sakme.geo import activities, selectors
from sakme.geo.access import requires
from sakme.geo.forms import ManualForm, ManualFormSet, OrderForm, StaffAllocationForm, TrainingForm
from sakme.geo.models import ApprovalOrder, Manual, StaffAllocation, Training

M = TypeVar("M", bound=models.Model)
MakeForm = Callable[[Any], forms.Form]


def _get(model: type[M], pk: int, message: str, *related: str) -> M:
    record = model._default_manager.select_related(*related).filter(pk=pk).first()
    if record is None:
        raise NotFound(message)
    return record


def _year(value: str | None) -> int:
    """The year asked for (`?year=`), else this one."""
    if value and value.isascii() and value.isdigit() and activities.FIRST_DATE.year <= int(value) <= 9998:
        return int(value)
    return timezone.localdate().year


def _to_year(year: int) -> str:
    return f"{reverse('geo:activities')}?year={year}"


@require_GET
@requires(Capability.INDICATOR_VIEW, Capability.ACTIVITY_RECORD)
def activities_page(request: AuthedRequest) -> HttpResponse:
    """A year's activities in four sections, with a year picker; links to record them for those who may."""
    year, today = _year(request.GET.get("year")), timezone.localdate()
    return render(request, "geo/activities.html", {
        "year": year, "years": selectors.activity_years(also=today.year), "today": today,
        "activities": selectors.activities_of_year(year)})


def _form_page(request: AuthedRequest, make: MakeForm, call: Callable[[dict[str, Any]], Any], *, template: str,
               context: dict[str, Any], success: str, year_of: Callable[[Any], int],
               now: Callable[[], tuple[Any, int]] | None = None) -> HttpResponse:
    """Parse the form, call the service, go back to the year's activities; a rule's refusal is said above the form.
    When someone else saved the record meanwhile (`now`: the record as saved and its version), the form comes back
    with this user's values, what is saved now, and that version: saving again keeps what the form shows."""
    form = make(request.POST if request.method == "POST" else None)
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            record = call(form.cleaned_data)
        except ConcurrentEdit as exc:
            assert now is not None
            saved, version = now()
            posted = request.POST.copy()
            posted["version"] = str(version)
            form = make(posted)
            form.is_valid()
            refuse_form(form, exc)
        except DomainError as exc:
            refuse_form(form, exc)
        else:
            messages.success(request, success)
            return redirect(_to_year(year_of(record)))
    return render_form(request, template, {**context, "form": form, "saved": saved}, form=form)


@require_http_methods(["GET", "POST"])
@requires(Capability.ACTIVITY_RECORD)
def staff_allocation_edit(request: AuthedRequest, allocation_id: int | None = None) -> HttpResponse:
    """Record the staff units of a unit's employment component from a date, or correct a recorded allocation."""
    allocation = _get(StaffAllocation, allocation_id, _("No such staff allocation."), "unit") if allocation_id else None
    initial = {"unit": allocation.unit_id, "date": allocation.date, "staff_units": allocation.staff_units,
               "reason_ka": allocation.reason_ka, "reason_en": allocation.reason_en,
               "version": allocation.version} if allocation else None
    units = selectors.unit_choices()

    def make(data: Any) -> forms.Form:
        return StaffAllocationForm(data, initial=initial, units=units)

    def call(data: dict[str, Any]) -> StaffAllocation:
        return activities.staff_allocation_save(
            actor=request.user, allocation_id=allocation_id, unit_id=data["unit"], date=data["date"],
            staff_units=data["staff_units"], reason_ka=data["reason_ka"], reason_en=data["reason_en"],
            expected_version=data["version"] if allocation_id else None)

    def now() -> tuple[Any, int]:
        fresh = _get(StaffAllocation, allocation_id or 0, _("No such staff allocation."), "unit")
        return fresh, fresh.version

    return _form_page(request, make, call, template="geo/activities_allocation.html",
                      context={"allocation": allocation}, success=_("Staff allocation saved."),
                      year_of=lambda a: a.date.year, now=now)


@require_http_methods(["GET", "POST"])
@requires(Capability.ACTIVITY_RECORD)
def training_edit(request: AuthedRequest, training_id: int | None = None) -> HttpResponse:
    """Record a training or a working meeting and who attended (staff with a post, shown with their unit), or correct
    a recorded one."""
    training = _get(Training, training_id, _("No such training or working meeting.")) if training_id else None
    if training is not None:
        recorded = list(training.attendees.values_list("pk", flat=True))
        initial = {"kind": training.kind, "date": training.date, "days": training.days,
                   "title_ka": training.title_ka, "title_en": training.title_en, "attendees": recorded,
                   "version": training.version}
    else:
        recorded = []
        asked = request.GET.get("kind")
        initial = {"kind": asked if asked in Training.Kind.values else Training.Kind.TRAINING}
    staff = selectors.staff_choices(also=recorded)

    def make(data: Any) -> forms.Form:
        return TrainingForm(data, initial=initial, staff=staff)

    def call(data: dict[str, Any]) -> Training:
        return activities.training_save(
            actor=request.user, training_id=training_id, kind=data["kind"], date=data["date"], days=data["days"],
            title_ka=data["title_ka"], title_en=data["title_en"], attendees=data["attendees"],
            expected_version=data["version"] if training_id else None)

    def now() -> tuple[Any, int]:
        fresh = _get(Training, training_id or 0, _("No such training or working meeting."))
        return fresh, fresh.version

    return _form_page(request, make, call, template="geo/activities_training.html",
                      context={"training": training, "staff": staff},
                      success=_("Training or working meeting saved."), year_of=lambda t: t.date.year, now=now)


@require_http_methods(["GET", "POST"])
@requires(Capability.ACTIVITY_RECORD)
def order_add(request: AuthedRequest) -> HttpResponse:
    """Record an order of the director with the manuals it approves (at least one)."""
    form = OrderForm(request.POST or None)
    manuals = ManualFormSet(request.POST or None, prefix="m")
    if request.method == "POST" and form.is_valid() and manuals.is_valid():
        data = form.cleaned_data
        rows = [activities.ManualData(kind=m.cleaned_data.get("kind", ""), title_ka=m.cleaned_data.get("title_ka", ""),
                                      title_en=m.cleaned_data.get("title_en", ""))
                for m in manuals if m.filled()]  # type: ignore[attr-defined]
        try:
            order = activities.order_save(actor=request.user, number=data["number"], date=data["date"],
                                          title_ka=data["title_ka"], title_en=data["title_en"], manuals=rows)
        except DomainError as exc:
            refuse_form(form, exc)
        else:
            messages.success(request, _("Order and its manuals saved."))
            return redirect(_to_year(order.date.year))
    return render_form(request, "geo/activities_order.html", {"form": form, "manuals": manuals, "order": None},
                       form=form)


@require_http_methods(["GET", "POST"])
@requires(Capability.ACTIVITY_RECORD)
def order_edit(request: AuthedRequest, order_id: int) -> HttpResponse:
    """Correct an order's number, date and title; its manuals are listed, each with its own page."""
    order = _get(ApprovalOrder, order_id, _("No such order."))
    initial = {"number": order.number, "date": order.date, "title_ka": order.title_ka, "title_en": order.title_en,
               "version": order.version}

    def make(data: Any) -> forms.Form:
        return OrderForm(data, initial=initial)

    def call(data: dict[str, Any]) -> ApprovalOrder:
        return activities.order_save(actor=request.user, order_id=order.pk, number=data["number"], date=data["date"],
                                     title_ka=data["title_ka"], title_en=data["title_en"],
                                     expected_version=data["version"])

    def now() -> tuple[Any, int]:
        fresh = _get(ApprovalOrder, order.pk, _("No such order."))
        return fresh, fresh.version

    return _form_page(request, make, call, template="geo/activities_order.html",
                      context={"order": order, "order_manuals": order.manuals.order_by("pk")},
                      success=_("Order saved."), year_of=lambda o: o.date.year, now=now)


@require_http_methods(["GET", "POST"])
@requires(Capability.ACTIVITY_RECORD)
def manual_edit(request: AuthedRequest, manual_id: int | None = None, order_id: int | None = None) -> HttpResponse:
    """Correct a manual, or add one to a recorded order; the order's version stands for its manuals."""
    manual = _get(Manual, manual_id, _("No such manual."), "order") if manual_id else None
    order = manual.order if manual else _get(ApprovalOrder, order_id or 0, _("No such order."))
    initial: dict[str, Any] = {"version": order.version}
    if manual is not None:
        initial.update({"kind": manual.kind, "title_ka": manual.title_ka, "title_en": manual.title_en})

    def make(data: Any) -> forms.Form:
        return ManualForm(data, initial=initial)

    def call(data: dict[str, Any]) -> Manual:
        return activities.manual_save(actor=request.user, manual_id=manual_id, order_id=order.pk, kind=data["kind"],
                                      title_ka=data["title_ka"], title_en=data["title_en"],
                                      expected_version=data["version"])

    def now() -> tuple[Any, int]:
        fresh = _get(ApprovalOrder, order.pk, _("No such order."))
        return (_get(Manual, manual_id, _("No such manual.")) if manual_id else fresh), fresh.version

    return _form_page(request, make, call, template="geo/activities_manual.html",
                      context={"manual": manual, "order": order}, success=_("Manual saved."),
                      year_of=lambda m: order.date.year, now=now)
