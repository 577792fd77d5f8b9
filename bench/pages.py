"""Page speed of casework at scale: the counsellor's home, a case page and the unit's case list.

    python bench/pages.py --cases 200000 [--requests 200] [--reuse] [--server gunicorn|wsgiref]

Builds a PostgreSQL database `bench_pages` (the demo population imported by sakme, then the demo's case
histories, 45,000 earlier views of persons by the demo counsellor in the audit, then `VACUUM ANALYZE` as
autovacuum would eventually do), serves it as production would, with
gunicorn (one sync worker, DEBUG off, `sakme.wsgi` wrapped only to count each request's SQL queries, see
`_pages_wsgi.py`), signs in over HTTP as the demo counsellor and the demo unit head and times each page; in the
same run and on the same server it times `/health`, a bare Django view through the same middleware, as the
limit. Prints p50/p95/p99 per page, the ratio of each p95 to the bare view's and the queries per request.
Target (issue 4): p95 <= 150 ms for each of the counsellor's home, a case page and the unit's case list.

gunicorn is not one of sakme's dependencies: the first run installs it under bench/out/tools with the
project's uv (`make venv` provides it); `--server wsgiref` serves with the standard library instead.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from _common import (
    CODE,
    OUT,
    PG_SERVER,
    ROOT,
    code_version,
    database_exists,
    fresh_database,
    machine,
    print_machine,
    table,
)

PYTHON = str(ROOT / ".venv" / "bin" / "python")
TOOLS = OUT / "tools"
DB = "bench_pages"
URL = f"{PG_SERVER}/{DB}"
PORT = 8765
TARGET_MS = 150.0
PERSONS_PER_CASE = 2.0  # about half of the generated population is of working age and has a unit
ACCESS_EVENTS = 45_000


def environment(var: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": URL, "SAKME_VAR_DIR": str(var), "SAKME_DEMO": "1",
            "SAKME_SECRET_KEY": "bench-only-not-secret", "SAKME_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "sakme.settings",
            # The code measured (CODE, see _common.py) is also the working directory: `python -m` puts it first.
            "PYTHONPATH": os.pathsep.join([str(TOOLS), str(ROOT / "bench"), str(CODE)])}


def sql(query: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(URL, autocommit=True) as conn:
        cur = conn.execute(query)
        return cur.fetchall() if cur.description else []


def build(cases: int, var: Path) -> dict[str, Any]:
    """A fresh database with the demo: persons imported by sakme's importer, then `cases` case histories."""
    fresh_database("postgres", DB)
    for old in var.glob("demo/*"):
        if old.is_file():
            old.unlink()
    persons = int(cases * PERSONS_PER_CASE)
    started = time.perf_counter()
    proc = subprocess.run([PYTHON, "-m", "sakme.cli", "demo", "load", "--persons", str(persons), "--cases", str(cases)],
                          env=environment(var), cwd=CODE, capture_output=True, text=True, check=False)
    loaded = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout + proc.stderr)
        raise SystemExit(f"demo load failed (exit {proc.returncode})")
    for line in proc.stdout.splitlines():
        if line.startswith(("reference data", "ssa_", "worknet_", "case histories")):
            print(f"  {line}")
    # Three years of the counsellor's work as the audit keeps it (about 60 persons opened a working day): the
    # home page's "Recently opened" reads the latest of them.
    sql("WITH unit AS (SELECT array_agg(p.id) AS ids FROM registry_person p JOIN geo_staffpost s ON s.unit_id = p.unit_id "
        "JOIN accounts_user u ON u.id = s.user_id WHERE u.username = 'counsellor') "
        "INSERT INTO audit_accessevent (at, actor_id, person_id, kind, context) "
        "SELECT now() - g * interval '17 minutes', u.id, ids[1 + (g * 7919) % array_length(ids, 1)], 'view', '' "
        f"FROM unit, accounts_user u, generate_series(1, {ACCESS_EVENTS}) g WHERE u.username = 'counsellor'")
    started = time.perf_counter()
    sql("VACUUM ANALYZE")
    vacuumed = time.perf_counter() - started
    print(f"built: {persons:,} persons, {cases:,} cases requested; demo load {loaded:.0f} s, VACUUM ANALYZE "
          f"{vacuumed:.0f} s")
    return {"persons_requested": persons, "load_seconds": round(loaded, 1), "vacuum_analyze_seconds": round(vacuumed, 1)}


