"""The programme's activities over the same use cases as their pages: a year's staff allocations, trainings,
working meetings and orders approving manuals; recording and correcting them."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from ninja import Query, Router

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.api.errors import ERRORS
from sakme.api.schemas.activities import (
    ActivitiesOut,
    ManualAdd,
    OrderChange,
    OrderIn,
    OrderOut,
    StaffAllocationChange,
    StaffAllocationIn,
    StaffAllocationOut,
    TrainingChange,
    TrainingIn,
    TrainingOut,
    YearQuery,
)
from sakme.geo import activities, selectors
from sakme.geo.access import require, unit_id_of_code
from sakme.geo.models import ApprovalOrder, Manual, StaffAllocation, StaffPost, Training

router = Router(tags=["activities"])


def allocation_out(a: StaffAllocation) -> dict[str, Any]:
    return {"id": a.pk, "unit": a.unit.code, "unit_name_ka": a.unit.name_ka, "unit_name_en": a.unit.name_en,
            "region": a.unit.region.code, "date": a.date, "staff_units": a.staff_units, "reason_ka": a.reason_ka,
            "reason_en": a.reason_en, "version": a.version}


def training_out(t: Training) -> dict[str, Any]:
    """A training with its attendees (prefetched with their posts by the selector, or read here)."""
    return {"id": t.pk, "kind": t.kind, "date": t.date, "days": t.days, "title_ka": t.title_ka,
            "title_en": t.title_en, "version": t.version,
            "attendees": [{"id": u.pk, "name": u.get_full_name() or u.username,
                           "units": [_where(p) for p in u.posts.all()]} for u in t.attendees.all()]}


def _where(post: StaffPost) -> str:
    return post.unit.code if post.unit else (post.region.code if post.region else "")


def manual_out(m: Manual) -> dict[str, Any]:
    return {"id": m.pk, "order_id": m.order_id, "kind": m.kind, "title_ka": m.title_ka, "title_en": m.title_en}


def order_out(o: ApprovalOrder) -> dict[str, Any]:
    return {"id": o.pk, "number": o.number, "date": o.date, "title_ka": o.title_ka, "title_en": o.title_en,
            "version": o.version, "manuals": [manual_out(m) for m in o.manuals.all()]}


def _of_year(year: int) -> selectors.YearActivities:
    return selectors.activities_of_year(year)


def _training(training_id: int) -> dict[str, Any]:
    return training_out(selectors.training_detail(training_id))


@router.get("/activities", response={200: ActivitiesOut, **ERRORS})
def activity_list(request: AuthedRequest, params: Query[YearQuery]) -> Any:
    """A year's activities (this year's when `year` is left out): staff allocations, trainings and working meetings
    with who attended, and orders with the manuals they approve."""
    require(request.user, (Capability.INDICATOR_VIEW, Capability.ACTIVITY_RECORD))
    found = _of_year(params.year or timezone.localdate().year)
    return {"year": found.year, "staff_allocations": [allocation_out(a) for a in found.staff_allocations],
            "trainings": [training_out(t) for t in found.trainings],
            "working_meetings": [training_out(t) for t in found.working_meetings],
            "orders": [order_out(o) for o in found.orders]}


def _allocation(allocation_id: int) -> dict[str, Any]:
    return allocation_out(StaffAllocation.objects.select_related("unit__region").get(pk=allocation_id))


@router.post("/activities/staff-allocations", response={200: StaffAllocationOut, **ERRORS})
def staff_allocation_create(request: AuthedRequest, payload: StaffAllocationIn) -> Any:
    """Record the staff units a unit has on the employment component from a date."""
    data = payload.dict()
    unit_id = unit_id_of_code(data.pop("unit"))
    assert unit_id is not None
    allocation = activities.staff_allocation_save(actor=request.user, unit_id=unit_id, **data)
    return _allocation(allocation.pk)


@router.put("/activities/staff-allocations/{allocation_id}", response={200: StaffAllocationOut, **ERRORS})
def staff_allocation_update(request: AuthedRequest, allocation_id: int, payload: StaffAllocationChange) -> Any:
    """Correct a staff allocation; 409 when it changed since `expected_version`."""
    data = payload.dict()
    unit_id = unit_id_of_code(data.pop("unit"))
    assert unit_id is not None
    activities.staff_allocation_save(actor=request.user, allocation_id=allocation_id, unit_id=unit_id, **data)
    return _allocation(allocation_id)


@router.post("/activities/trainings", response={200: TrainingOut, **ERRORS})
def training_create(request: AuthedRequest, payload: TrainingIn) -> Any:
    """Record a training or a working meeting (`kind`) and who attended."""
    training = activities.training_save(actor=request.user, **payload.dict())
    return _training(training.pk)


@router.put("/activities/trainings/{training_id}", response={200: TrainingOut, **ERRORS})
def training_update(request: AuthedRequest, training_id: int, payload: TrainingChange) -> Any:
    """Correct a training or a working meeting and who attended; 409 when it changed since `expected_version`."""
    activities.training_save(actor=request.user, training_id=training_id, **payload.dict())
    return _training(training_id)


def _order(order_id: int) -> dict[str, Any]:
    return order_out(ApprovalOrder.objects.prefetch_related("manuals").get(pk=order_id))


@router.post("/activities/orders", response={200: OrderOut, **ERRORS})
def order_create(request: AuthedRequest, payload: OrderIn) -> Any:
    """Record an order of the director with the manuals it approves (at least one)."""
    data = payload.dict()
    manuals = [activities.ManualData(**m) for m in data.pop("manuals")]
    order = activities.order_save(actor=request.user, manuals=manuals, **data)
    return _order(order.pk)


@router.put("/activities/orders/{order_id}", response={200: OrderOut, **ERRORS})
def order_update(request: AuthedRequest, order_id: int, payload: OrderChange) -> Any:
    """Correct an order's number, date and title; 409 when it or its manuals changed since `expected_version`."""
    activities.order_save(actor=request.user, order_id=order_id, **payload.dict())
    return _order(order_id)


@router.post("/activities/orders/{order_id}/manuals", response={200: OrderOut, **ERRORS})
def manual_create(request: AuthedRequest, order_id: int, payload: ManualAdd) -> Any:
    """Add a manual to a recorded order; 409 when the order changed since `expected_version`."""
    activities.manual_save(actor=request.user, order_id=order_id, **payload.dict())
    return _order(order_id)


@router.put("/activities/manuals/{manual_id}", response={200: OrderOut, **ERRORS})
def manual_update(request: AuthedRequest, manual_id: int, payload: ManualAdd) -> Any:
    """Correct a manual; `expected_version` is its order's (409 when the order or its manuals changed since)."""
    manual = activities.manual_save(actor=request.user, manual_id=manual_id, **payload.dict())
    return _order(manual.order_id)

