"""The outreach list at scale (issue 11): the largest unit's list of 1,000,000 persons, first page and count as the
page runs them, beside one hand-written SQL query giving the same rows.

    .venv/bin/python bench/outreach.py [--setup] [--fresh] [--persons 1000000] [--repeat 7] [--db bench_outreach]

*Setup* (once; later runs reuse the database when it was completely built with the same --persons and --seed;
`--fresh` builds again; `--setup` stops after it): the PostgreSQL database `bench_outreach` with its own var dir
`bench/out/outreach-var`: `sakme migrate`, `sakme reference load` (territory, source systems, the benefit rules), then
the population in set-based SQL (`_outreach_sql.py`: generate_series, one statement per table, no ORM): persons in
households, a third of them on assistance now, SSA and Worknet records, job-seeker profiles, linked clusters), then
`VACUUM ANALYZE`.

*Measure*, in one worker process (Django, DEBUG off), as a unit head posted to the largest unit (by persons): the
list's first page `--repeat` times as the page asks for it (`outreach_list_for_user`: the place, the count, the
page's rows, the benefit rules, the access events of the 50 persons shown), and in the same run the hand-written query
(`_outreach_sql.HANDWRITTEN`: the first page and the count in one statement) `--repeat` times; medians, their ratio,
and the rows of both compared (person, score, children, members, since; and the count). The plans of the two queries
of the page and of the hand-written one are kept (EXPLAIN ANALYZE). Every figure goes to
`bench/out/outreach-<persons>-<date>.json`. Target: the page's list <= 2 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from typing import Any

import _outreach_sql as handwritten
from _common import CODE, MARK, OUT, PG_SERVER, ROOT, database_exists, fresh_database, machine, table

DB = "bench_outreach"
URL = f"{PG_SERVER}/{DB}"
VAR = OUT / "outreach-var"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
SECRET = "bench-outreach-only-not-a-secret"
TARGET_SECONDS = 2.0
USERNAME = "bench_unit_head"


def use_database(name: str) -> None:
    global DB, URL, VAR
    DB, URL, VAR = name, f"{PG_SERVER}/{name}", OUT / f"{name.removeprefix('bench_')}-var"


def built_file() -> Any:
    return VAR / "bench-outreach.json"


def environment() -> dict[str, str]:
    """The bench database's environment: nothing of sakme's settings inherited from the shell (DEBUG off)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKME_") and k != "DATABASE_URL"}
    env.update(DATABASE_URL=URL, SAKME_DEMO="1", SAKME_VAR_DIR=str(VAR), SAKME_SECRET_KEY=SECRET,
               DJANGO_SETTINGS_MODULE="sakme.settings", PYTHONPATH=os.pathsep.join([str(CODE), str(ROOT / "bench")]),
               BENCH_CODE=str(CODE))
    return env


def sakme(*args: str) -> None:
    proc = subprocess.run([PYTHON, "-m", "sakme.cli", *args], env=environment(), cwd=CODE, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)
    for line in proc.stdout.splitlines():
        print(f"    [{args[0]}] {line}", flush=True)
    if proc.returncode != 0:
        raise SystemExit(f"sakme {' '.join(args)} failed (exit {proc.returncode})")


