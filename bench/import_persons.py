"""Import benchmark: sakme's importer against the plain-COPY limit and django-import-export.

    python bench/import_persons.py --persons 1000000 [--db postgres|sqlite|both] [--keep-file]

For each database, on the same generated SSA file, in one run:

  (a) sakme     services.import_file with the ssa mapping: every cell cleaned and validated, names romanized and
                folded, the batch checked as a whole, persons matched and upserted, source records, households,
                memberships and enrolments written, problems stored, audit event written;
  (b) plain     the limit: the same rows written into the same tables with all their indexes and foreign keys,
                no validation. A trivial Python pass splits each line (csv) and reorders columns, with dict
                look-ups for the municipality, unit and the coded values; PostgreSQL parses the DD.MM.YYYY
                dates itself (datestyle DMY) during COPY FROM STDIN; on SQLite, executemany in one transaction.
                Run twice: persons + source records only (what the importer's target is defined against),
                and all five tables the importer writes (persons, source records, households, memberships,
                enrolments);
  (c) django-import-export  a ModelResource of registry.Person with the same person fields, import_data of
                the first 100,000 rows (dry_run=False, use_transactions=True) on an empty table.

Each measurement runs in its own subprocess (see _common.py), on freshly truncated tables after a CHECKPOINT,
and reports wall time and the peak RSS of its process. The memory claim of the importer is checked at other
sizes (--memory-at, default 200000) on a separate fresh database.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import _common as c
from _import_baselines import task_import_export, task_plain
from _import_tables import NARROW, TABLES, empty_tables, settle

SCRIPT = "import_persons.py"
DB_NAME = "bench_import"
MEMORY_DB_NAME = "bench_import_mem"
IMPORT_EXPORT_ROWS = 100_000


def task_setup() -> dict[str, Any]:
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrated = time.perf_counter()
    call_command("reference", "load")
    return {"migrate_s": migrated - started, "reference_s": time.perf_counter() - migrated}


def _timed_phases() -> dict[str, float]:
    """Wrap the importer's phases with timers (observation only: the code is not changed)."""
    from sakme.registry import services
    from sakme.registry.importing.pipeline import PersonImport

    phases: dict[str, float] = {}

    def wrap(owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:  # renamed since: that phase is simply not broken out
            return

        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                phases[label] = phases.get(label, 0.0) + time.perf_counter() - started

        setattr(owner, name, timed)

    wrap(services, "_store", "store copy + sha256")
    wrap(PersonImport, "_load_stage", "read + clean + stage (COPY/executemany) + stage indexes")
    wrap(PersonImport, "_check_duplicates", "duplicate checks")
    wrap(PersonImport, "_match", "match")
    wrap(PersonImport, "_write", "write persons + source records + households (all)")
    wrap(PersonImport, "_write_households", "  of which households, memberships, enrolments")
    wrap(services, "_finish", "finish (batch, problems, audit)")
    return phases


def _progress_writes() -> list[float]:
    """Record when the importer's progress file is written (the import page marks a batch whose file is older
    than STALE_AFTER_SECONDS as interrupted)."""
    from sakme.registry.importing.progress import Progress

    writes: list[float] = []
    original = Progress.update

    def update(self: Any, *args: Any, **kwargs: Any) -> None:
        before = self._last
        original(self, *args, **kwargs)
        if self._last != before:
            writes.append(time.perf_counter())

    Progress.update = update  # type: ignore[method-assign]
    return writes


def task_sakme(path: str, truncate: bool = True) -> dict[str, Any]:
    from django.conf import settings
    from django.db import connection

    from sakme.accounts.actors import SYSTEM
    from sakme.registry import services
    from sakme.registry.importing.mapping import MAPPINGS_DIR, load_mapping_file

    if truncate:
        empty_tables()
    else:
        settle()
    phases = _timed_phases()
    writes = _progress_writes()
    mapping = load_mapping_file(MAPPINGS_DIR / "ssa.toml")
    statements: list[tuple[float, str]] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        # Observation only: the duration of every statement the importer sends through Django's cursor
        # (not the COPY of the stage, which goes to the driver's cursor directly).
        begun = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            statements.append((time.perf_counter() - begun, " ".join(sql.split())))

    rss_before = c.rss_mb()
    started = time.perf_counter()
    with connection.execute_wrapper(timer):
        batch = services.import_file(actor=SYSTEM, source_code="ssa", path=Path(path), mapping=mapping)
    seconds = time.perf_counter() - started
    ended = time.perf_counter()
    marks = [started, *writes, ended]
    gap = max((b - a, i) for i, (a, b) in enumerate(zip(marks, marks[1:])))
    peak = c.peak_rss_mb()
    Path(batch.file_path).unlink(missing_ok=True)  # the importer's stored copy (bench/out/var/imports)
    for leftover in Path(settings.SAKME_IMPORT_DIR).glob("*.progress.json"):
        leftover.unlink(missing_ok=True)
    if batch.status != "succeeded":
        raise SystemExit(f"the import did not succeed: {batch.status}: {batch.message}")
    from sakme.registry.models import Enrolment, Household

    return {
        "seconds": seconds, "rows": batch.rows_total, "created": batch.created, "updated": batch.updated,
        "unchanged": batch.unchanged, "errors": batch.error_count, "warnings": batch.warning_count,
        "households": Household.objects.count(), "enrolments": Enrolment.objects.count(),
        "rss_before_mb": rss_before, "peak_rss_mb": peak, "phases": phases,
        "progress_gap_s": gap[0], "progress_gap_is_last": gap[1] == len(marks) - 2,
        "slowest_statements": [(round(t, 2), sql[:200]) for t, sql in sorted(statements, reverse=True)[:12]],
    }


def task_status() -> dict[str, Any]:
    from sakme.registry.models import ImportBatch, Person

    last = ImportBatch.objects.exclude(file_name="plain-copy").order_by("-pk").first()
    return {"persons": Person.objects.count(), "last_batch_rows": last.rows_total if last else None,
            "last_batch_status": last.status if last else None, "last_batch_file": last.file_name if last else None,
            "last_batch_sha256": last.file_sha256 if last else None}


PHASES = ["store copy + sha256", "read + clean + stage (COPY/executemany) + stage indexes", "duplicate checks",
          "match", "write persons + source records + households (all)",
          "  of which households, memberships, enrolments", "finish (batch, problems, audit)"]
TASKS = {"setup": task_setup, "sakme": task_sakme, "plain": task_plain, "import_export": task_import_export,
         "status": task_status}


# ======================================================================================================
# driver side (no Django here)
# ======================================================================================================

def prepare(kind: str, name: str, path: Path) -> tuple[str, dict[str, Any]]:
    """A fresh, migrated database with the reference territory loaded."""
    url = c.fresh_database(kind, name)
    setup = c.run_worker(SCRIPT, "setup", url)
    print(f"  {kind}: fresh database {name}, migrate {setup['migrate_s']:.1f} s, "
          f"reference load {setup['reference_s']:.1f} s")
    return url, setup


def sakme_import(kind: str, url: str, path: Path, *, truncate: bool = True) -> dict[str, Any]:
    result = c.run_worker(SCRIPT, "sakme", url, path=str(path), truncate=truncate)
    result["rate"] = result["rows"] / result["seconds"]
    print(f"  {kind}: sakme import {result['rows']:,} rows in {result['seconds']:.1f} s "
          f"({result['rate']:,.0f} rows/s), peak RSS {result['peak_rss_mb']:.0f} MB; created {result['created']:,}, "
          f"updated {result['updated']:,}, unchanged {result['unchanged']:,}, warnings {result['warnings']:,}, "
          f"errors {result['errors']:,}")
    phases = result["phases"]
    order = sorted(phases, key=lambda label: PHASES.index(label) if label in PHASES else len(PHASES))
    for label in order:
        print(f"        {label:<58} {phases[label]:8.1f} s")
    other = result["seconds"] - sum(s for label, s in phases.items() if not label.startswith(" "))
    print(f"        {'other (lookups, commit with deferred FK checks, ...)':<58} {other:8.1f} s")
    if "progress_gap_s" in result:
        print(f"        longest time without a progress write: {result['progress_gap_s']:.1f} s"
              + (" (the last one: up to the commit's end)" if result["progress_gap_is_last"] else ""))
    for seconds, sql in result.get("slowest_statements", [])[:6]:
        print(f"        {seconds:6.1f} s  {sql[:110]}")
    return result


def bench_database(kind: str, path: Path, persons: int, args: argparse.Namespace) -> dict[str, Any]:
    print(f"\n== {kind} ==")
    url, setup = prepare(kind, DB_NAME, path)
    out: dict[str, Any] = {"setup": setup}
    for label, tables in (("plain_narrow", list(NARROW)), ("plain_full", list(TABLES))):
        result = c.run_worker(SCRIPT, "plain", url, path=str(path), tables=tables)
        result["rate"] = result["rows"] / result["seconds"]
        out[label] = result
        print(f"  {kind}: plain load into {len(tables)} tables: {result['rows']:,} rows in {result['seconds']:.1f} s "
              f"({result['rate']:,.0f} rows/s), commit {result['commit_s']:.1f} s, "
              f"peak RSS {result['peak_rss_mb']:.0f} MB")
    if not args.skip_import_export:
        rows = min(IMPORT_EXPORT_ROWS, persons)
        result = c.run_worker(SCRIPT, "import_export", url, path=str(path), rows=rows)
        result["rate"] = result["rows"] / result["seconds"]
        out["import_export"] = result
        print(f"  {kind}: django-import-export {result['rows']:,} rows in {result['seconds']:.1f} s "
              f"({result['rate']:,.0f} rows/s), peak RSS {result['peak_rss_mb']:.0f} MB")
    # sakme last, so that the database is left holding sakme's import for bench/search.py.
    out["sakme"] = sakme_import(kind, url, path)
    if args.reimport:
        again = sakme_import(kind, url, path, truncate=False)
        out["sakme_reimport"] = again
    return out


def memory_run(kind: str, persons: int, seed: int, keep: bool) -> dict[str, Any]:
    path, generated = c.ssa_file(persons, seed)
    print(f"\n== {kind}: memory at {persons:,} persons ({'generated' if generated else 'reused'} {path}) ==")
    url, _setup = prepare(kind, MEMORY_DB_NAME, path)
    result = sakme_import(kind, url, path)
    if kind == "postgres":
        c._pg_admin(f"DROP DATABASE IF EXISTS {MEMORY_DB_NAME} WITH (FORCE)")
    else:
        c.fresh_database(kind, MEMORY_DB_NAME)
    if not keep:
        c.remove_ssa_file(path)
    return result


def report(info: dict[str, str], persons: int, results: dict[str, dict[str, Any]],
           memory: dict[str, dict[int, dict[str, Any]]]) -> None:
    print("\n" + "=" * 100)
    print(f"import benchmark: {persons:,} persons (generator seed {results.get('seed')})")
    c.print_machine(info)
    for kind in ("postgres", "sqlite"):
        if kind not in results:
            continue
        r = results[kind]
        rows = [
            ("sakme import (validated, upserted, indexed, audited)", r["sakme"]["rows"], r["sakme"]["seconds"],
             r["sakme"]["rate"], r["sakme"]["peak_rss_mb"]),
            ("plain load: persons + source records", r["plain_narrow"]["rows"], r["plain_narrow"]["seconds"],
             r["plain_narrow"]["rate"], r["plain_narrow"]["peak_rss_mb"]),
            ("plain load: all 5 tables sakme writes", r["plain_full"]["rows"], r["plain_full"]["seconds"],
             r["plain_full"]["rate"], r["plain_full"]["peak_rss_mb"]),
        ]
        if "import_export" in r:
            ie = r["import_export"]
            rows.append(("django-import-export (persons only)", ie["rows"], ie["seconds"], ie["rate"],
                         ie["peak_rss_mb"]))
        if "sakme_reimport" in r:
            again = r["sakme_reimport"]
            rows.append(("sakme re-import of the same file (unchanged)", again["rows"], again["seconds"],
                         again["rate"], again["peak_rss_mb"]))
        print(f"\n{kind}")
        print(c.table(rows, ("measurement", "rows", "seconds", "rows/s", "peak RSS MB")))
        sakme = r["sakme"]["rate"]
        print(f"  ratio sakme / plain (persons + source records): {sakme / r['plain_narrow']['rate']:.2f}"
              + ("   (target >= 0.25)" if kind == "postgres" else ""))
        print(f"  ratio sakme / plain (all 5 tables):             {sakme / r['plain_full']['rate']:.2f}")
        if "import_export" in r:
            print(f"  ratio sakme / django-import-export:             {sakme / r['import_export']['rate']:.1f}"
                  "   (target >= 20)")
    if any(memory.values()):
        print("\npeak RSS of the sakme import process (claim: <= 500 MB whatever the file size)")
        rows = []
        for kind, sizes in memory.items():
            for size, result in sorted(sizes.items()):
                rows.append((kind, size, result["rss_before_mb"], result["peak_rss_mb"],
                             result["peak_rss_mb"] - result["rss_before_mb"]))
        print(c.table(rows, ("database", "persons", "RSS before MB", "peak RSS MB", "growth MB")))
        print("  (PostgreSQL's server processes are not counted: the claim is about the application process)")


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--seed", type=int, default=c.DEFAULT_SEED)
    parser.add_argument("--keep-file", action="store_true", help="keep the generated file(s) in bench/out/")
    parser.add_argument("--memory-at", default="200000",
                        help="other sizes (comma-separated) at which to measure the importer's peak RSS; '' for none")
    parser.add_argument("--reimport", action="store_true", help="also time a second import of the same file")
    parser.add_argument("--skip-import-export", action="store_true")
    parser.add_argument("--json", type=Path, help="write all figures to this file (default bench/out/...)")
    args = parser.parse_args(argv)
    kinds = ["postgres", "sqlite"] if args.db == "both" else [args.db]
    info = c.machine(kinds)
    c.print_machine(info)
    path, generated = c.ssa_file(args.persons, args.seed)
    size_mb = path.stat().st_size / 2**20
    print(f"file: {path} ({size_mb:,.0f} MB, " + (f"generated in {generated:.1f} s)" if generated else "reused)"))
    results: dict[str, Any] = {"seed": args.seed}
    memory: dict[str, dict[int, dict[str, Any]]] = {k: {} for k in kinds}
    try:
        for kind in kinds:
            results[kind] = bench_database(kind, path, args.persons, args)
            memory[kind][args.persons] = results[kind]["sakme"]
    finally:
        if not args.keep_file:
            c.remove_ssa_file(path)
    sizes = [int(s) for s in args.memory_at.split(",") if s.strip() and int(s) != args.persons]
    for size in sizes:
        for kind in kinds:
            memory[kind][size] = memory_run(kind, size, args.seed, args.keep_file)
    report(info, args.persons, results, memory)
    target = args.json or c.OUT / f"import-{args.persons}-{datetime.now():%Y%m%d-%H%M%S}.json"
    target.write_text(json.dumps({"machine": info, "persons": args.persons, "file_mb": size_mb, "results": results,
                                  "memory": {k: {str(s): v for s, v in m.items()} for k, m in memory.items()}},
                                 indent=2, default=str))
    print(f"\nfigures written to {target}")


if __name__ == "__main__":
    if "--worker" in sys.argv:
        c.worker_main(TASKS, sys.argv)
    else:
        main(sys.argv[1:])