def migrate(var: Path) -> None:
    """An earlier run's database gets the migrations added since (new indexes), then fresh statistics."""
    subprocess.run([PYTHON, "-m", "sakme.cli", "migrate", "--verbosity", "0"], env=environment(var), cwd=CODE,
                   check=True)
    sql("ANALYZE")


def ensure_gunicorn() -> None:
    probe = subprocess.run([PYTHON, "-c", "import gunicorn"], env=environment(OUT), capture_output=True, check=False)
    if probe.returncode == 0:
        return
    uv = ROOT / "var" / "uv" / "bin" / "uv"
    print(f"installing gunicorn under {TOOLS.relative_to(ROOT)} (once)")
    subprocess.run([str(uv), "pip", "install", "--quiet", "--python", PYTHON, "--target", str(TOOLS), "gunicorn>=23"],
                   check=True)


def serve(server: str, var: Path) -> subprocess.Popen[bytes]:
    if server == "gunicorn":
        ensure_gunicorn()
        command = [PYTHON, "-m", "gunicorn", "--workers", "1", "--worker-class", "sync", "--bind", f"127.0.0.1:{PORT}",
                   "--log-level", "warning", "_pages_wsgi:application"]
    else:
        command = [PYTHON, "-c", "import wsgiref.simple_server as s, _pages_wsgi as w; "
                   f"s.make_server('127.0.0.1', {PORT}, w.application, handler_class=type('Quiet', "
                   "(s.WSGIRequestHandler,), {'log_message': lambda *a: None})).serve_forever()"]
    return subprocess.Popen(command, env=environment(var), cwd=CODE, stdout=subprocess.DEVNULL)


