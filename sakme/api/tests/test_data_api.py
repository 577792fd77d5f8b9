"""The data steward's API: imports (upload, follow, problems), linkage runs, the clerical review, and a person's
links, over the same services and getters as the pages, with the same refusals and the same access log."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks import default_task_backend

from sakme.accounts.actors import SYSTEM
from sakme.accounts.services import api_token_create
from sakme.audit.models import AccessEvent, AccessKind, AuditEvent
from sakme.linkage.models import CandidatePair, LinkageModel, LinkRun
from sakme.linkage.tasks import link_run_task
from sakme.registry.models import (
    Household,
    ImportBatch,
    ImportProblem,
    Membership,
    Person,
    SourceRecord,
    SourceSystem,
)
from sakme.registry.tests.test_import import HEADER, ROWS
from sakme.tests.factories import import_batches, person

API = "/api/v1"
COLUMNS = ("chanaceris_id=source_key, piradi_nomeri=personal_number, saxeli=given_name, gvari=family_name, "
           "dabadebis_tarigi=birth_date, municipaliteti=municipality, misamarti=address")


def _client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(actor=SYSTEM, user=user, name='t')}")


@pytest.fixture
def steward(staff) -> Client:
    return _client(staff["data_steward"])


@pytest.fixture
def counsellor(staff) -> Client:
    return _client(staff["counsellor"])


def _post(client: Client, path: str, payload: dict[str, Any]) -> Any:
    return client.post(f"{API}{path}", json.dumps(payload), content_type="application/json")


def _refused(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert (body["status"], body["code"]) == (status, code), body
    return body


def _csv(rows: list[list[str]], name: str = "ssa.csv") -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([HEADER, *rows])
    return SimpleUploadedFile(name, buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


# -- imports ------------------------------------------------------------------------------------------------------

def test_an_upload_is_queued_run_by_the_worker_and_its_problems_are_read_page_by_page(
        steward, staff, django_capture_on_commit_callbacks):
    bad = [r[:] for r in ROWS]
    bad[1][4] = "31.02.1988"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = steward.post(f"{API}/imports", {"file": _csv(bad), "source": "ssa", "columns": COLUMNS,
                                                    "all_or_nothing": "true"})
    assert response.status_code == 200, response.content
    queued = response.json()
    assert (queued["status"], queued["running"], queued["source"], queued["file_name"]) == (
        "pending", True, "ssa", "ssa.csv")
    assert len(callbacks) == 1  # the import task, enqueued once the batch was committed
    batch = ImportBatch.objects.get(pk=queued["id"])
    assert batch.created_by == staff["data_steward"]
    assert AuditEvent.objects.filter(action="import.create", actor=staff["data_steward"],
                                     entity_id=str(batch.pk)).exists()

    done = steward.get(f"{API}/imports/{batch.pk}").json()
    assert (done["status"], done["running"], done["progress"]) == ("failed", False, None)
    assert (done["rows_total"], done["created"], done["error_count"]) == (3, 0, 1)
    assert "Nothing was written" in done["message"] and Person.objects.count() == 0
    problems = steward.get(f"{API}/imports/{batch.pk}/problems").json()
    error = next(p for p in problems["items"] if p["severity"] == "error")
    assert (error["row"], error["column"], error["value"]) == (3, "dabadebis_tarigi", "31.02.1988")
    assert "DD.MM.YYYY" in error["expected"] and error["message"]
    assert problems["next"] is None


def test_a_good_file_lands_whole_with_a_shipped_mapping_or_the_columns(steward, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = steward.post(f"{API}/imports", {"file": _csv(ROWS), "source": "ssa", "columns": COLUMNS})
    batch = steward.get(f"{API}/imports/{response.json()['id']}").json()
    assert (batch["status"], batch["created"], batch["error_count"]) == ("succeeded", 3, 0)
    assert Person.objects.count() == 3


def test_uploads_the_rules_refuse(steward, counsellor):
    def upload(client: Client = steward, **fields: Any) -> Any:
        return client.post(f"{API}/imports", {"file": _csv(ROWS), "source": "ssa", **fields})

    body = _refused(upload(source="nowhere"), 422, "unknown_source")
    assert "ssa" in body["detail"]  # the known ones are named
    body = _refused(upload(mapping="../settings"), 422, "unknown_mapping")
    assert "ssa, worknet" in body["detail"]
    body = _refused(upload(columns="saxeli=first_name"), 422, "mapping_invalid")
    assert "first_name" in body["detail"]
    _refused(upload(file=SimpleUploadedFile("ssa.pdf", b"%PDF-1.4")), 422, "file_type")
    _refused(steward.post(f"{API}/imports", {"source": "ssa"}), 422, "invalid")  # no file
    _refused(upload(counsellor), 403, "permission_denied")
    assert not ImportBatch.objects.exists()


def test_the_import_list_is_newest_first_in_pages_of_constant_cost(steward, counsellor, staff):
    def add(n: int) -> None:
        import_batches(n, by=staff["data_steward"])

    add(2)
    with CaptureQueriesContext(connection) as few:
        steward.get(f"{API}/imports")
    add(53)
    with CaptureQueriesContext(connection) as many:
        first = steward.get(f"{API}/imports").json()
    assert len(many) == len(few)
    ids = list(ImportBatch.objects.order_by("-pk").values_list("pk", flat=True))
    assert [b["id"] for b in first["items"]] == ids[:50]
    second = steward.get(f"{API}/imports", {"after": first["next"]}).json()
    assert [b["id"] for b in second["items"]] == ids[50:] and second["next"] is None
    _refused(counsellor.get(f"{API}/imports"), 403, "permission_denied")
    _refused(counsellor.get(f"{API}/imports/{ids[0]}"), 403, "permission_denied")
    _refused(steward.get(f"{API}/imports/{ids[0] + 1}"), 404, "not_found")
    _refused(steward.get(f"{API}/imports/{ids[0] + 1}/problems"), 404, "not_found")


def test_problems_come_in_pages(steward):
    batch = ImportBatch.objects.create(source=SourceSystem.objects.get(code="ssa"), file_name="x.csv",
                                       file_sha256="0" * 64, status=ImportBatch.Status.FAILED)
    ImportProblem.objects.bulk_create(ImportProblem(batch=batch, row=r, column="c", value=str(r), message="m")
                                      for r in range(2, 62))
    first = steward.get(f"{API}/imports/{batch.pk}/problems").json()
    second = steward.get(f"{API}/imports/{batch.pk}/problems", {"after": first["next"]}).json()
    assert [p["row"] for p in first["items"] + second["items"]] == list(range(2, 62))
    assert second["next"] is None


# -- linkage runs -------------------------------------------------------------------------------------------------

def test_a_run_is_started_with_the_pages_service_and_task(steward, counsellor, staff, settings,
                                                          django_capture_on_commit_callbacks):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # queued, not run
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(steward, "/linkage/runs", {"kind": "run", "sources": ["worknet", "ssa"]})
        assert default_task_backend.results == []  # nothing is queued before the run is committed
    assert response.status_code == 200, response.content
    run = response.json()
    assert (run["kind"], run["status"], run["sources"]) == ("run", "pending", ["ssa", "worknet"])
    assert LinkRun.objects.get(pk=run["id"]).started_by == staff["data_steward"]
    assert [(r.task.func, list(r.args)) for r in default_task_backend.results] == [
        (link_run_task.func, [run["id"], staff["data_steward"].pk])]
    assert steward.get(f"{API}/linkage/runs/{run['id']}").json()["status"] == "pending"
    assert steward.get(f"{API}/linkage/runs").json()["items"][0]["id"] == run["id"]

    _refused(_post(steward, "/linkage/runs", {"kind": "evaluate"}), 422, "unknown_kind")
    _refused(_post(steward, "/linkage/runs", {"kind": "run", "sources": ["ssa"]}), 422, "too_few_sources")
    _refused(_post(steward, "/linkage/runs", {"kind": "batch"}), 422, "batch_missing")
    _refused(_post(steward, "/linkage/runs", {"kind": "batch", "batch_id": 999_999}), 422, "unknown_batch")
    _refused(_post(counsellor, "/linkage/runs", {"kind": "run", "sources": ["ssa", "worknet"]}), 403,
             "permission_denied")
    _refused(counsellor.get(f"{API}/linkage/runs/{run['id']}"), 403, "permission_denied")
    _refused(steward.get(f"{API}/linkage/runs/{run['id'] + 1}"), 404, "not_found")
    assert LinkRun.objects.count() == 1 and len(default_task_backend.results) == 1


def test_a_run_whose_worker_died_reads_as_interrupted(steward, settings):
    settings.SAKME_LINKAGE_STALE_AFTER = 60
    long_ago = timezone.now() - dt.timedelta(hours=1)
    run = LinkRun.objects.create(kind=LinkRun.Kind.RUN, status=LinkRun.Status.RUNNING, sources=["ssa", "worknet"],
                                 started_at=long_ago, progress_at=long_ago, phase="scoring", progress=60)
    body = steward.get(f"{API}/linkage/runs/{run.pk}").json()
    assert (body["status"], body["phase"], body["progress"]) == ("interrupted", "scoring", 60)


def test_runs_come_in_pages_newest_first(steward):
    LinkRun.objects.bulk_create(LinkRun(kind=LinkRun.Kind.RUN, status=LinkRun.Status.SUCCEEDED,
                                        sources=["ssa", "worknet"]) for _ in range(51))
    ids = list(LinkRun.objects.order_by("-pk").values_list("pk", flat=True))
    first = steward.get(f"{API}/linkage/runs").json()
    second = steward.get(f"{API}/linkage/runs", {"after": first["next"]}).json()
    assert [r["id"] for r in first["items"] + second["items"]] == ids and second["next"] is None


# -- the clerical review ------------------------------------------------------------------------------------------

@pytest.fixture
def pairs(territory) -> list[CandidatePair]:
    """55 pairs waiting for review between the SSA and Worknet records of two persons, values with ties, some
    marked unsure; in the queue's order (undecided first, most valuable first, then by id)."""
    nino, giorgi = person(unit="TB-1"), person(given="გიორგი", unit="KA-TEL")
    batch = ImportBatch.objects.create(source=SourceSystem.objects.get(code="ssa"), file_name="x.csv",
                                       file_sha256="0" * 64, status=ImportBatch.Status.SUCCEEDED)
    model = LinkageModel.objects.create(scope="ssa+worknet", version=1, link_type="link_only", prior=1e-5,
                                        upper_threshold=0.99, lower_threshold=0.5, trained_at=timezone.now())
    records = {}
    for code, who in (("ssa", nino), ("worknet", giorgi)):
        source = SourceSystem.objects.get(code=code)
        records[code] = SourceRecord.objects.bulk_create(
            SourceRecord(source=source, key=f"{code}-{i}", person=who, batch=batch, row=i + 2,
                         given_name=who.given_name_ka, family_name=who.family_name_ka, birth_date=who.birth_date)
            for i in range(55))
    made = CandidatePair.objects.bulk_create(
        CandidatePair(record_a=a, record_b=b, model=model, probability=0.9, match_weight=3.5, value=(i % 7) / 10,
                      status=CandidatePair.Status.REVIEW, decision="unsure" if i % 5 == 0 else "",
                      comparisons={"given_name": [2, 1.5], "birth_date": [0, -2.0]})
        for i, (a, b) in enumerate(zip(records["ssa"], records["worknet"], strict=True)))
    return sorted(CandidatePair.objects.filter(pk__in=[p.pk for p in made]),
                  key=lambda p: (p.decision, -p.value, p.pk))


