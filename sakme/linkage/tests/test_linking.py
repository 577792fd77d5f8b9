"""Full runs on the generator's SSA/Worknet pair, imported through the real importer: clusters, review pairs,
figures against the truth, the commands, the person page, an incremental batch, deduplication."""

from __future__ import annotations

import csv
import io

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AccessEvent, AuditEvent
from sakme.linkage import selectors, services
from sakme.linkage.models import CandidatePair, Cluster, ClusterMember, LinkageModel, LinkRun
from sakme.linkage.tests.conftest import import_file, rewrite
from sakme.registry.models import PersonMerge, SourceRecord
from sakme.tests.factories import sign_in


def test_a_run_links_the_sources_and_the_figures_are_sane(both, generated, staff):
    run = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"])
    assert run.status == LinkRun.Status.SUCCEEDED, run.message
    assert (run.counts["records_ssa"], run.counts["records_worknet"]) == (3000, 300)
    model = LinkageModel.objects.get(active=True)
    assert (model.scope, model.version, model.link_type, run.model_id) == ("ssa+worknet", 1, "link_only", model.pk)
    assert 0 < model.prior < 0.01 and model.training["deterministic_matches"] > 100
    assert model.splink_model["comparisons"] and model.upper_threshold == 0.95
    assert Cluster.objects.count() == run.counts["clusters"] > 150
    assert ClusterMember.objects.count() == 2 * Cluster.objects.count()  # one SSA and one Worknet record each
    assert set(run.timings) >= {"reading", "preparing", "training", "scoring", "storing", "total"}

    out = io.StringIO()
    call_command("link", "evaluate", "--truth", str(generated["truth"]), stdout=out)
    assert "links  precision" in out.getvalue()
    figures = LinkRun.objects.filter(kind="evaluate").latest("pk").figures["truth"]
    assert figures["truth_pairs"] == 210 and figures["truth_pairs_not_in_database"] == 0
    assert figures["links"]["precision"] >= 0.98 and figures["links"]["recall"] >= 0.95
    assert figures["links"]["f1"] >= 0.97
    assert AuditEvent.objects.filter(action="linkage.run.succeeded", entity_id=str(run.pk)).exists()
    assert AuditEvent.objects.filter(action="linkage.model.train").count() == 1

    # The same model is reused by the next run (no new version) and gives the same links.
    again = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"])
    assert again.model_id == model.pk and LinkageModel.objects.count() == 1
    assert again.counts["auto_accepted"] == run.counts["auto_accepted"]

    exported = io.StringIO()
    call_command("link", "export", "-", stdout=exported, stderr=io.StringIO())
    rows = list(csv.reader(io.StringIO(exported.getvalue())))
    assert rows[0] == ["source_a", "key_a", "source_b", "key_b", "probability", "match_weight", "status", "decision"]
    assert len(rows) - 1 == CandidatePair.objects.count()
    assert {r[0] for r in rows[1:]} | {r[2] for r in rows[1:]} == {"ssa", "worknet"}

    # A person whose Worknet record the importer could not match (no shared personal number) was two persons: the
    # run merged them (registry/merging.py), the SSA person surviving with both records, and the page says so.
    merge = PersonMerge.objects.filter(run_id=run.pk).select_related("survivor__primary_source").first()
    assert merge is not None and run.counts["persons_merged"] == PersonMerge.objects.filter(run_id=run.pk).count()
    assert merge.survivor.primary_source.code == "ssa" and merge.merged.merged_into_id == merge.survivor_id
    assert {r.source.code for r in merge.survivor.source_records.select_related("source")} == {"ssa", "worknet"}
    assert not ClusterMember.objects.exclude(record__person__merged_into__isnull=True).exists()
    client = sign_in(Client(), staff["data_steward"])
    response = client.get(reverse("registry:person", kwargs={"person_id": merge.survivor_id}))
    assert response.status_code == 200 and f'id="merge-{merge.pk}"'.encode() in response.content
    assert again.counts["persons_merged"] == 0  # the next run finds them one person already
    assert AccessEvent.objects.filter(person_id=merge.merged_id, kind="listed").exists()


def test_an_import_batch_is_linked_incrementally(territory, generated, tmp_path):
    import_file(generated["ssa"], "ssa")
    # The generator writes the job seekers who are in the SSA file first: the batch holds 50 of them.
    import_file(rewrite(generated["worknet"], tmp_path / "first.csv", rows=slice(50, None)), "worknet")
    full = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"])
    assert full.status == LinkRun.Status.SUCCEEDED, full.message
    linked_before = ClusterMember.objects.filter(record__source__code="worknet").count()

    batch = import_file(rewrite(generated["worknet"], tmp_path / "rest.csv", rows=slice(0, 50)), "worknet")
    run = services.link_batch(actor=SYSTEM, batch_id=batch.pk)
    assert run.status == LinkRun.Status.SUCCEEDED, run.message
    assert run.counts["new_records_ssa+worknet"] == 50  # only the batch was read and prepared
    # The run's page names the models it used in words, never as a Python list.
    facts = dict(selectors.run_report(run).facts)
    assert "persons merged into another" in facts  # every count the run keeps is said in words
    assert facts["models"] == "ssa+worknet v1" and facts["new records linked against ssa+worknet"] == "50"
    new_ids = set(SourceRecord.objects.filter(batch=batch).values_list("pk", flat=True))
    linked_new = ClusterMember.objects.filter(record_id__in=new_ids).count()
    assert linked_new >= 45
    assert ClusterMember.objects.filter(record__source__code="worknet").count() == linked_before + linked_new
    figures = services.link_evaluate(actor=SYSTEM, truth=generated["truth"]).figures["truth"]["links"]
    assert figures["precision"] >= 0.98 and figures["recall"] >= 0.95


def test_deduplicating_one_source(territory, generated, tmp_path):
    # The Worknet file imported twice under two keys per person: every person is there twice.
    import_file(generated["worknet"], "worknet")
    path = rewrite(generated["worknet"], tmp_path / "again.csv", blank=("personal_id",))
    text = path.read_text(encoding="utf-8").replace("WN", "WX")
    path.write_text(text, encoding="utf-8")
    import_file(path, "worknet")
    run = services.link_dedupe(actor=SYSTEM, source="worknet")
    assert run.status == LinkRun.Status.SUCCEEDED, run.message
    model = LinkageModel.objects.get(scope="worknet")
    assert model.link_type == "dedupe_only"
    twins = CandidatePair.objects.filter(record_a__key__startswith="WN", record_b__key__startswith="WX")
    same = [p for p in twins.select_related("record_a", "record_b") if p.record_a.key[2:] == p.record_b.key[2:]]
    assert len(same) >= 250


def test_a_steward_starts_a_run_from_the_web_and_follows_it(both, staff, django_capture_on_commit_callbacks):
    client = sign_in(Client(), staff["data_steward"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("linkage:runs"), {"kind": "run", "sources": ["ssa", "worknet"]})
    run = LinkRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("linkage:run", kwargs={"run_id": run.pk})
    assert (run.status, run.started_by) == (LinkRun.Status.SUCCEEDED, staff["data_steward"])
    page = client.get(response.url, HTTP_HX_REQUEST="true").content.decode()
    assert "linked automatically" in page and "hx-trigger" not in page  # finished: no more polling
    refused = client.post(reverse("linkage:runs"), {"kind": "batch"})  # no batch chosen: the form says, as the API
    assert (refused.status_code, refused["X-Error-Code"]) == (422, "batch_missing")
    assert LinkRun.objects.count() == 1
