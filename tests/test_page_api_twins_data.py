"""The data steward's page writes (imports, linkage runs, decisions on pairs) and their API twins refuse the same
input alike (see `test_page_api_twins.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
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
