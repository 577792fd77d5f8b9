"""The data steward's page writes (imports, linkage runs, decisions on pairs), and those of the programme's activities,
and their API twins refuse the same input alike (see `test_page_api_twins.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.geo.models import ApprovalOrder, Manual, StaffAllocation, Training
from sakme.linkage.models import CandidatePair, LinkageModel
from sakme.linkage.services import pair_decide
from sakme.registry.models import ImportBatch, SourceRecord, SourceSystem
from sakme.tests.factories import person, sign_in
from tests.twins import Twin, mismatches


@dataclass
class DataWorld:
    """What the data steward's refusals need: a pair waiting for review that someone decided meanwhile."""

    pair: CandidatePair


@pytest.fixture
def data_world(staff) -> DataWorld:
    batch = ImportBatch.objects.create(source=SourceSystem.objects.get(code="ssa"), file_name="x.csv",
                                       file_sha256="0" * 64, status=ImportBatch.Status.SUCCEEDED)
    model = LinkageModel.objects.create(scope="ssa+worknet", version=1, link_type="link_only", prior=1e-5,
                                        upper_threshold=0.99, lower_threshold=0.5, trained_at=timezone.now())
    a, b = (SourceRecord.objects.create(source=SourceSystem.objects.get(code=code), key=f"K-{code}",
                                        person_id=person().pk, batch=batch, row=2) for code in ("ssa", "worknet"))
    pair = CandidatePair.objects.create(record_a=a, record_b=b, model=model, probability=0.7, match_weight=1.2,
                                        status=CandidatePair.Status.REVIEW, value=0.3)
    pair_decide(actor=SYSTEM, pair_id=pair.pk, decision=CandidatePair.Decision.UNSURE, seen_decision="")
    return DataWorld(pair=pair)


DATA_TWINS = [
    Twin("an import with a column mapping that does not parse", "data_steward",
         lambda w: ("/registry/imports/", {"source": "ssa", "columns": "piradi_nomeri", "all_or_nothing": "on",
                                           "file": SimpleUploadedFile("persons.csv", b"personal_number\n")}),
         lambda w: ("/imports", {"source": "ssa", "columns": "piradi_nomeri",
                                 "file": SimpleUploadedFile("persons.csv", b"personal_number\n")}),
         "mapping_invalid", method="multipart"),
    Twin("an import of a file that is neither CSV nor XLSX", "data_steward",
         lambda w: ("/registry/imports/", {"source": "ssa", "file": SimpleUploadedFile("persons.pdf", b"%PDF")}),
         lambda w: ("/imports", {"source": "ssa", "file": SimpleUploadedFile("persons.pdf", b"%PDF")}),
         "file_type", method="multipart"),
    Twin("a linkage run of one source", "data_steward",
         lambda w: ("/linkage/runs/", {"kind": "run", "sources": ["ssa"]}),
         lambda w: ("/linkage/runs", {"kind": "run", "sources": ["ssa"]}),
         "too_few_sources"),
    Twin("a decision over someone else's", "data_steward",
         lambda w: (f"/linkage/pairs/{w.pair.pk}/decide/", {"decision": "match", "seen": ""}),
         lambda w: (f"/linkage/pairs/{w.pair.pk}/decision", {"decision": "match", "seen_decision": ""}),
         "concurrent_edit"),
]


def test_the_data_pages_and_the_api_refuse_alike(staff, data_world):
    found = mismatches(DATA_TWINS, {"data_steward": sign_in(Client(), staff["data_steward"])}, data_world)
    assert not found, "\n".join(found)


def test_every_data_page_write_has_a_twin(data_world):
    walked = {re.sub(r"\d+", "N", t.page(data_world)[0]) for t in DATA_TWINS}
    assert {"/registry/imports/", "/linkage/runs/", "/linkage/pairs/N/decide/"} <= walked


# The programme's activities (geo): recorded by the central department; each page write and its API twin.

@dataclass
class ActivityWorld:
    """The 2019 reference activities as loaded (version 1 each), and a member of staff without a post."""

    training: Training
    allocation: StaffAllocation
    order: ApprovalOrder
    manuals: list[Manual]
    unposted: int


@pytest.fixture
def activity_world(staff) -> ActivityWorld:
    order = ApprovalOrder.objects.get(number="N04-2412/ო")
    return ActivityWorld(training=Training.objects.filter(date__year=2019).order_by("date").first(),  # type: ignore[arg-type]
                         allocation=StaffAllocation.objects.filter(date__year=2019).order_by("pk").first(),  # type: ignore[arg-type]
                         order=order, manuals=list(order.manuals.order_by("pk")), unposted=staff["analyst"].pk)


def _training_fields(w: ActivityWorld, **extra: object) -> dict[str, object]:
    t = w.training
    return {"kind": t.kind, "date": str(t.date), "days": t.days, "title_ka": t.title_ka, "title_en": t.title_en,
            **extra}


def _order_fields(w: ActivityWorld) -> dict[str, object]:
    return {"number": w.order.number, "date": str(w.order.date), "title_ka": w.order.title_ka,
            "title_en": w.order.title_en}