class Browser:
    """One signed-in user over HTTP (cookies kept); each request is timed from sending to the last byte."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[float, str, int]:
        started = time.perf_counter()
        with self.opener.open(self.base + path) as response:
            body = response.read().decode()
            queries = int(response.headers.get("X-Bench-Queries", "-1"))
        return (time.perf_counter() - started) * 1000, body, queries

    def sign_in(self, username: str, password: str) -> None:
        _, page, _ = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        data = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + "/accounts/login/", data=data,
                                         headers={"Referer": self.base + "/accounts/login/"})
        self.opener.open(request).read()
        if not any(c.name == "sessionid" for c in self.jar):
            raise SystemExit(f"could not sign in as {username}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200, help="timed requests per page")
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run (migrated)")
    parser.add_argument("--server", choices=["gunicorn", "wsgiref"], default="gunicorn")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--build-only", action="store_true", help="build (or migrate) the database, time nothing")
    args = parser.parse_args()
    var = OUT / "pages-var"
    var.mkdir(parents=True, exist_ok=True)
    info = machine(["postgres"])
    report: dict[str, Any] = {"machine": info, "args": vars(args)}
    if args.reuse and database_exists("postgres", DB) and (var / "demo" / "credentials.json").is_file():
        migrate(var)
    else:
        report["build"] = build(args.cases, var)
    counts = dict(sql("SELECT 'cases', count(*) FROM casework_case UNION ALL SELECT 'persons', count(*) FROM "
                      "registry_person UNION ALL SELECT 'sessions', count(*) FROM casework_counsellingsession "
                      "UNION ALL SELECT 'events', count(*) FROM casework_caseevent UNION ALL SELECT 'referrals', "
                      "count(*) FROM casework_referral UNION ALL SELECT 'vacancies', count(*) FROM employment_vacancy"))
    unit_id, unit_cases, open_cases = sql(
        "SELECT c.unit_id, count(*), count(*) FILTER (WHERE c.state <> 'closed') FROM casework_case c "
        "JOIN geo_staffpost p ON p.unit_id = c.unit_id JOIN accounts_user u ON u.id = p.user_id "
        "WHERE u.username = 'counsellor' GROUP BY c.unit_id")[0]
    counts.update({"counsellor's unit: cases": unit_cases, "counsellor's unit: open cases": open_cases})
    report["data"] = counts
    if args.build_only:
        print("data    " + " · ".join(f"{k} {v:,}" for k, v in counts.items()))
        return
    rng = random.Random(args.seed)
    # Case pages of the counsellor's unit: any case, in any state, as a counsellor opens them.
    case_ids = [r[0] for r in sql(f"SELECT id FROM casework_case WHERE unit_id = {unit_id} ORDER BY id")]
    case_ids = rng.sample(case_ids, min(len(case_ids), 500))
    open_ids = [r[0] for r in sql(f"SELECT id FROM casework_case WHERE unit_id = {unit_id} AND state <> 'closed' "
                                  "ORDER BY id")]
    open_ids = rng.sample(open_ids, min(len(open_ids), 500))
    # A deep page of all the unit's cases, closed included: the keyset starts there at once.
    deep = sql(f"SELECT state_since, id FROM casework_case WHERE unit_id = {unit_id} ORDER BY state_since, id "
               f"OFFSET {min(5000, unit_cases - 1)} LIMIT 1")[0]
    credentials = json.loads((var / "demo" / "credentials.json").read_text())
    server = serve(args.server, var)
    try:
        counsellor, head = Browser(f"http://127.0.0.1:{PORT}"), Browser(f"http://127.0.0.1:{PORT}")
        for _ in range(100):
            try:
                counsellor.get("/health")
                break
            except OSError:
                time.sleep(0.2)
        counsellor.sign_in("counsellor", credentials["counsellor"])
        head.sign_in("unit_head", credentials["unit_head"])
        pages = {  # name: (browser, path), the path drawn anew for each request
            "bare view (/health)": (counsellor, lambda: "/health"),
            "counsellor home": (counsellor, lambda: "/"),
            "case page": (counsellor, lambda: f"/cases/{rng.choice(case_ids)}/"),
            "case page, open cases only": (counsellor, lambda: f"/cases/{rng.choice(open_ids)}/"),
            "unit case list": (counsellor, lambda: "/cases/"),
            "unit case list, all, deep page": (counsellor, lambda: f"/cases/?state=all&after={deep[0]}.{deep[1]}"),
            "unit head home (not a target)": (head, lambda: "/"),
        }
        timings: dict[str, list[float]] = {name: [] for name in pages}
        queries: dict[str, list[int]] = {name: [] for name in pages}
        for _ in range(10):  # warm up: connections, template caches
            for who, path in pages.values():
                who.get(path())
        load_before = os.getloadavg()[0]
        for _ in range(args.requests):
            for name, (who, path) in pages.items():
                ms, _, n = who.get(path())
                timings[name].append(ms)
                queries[name].append(n)
        load_after = os.getloadavg()[0]
    finally:
        server.terminate()
        server.wait()
    bare = percentile(timings["bare view (/health)"], 95)
    rows, results = [], {}
    for name, values in timings.items():
        p50, p95, p99 = statistics.median(values), percentile(values, 95), percentile(values, 99)
        low, high = min(queries[name]), max(queries[name])
        rows.append([name, p50, p95, p99, p95 / bare, str(low) if low == high else f"{low}-{high}"])
        results[name] = {"p50": round(p50, 2), "p95": round(p95, 2), "p99": round(p99, 2),
                         "p95_over_bare": round(p95 / bare, 1), "queries": [low, high]}
    report.update(results=results, load_1min_before_after=[round(load_before, 2), round(load_after, 2)],
                  code=code_version())
    print()
    print_machine(info)
    print("data    " + " · ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"run     {args.server}, {args.requests} requests per page, interleaved; load average (1 min) "
          f"{load_before:.2f} before, {load_after:.2f} after\n")
    print(table(rows, ["page", "p50 ms", "p95 ms", "p99 ms", "p95 / bare", "queries"]))
    targets = [r for r in results if r.startswith(("counsellor home", "case page", "unit case list"))]
    verdict = all(results[r]["p95"] <= TARGET_MS for r in targets)
    print(f"\ntarget p95 <= {TARGET_MS:.0f} ms for the three casework pages: {'met' if verdict else 'MISSED'}")
    out = OUT / f"pages-{counts['cases']}-{time.strftime('%Y%m%d-%H%M')}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"written: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
