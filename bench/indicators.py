"""Indicators at scale (issue 10): `indicators_compute` for every unit over 36 months of 200,000 cases, beside one
hand-written SQL query per indicator (the limit), each measure timed alone, and the dashboard pages' latency.

    .venv/bin/python bench/indicators.py [--setup] [--cases 200000] [--repeat 3] [--requests 200]

*Setup* (once; later runs reuse the database when it was completely built with the same --cases, --persons and
--seed; `--fresh` builds again; `--setup` stops after it): the PostgreSQL database `bench_indicators` with its own
var dir `bench/out/indicators-var` (the keyring): `sakme demo load --persons 2×cases --cases N` (reference data, the
generated population imported by sakme's importer: households, memberships, social-assistance enrolments; the
demo's case histories from 2017 to the day of the build, consistent with the workflow: sessions, plans, referrals,
placements, follow-ups), `sakme reference load` (the indicator definitions; idempotent), then what the demo lacks for
the indicators, set-based (`_indicators_setup.py extra`: counsellors in every unit sharing its cases, group sessions
and participants, trainings with attendees, vacancies with shortlists sent, referrals with rejected, no-show and
pending outcomes), then `VACUUM ANALYZE`.

*Measure*: the span is the 36 months ending at the build day (`as_of`): indicators_compute takes whole years, so
year_from = as_of's year - 2 with as_of in December (or - 3 otherwise: more than 36 months, said in the output).
(1) `indicators_compute` `--repeat` times (a new run each, written with COPY); (2) in the same run the limit, each
of `_indicators_sql.QUERIES` `--repeat` times; the limit is the sum of their medians; (3) the last run's figures of
every unit and month compared with the hand-written ones, and the country's per year; (4) each definition's measure
(its SQL and its Python) and `engine.rows_of` timed alone, and the COPY of the values; (5) the dashboard pages under
gunicorn (`deploy/gunicorn.conf.py`, DEBUG off, `SAKME_DEMO=1`: no second factor) signed in as the demo's analyst,
unit head and regional coordinator, `--requests` times each (a page answering 404 is reported and skipped).
Writes every figure to `bench/out/indicators-<cases>-<date>.json`. Target: compute <= 10 s; pages p95 <= 150 ms.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from typing import Any

import _indicators_sql as handwritten
from _common import CODE, MARK, OUT, PG_SERVER, ROOT, _pg_admin, database_exists, fresh_database, table

DB = "bench_indicators"
URL = f"{PG_SERVER}/{DB}"
VAR = OUT / "indicators-var"
BUILT = VAR / "bench-indicators.json"  # what the database was built with, and how far


def use_database(name: str) -> None:
    """Another bench database (`--db bench_indicators_small` for a quick check), with its own var dir."""
    global DB, URL, VAR, BUILT
    if name != DB:
        DB, URL, VAR = name, f"{PG_SERVER}/{name}", OUT / f"{name}-var"
        BUILT = VAR / "bench-indicators.json"
SERVER_LOG = OUT / "indicators-gunicorn.log"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SECRET = "bench-indicators-only-not-a-secret"
TARGET_SECONDS, TARGET_P95_MS = 10.0, 150.0
ROLES = ["analyst", "unit_head", "regional_coordinator"]


def environment() -> dict[str, str]:
    """The bench database's environment: nothing of sakme's settings inherited from the shell (DEBUG off)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKME_") and k != "DATABASE_URL"}
    env.update(DATABASE_URL=URL, SAKME_DEMO="1", SAKME_VAR_DIR=str(VAR), SAKME_SECRET_KEY=SECRET,
               SAKME_ALLOWED_HOSTS="127.0.0.1,localhost", SAKME_SSL_REDIRECT="0", SAKME_HSTS_SECONDS="0",
               DJANGO_SETTINGS_MODULE="sakme.settings", PYTHONPATH=os.pathsep.join([str(CODE), str(ROOT / "bench")]),
               BENCH_CODE=str(CODE))
    return env


