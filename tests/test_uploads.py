"""A body larger than sakme takes is refused before it is read: 413 `too_large`, as a page and as problem details,
never a 500 or an upload that fills the disk (SAKME_MAX_UPLOAD_MB for files, DATA_UPLOAD_MAX_MEMORY_SIZE for the
rest)."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from sakme.registry.models import ImportBatch
from sakme.tests.factories import sign_in


@pytest.fixture
def steward(staff, settings):
    settings.SAKME_MAX_UPLOAD_MB = 1
    return sign_in(Client(), staff["data_steward"])


def big_file() -> SimpleUploadedFile:
    return SimpleUploadedFile("persons.csv", b"personal_number\n" + b"01001012345\n" * 100_000)  # 1.2 MB


def test_an_upload_over_the_limit_is_refused_on_the_import_page(steward):
    response = steward.post("/registry/imports/", {"source": "ssa", "file": big_file()})
    assert response.status_code == 413 and response["X-Error-Code"] == "too_large"
    assert "larger than 1 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_an_upload_over_the_limit_is_refused_by_the_api(steward):
    response = steward.post("/api/v1/imports", {"source": "ssa", "file": big_file()})
    assert response.status_code == 413
    problem = response.json()
    assert problem["code"] == "too_large" and problem["status"] == 413 and "1 MB" in problem["detail"]
    assert not ImportBatch.objects.exists()


def test_an_upload_within_the_limit_goes_through(steward):
    small = SimpleUploadedFile("persons.csv", b"personal_number\n01001012345\n")
    assert steward.post("/api/v1/imports", {"source": "ssa", "file": small}).status_code == 200


def test_a_json_body_over_the_limit_is_413_not_400(steward, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = json.dumps({"decision": "match", "seen_decision": "x" * 20_000})
    response = steward.post("/api/v1/linkage/pairs/1/decision", body, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "too_large"


def test_a_form_over_the_limit_is_413_not_400(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    body = urlencode({"username": "x" * 20_000, "password": "y"})
    response = Client().post("/accounts/login/", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413 and response["X-Error-Code"] == "too_large"
