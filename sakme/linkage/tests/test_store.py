"""The link store's writes keep to their model's scope: a pass of one model never removes the pairs another model
scored (a deduplication of the SSA registry beside the linkage of SSA and Worknet)."""

from __future__ import annotations

import duckdb
import pytest
from django.db import transaction
from django.utils import timezone

from sakme.linkage import store
from sakme.linkage.models import CandidatePair, LinkageModel
from sakme.linkage.scoring import SCORED
from sakme.registry.models import ImportBatch, SourceRecord, SourceSystem
from sakme.tests.factories import person


def _model(scope: str, link_type: str) -> LinkageModel:
    return LinkageModel.objects.create(scope=scope, version=1, link_type=link_type, prior=1e-5, upper_threshold=0.99,
                                       lower_threshold=0.5, trained_at=timezone.now())


@pytest.mark.django_db
def test_a_batch_linked_keeps_the_pairs_of_the_deduplication(territory):
    batch = ImportBatch.objects.create(source=SourceSystem.objects.get(code="ssa"), file_name="x.csv",
                                       file_sha256="0" * 64)
    new, older, other = (SourceRecord.objects.create(source=SourceSystem.objects.get(code=code), key=key,
                                                     person=person(), batch=batch, row=1)
                         for code, key in (("ssa", "S-1"), ("ssa", "S-2"), ("worknet", "W-1")))  # ids in order
    dedupe, link = _model("ssa", "dedupe_only"), _model("ssa+worknet", "link_only")
    kept = CandidatePair.objects.create(record_a=new, record_b=older, model=dedupe, probability=0.7, match_weight=1,
                                        status=CandidatePair.Status.REVIEW, value=0.3)
    stale = CandidatePair.objects.create(record_a=new, record_b=other, model=link, probability=0.7, match_weight=1,
                                         status=CandidatePair.Status.REVIEW, value=0.3)
    con = duckdb.connect()
    con.execute(f"CREATE TABLE {SCORED} (record_a BIGINT, record_b BIGINT, probability DOUBLE, match_weight DOUBLE, "
                f"comparisons VARCHAR, status VARCHAR, value DOUBLE)")  # the link model scored nothing this time
    with transaction.atomic():
        store.pairs_write(con, model_id=link.pk, run_id=None, scope_model_ids=[link.pk], record_ids=[new.pk])
    assert CandidatePair.objects.filter(pk=kept.pk).exists()  # the deduplication's pair stays
    assert not CandidatePair.objects.filter(pk=stale.pk).exists()  # the link model's own undecided pair is redone
