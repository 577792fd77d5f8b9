"""Linkage benchmark: sakme's linkage against plain Splink with default-style settings, from the database.

    python bench/linkage.py --persons 1000000 [--reuse] [--skip-plain] [--engine spark]

On the generator's SSA/Worknet pair (persons SSA records, persons/10 Worknet records, 70 % of them SSA people),
imported into a fresh PostgreSQL database through sakme's importer, in one run:

  (a) sakme     `services.link_run(retrain=True)`: records read from the database (COPY), prepared (romanized,
                folded), blocking checked, a model trained (prior, u, EM) and saved, pairs scored, pairs and
                clusters stored, prepared records cached; then evaluated against truth.csv at the auto-accept
                threshold (precision, recall, F1 of the stored links);
  (b) plain     plain Splink as its tutorials write it: the same records read from the database the same way, names
                and addresses romanized and lower-cased (nothing else: without it Georgian never meets Latin),
                Splink's library comparisons (NameComparison, DateOfBirthComparison, exact matches), blocking on
                personal number, birth date, and given + family name, prior from personal number + birth date,
                u by random sampling (Splink's default 1e6 pairs), EM on two blocking rules, predict, pairs at the
                same threshold evaluated against the same truth. Nothing is stored;
  (c) batch     1,000 Worknet rows held back from the import (every 100th row: people in both sources and
                people only in Worknet) imported as a new batch, then `services.link_batch` timed.

Each measurement runs in its own subprocess (see _common.py), so its peak RSS is its own.

With --engine spark, (a) runs on Spark in local mode (the interpreter needs the 'spark' extra: pyspark and Java);
the peak RSS of Spark's JVM is reported beside the worker's own.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import _common as c
import _febrl as febrl

SCRIPT = "linkage.py"
DB_NAME = "bench_linkage"
HOLD_BACK_EVERY = 100  # every 100th Worknet row is the incremental batch: 1,000 rows of 100,000
THRESHOLD = 0.95  # sakme's auto-accept threshold (conf.upper_threshold): the baseline is cut at the same


# ======================================================================================================
# worker side (a subprocess with Django set up and DATABASE_URL set)
# ======================================================================================================

def _split_worknet(folder: Path) -> tuple[Path, Path]:
    """worknet_jobseekers.csv -> the rows imported first, and the held-back batch."""
    source = folder / "worknet_jobseekers.csv"
    main, batch = folder / "worknet_main.csv", folder / "worknet_batch.csv"
    with source.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header, body = rows[0], rows[1:]
    for path, part in ((main, [r for i, r in enumerate(body) if i % HOLD_BACK_EVERY]),
                       (batch, [r for i, r in enumerate(body) if not i % HOLD_BACK_EVERY])):
        with path.open("w", encoding="utf-8", newline="") as handle:
            csv.writer(handle).writerows([header, *part])
    return main, batch


def _import(path: Path, source: str) -> dict[str, Any]:
    from sakme.accounts.actors import SYSTEM
    from sakme.registry import services
    from sakme.registry.importing.mapping import load_mapping_file

    mapping = load_mapping_file(c.ROOT / "sakme" / "registry" / "mappings" / f"{source}.toml")
    started = time.perf_counter()
    batch = services.import_file(actor=SYSTEM, source_code=source, path=path, mapping=mapping, all_or_nothing=False)
    if batch.status != "succeeded":
        raise RuntimeError(f"import of {path} failed: {batch.message}")
    return {"batch": batch.pk, "rows": batch.rows_total, "seconds": round(time.perf_counter() - started, 1)}


def work_load(folder: str) -> dict[str, Any]:
    """Migrate, load the territory, import the SSA file and the Worknet file minus the held-back batch."""
    from django.core.management import call_command

    from sakme.accounts.actors import SYSTEM
    from sakme.geo.services import territory_load

    call_command("migrate", verbosity=0)
    territory_load(actor=SYSTEM)
    main, _batch = _split_worknet(Path(folder))
    return {"ssa": _import(Path(folder) / "ssa_registry.csv", "ssa"), "worknet": _import(main, "worknet")}


def work_sakme(folder: str, engine: str = "duckdb") -> dict[str, Any]:
    import resource

    from sakme.accounts.actors import SYSTEM
    from sakme.linkage import services

    started = time.perf_counter()
    run = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"], retrain=True, engine=engine)
    seconds = time.perf_counter() - started
    if run.status != "succeeded":
        raise RuntimeError(f"run refused or failed: {run.message}")
    peak = c.peak_rss_mb()
    # Local Spark's JVM is a child process, ended (and waited for) when the run closes.
    jvm = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024 if engine == "spark" else None
    evaluation = services.link_evaluate(actor=SYSTEM, truth=Path(folder) / "truth.csv").figures["truth"]
    rules = _rules_on_truth(Path(folder) / "truth.csv") if engine == "duckdb" else None
    auto, review = run.counts.get("auto_accepted", 0), run.counts.get("review", 0)
    return {"seconds": round(seconds, 1), "peak_rss_mb": round(peak), "timings": run.timings, "engine": engine,
            "rules": rules, "review_share": review / (auto + review) if auto + review else None,
            "jvm_peak_rss_mb": round(jvm) if jvm is not None else None,
            "counts": {k: v for k, v in run.counts.items() if k != "blocking"}, "blocking": run.counts["blocking"],
            "links": evaluation["links"], "model": evaluation["model"]}


def _rules_on_truth(path: Path) -> dict[str, int]:
    """How many true pairs each blocking rule alone finds among the run's prepared records (its cache)."""
    import pyarrow as pa

    from sakme.linkage import cache
    from sakme.linkage.backends import duckdb_connection
    from sakme.linkage.blocking import true_pairs_found
    from sakme.linkage.specification import BLOCKING_RULES
    from sakme.registry.models import SourceRecord

    ids = {(s, k): i for s, k, i in SourceRecord.objects.filter(source__code__in=["ssa", "worknet"])
           .values_list("source__code", "key", "id").iterator(chunk_size=50_000)}
    with path.open(encoding="utf-8", newline="") as handle:
        pairs = [(ids[("ssa", a)], ids[("worknet", b)]) for a, b in list(csv.reader(handle))[1:]
                 if ("ssa", a) in ids and ("worknet", b) in ids]
    con = duckdb_connection()
    cache.cache_load(con, "ssa+worknet", "prepared")
    con.register("truth_arrow", pa.table({"a": pa.array([a for a, _b in pairs], pa.int64()),
                                          "b": pa.array([b for _a, b in pairs], pa.int64())}))
    con.execute("CREATE TABLE truth AS SELECT * FROM truth_arrow")
    found = true_pairs_found(con, "prepared", BLOCKING_RULES, "truth")
    con.close()
    return found


