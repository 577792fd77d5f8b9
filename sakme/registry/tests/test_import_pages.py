"""The data steward's import pages: upload, follow the progress, read and download the problems."""

from __future__ import annotations

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from sakme.registry.models import ImportBatch, Person
from sakme.registry.tests.test_import import HEADER, ROWS
from sakme.tests.factories import import_batches, sign_in

COLUMNS = ("chanaceris_id=source_key, piradi_nomeri=personal_number, saxeli=given_name, gvari=family_name, "
           "dabadebis_tarigi=birth_date, municipaliteti=municipality, misamarti=address")


def upload(rows: list[list[str]]) -> SimpleUploadedFile:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([HEADER, *rows])
    return SimpleUploadedFile("ssa.csv", buffer.getvalue().encode("utf-8-sig"), content_type="text/csv")


def test_steward_uploads_and_sees_the_result(staff, django_capture_on_commit_callbacks):
    client = sign_in(Client(), staff["data_steward"])
    assert client.get(reverse("registry:imports")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("registry:imports"), {
            "source": "ssa", "file": upload(ROWS), "columns": COLUMNS, "all_or_nothing": "on"})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("registry:import_detail", args=[batch.pk])
    assert batch.status == ImportBatch.Status.SUCCEEDED and batch.created_by == staff["data_steward"]
    assert Person.objects.count() == 3
    page = client.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    assert "Persons created" in page and "leading zero was restored" in page
    status = client.get(reverse("registry:import_detail", args=[batch.pk]), HTTP_HX_REQUEST="true")
    assert status.content.decode().lstrip().startswith('<section id="status"')


def test_a_refused_file_shows_the_rows_and_offers_the_error_file(staff, django_capture_on_commit_callbacks):
    client = sign_in(Client(), staff["data_steward"])
    bad = [r[:] for r in ROWS]
    bad[1][4] = "31.02.1988"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registry:imports"), {"source": "ssa", "file": upload(bad), "columns": COLUMNS,
                                                  "all_or_nothing": "on"})
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED and Person.objects.count() == 0
    page = client.get(reverse("registry:import_detail", args=[batch.pk])).content.decode()
    assert "Nothing was written" in page and "31.02.1988" in page
    download = client.get(reverse("registry:import_errors", args=[batch.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert lines[0][:3] == ["row", "column", "value"]
    errors = [line for line in lines[1:] if line[3] == "error"]
    assert errors == [["3", "dabadebis_tarigi", "31.02.1988", "error", errors[0][4], errors[0][5]]]
    assert "DD.MM.YYYY" in errors[0][5]


def test_a_wrong_mapping_is_explained_on_the_form(staff):
    client = sign_in(Client(), staff["data_steward"])
    response = client.post(reverse("registry:imports"), {"source": "ssa", "file": upload(ROWS),
                                                          "columns": "saxeli=first_name"})
    # Refused as the API refuses it: 422 and the code, the form shown again with why.
    assert response.status_code == 422 and response["X-Error-Code"] == "mapping_invalid"
    assert "Unknown field(s) in the mapping: first_name" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_import_list_runs_a_constant_number_of_queries(staff):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = sign_in(Client(), staff["data_steward"])

    def add(n: int) -> None:
        import_batches(n, by=staff["data_steward"])

    add(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("registry:imports"))
    add(30)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("registry:imports"))
    assert len(many) == len(few)


def test_the_row_of_the_column_names_is_given_on_the_page_and_the_api(staff, django_capture_on_commit_callbacks):
    # Thirty note rows above the header: past what is looked at to find it, so the steward says where it is.
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerows([[f"note {i}"] for i in range(30)] + [HEADER, *ROWS])
    content = buffer.getvalue().encode("utf-8-sig")
    client = sign_in(Client(), staff["data_steward"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("registry:imports"), {"source": "ssa", "columns": COLUMNS, "all_or_nothing": "on",
                                                  "file": SimpleUploadedFile("notes.csv", content), "header_row": 31})
        response = client.post("/api/v1/imports", {"source": "ssa", "columns": COLUMNS, "header_row": 31,
                                                   "file": SimpleUploadedFile("notes.csv", content)})
    assert response.status_code == 200, response.content
    assert list(ImportBatch.objects.order_by("pk").values_list("status", flat=True)) == ["succeeded", "succeeded"]
    assert Person.objects.count() == 3
