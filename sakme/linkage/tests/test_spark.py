"""The same settings on Spark (local mode), when pyspark is installed (the 'spark' extra). CI installs it and sets
SAKME_REQUIRE_SPARK, so that there the test runs or fails, never skips."""

from __future__ import annotations

import os

import pytest

from sakme.accounts.actors import SYSTEM
from sakme.linkage import services
from sakme.linkage.models import CandidatePair, Cluster, LinkageModel, LinkRun

if not os.environ.get("SAKME_REQUIRE_SPARK"):
    pytest.importorskip("pyspark", reason="the Spark engine needs the 'spark' extra (pyspark)")


def _links() -> dict[tuple[int, int], float]:
    return dict(((a, b), p) for a, b, p in CandidatePair.objects.filter(status=CandidatePair.Status.AUTO_ACCEPTED)
                .values_list("record_a_id", "record_b_id", "probability"))


def test_the_spark_engine_links_a_small_pair_of_sources_as_duckdb_does(both, generated, settings):
    run = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"], engine="spark")
    assert run.status == LinkRun.Status.SUCCEEDED, run.message
    model = LinkageModel.objects.get(active=True)
    assert run.engine == "spark" and model.splink_model["sql_dialect"] == "spark" and run.model_id == model.pk
    assert model.training["em_rounds"] and 0 < model.prior < 0.01
    assert Cluster.objects.count() == run.counts["clusters"] > 150
    figures = services.link_evaluate(actor=SYSTEM, truth=generated["truth"]).figures["truth"]
    assert figures["truth_pairs"] == 210
    assert figures["links"]["precision"] >= 0.98 and figures["links"]["recall"] >= 0.95
    on_spark = _links()
    # Spark's scratch space was under the deployment's folder and went away with the run.
    assert not list((settings.VAR_DIR / "linkage" / "spark").glob("run-*"))

    # The model trained on Spark scores on DuckDB (its SQL rewritten for the engine): the same links, the same
    # probabilities, so either engine can take over a scope.
    again = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"], engine="duckdb")
    assert again.status == LinkRun.Status.SUCCEEDED, again.message
    assert again.model_id == model.pk and LinkageModel.objects.count() == 1
    on_duckdb = _links()
    assert on_duckdb.keys() == on_spark.keys()
    assert max(abs(on_duckdb[k] - on_spark[k]) for k in on_spark) < 1e-6