def test_the_queue_in_pages_in_the_pages_order_each_read_logged(steward, staff, pairs):
    first = steward.get(f"{API}/linkage/pairs")
    assert first.status_code == 200, first.content
    body = first.json()
    second = steward.get(f"{API}/linkage/pairs", {"after": body["next"]}).json()
    assert [p["id"] for p in body["items"] + second["items"]] == [p.pk for p in pairs]
    assert len(body["items"]) == 50 and second["next"] is None
    item = body["items"][0]
    assert item["record_a"]["source"] == "ssa" and item["record_b"]["source"] == "worknet"
    logged = AccessEvent.objects.filter(actor=staff["data_steward"], kind=AccessKind.API,
                                        context=f"{API}/linkage/pairs")
    assert sorted(logged.values_list("person_id", flat=True)) == sorted(
        [pairs[0].record_a.person_id, pairs[0].record_b.person_id] * 2)  # both persons, on each page
    # A cursor that is not one starts from the first page.
    assert steward.get(f"{API}/linkage/pairs", {"after": "x:nan:1"}).json()["items"][0]["id"] == pairs[0].pk


def test_a_pair_with_its_evidence_and_a_decision_that_cannot_overwrite_another(steward, counsellor, staff, pairs):
    pair = pairs[0]
    detail = steward.get(f"{API}/linkage/pairs/{pair.pk}")
    assert detail.status_code == 200, detail.content
    body = detail.json()
    assert (body["record_a"]["key"], body["record_b"]["key"]) == (pair.record_a.key, pair.record_b.key)
    assert body["record_b"]["given_name"] == "გიორგი" and body["model"] == "ssa+worknet v1"
    evidence = {e["comparison"]: e for e in body["evidence"]}
    assert (evidence["given_name"]["weight"], evidence["given_name"]["agrees"]) == (1.5, True)
    assert evidence["birth_date"]["agrees"] is False and evidence["phone"]["weight"] is None
    assert body["prior_weight"] == pytest.approx(3.5 - 1.5 + 2.0)
    assert set(AccessEvent.objects.filter(kind=AccessKind.API, context=f"{API}/linkage/pairs/{pair.pk}")
               .values_list("person_id", flat=True)) == {pair.record_a.person_id, pair.record_b.person_id}

    url = f"/linkage/pairs/{pair.pk}/decision"
    decided = _post(steward, url, {"decision": "match", "seen_decision": body["decision"]})
    assert decided.status_code == 200, decided.content
    assert (decided.json()["status"], decided.json()["decision"], decided.json()["decided_by_id"]) == (
        "accepted", "match", staff["data_steward"].pk)
    assert AuditEvent.objects.filter(action="linkage.pair.decide", actor=staff["data_steward"]).count() == 1
    # A second steward who read the pair undecided is told, not allowed to overwrite.
    body = _refused(_post(steward, url, {"decision": "non_match", "seen_decision": ""}), 409, "concurrent_edit")
    assert "meanwhile" in body["detail"]
    pair.refresh_from_db()
    assert (pair.status, pair.decision) == ("accepted", "match")
    assert steward.get(f"{API}/linkage/pairs").json()["items"][0]["id"] == pairs[1].pk  # left the queue

    _refused(_post(steward, f"/linkage/pairs/{pairs[1].pk}/decision", {"decision": "maybe", "seen_decision": ""}),
             422, "invalid_decision")
    _refused(_post(steward, f"/linkage/pairs/{pairs[1].pk}/decision", {"decision": "match"}), 422, "invalid")
    _refused(_post(steward, "/linkage/pairs/999999/decision", {"decision": "match", "seen_decision": ""}), 404,
             "not_found")
    _refused(steward.get(f"{API}/linkage/pairs/999999"), 404, "not_found")
    for refused in (counsellor.get(f"{API}/linkage/pairs"), counsellor.get(f"{API}/linkage/pairs/{pair.pk}"),
                    _post(counsellor, f"/linkage/pairs/{pairs[1].pk}/decision",
                          {"decision": "match", "seen_decision": ""})):
        _refused(refused, 403, "permission_denied")
    assert not AccessEvent.objects.filter(actor=staff["counsellor"]).exists()