def task(name: str, **kwargs: Any) -> dict[str, Any]:
    """Run a worker task of this script in a subprocess with the bench database's environment."""
    command = [PYTHON, str(ROOT / "bench" / "outreach.py"), "--worker", name, "--args", json.dumps(kwargs)]
    proc = subprocess.run(command, env=environment(), cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    found = [line[len(MARK):] for line in proc.stdout.splitlines() if line.startswith(MARK)]
    for line in proc.stdout.splitlines():
        if not line.startswith(MARK):
            print(f"    [{name}] {line}", flush=True)
    if proc.returncode != 0 or not found:
        raise SystemExit(f"task {name} failed (exit {proc.returncode}); see its output above")
    result: dict[str, Any] = json.loads(found[-1])
    return result


# -- setup ----------------------------------------------------------------------------------------------

def setup(args: argparse.Namespace) -> dict[str, Any]:
    """Build the database (or reuse a complete build); returns what it was built with."""
    import psycopg

    VAR.mkdir(parents=True, exist_ok=True)
    want = {"persons": args.persons, "seed": args.seed}
    built = json.loads(built_file().read_text()) if built_file().is_file() else {}
    if not args.fresh and database_exists("postgres", DB) and built.get("phase") == "complete" and \
            {k: built.get(k) for k in want} == want:
        print(f"reusing {DB} (built {built['as_of']}): migrating, ANALYZE", flush=True)
        sakme("migrate", "--verbosity", "0")
        with psycopg.connect(URL, autocommit=True) as conn:
            conn.execute("ANALYZE")
        return built
    print(f"building {DB}: {args.persons:,} persons in households (set-based SQL)", flush=True)
    fresh_database("postgres", DB)
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    built = {**want, "as_of": dt.date.today().isoformat(), "phase": "started"}
    started = time.perf_counter()
    sakme("migrate", "--verbosity", "0")
    sakme("reference", "load")
    with psycopg.connect(URL) as conn:
        built["steps"] = handwritten.generate(conn, persons=args.persons, as_of=dt.date.fromisoformat(built["as_of"]),
                                              seed=args.seed / 10_000)
    with psycopg.connect(URL, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")
    built.update(phase="complete", build_seconds=round(time.perf_counter() - started))
    built_file().write_text(json.dumps(built))
    print(f"built in {built['build_seconds']} s", flush=True)
    return built


# -- the worker (Django) --------------------------------------------------------------------------------

def _counts() -> dict[str, Any]:
    from django.db import connection

    queries = {
        "persons": "SELECT COUNT(*) FROM registry_person",
        "persons in households": "SELECT COUNT(*) FROM registry_membership",
        "households": "SELECT COUNT(*) FROM registry_household",
        "persons on assistance now": """SELECT COUNT(*) FROM registry_membership m WHERE (SELECT e.status FROM
            registry_enrolment e WHERE e.household_id = m.household_id ORDER BY e.assessment_date DESC LIMIT 1)
            = 'active'""",
        "enrolments": "SELECT COUNT(*) FROM registry_enrolment",
        "source records": "SELECT COUNT(*) FROM registry_sourcerecord",
        "job seekers (sakme)": "SELECT COUNT(*) FROM employment_jobseeker",
        "clusters": "SELECT COUNT(*) FROM linkage_cluster",
    }
    with connection.cursor() as cursor:
        found: dict[str, Any] = {}
        for name, sql in queries.items():
            cursor.execute(sql)
            found[name] = cursor.fetchone()[0]
        cursor.execute("""SELECT u.code, COUNT(*) FROM registry_membership m JOIN registry_household h
                          ON h.id = m.household_id JOIN geo_territorialunit u ON u.id = h.unit_id
                          GROUP BY u.code ORDER BY COUNT(*) DESC, u.code LIMIT 1""")
        found["largest unit"], found["its persons"] = cursor.fetchone()
    return found


def worker_counts() -> dict[str, Any]:
    return {"counts": _counts()}


def _unit_head(code: str) -> Any:
    from sakme.accounts.models import User
    from sakme.geo.models import StaffPost, TerritorialUnit

    user = User.objects.filter(username=USERNAME).first() or User.objects.create(username=USERNAME, role="unit_head")
    StaffPost.objects.filter(user=user).delete()
    StaffPost.objects.create(user=user, unit=TerritorialUnit.objects.get(code=code))
    return User.objects.get(pk=user.pk)  # no scope cached from before the post


def _social_worker(code: str) -> Any:
    """A municipal social worker posted to the municipality of the unit `code`."""
    from sakme.accounts.models import User
    from sakme.geo.models import StaffPost, TerritorialUnit

    user = User.objects.filter(username=f"{USERNAME}_msw").first() or User.objects.create(
        username=f"{USERNAME}_msw", role="municipal_social_worker")
    StaffPost.objects.filter(user=user).delete()
    StaffPost.objects.create(user=user, municipality=TerritorialUnit.objects.get(code=code).municipality)
    return User.objects.get(pk=user.pk)


def _handwritten(cursor: Any, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    cursor.execute(handwritten.HANDWRITTEN, params)
    return cursor.fetchall()


def _plans(user: Any, code: str, as_of: dt.date, params: dict[str, Any]) -> dict[str, str]:
    """EXPLAIN ANALYZE of the page's queries of the list (as Django sends them) and of the hand-written one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from sakme.outreach.selectors import outreach_list_for_user

    with CaptureQueriesContext(connection) as captured:
        outreach_list_for_user(user, unit_code=code, as_of=as_of)
    listed = [q["sql"] for q in captured.captured_queries if "registry_person" in q["sql"]]
    plans = {}
    with connection.cursor() as cursor:
        named = [(f"page query {i}", sql, None) for i, sql in enumerate(listed, start=1)]
        for name, sql, args in [*named, ("hand-written", handwritten.HANDWRITTEN, params)]:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, args)
            plans[name] = "\n".join(r[0] for r in cursor.fetchall())
    return plans


def worker_measure(*, code: str, as_of: str, repeat: int) -> dict[str, Any]:
    from django.db import connection

    from sakme.geo.models import TerritorialUnit
    from sakme.outreach.policy import PAGE_SIZE, birth_window, children_born_after
    from sakme.outreach.selectors import outreach_list_for_user

    day = dt.date.fromisoformat(as_of)
    user = _unit_head(code)
    born_after, born_by = birth_window(day)
    params = {"unit": TerritorialUnit.objects.get(code=code).pk, "child": children_born_after(day),
              "born_after": born_after, "born_by": born_by, "size": PAGE_SIZE, "offset": 0}
    ours_s, theirs_s = [], []
    page = outreach_list_for_user(user, unit_code=code, as_of=day)  # warm: the first run reads from disk
    with connection.cursor() as cursor:
        _handwritten(cursor, params)
        for _ in range(repeat):
            user = _unit_head(code)  # a new request: the scope read again
            started = time.perf_counter()
            page = outreach_list_for_user(user, unit_code=code, as_of=day)
            ours_s.append(time.perf_counter() - started)
            started = time.perf_counter()
            rows = _handwritten(cursor, params)
            theirs_s.append(time.perf_counter() - started)
    municipal_s = []
    for _ in range(repeat):  # the municipality's list, as its social worker sees it (every unit of the city)
        worker = _social_worker(code)
        started = time.perf_counter()
        municipal = outreach_list_for_user(worker, as_of=day)
        municipal_s.append(time.perf_counter() - started)
    ours = [[r.person.pk, r.score, r.children, r.members, r.since.isoformat()] for r in page.rows]
    theirs = [[r[0], r[1], r[2], r[3], r[4].isoformat()] for r in rows]
    return {"ours": ours_s, "theirs": theirs_s, "municipal": municipal_s, "municipal_total": municipal.total,
            "municipality": str(municipal.place), "total_ours": page.total, "total_theirs": rows[0][5] if rows else 0,
            "rows_agree": ours == theirs, "rows_ours": ours, "rows_theirs": theirs,
            "keeps_example": [page.rows[0].keeps.en, page.rows[0].keeps.ka] if page.rows else [],
            "plans": _plans(user, code, day, params)}


TASKS = {"counts": worker_counts, "measure": worker_measure}


# -- main -----------------------------------------------------------------------------------------------

def main() -> int:
    if "--worker" in sys.argv:
        from _common import worker_main

        worker_main(TASKS, sys.argv)  # type: ignore[arg-type]
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--setup", action="store_true", help="only build (or reuse) the database")
    parser.add_argument("--fresh", action="store_true", help="build the database again even if it could be reused")
    parser.add_argument("--db", default=DB, help="the bench database (bench_*)")
    args = parser.parse_args()
    use_database(args.db)
    OUT.mkdir(parents=True, exist_ok=True)
    info = machine(["postgres"])
    built = setup(args)
    counts = task("counts")["counts"]
    print("data    " + " · ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}" for k, v in counts.items()))
    if args.setup:
        return 0
    code = counts["largest unit"]
    print(f"\nthe outreach list of {code} as of {built['as_of']}, first page + count, x {args.repeat}", flush=True)
    measured = task("measure", code=code, as_of=built["as_of"], repeat=args.repeat)
    ours, theirs = statistics.median(measured["ours"]), statistics.median(measured["theirs"])
    agree = measured["rows_agree"] and measured["total_ours"] == measured["total_theirs"]
    print()
    for key, value in info.items():
        print(f"  {key:<22} {value}")
    print()
    print(table([["sakme outreach_list_for_user (page: count + rows + rules + access log)", min(measured["ours"]),
                  ours, max(measured["ours"])],
                 ["hand-written SQL (rows + count in one query)", min(measured["theirs"]), theirs,
                  max(measured["theirs"])],
                 [f"sakme, the municipality's list ({measured['municipality']}, {measured['municipal_total']:,} "
                  f"persons), as its social worker", min(measured["municipal"]),
                  statistics.median(measured["municipal"]), max(measured["municipal"])]],
                ["", "min s", "median s", "max s"]))
    print(f"\nratio ours / hand-written (medians): {ours / theirs:.2f}; target <= {TARGET_SECONDS:.0f} s: "
          f"{'met' if ours <= TARGET_SECONDS else 'MISSED'} ({ours:.3f} s)")
    print(f"persons on the list: {measured['total_ours']:,} (hand-written {measured['total_theirs']:,}); first page "
          f"{'AGREES' if agree else 'DISAGREES'} ({len(measured['rows_ours'])} rows)")
    if measured["keeps_example"]:
        print(f"first row keeps: {measured['keeps_example'][0]}")
    report = {"machine": info, "args": vars(args), "built": built, "counts": counts, "measured": measured,
              "median_ours": ours, "median_theirs": theirs, "ratio": round(ours / theirs, 2), "agree": agree}
    out = OUT / f"outreach-{args.persons}-{time.strftime('%Y%m%d-%H%M')}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"written: {out.relative_to(ROOT)}")
    return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
