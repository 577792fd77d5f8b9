"""Controlled exports: a capability per kind, a row cap, every person in a file logged, files only for their maker
and gone when they expire; personal numbers masked and no cell that runs as a formula."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sakme.audit.models import AccessEvent, AccessKind, AuditEvent
from sakme.common.errors import DomainError, NotFound, PermissionDenied
from sakme.exports import services
from sakme.exports.models import Export
from sakme.tests.factories import number_of, open_case, person, sign_in


@pytest.fixture
def cases(staff):
    own = [open_case(unit="TB-1", who=person(given="=HYPERLINK(1)", family="ბერიძე")), open_case(unit="TB-1")]
    open_case(unit="KA-TEL")  # another unit: never in the counsellor's file
    return own


def _rows(export: Export) -> list[list[str]]:
    text = (services.export_dir() / export.file_name).read_text(encoding="utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_an_export_holds_the_units_cases_masked_and_logs_each_person(cases, staff):
    counsellor = staff["counsellor"]
    export = services.export_create(actor=counsellor, kind="caseload")
    rows = _rows(export)
    assert export.rows == 2 and len(rows) == 3
    written = services.export_dir() / export.file_name
    assert hashlib.sha256(written.read_bytes()).hexdigest() == export.sha256
    assert written.stat().st_mode & 0o777 == 0o600  # its maker's alone, from the start
    body = "\n".join(",".join(r) for r in rows)
    for case in cases:
        assert number_of(case.job_seeker.person) not in body
    assert "'=HYPERLINK(1)" in body  # a name that would run as a formula stays text
    persons = {c.job_seeker.person_id for c in cases}
    logged = AccessEvent.objects.filter(actor=counsellor, kind=AccessKind.EXPORT)
    assert set(logged.values_list("person_id", flat=True)) == persons
    assert AuditEvent.objects.filter(action="export.create", entity_id=str(export.pk)).count() == 1


def test_each_kind_needs_its_capability_and_the_cap_holds(cases, staff, settings, tmp_path):
    settings.VAR_DIR = tmp_path  # a folder of its own: another test's export is no file of this refusal
    with pytest.raises(PermissionDenied):
        services.export_create(actor=staff["employer_relations"], kind="caseload")
    with pytest.raises(PermissionDenied):
        services.export_create(actor=staff["counsellor"], kind="emergency_accesses")
    with pytest.raises(DomainError) as unknown:
        services.export_create(actor=staff["counsellor"], kind="everything")
    assert unknown.value.code == "unknown_kind"
    settings.SAKME_EXPORT_MAX_ROWS = 1
    files_before = set(services.export_dir().iterdir())
    with pytest.raises(DomainError) as capped:
        services.export_create(actor=staff["counsellor"], kind="caseload")
    assert capped.value.code == "too_many_rows" and not Export.objects.exists()
    assert set(services.export_dir().iterdir()) == files_before  # refused before anything was written


def test_only_the_maker_downloads_and_only_until_it_expires(cases, staff):
    export = services.export_create(actor=staff["counsellor"], kind="caseload")
    with pytest.raises(NotFound):
        services.export_open(actor=staff["unit_head"], export_id=export.pk)
    _export, path = services.export_open(actor=staff["counsellor"], export_id=export.pk)
    assert path.exists()
    assert services.exports_expire(now=timezone.now() + dt.timedelta(hours=25)) == 1
    assert not path.exists()
    with pytest.raises(DomainError) as expired:
        services.export_open(actor=staff["counsellor"], export_id=export.pk)
    assert expired.value.code == "expired"


def test_the_page_makes_lists_and_downloads(cases, staff):
    client = sign_in(Client(), staff["counsellor"])
    page = client.get(reverse("exports:list")).content.decode()
    assert 'value="caseload"' in page and 'value="emergency_accesses"' not in page
    made = client.post(reverse("exports:create"), {"kind": "caseload"})
    assert made.status_code == 302
    export = Export.objects.get()
    download = client.get(reverse("exports:download", args=[export.pk]))
    assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
    assert b"".join(download.streaming_content).decode("utf-8-sig").count("\n") == 3
    other = sign_in(Client(), staff["unit_head"])
    assert other.get(reverse("exports:download", args=[export.pk])).status_code == 404


def test_the_api_makes_lists_and_downloads(cases, staff):
    client = sign_in(Client(), staff["counsellor"])
    made = client.post("/api/v1/exports", json.dumps({"kind": "caseload"}), content_type="application/json")
    assert made.status_code == 200 and made.json()["rows"] == 2
    assert [e["id"] for e in client.get("/api/v1/exports").json()] == [made.json()["id"]]
    download = client.get(f"/api/v1/exports/{made.json()['id']}/file")
    assert download.status_code == 200
    refused = sign_in(Client(), staff["analyst"]).post("/api/v1/exports", json.dumps({"kind": "caseload"}),
                                                       content_type="application/json")
    assert refused.status_code == 403