def work_plain(folder: str) -> dict[str, Any]:
    """Plain Splink, default-style, on the same records read from the same database."""
    import logging

    import pyarrow as pa
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from sakme.linkage.backends import duckdb_connection
    from sakme.linkage.preparation import latin_address, latin_name
    from sakme.linkage.records import read_records

    started = time.perf_counter()
    con = duckdb_connection()
    read_records(con, sources=["ssa", "worknet"], table="raw")
    # Romanized once per distinct value and handed to DuckDB as Arrow, as sakme does: the baseline pays no more for
    # the one preparation it cannot do without.
    for name, function, columns in (("names", latin_name, ("given_name", "family_name")),
                                    ("addresses", latin_address, ("address",))):
        values = sorted({row[0] for col in columns
                         for row in con.execute(f"SELECT DISTINCT {col} FROM raw WHERE {col} <> ''").fetchall()})
        lookup = pa.table({"value": pa.array(values, pa.string()),
                           "latin": pa.array([function(v) for v in values], pa.string())})
        con.register("lookup", lookup)
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM lookup")
        con.unregister("lookup")
    for source in ("ssa", "worknet"):
        con.execute(f"""
            CREATE TABLE input_{source} AS SELECT r.record_id AS unique_id,
                NULLIF(r.personal_number, '') AS personal_number, g.latin AS given_name, f.latin AS family_name,
                r.birth_date, NULLIF(r.sex, '') AS sex, r.municipality_id, a.latin AS address,
                NULLIF(r.phone, '') AS phone
            FROM raw r LEFT JOIN names g ON g.value = r.given_name LEFT JOIN names f ON f.value = r.family_name
            LEFT JOIN addresses a ON a.value = r.address WHERE r.source = '{source}'""")
    prepared = time.perf_counter() - started
    db_api = DuckDBAPI(con)
    frames = [db_api.register("input_ssa", dataset_display_name="ssa"),
              db_api.register("input_worknet", dataset_display_name="worknet")]
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.LevenshteinAtThresholds("personal_number", 2),
            cl.NameComparison("given_name"),
            cl.NameComparison("family_name"),
            cl.DateOfBirthComparison("birth_date", input_is_string=False),
            cl.ExactMatch("sex"),
            cl.ExactMatch("municipality_id"),
            cl.JaroWinklerAtThresholds("address"),
            cl.ExactMatch("phone"),
        ],
        blocking_rules_to_generate_predictions=[block_on("personal_number"), block_on("birth_date"),
                                                block_on("given_name", "family_name")],
    )
    linker = Linker(frames, settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match([block_on("personal_number", "birth_date")],
                                                                  recall=0.9)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "family_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    seconds = time.perf_counter() - started
    peak = c.peak_rss_mb()
    con.execute(f"CREATE TABLE predicted AS SELECT unique_id_l, unique_id_r FROM {predictions.physical_name} "
                f"WHERE match_probability >= {THRESHOLD}")
    con.execute(f"CREATE TABLE truth AS SELECT * FROM read_csv('{Path(folder) / 'truth.csv'}')")
    tp, predicted, actual = con.execute("""
        WITH t AS (SELECT a.record_id AS l, b.record_id AS r FROM truth
                   JOIN raw a ON a.source = 'ssa' AND a.source_key = truth.ssa_key
                   JOIN raw b ON b.source = 'worknet' AND b.source_key = truth.worknet_key)
        SELECT (SELECT count(*) FROM predicted p JOIN t ON p.unique_id_l = t.l AND p.unique_id_r = t.r),
               (SELECT count(*) FROM predicted), (SELECT count(*) FROM t)""").fetchall()[0]
    precision, recall = tp / predicted if predicted else None, tp / actual if actual else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
    return {"seconds": round(seconds, 1), "prepare_seconds": round(prepared, 1), "peak_rss_mb": round(peak),
            "links": {"true_positives": tp, "false_positives": predicted - tp, "false_negatives": actual - tp,
                      "precision": precision, "recall": recall, "f1": f1}}


def work_batch(folder: str) -> dict[str, Any]:
    from sakme.accounts.actors import SYSTEM
    from sakme.linkage import services

    imported = _import(Path(folder) / "worknet_batch.csv", "worknet")
    started = time.perf_counter()
    run = services.link_batch(actor=SYSTEM, batch_id=imported["batch"])
    seconds = time.perf_counter() - started
    if run.status != "succeeded":
        raise RuntimeError(f"batch run refused or failed: {run.message}")
    evaluation = services.link_evaluate(actor=SYSTEM, truth=Path(folder) / "truth.csv").figures["truth"]
    return {"import_seconds": imported["seconds"], "rows": imported["rows"], "seconds": round(seconds, 1),
            "peak_rss_mb": round(c.peak_rss_mb()), "counts": run.counts, "timings": run.timings,
            "links_after": evaluation["links"]}


def work_febrl_load() -> dict[str, Any]:
    """A fresh database for the FEBRL sets: migrated, the territory loaded (each set gets its own source)."""
    from django.core.management import call_command

    from sakme.accounts.actors import SYSTEM
    from sakme.geo.services import territory_load

    call_command("migrate", verbosity=0)
    territory_load(actor=SYSTEM)
    return {}


TASKS = {"load": work_load, "sakme": work_sakme, "plain": work_plain, "batch": work_batch,
         "febrl_load": work_febrl_load, "febrl": febrl.work_febrl, "febrl_plain": febrl.work_febrl_plain}


# ======================================================================================================
# driver side
# ======================================================================================================

def _files(persons: int, seed: int) -> tuple[Path, float | None]:
    """The generator's three files under bench/out/linkage-<persons>-seed<seed>/ (generated once, then reused)."""
    import shutil

    from sakme.demo.generator import generate

    folder = c.OUT / f"linkage-{persons}-seed{seed}"
    if (folder / "truth.csv").is_file():
        return folder, None
    partial = c.OUT / f".partial-linkage-{persons}-seed{seed}"
    shutil.rmtree(partial, ignore_errors=True)
    started = time.perf_counter()
    generate(partial, persons=persons, seed=seed)
    seconds = time.perf_counter() - started
    partial.rename(folder)
    return folder, seconds


def _f(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=c.DEFAULT_SEED)
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run (skip the import)")
    parser.add_argument("--skip-plain", action="store_true")
    parser.add_argument("--skip-febrl", action="store_true", help="leave out FEBRL 1, 2 and 3")
    parser.add_argument("--only-febrl", action="store_true", help="FEBRL 1, 2 and 3 only")
    parser.add_argument("--engine", choices=["duckdb", "spark"], default="duckdb",
                        help="where sakme's run goes (spark: local mode, needs the 'spark' extra)")
    args = parser.parse_args()

    info = c.machine(["postgres"])
    c.print_machine(info)
    results: dict[str, Any] = {"machine": info, "persons": args.persons}
    if not args.skip_febrl:
        results["febrl"] = _febrl_all()
    if args.only_febrl:
        _write(results, "febrl", args.engine)
        return
    folder, generated = _files(args.persons, args.seed)
    print(f"files: {folder}" + (f" (generated in {generated:.1f} s)" if generated else " (reused)"))
    name = f"{DB_NAME}_{args.persons}"
    if args.reuse and c.database_exists("postgres", name):
        url, load = c.database_url("postgres", name), None
        print(f"database {name} reused")
    else:
        url = c.fresh_database("postgres", name)
        load = c.run_worker(SCRIPT, "load", url, folder=str(folder))
        print(f"imported: SSA {load['ssa']['rows']:,} rows in {load['ssa']['seconds']} s, Worknet "
              f"{load['worknet']['rows']:,} rows in {load['worknet']['seconds']} s")

    results["load"] = load
    results["sakme"] = ours = c.run_worker(SCRIPT, "sakme", url, folder=str(folder), engine=args.engine)
    jvm = f" (+ Spark's JVM {ours['jvm_peak_rss_mb']} MB)" if ours.get("jvm_peak_rss_mb") else ""
    print(f"sakme on {args.engine}: {ours['seconds']} s, peak RSS {ours['peak_rss_mb']} MB{jvm}, links precision "
          f"{_f(ours['links']['precision'])} recall {_f(ours['links']['recall'])} F1 {_f(ours['links']['f1'])}")
    print("       " + ", ".join(f"{k} {v}" for k, v in ours["timings"].items()))
    print(f"       review share {_f(ours['review_share'])}")
    if ours.get("rules"):
        print("       true pairs each rule finds: " + ", ".join(f"{k} {v:,}" for k, v in ours["rules"].items()))
    if not args.skip_plain:
        results["plain"] = plain = c.run_worker(SCRIPT, "plain", url, folder=str(folder))
        print(f"plain Splink: {plain['seconds']} s, peak RSS {plain['peak_rss_mb']} MB, precision "
              f"{_f(plain['links']['precision'])} recall {_f(plain['links']['recall'])} F1 {_f(plain['links']['f1'])}")
        results["ratio"] = round(ours["seconds"] / plain["seconds"], 2)
        print(f"ratio sakme / plain: {results['ratio']} (target at most 1.2)")
    if load is not None:
        results["batch"] = batch = c.run_worker(SCRIPT, "batch", url, folder=str(folder))
        print(f"incremental batch: {batch['rows']:,} new Worknet rows linked in {batch['seconds']} s "
              f"(import {batch['import_seconds']} s), peak RSS {batch['peak_rss_mb']} MB; links after: precision "
              f"{_f(batch['links_after']['precision'])} recall {_f(batch['links_after']['recall'])}")
    _write(results, str(args.persons), args.engine)


def _write(results: dict[str, Any], name: str, engine: str) -> None:
    out = c.OUT / f"linkage-{name}-{engine}-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"results: {out}")


def _febrl_all() -> dict[str, Any]:
    """FEBRL 1, 2 and 3, each imported and deduplicated by sakme, then by plain Splink, in one fresh database."""
    folder = c.OUT / "febrl"
    febrl.write_files(folder)
    url = c.fresh_database("postgres", f"{DB_NAME}_febrl")
    c.run_worker(SCRIPT, "febrl_load", url)
    results: dict[str, Any] = {}
    for number in febrl.SETS:
        ours = c.run_worker(SCRIPT, "febrl", url, folder=str(folder), number=number)
        plain = c.run_worker(SCRIPT, "febrl_plain", url, folder=str(folder), number=number)
        results[f"febrl{number}"] = {"sakme": ours, "plain": plain}
        print(f"FEBRL {number}: {ours['truth_pairs_imported']:,} of {ours['truth_pairs']:,} true pairs imported "
              f"({ours['import']['problems']} import problems)")
        for who, figures in (("sakme", ours), ("plain Splink", plain)):
            links = figures["links"]
            print(f"  {who:13s} {figures['seconds']:6.1f} s  precision {_f(links['precision'])} recall "
                  f"{_f(links['recall'])} F1 {_f(links['f1'])}  review share {_f(figures['review_share'])}")
        rules = ours["rules"]
        print("  true pairs each rule finds: " + ", ".join(f"{k} {v:,}" for k, v in rules.items()))
    return results


if __name__ == "__main__":
    if "--worker" in sys.argv:
        c.worker_main(TASKS, sys.argv)
    else:
        main()
