"""The same settings on Spark (local mode), when pyspark is installed (the 'spark' extra)."""

from __future__ import annotations

import pytest

from sakme.linkage import services
from sakme.linkage.models import LinkRun

pytest.importorskip("pyspark")


def test_the_spark_engine_links_a_small_pair_of_sources(both, generated):
    run = services.link_run(actor=None, sources=["ssa", "worknet"], engine="spark")
    assert run.status == LinkRun.Status.SUCCEEDED, run.message
    assert run.engine == "spark" and run.model.splink_model["sql_dialect"] == "spark"
    links = services.link_evaluate(actor=None, truth=generated["truth"]).figures["truth"]["links"]
    assert links["precision"] >= 0.98 and links["recall"] >= 0.95