STALE_VERSION = 999
ACTIVITY_TWINS = [
    Twin("a training corrected over someone else's", "analyst",
         lambda w: (f"/geo/activities/trainings/{w.training.pk}/", _training_fields(w, version=STALE_VERSION)),
         lambda w: (f"/activities/trainings/{w.training.pk}", _training_fields(w, expected_version=STALE_VERSION)),
         "concurrent_edit", method="put"),
    Twin("someone without a post recorded as attending", "analyst",
         lambda w: ("/geo/activities/trainings/new/", {"kind": "training", "date": "2025-03-12", "days": 1,
                                                       "title_ka": "ტ", "title_en": "T", "attendees": [w.unposted]}),
         lambda w: ("/activities/trainings", {"kind": "training", "date": "2025-03-12", "title_ka": "ტ",
                                              "title_en": "T", "attendees": [w.unposted]}),
         "attendee_not_staff"),
    Twin("more staff units than a unit can have", "analyst",
         lambda w: ("/geo/activities/allocations/new/", {"unit": w.allocation.unit_id, "date": "2025-03-12",
                                                         "staff_units": 501}),
         lambda w: ("/activities/staff-allocations", {"unit": w.allocation.unit.code, "date": "2025-03-12",
                                                      "staff_units": 501}),
         "staff_units_out_of_range"),
    Twin("a staff allocation corrected over someone else's", "analyst",
         lambda w: (f"/geo/activities/allocations/{w.allocation.pk}/", {
             "unit": w.allocation.unit_id, "date": str(w.allocation.date), "staff_units": 5, "version": STALE_VERSION}),
         lambda w: (f"/activities/staff-allocations/{w.allocation.pk}", {
             "unit": w.allocation.unit.code, "date": str(w.allocation.date), "staff_units": 5,
             "expected_version": STALE_VERSION}),
         "concurrent_edit", method="put"),
    Twin("an order recorded twice", "analyst",
         lambda w: ("/geo/activities/orders/new/", {**_order_fields(w), "m-TOTAL_FORMS": 1, "m-INITIAL_FORMS": 0,
                                                    "m-0-kind": "other", "m-0-title_ka": "ს", "m-0-title_en": "S"}),
         lambda w: ("/activities/orders", {**_order_fields(w), "manuals": [{"kind": "other", "title_ka": "ს",
                                                                             "title_en": "S"}]}),
         "order_exists"),
    Twin("an order corrected over someone else's", "analyst",
         lambda w: (f"/geo/activities/orders/{w.order.pk}/", {**_order_fields(w), "version": STALE_VERSION}),
         lambda w: (f"/activities/orders/{w.order.pk}", {**_order_fields(w), "expected_version": STALE_VERSION}),
         "concurrent_edit", method="put"),
    Twin("a manual added to an order someone else changed", "administrator",
         lambda w: (f"/geo/activities/orders/{w.order.pk}/manuals/new/", {
             "kind": "other", "title_ka": "ს", "title_en": "S", "version": STALE_VERSION}),
         lambda w: (f"/activities/orders/{w.order.pk}/manuals", {"kind": "other", "title_ka": "ს", "title_en": "S",
                                                                 "expected_version": STALE_VERSION}),
         "concurrent_edit"),
    Twin("a manual renamed as another of its order", "analyst",
         lambda w: (f"/geo/activities/manuals/{w.manuals[0].pk}/", {
             "kind": "other", "title_ka": "ს", "title_en": w.manuals[1].title_en, "version": w.order.version}),
         lambda w: (f"/activities/manuals/{w.manuals[0].pk}", {
             "kind": "other", "title_ka": "ს", "title_en": w.manuals[1].title_en,
             "expected_version": w.order.version}),
         "manual_duplicate", method="put"),
    Twin("a training recorded by a role that only reads the activities", "unit_head",
         lambda w: ("/geo/activities/trainings/new/", {"kind": "training", "date": "2025-03-12", "days": 1,
                                                       "title_ka": "ტ", "title_en": "T"}),
         lambda w: ("/activities/trainings", {"kind": "training", "date": "2025-03-12", "title_ka": "ტ",
                                              "title_en": "T"}),
         "permission_denied"),
]


def test_the_activity_pages_and_the_api_refuse_alike(staff, activity_world):
    clients = {role: sign_in(Client(), staff[role]) for role in {t.role for t in ACTIVITY_TWINS}}
    found = mismatches(ACTIVITY_TWINS, clients, activity_world)
    assert not found, "\n".join(found)


def test_every_activity_page_write_has_a_twin(activity_world):
    walked = {re.sub(r"\d+", "N", t.page(activity_world)[0]) for t in ACTIVITY_TWINS}
    assert {"/geo/activities/trainings/new/", "/geo/activities/trainings/N/", "/geo/activities/allocations/new/",
            "/geo/activities/allocations/N/", "/geo/activities/orders/new/", "/geo/activities/orders/N/",
            "/geo/activities/orders/N/manuals/new/", "/geo/activities/manuals/N/"} <= walked