def test_a_persons_links_are_read_in_the_users_units_only(steward, counsellor, staff, pairs):
    pair = pairs[0]
    own, elsewhere = pair.record_a.person_id, pair.record_b.person_id  # of TB-1 and of KA-TEL
    for person_id in (own, elsewhere):  # each in a household: the match cannot merge them, their links show
        home = Household.objects.create(source=SourceSystem.objects.get(code="ssa"), key=f"H{person_id}")
        Membership.objects.create(household=home, person_id=person_id)
    decided = _post(steward, f"/linkage/pairs/{pair.pk}/decision", {"decision": "match", "seen_decision": ""})
    assert decided.status_code == 200, decided.content
    found = counsellor.get(f"{API}/persons/{own}/links")
    assert found.status_code == 200, found.content
    assert found.json() == {"linked": [], "linked_outside_your_units": 1}  # counted, not shown
    assert AccessEvent.objects.filter(actor=staff["counsellor"], person_id=own, kind=AccessKind.API).exists()
    assert not AccessEvent.objects.filter(actor=staff["counsellor"], person_id=elsewhere).exists()
    linked = steward.get(f"{API}/persons/{own}/links").json()
    assert [(r["key"], r["person_id"]) for r in linked["linked"]] == [(pair.record_b.key, elsewhere)]
    assert AccessEvent.objects.filter(actor=staff["data_steward"], person_id=elsewhere, kind=AccessKind.API,
                                      context__startswith="linked records").exists()
    _refused(counsellor.get(f"{API}/persons/{elsewhere}/links"), 404, "not_found")
    _refused(_client(staff["analyst"]).get(f"{API}/persons/{own}/links"), 403, "permission_denied")
