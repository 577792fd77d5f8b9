"""Sources that do not fit the usual case give honest figures, or an honest refusal, never a crash."""

from __future__ import annotations

import pytest

from sakme.accounts.actors import SYSTEM
from sakme.common.georgian import fold
from sakme.linkage import services
from sakme.linkage.models import CandidatePair, Cluster, LinkageModel, LinkRun
from sakme.linkage.preparation import latin_address, latin_name
from sakme.linkage.tests.conftest import import_file, rewrite


def test_sources_with_no_person_in_common(territory, disjoint):
    import_file(disjoint["ssa"], "ssa")
    import_file(disjoint["worknet"], "worknet")
    run = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"])
    assert run.status == LinkRun.Status.SUCCEEDED, run.message
    assert LinkageModel.objects.get().prior < 1e-4
    figures = services.link_evaluate(actor=SYSTEM, truth=disjoint["truth"]).figures["truth"]
    assert figures["truth_pairs"] == 0
    links = figures["links"]
    # Nothing is true, so recall cannot be computed; every link made would be a false one, and is counted.
    assert links["recall"] is None and links["f1"] is None
    assert links["false_positives"] == 2 * Cluster.objects.count() // 2 <= 3
    assert links["precision"] in (None, 0.0)


def test_all_personal_numbers_missing(territory, generated, tmp_path):
    import_file(generated["ssa"], "ssa")
    import_file(rewrite(generated["worknet"], tmp_path / "no-numbers.csv", blank=("personal_id",)), "worknet")
    run = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"])
    assert run.status == LinkRun.Status.SUCCEEDED, run.message
    model = LinkageModel.objects.get()
    # No shared personal number: the prior comes from names and birth date, and the personal number round of EM
    # is skipped rather than trained on nothing.
    assert "given_key" in model.training["rule"]
    assert model.training["em_rounds"][0] == {"rule": "personal number", "pairs": 0, "skipped": True}
    links = services.link_evaluate(actor=SYSTEM, truth=generated["truth"]).figures["truth"]["links"]
    assert links["precision"] >= 0.95 and links["recall"] >= 0.8


def test_georgian_script_against_latin_letters():
    # SSA writes names in Georgian, Worknet in Latin: both are compared as the national romanization.
    assert latin_name("ხარაიშვილი") == "kharaishvili" == latin_name("Kharaishvili")
    assert latin_name("წერეთელი") == "tsereteli" == latin_name("Ts'ereteli")
    assert fold("ხარაიშვილი") == fold("Xaraischvili") == fold("Kharaishvili")
    assert latin_address("ჭავჭავაძის ქ. 5, ბ. 12") == "chavchavadzis k 5 b 12"
    assert latin_address("Chavchavadzis K. 5, B. 12") == "chavchavadzis k 5 b 12"


def test_one_source_empty(territory, generated):
    import_file(generated["ssa"], "ssa")
    run = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"])
    assert run.status == LinkRun.Status.REFUSED
    assert "worknet" in run.message and "Import them first" in run.message
    assert not LinkageModel.objects.exists() and not CandidatePair.objects.exists()
    figures = services.link_evaluate(actor=SYSTEM, truth=generated["truth"]).figures["truth"]
    assert figures["truth_pairs_not_in_database"] == 210 and figures["links"]["recall"] is None


def test_a_run_that_would_make_too_many_pairs_is_refused(both, settings):
    settings.SAKME_LINKAGE_MAX_PAIRS = 1000
    run = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"])
    assert run.status == LinkRun.Status.REFUSED
    # The message names the widest rule, its largest block and what to do.
    assert "SAKME_LINKAGE_MAX_PAIRS" in run.message and "Tighten that rule" in run.message
    widest = max(run.counts["blocking"].items(), key=lambda item: item[1]["pairs"])
    assert f"“{widest[0]}”" in run.message and widest[1]["largest_key"] in run.message
    assert not LinkageModel.objects.exists()


def test_the_spark_engine_without_pyspark_is_refused_with_what_to_install(db):
    try:
        import pyspark  # noqa: F401
    except ImportError:
        run = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"], engine="spark")
        assert run.status == LinkRun.Status.REFUSED and "sakme[spark]" in run.message
    else:
        pytest.skip("pyspark is installed: test_spark runs the engine")


def test_a_registry_deduplicated_against_itself_trains(territory, generated):
    # The generator's SSA file holds hardly any duplicates: expectation maximisation drives the m of some levels
    # below what Splink accepts (1e-300). The round runs again with fewer iterations, or is left out, and says so.
    import_file(generated["ssa"], "ssa")
    run = services.link_dedupe(actor=SYSTEM, source="ssa")
    assert run.status == LinkRun.Status.SUCCEEDED, run.message
    rounds = LinkageModel.objects.get().training["em_rounds"]
    assert any(r.get("iterations_allowed") or r.get("reason") == "m underflow" for r in rounds), rounds
    assert any("iterations" in r for r in rounds)