def task(name: str, **kwargs: Any) -> dict[str, Any]:
    """Run a task of `_indicators_setup.py` in a subprocess with the bench database's environment."""
    command = [PYTHON, str(ROOT / "bench" / "_indicators_setup.py"), "--worker", name, "--args", json.dumps(kwargs)]
    proc = subprocess.run(command, env=environment(), cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    found = [line[len(MARK):] for line in proc.stdout.splitlines() if line.startswith(MARK)]
    for line in proc.stdout.splitlines():
        if not line.startswith(MARK):
            print(f"    [{name}] {line}", flush=True)
    if proc.returncode != 0 or not found:
        raise SystemExit(f"task {name} failed (exit {proc.returncode}); see its output above")
    result: dict[str, Any] = json.loads(found[-1])
    return result


def sakme(*args: str) -> None:
    command = [PYTHON, "-m", "sakme.cli", *args]
    with subprocess.Popen(command, env=environment(), cwd=CODE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as proc:
        assert proc.stdout is not None
        quiet = False
        for line in proc.stdout:
            quiet = quiet or line.startswith("Demo users")  # the demo's passwords: not shown
            if not quiet:
                print(f"    [{args[0]}] {line.rstrip()}", flush=True)
    if proc.returncode != 0:
        raise SystemExit(f"sakme {' '.join(args)} failed (exit {proc.returncode})")


def sql(query: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(URL, autocommit=True) as conn:
        cur = conn.execute(query)
        return cur.fetchall() if cur.description else []


# -- setup ----------------------------------------------------------------------------------------------

def setup(args: argparse.Namespace) -> dict[str, Any]:
    """Build the database (or reuse / finish an earlier build); returns what it was built with."""
    VAR.mkdir(parents=True, exist_ok=True)
    want = {"persons": args.persons, "cases": args.cases, "seed": args.seed}
    built = json.loads(BUILT.read_text()) if BUILT.is_file() else {}
    same = database_exists("postgres", DB) and {k: built.get(k) for k in want} == want
    if args.fresh or not same:
        print(f"building {DB}: {args.persons:,} persons, {args.cases:,} cases (the demo's loaders)", flush=True)
        fresh_database("postgres", DB)
        BUILT.unlink(missing_ok=True)
        for stale in ("demo", "imports"):
            shutil.rmtree(VAR / stale, ignore_errors=True)
        built = {**want, "as_of": dt.date.today().isoformat(), "phase": "started"}
        started = time.perf_counter()
        sakme("migrate", "--verbosity", "0")
        built["demo"] = task("demo", persons=args.persons, cases=args.cases, seed=args.seed)
        built.update(phase="demo", demo_load_seconds=round(time.perf_counter() - started))
        shutil.rmtree(VAR / "demo" / f"population-{args.persons}-{args.seed}", ignore_errors=True)
        shutil.rmtree(VAR / "imports", ignore_errors=True)
        BUILT.write_text(json.dumps(built))
    if built.get("phase") == "demo":
        print(f"{DB}: adding what the indicators read and the demo lacks", flush=True)
        sakme("migrate", "--verbosity", "0")  # the tree may have moved on since the demo was loaded
        sakme("reference", "load")
        started = time.perf_counter()
        built["extra"] = task("extra", as_of=built["as_of"])
        sql("VACUUM ANALYZE")
        built.update(phase="complete", extra_seconds=round(time.perf_counter() - started))
        BUILT.write_text(json.dumps(built))
    else:
        print(f"reusing {DB} (built {built['as_of']}): migrating, ANALYZE", flush=True)
        sakme("migrate", "--verbosity", "0")
        sql("ANALYZE")
    return built


# -- the machine ----------------------------------------------------------------------------------------

def commit() -> str:
    """The checked-out commit, read from .git (no git command is run), or 'unknown'."""
    try:
        head = (ROOT / ".git" / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head[:10]
        ref = head[5:]
        path = ROOT / ".git" / ref
        if path.is_file():
            return path.read_text().strip()[:10]
        for line in (ROOT / ".git" / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line[:10]
    except OSError:
        pass
    return "unknown"


def machine() -> dict[str, str]:
    import psutil

    settings = dict(_pg_admin("SELECT name, current_setting(name) FROM pg_settings WHERE name IN ('shared_buffers', "
                              "'work_mem', 'max_parallel_workers_per_gather', 'jit')"))
    return {"date": time.strftime("%Y-%m-%d %H:%M"), "commit (working tree)": commit(),
            "cpu": f"{os.cpu_count()} logical CPU(s)", "ram": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
            "python": platform.python_version(),
            "postgresql": f"{_pg_admin('SHOW server_version')[0][0]} "
                          f"({', '.join(f'{k}={v}' for k, v in sorted(settings.items()))})",
            "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg())}


# -- the run --------------------------------------------------------------------------------------------

def span(as_of: dt.date) -> tuple[int, int, int]:
    year_from = as_of.year - (2 if as_of.month == 12 else 3)
    return year_from, as_of.year, (as_of.year - year_from) * 12 + as_of.month


def print_breakdown(breakdown: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for code, f in breakdown["definitions"].items():
        rows.append([code, breakdown["measures"][code], round(f["sql"], 3), round(f["python"], 3),
                     round(f["engine"], 3), round(f["measure"] + f["engine"], 3), int(f["rows_read"]), int(f["frame"]),
                     int(f["values"])])
    rows.sort(key=lambda r: -r[5])
    total = [sum(r[i] for r in rows) for i in (2, 3, 4, 5)]
    print(table([*rows, ["all", "", *(round(t, 2) for t in total), "", "", breakdown["values"]]],
                ["definition", "measure", "SQL s", "Python s", "engine s", "total s", "rows read", "frame rows",
                 "values"]))
    print(f"COPY of the {breakdown['values']:,} values: {breakdown['copy_seconds']:.2f} s")
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--persons", type=int, default=None, help="default: 2 × cases (half are of working age)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the computation and of the limit")
    parser.add_argument("--requests", type=int, default=200, help="requests per page and role")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (requests go one at a time)")
    parser.add_argument("--setup", action="store_true", help="only build (or reuse) the database")
    parser.add_argument("--fresh", action="store_true", help="build the database again even if it could be reused")
    parser.add_argument("--skip-pages", action="store_true")
    parser.add_argument("--db", default=DB, help="the bench database (bench_*); its var dir is bench/out/<db>-var")
    args = parser.parse_args()
    use_database(args.db)
    args.persons = args.persons or 2 * args.cases
    OUT.mkdir(parents=True, exist_ok=True)
    info = machine()
    report: dict[str, Any] = {"machine": info, "args": vars(args)}
    built = report["built"] = setup(args)
    data = task("counts")
    report["data"] = data["counts"]
    print("data    " + " · ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in data["counts"].items()))
    if args.setup:
        return 0
    as_of = dt.date.fromisoformat(built["as_of"])
    year_from, year_to, months = span(as_of)
    kw = {"year_from": year_from, "year_to": year_to, "as_of": as_of.isoformat()}
    print(f"\nspan: {year_from}-01 to {as_of} ({months} months), as_of {as_of}", flush=True)

    print(f"\n(1) indicators_compute x {args.repeat}", flush=True)
    computed = task("compute", repeat=args.repeat, **kw)
    ours = computed["runs"]
    seconds = [r["seconds"] for r in ours]

    print(f"(2) hand-written queries x {args.repeat}", flush=True)
    fixtures = task("fixtures", roles=ROLES)
    codes = fixtures["codes"]
    missing = [c for c in codes if c not in handwritten.QUERIES]
    if missing:
        print(f"  no hand-written query for {missing}: left out of the limit and the comparison")
    codes = [c for c in codes if c in handwritten.QUERIES]
    p = handwritten.params(year_from, as_of, data["deadlines"])
    sql_seconds, theirs = handwritten.run_queries(URL, p, args.repeat, codes)
    limit = handwritten.summary(sql_seconds)
    limit_total = sum(limit.values())
    with_jit = handwritten.summary(handwritten.run_queries(URL, p, 1, codes, jit=True)[0])

    print("(3) comparing the last run's figures with the hand-written ones", flush=True)
    mine, country = handwritten.ours(URL, ours[-1]["run"])
    agreement = handwritten.compare(codes, mine, theirs)
    checks = handwritten.yearly_checks(mine, theirs, country, p, URL)

    print("(4) each measure alone", flush=True)
    breakdown = task("breakdown", repeat=args.repeat, **kw)
    report.update(span={"year_from": year_from, "year_to": year_to, "months": months, "as_of": as_of.isoformat()},
                  ours=ours,
                  limit={"per_query_median": limit, "all": sql_seconds, "total": limit_total, "with_jit": with_jit},
                  agreement=agreement, checks=checks, breakdown=breakdown)

    page_results: list[dict[str, Any]] = []
    if not args.skip_pages:
        print(f"(5) dashboard pages, {args.requests} requests each", flush=True)
        from _indicators_pages import serve, stop, time_pages

        sakme("collectstatic", "--noinput", "--verbosity", "0")
        server, port = serve(environment(), CODE, ROOT / "deploy" / "gunicorn.conf.py",
                             str(ROOT / ".venv" / "bin" / "gunicorn"), SERVER_LOG, args.workers)
        try:
            page_results = time_pages(port, fixtures["users"], codes, args.requests)
        finally:
            stop(server)
        report["pages"] = page_results

    print()
    for key, value in info.items():
        print(f"  {key:<22} {value}")
    print(f"  load average at end    {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("data    " + " · ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in data["counts"].items()))
    print(f"span    {year_from}-01 .. {as_of} ({months} months), {len(codes)} indicators, "
          f"{ours[-1]['values']:,} values a run\n")
    print(table([["sakme indicators_compute", min(seconds), statistics.median(seconds), max(seconds),
                  statistics.median(r["sql_seconds"] for r in ours)],
                 ["hand-written SQL, sum of the queries", sum(min(s) for s in sql_seconds.values()), limit_total,
                  sum(max(s) for s in sql_seconds.values()), limit_total],
                 ["  the same with PostgreSQL's JIT on (1 pass)", None, sum(with_jit.values()), None, None]],
                ["", "min s", "median s", "max s", "of which in SQL s"]))
    ratio = statistics.median(seconds) / limit_total
    report["ratio"] = round(ratio, 2)
    print(f"\nratio ours / hand-written (medians): {ratio:.2f}; target compute <= {TARGET_SECONDS:.0f} s: "
          f"{'met' if statistics.median(seconds) <= TARGET_SECONDS else 'MISSED'} ({statistics.median(seconds):.2f} s)")
    print()
    breakdown_rows = print_breakdown(breakdown)
    by_code = {r[0]: r for r in breakdown_rows}
    print()
    print(table([[c, round(limit[c], 3), round(with_jit[c], 3), by_code[c][5] if c in by_code else None,
                  agreement[c]["ours"], agreement[c]["sql"],
                  agreement[c]["differ"] + agreement[c]["only_ours"] + agreement[c]["only_sql"]]
                 for c in codes], ["definition", "SQL s (median)", "SQL s, JIT on", "ours alone s", "cells ours",
                                   "cells SQL", "disagree"]))
    disagreements = {c: a for c, a in agreement.items() if a["differ"] or a["only_ours"] or a["only_sql"]}
    for code, a in disagreements.items():
        print(f"  DISAGREE {code}: {a['differ']} cells differ, {a['only_ours']} only ours, {a['only_sql']} only SQL; "
              f"e.g. {a['examples'][:2]}")
    if not disagreements:
        print("  every unit-month figure of every indicator agrees")
    print()
    print(table(checks, ["check", "sakme (run)", "hand-written"]))
    if page_results:
        print()
        print(table([[r["role"], r["page"], r.get("p50"), r.get("p95"), r.get("max"), r.get("errors"),
                      r.get("note", "")] for r in page_results],
                    ["role", "page", "p50 ms", "p95 ms", "max ms", "errors", "note"]))
        timed = [r["p95"] for r in page_results if "p95" in r]
        if timed:
            print(f"pages p95 <= {TARGET_P95_MS:.0f} ms: {'met' if max(timed) <= TARGET_P95_MS else 'MISSED'} "
                  f"(worst {max(timed)} ms)")
    out = OUT / f"indicators-{args.cases}-{time.strftime('%Y%m%d-%H%M')}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"written: {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
