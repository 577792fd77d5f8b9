"""Load: staff at work, many at once, against sakme served by gunicorn as production serves it.

    python bench/load.py --persons 1000000 --users 50,150 --seconds 180     # the target: 150 users
    python bench/load.py --persons 20000 --users 10 --seconds 20            # a quick check
    python bench/load.py --persons 20000 --setup                            # build (or reuse) only

Builds (or reuses) the PostgreSQL database `bench_load`: `sakme demo load` (reference data, a generated population
imported through the real importer, case histories), then `VACUUM ANALYZE`; then the load's staff (per unit 4
counsellors, a unit head and an employer-relations specialist, posted to the units with the most cases) and a
signed-in session for each (`_load_setup.py`, run with the bench database's environment). Serves it with gunicorn
(`deploy/gunicorn.conf.py`, DEBUG off, the demo's plain http on 127.0.0.1) and, from this process, drives each
level of concurrent users: every virtual user is one staff member who requests a page of its role's mix with its
session cookie, then thinks (exponential, mean `--think` seconds), for `--warmup` seconds not counted and then
`--seconds` measured. Prints, per level, throughput, p50/p95/p99 and errors per request kind and overall, the
server's CPU and the load average; writes every figure to `bench/out/load-<persons>-<date>.json`.

Target (issue 9): at 150 concurrent staff users over 1,000,000 persons, zero errors and p95 <= 300 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from typing import Any

from _common import (
    CODE,
    MARK,
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

DB = "bench_load"
URL = f"{PG_SERVER}/{DB}"
VAR = OUT / "load-var"  # SAKME_VAR_DIR: the keyring of personal numbers, the demo's files, collected static files
BUILT = VAR / "bench-load.json"  # written once the database is complete: what it was built with
FIXTURES = OUT / "load-fixtures.json"
SERVER_LOG = OUT / "load-gunicorn.log"  # gunicorn's messages and Django's errors (tracebacks)
ACCESS_LOG = OUT / "load-gunicorn-access.log"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
SECRET = "bench-load-only-not-a-secret"  # the server and the setup must agree: sessions carry a hash keyed by it
TARGET_USERS, TARGET_P95_MS = 150, 300.0

# Each role's mix: kind -> weight. With 4 counsellors to a head and a specialist, the whole is about: name search
# 24 %, person page 14 %, home 15 %, case list 9 %, case page 13 %, API person search 8 %, API case 4 %, group
# sessions / employers / vacancies 13 %.
MIX: dict[str, dict[str, int]] = {
    "counsellor": {"search": 25, "person": 15, "home": 15, "case_list": 10, "case": 15, "api_search": 10,
                   "api_case": 5, "group_sessions": 5},
    "unit_head": {"search": 20, "person": 10, "home": 20, "case_list": 15, "case": 15, "api_search": 5,
                  "api_case": 5, "employers": 5, "vacancy": 5},
    "employer_relations": {"search": 20, "person": 10, "home": 15, "employers": 20, "employer": 15, "vacancy": 15,
                           "api_search": 5},
}
# kind -> (path, the unit's list it draws from or None)
PATHS: dict[str, tuple[str, str | None]] = {
    "search": ("/registry/persons/?q={}", "queries"),
    "person": ("/registry/persons/{}/", "persons"),
    "home": ("/", None),
    "case_list": ("/cases/", None),
    "case": ("/cases/{}/", "cases"),
    "api_search": ("/api/v1/persons?q={}", "queries"),
    "api_case": ("/api/v1/cases/{}", "cases"),
    "group_sessions": ("/cases/group-sessions/", None),
    "employers": ("/employers/", None),
    "employer": ("/employers/{}/", "employers"),
    "vacancy": ("/cases/vacancies/{}/", "vacancies"),
}


# -- environment and setup ------------------------------------------------------------------------------

def environment(**extra: str) -> dict[str, str]:
    """The bench database's environment: nothing of sakme's settings inherited from the caller's shell (no
    SAKME_DEBUG: DEBUG off as in production), the demo's relaxations (plain http on loopback, second factor)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SAKME_") and k != "DATABASE_URL"}
    env.update(DATABASE_URL=URL, SAKME_DEMO="1", SAKME_VAR_DIR=str(VAR), SAKME_SECRET_KEY=SECRET,
               SAKME_ALLOWED_HOSTS="127.0.0.1,localhost", SAKME_SSL_REDIRECT="0", SAKME_HSTS_SECONDS="0",
               DJANGO_SETTINGS_MODULE="sakme.settings", PYTHONPATH=os.pathsep.join([str(CODE), str(ROOT / "bench")]),
               BENCH_CODE=str(CODE), **extra)
    return env


def sql(query: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(URL, autocommit=True) as conn:
        cur = conn.execute(query)
        return cur.fetchall() if cur.description else []


def setup_task(task: str, **kwargs: Any) -> dict[str, Any]:
    """Run a task of `_load_setup.py` in a subprocess with the bench database's environment."""
    command = [PYTHON, str(ROOT / "bench" / "_load_setup.py"), "--worker", task, "--args", json.dumps(kwargs)]
    proc = subprocess.run(command, env=environment(), cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    found = [line[len(MARK):] for line in proc.stdout.splitlines() if line.startswith(MARK)]
    for line in proc.stdout.splitlines():
        if not line.startswith(MARK):
            print(f"    [{task}] {line}")
    if proc.returncode != 0 or not found:
        raise SystemExit(f"setup task {task} failed (exit {proc.returncode}); see its output above")
    result: dict[str, Any] = json.loads(found[-1])
    return result


def sakme(*args: str, stream: bool = False) -> None:
    command = [PYTHON, "-m", "sakme.cli", *args]
    if not stream:
        subprocess.run(command, env=environment(), cwd=CODE, check=True)
        return
    with subprocess.Popen(command, env=environment(), cwd=CODE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True) as proc:
        assert proc.stdout is not None
        quiet = False
        for line in proc.stdout:
            quiet = quiet or line.startswith("Demo users")  # the demo's passwords: not needed, not shown
            if not quiet:
                print(f"    [{args[0]}] {line.rstrip()}", flush=True)
    if proc.returncode != 0:
        raise SystemExit(f"sakme {' '.join(args)} failed (exit {proc.returncode})")


def reusable(want: dict[str, Any]) -> bool:
    """The database of an earlier complete build with the same persons, cases and seed, and its keyring."""
    if not (database_exists("postgres", DB) and BUILT.is_file() and (VAR / "keyring.json").is_file()):
        return False
    if json.loads(BUILT.read_text()) != want:
        return False
    rows = sql("SELECT b.status, b.rows_total FROM registry_importbatch b JOIN registry_sourcesystem s "
               "ON s.id = b.source_id WHERE s.code = 'ssa' ORDER BY b.id DESC LIMIT 1")
    return bool(rows) and rows[0] == ("succeeded", want["persons"])


def build(want: dict[str, Any]) -> dict[str, Any]:
    fresh_database("postgres", DB)
    BUILT.unlink(missing_ok=True)
    for stale in ("demo", "imports"):  # the demo's markers of an earlier population, stored copies of its files
        shutil.rmtree(VAR / stale, ignore_errors=True)
    started = time.perf_counter()
    command = ["demo", "load", "--persons", str(want["persons"]), "--seed", str(want["seed"])]
    if want["cases"]:
        command += ["--cases", str(want["cases"])]
    sakme(*command, stream=True)
    loaded = time.perf_counter() - started
    # The generated files are not needed once imported (the .done marker stays).
    shutil.rmtree(VAR / "demo" / f"population-{want['persons']}-{want['seed']}", ignore_errors=True)
    shutil.rmtree(VAR / "imports", ignore_errors=True)
    started = time.perf_counter()
    sql("VACUUM ANALYZE")  # what autovacuum (off on the bench server) would eventually do
    vacuumed = time.perf_counter() - started
    BUILT.write_text(json.dumps(want))
    print(f"  built: demo load {loaded:.0f} s, VACUUM ANALYZE {vacuumed:.0f} s")
    return {"demo_load_seconds": round(loaded, 1), "vacuum_analyze_seconds": round(vacuumed, 1)}


def wait_for_postgres(seconds: float = 120) -> None:
    """The server may be restarting (a fault drill elsewhere on the machine): wait for it to take connections."""
    import psycopg

    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(f"{PG_SERVER}/postgres", connect_timeout=5):
                return
        except psycopg.OperationalError as exc:
            if time.monotonic() > deadline:
                raise SystemExit(f"PostgreSQL at {PG_SERVER} does not take connections: {exc}") from exc
            time.sleep(1)


def setup(args: argparse.Namespace, staff: int) -> dict[str, Any]:
    """The database (built or reused), the staff, and fresh sessions with what the mix draws from."""
    VAR.mkdir(parents=True, exist_ok=True)
    wait_for_postgres()
    want = {"persons": args.persons, "cases": args.cases, "seed": args.seed}
    report: dict[str, Any] = {}
    if not args.fresh and reusable(want):
        print(f"reusing {DB} ({args.persons:,} persons): migrating")
        sakme("migrate", "--verbosity", "0")
        # Earlier runs left sessions and access events behind, and autovacuum is off on the bench server.
        sql("VACUUM ANALYZE django_session")
        sql("ANALYZE")
        report["reused"] = True
    else:
        print(f"building {DB}: {args.persons:,} persons, {args.cases or args.persons // 10:,} cases")
        report["build"] = build(want)
    made = setup_task("staff", staff=staff)
    print(f"  staff: {made['staff']} ({made['created']} created) in {made['units']} units")
    if made["created"]:
        sql("ANALYZE casework_case")
    report["staff"] = made
    return report


def fixtures(seed: int) -> dict[str, Any]:
    old = json.loads(FIXTURES.read_text()) if FIXTURES.is_file() else {}
    data = setup_task("fixtures", seed=seed, old_sessions=[s["session"] for s in old.get("staff", [])])
    data["created_at"] = time.time()
    FIXTURES.write_text(json.dumps(data))
    FIXTURES.chmod(0o600)  # signed-in sessions
    return data


# -- the server -----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(args: argparse.Namespace, port: int) -> subprocess.Popen[bytes]:
    sakme("collectstatic", "--noinput", "--verbosity", "0")  # whitenoise serves the collected, hashed files
    access_format = '%(h)s "%({x-forwarded-for}i)s" %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"'
    extra = {"SAKME_BIND": f"127.0.0.1:{port}", "SAKME_ACCESS_LOG": str(ACCESS_LOG), "SAKME_WEB_LOG_LEVEL": "info"}
    if args.workers:
        extra["SAKME_WEB_WORKERS"] = str(args.workers)
    if args.threads:
        extra["SAKME_WEB_THREADS"] = str(args.threads)
    if CONFIG.is_file():  # the repository's configuration, as production runs it; the code measured is CODE
        command = [GUNICORN, "-c", str(CONFIG), "--chdir", str(CODE)]
    else:
        command = [GUNICORN, "sakme.wsgi:application", "--bind", f"127.0.0.1:{port}", "--workers",
                   str(args.workers or 5), "--threads", str(args.threads or 1), "--chdir", str(CODE),
                   "--access-logfile", str(ACCESS_LOG), "--access-logformat", access_format]
    log = SERVER_LOG.open("ab")
    log.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(command)}\n".encode())
    log.flush()
    return subprocess.Popen(command, env=environment(**extra), cwd=CODE, stdout=log, stderr=subprocess.STDOUT,
                            start_new_session=True)


def stop(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=40)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def get(port: int, path: str, session: str | None = None, timeout: float = 60.0) -> tuple[int | str, str]:
    """One GET on a new connection (gunicorn's sync workers close it after each response): status and Location,
    or the name of the exception that ended it."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Accept-Language": "ka", "Accept": "application/json" if path.startswith("/api/") else "text/html"}
    if session:
        headers["Cookie"] = f"sessionid={session}"
    try:
        conn.request("GET", path, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, response.getheader("Location") or ""
    except (OSError, http.client.HTTPException) as exc:
        return f"exc:{type(exc).__name__}", ""
    finally:
        conn.close()


def wait_ready(server: subprocess.Popen[bytes], port: int) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}); see {SERVER_LOG.relative_to(ROOT)}")
        if get(port, "/health", timeout=5)[0] == 200:
            return
        time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer /health in 60 s; see {SERVER_LOG.relative_to(ROOT)}")


def outcome(status: int | str, location: str) -> str:
    """'ok', or what went wrong: a status >= 400, a redirect to the sign-in (or second-factor) page, an exception."""
    if isinstance(status, str):
        return status
    if 300 <= status < 400 and ("/login/" in location or "/accounts/otp" in location):
        return f"{status}->login"
    return "ok" if 200 <= status < 400 else str(status)


# -- the load -------------------------------------------------------------------------------------------

class Sampler(threading.Thread):
    """Every second: CPU of the gunicorn processes (workers restarted meanwhile included), of this database's
    PostgreSQL backends and of this process, the machine's busy share and the 1-minute load average."""

    def __init__(self, server_pid: int) -> None:
        super().__init__(daemon=True)
        import psutil

        self.psutil = psutil
        self.server = psutil.Process(server_pid)
        self.me = psutil.Process()
        self.done = threading.Event()
        self.seen: dict[tuple[str, int, float], float] = {}
        self.cpu = {"server": 0.0, "db": 0.0}
        self.server_pids: set[int] = set()
        self.loads: list[float] = []
        self.started_at = time.monotonic()
        self.machine_before = psutil.cpu_times()
        self.me_before = sum(self.me.cpu_times()[:2])
        self._sample(baseline=True)

    def _processes(self) -> list[tuple[str, Any]]:
        out = [("server", self.server)]
        with contextlib.suppress(self.psutil.Error):
            out += [("server", p) for p in self.server.children(recursive=True)]
        for p in self.psutil.process_iter(["name", "cmdline"]):
            if p.info["name"] == "postgres" and f" {DB} " in " ".join(p.info["cmdline"] or []) + " ":
                out.append(("db", p))
        return out

    def _sample(self, baseline: bool = False) -> None:
        for group, p in self._processes():
            try:
                times = p.cpu_times()
                key = (group, p.pid, p.create_time())
            except self.psutil.Error:
                continue
            total = times.user + times.system
            if group == "server":
                self.server_pids.add(p.pid)
            before = self.seen.get(key, total if baseline else 0.0)
            self.cpu[group] += total - before
            self.seen[key] = total
        self.loads.append(os.getloadavg()[0])

    def run(self) -> None:
        while not self.done.wait(1.0):
            self._sample()

    def finish(self) -> dict[str, Any]:
        self.done.set()
        self.join()
        self._sample()
        wall = time.monotonic() - self.started_at
        after = self.psutil.cpu_times()
        busy = sum(after) - sum(self.machine_before)
        idle = (after.idle + after.iowait) - (self.machine_before.idle + self.machine_before.iowait)
        return {
            "server_cpu_pct": round(100 * self.cpu["server"] / wall, 1),  # of one core
            "db_cpu_pct": round(100 * self.cpu["db"] / wall, 1),
            "driver_cpu_pct": round(100 * (sum(self.me.cpu_times()[:2]) - self.me_before) / wall, 1),
            "machine_busy_pct": round(100 * (1 - idle / busy), 1) if busy else None,
            "cores": os.cpu_count(),
            "load_1min": {"first": round(self.loads[0], 2), "mean": round(statistics.mean(self.loads), 2),
                          "max": round(max(self.loads), 2), "last": round(self.loads[-1], 2)},
            "server_processes_seen": len(self.server_pids),
        }


class VirtualUser(threading.Thread):
    def __init__(self, n: int, member: dict[str, Any], unit: dict[str, Any], level: Level) -> None:
        super().__init__(daemon=True, name=f"vu-{n}")
        self.member, self.unit, self.level = member, unit, level
        self.rng = random.Random(level.seed * 100_003 + n)
        mix = {k: w for k, w in MIX[member["role"]].items() if PATHS[k][1] is None or unit[PATHS[k][1]]}
        self.kinds, self.weights = list(mix), list(mix.values())

    def path(self, kind: str) -> str:
        template, source = PATHS[kind]
        if source is None:
            return template
        pick = self.rng.choice(self.unit[source])
        return template.format(urllib.parse.quote(pick[1]) if source == "queries" else pick)

    def run(self) -> None:
        level = self.level
        if level.stopping.wait(self.rng.uniform(0, level.ramp)):
            return
        while time.monotonic() < level.end:
            kind = self.rng.choices(self.kinds, self.weights)[0]
            path = self.path(kind)
            started = time.monotonic()
            status, location = get(level.port, path, self.member["session"], level.timeout)
            ms = (time.monotonic() - started) * 1000
            if level.start <= started < level.end:
                level.records.append((kind, ms, outcome(status, location), path))
            if level.stopping.wait(self.rng.expovariate(1 / level.think) if level.think > 0 else 0):
                return


class Level:
    """One concurrency level: `users` virtual users, `warmup` seconds not counted, then `seconds` measured."""

    def __init__(self, users: int, args: argparse.Namespace, port: int) -> None:
        self.users, self.port, self.seed = users, port, args.seed
        self.think, self.timeout, self.seconds, self.warmup = args.think, args.timeout, args.seconds, args.warmup
        self.ramp = args.warmup / 2  # users start spread over the first half of the warm-up
        self.records: list[tuple[str, float, str, str]] = []
        self.stopping = threading.Event()
        self.start = self.end = 0.0

    def run(self, data: dict[str, Any], server_pid: int) -> dict[str, Any]:
        staff = data["staff"]
        now = time.monotonic()
        self.start, self.end = now + self.warmup, now + self.warmup + self.seconds
        users = [VirtualUser(n, staff[n % len(staff)], data["units"][str(staff[n % len(staff)]["unit"])], self)
                 for n in range(self.users)]
        for user in users:
            user.start()
        time.sleep(max(0.0, self.start - time.monotonic()))
        sampler = Sampler(server_pid)
        sampler.start()
        access_from = ACCESS_LOG.stat().st_size if ACCESS_LOG.is_file() else 0
        time.sleep(max(0.0, self.end - time.monotonic()))
        machine_figures = sampler.finish()
        self.stopping.set()
        for user in users:  # a request in flight at the end is finished (and counted: it started in the window)
            user.join()
        access = server_times(access_from)
        roles: dict[str, int] = {}
        for n in range(self.users):
            roles[staff[n % len(staff)]["role"]] = roles.get(staff[n % len(staff)]["role"], 0) + 1
        return summarise(self, machine_figures, access, roles)


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def figures(records: list[tuple[str, float, str, str]], seconds: float) -> dict[str, Any]:
    times = [r[1] for r in records]
    errors: dict[str, int] = {}
    for r in records:
        if r[2] != "ok":
            errors[r[2]] = errors.get(r[2], 0) + 1

    def ms(v: float | None) -> float | None:
        return None if v is None else round(v, 1)

    return {"requests": len(records), "per_second": round(len(records) / seconds, 2),
            "p50": ms(percentile(times, 50)), "p95": ms(percentile(times, 95)), "p99": ms(percentile(times, 99)),
            "max": ms(max(times, default=None)), "errors": sum(errors.values()), "errors_by_status": errors}


def server_times(offset: int) -> dict[str, Any]:
    """gunicorn's own time per request in the window (its access log; the wait in the listen queue is not in it)."""
    if not ACCESS_LOG.is_file():
        return {}
    with ACCESS_LOG.open("rb") as log:
        log.seek(offset)
        lines = log.read().decode(errors="replace").splitlines()
    found = [re.search(r'"GET (\S+) [^"]*" (\d{3}) \S+ (\d+)ms', line) for line in lines]
    times = [float(m.group(3)) for m in found if m and m.group(1) != "/health"]
    fives = sum(1 for m in found if m and m.group(2).startswith("5"))
    return {"requests": len(times), "p50": percentile(times, 50), "p95": percentile(times, 95),
            "p99": percentile(times, 99), "status_5xx": fives}


def summarise(level: Level, machine_figures: dict[str, Any], access: dict[str, Any],
              roles: dict[str, int]) -> dict[str, Any]:
    records = level.records
    kinds = {}
    for kind in PATHS:
        mine = [r for r in records if r[0] == kind]
        if mine:
            kinds[kind] = figures(mine, level.seconds)
            kinds[kind]["share_pct"] = round(100 * len(mine) / len(records), 1)
    samples: dict[str, list[str]] = {}
    for kind, _, result, path in records:
        if result != "ok" and len(samples.setdefault(f"{kind} {result}", [])) < 5:
            samples[f"{kind} {result}"].append(path if kind not in ("search", "api_search") else path.split("?")[0])
    return {"users": level.users, "roles": roles, "seconds": level.seconds, "warmup": level.warmup,
            "think_mean_s": level.think, "overall": figures(records, level.seconds), "kinds": kinds,
            "error_samples": samples, "server_side_ms": access, "machine": machine_figures}


def server_errors(start: int, end: int) -> list[str]:
    """Errors (with the first line of each traceback), worker timeouts and restarts in gunicorn's log."""
    with SERVER_LOG.open("rb") as log:
        log.seek(start)
        text = log.read(end - start).decode(errors="replace")
    marks = ("Traceback", "Error", "WORKER TIMEOUT", "Autorestarting", "was sent SIGKILL", "Worker exiting")
    return [line for line in text.splitlines() if any(m in line for m in marks)]


# -- report ---------------------------------------------------------------------------------------------

def print_level(result: dict[str, Any]) -> None:
    users, overall, m = result["users"], result["overall"], result["machine"]
    roles = ", ".join(f"{n} {role}" for role, n in result["roles"].items())
    print(f"\n{users} users ({roles}); {result['seconds']} s measured after {result['warmup']} s, think "
          f"{result['think_mean_s']} s mean")
    rows = [[kind, f["requests"], f["share_pct"], f["per_second"], f["p50"], f["p95"], f["p99"], f["errors"]]
            for kind, f in result["kinds"].items()]
    rows.append(["overall", overall["requests"], 100.0, overall["per_second"], overall["p50"], overall["p95"],
                 overall["p99"], overall["errors"]])
    print(table(rows, ["kind", "requests", "share %", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors"]))
    if overall["errors"]:
        print("errors: " + ", ".join(f"{k} ×{v}" for k, v in overall["errors_by_status"].items()))
        for key, paths in result["error_samples"].items():
            print(f"  {key}: {' '.join(paths)}")
    side = result["server_side_ms"]
    if side.get("requests"):
        print(f"gunicorn's own time (no queueing): p50 {side['p50']:.0f} ms, p95 {side['p95']:.0f} ms, "
              f"p99 {side['p99']:.0f} ms; 5xx in its log: {side['status_5xx']}")
    print(f"CPU (100 % = one core of {m['cores']}): gunicorn {m['server_cpu_pct']} %, PostgreSQL backends of "
          f"{DB} {m['db_cpu_pct']} %, this driver {m['driver_cpu_pct']} %; machine busy {m['machine_busy_pct']} %; "
          f"load average (1 min) {m['load_1min']['first']} -> {m['load_1min']['last']} (max {m['load_1min']['max']}); "
          f"gunicorn processes seen {m['server_processes_seen']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--cases", type=int, default=None, help="case histories (default: the demo's, persons / 10)")
    parser.add_argument("--users", default="50,150", help="concurrency levels, comma-separated")
    parser.add_argument("--seconds", type=float, default=180, help="measured seconds per level")
    parser.add_argument("--warmup", type=float, default=20, help="seconds per level before measuring (not counted)")
    parser.add_argument("--think", type=float, default=3.0, help="mean think time between a user's requests, s")
    parser.add_argument("--timeout", type=float, default=60, help="a request taking longer is an error")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: its configuration's)")
    parser.add_argument("--threads", type=int, default=None, help="threads per worker (default: its configuration's)")
    parser.add_argument("--port", type=int, default=0, help="default: a free one")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--fresh", action="store_true", help="build the database again even if it could be reused")
    parser.add_argument("--setup", action="store_true", help="only build (or reuse) the database, staff and sessions")
    args = parser.parse_args()
    levels = [int(u) for u in args.users.split(",") if u.strip()]
    OUT.mkdir(parents=True, exist_ok=True)
    info = machine(["postgres"])
    report: dict[str, Any] = {"machine": info, "args": vars(args)}
    report["setup"] = setup(args, staff=max(levels))
    data = fixtures(args.seed)
    counts = setup_task("counts")
    report["data"] = counts
    print("data    " + " · ".join(f"{k} {v:,}" for k, v in counts.items()))
    print(f"fixtures: {len(data['staff'])} signed-in staff in {len(data['units'])} units -> "
          f"{FIXTURES.relative_to(ROOT)}")
    if args.setup:
        return
    port = args.port or free_port()
    log_from = SERVER_LOG.stat().st_size if SERVER_LOG.is_file() else 0
    server = serve(args, port)
    results: list[dict[str, Any]] = []
    workers = 0
    try:
        wait_ready(server, port)
        first = data["staff"][0]
        status, location = get(port, "/", first["session"])
        if outcome(status, location) != "ok":
            raise SystemExit(f"signed-in home page as {first['username']}: {status} {location}")
        import psutil

        workers = len(psutil.Process(server.pid).children())
        print(f"serving on 127.0.0.1:{port} (gunicorn pid {server.pid}, {workers} workers, "
              f"{'deploy/gunicorn.conf.py' if CONFIG.is_file() else 'plain flags'}); log {SERVER_LOG.relative_to(ROOT)}")
        for users in levels:
            if time.time() - data["created_at"] > 20 * 60:  # sessions end after 30 idle minutes: new ones
                data = fixtures(args.seed)
            print(f"level {users} users: {args.warmup:.0f} s warm-up, {args.seconds:.0f} s measured ...", flush=True)
            results.append(Level(users, args, port).run(data, server.pid))
            print_level(results[-1])
    finally:
        log_to = SERVER_LOG.stat().st_size  # what the shutdown logs is not a problem
        stop(server)
    problems = server_errors(log_from, log_to)
    report.update(levels=results, server_log_problems=problems[:200], code=code_version(),
                  server={"config": str(CONFIG.relative_to(ROOT)) if CONFIG.is_file() else "plain flags",
                          "workers": workers, "threads": args.threads})
    print()
    print_machine(info)
    print("data    " + " · ".join(f"{k} {v:,}" for k, v in counts.items()))
    print()
    rows = [[r["users"], r["overall"]["requests"], r["overall"]["per_second"], r["overall"]["p50"],
             r["overall"]["p95"], r["overall"]["p99"], r["overall"]["errors"], r["machine"]["server_cpu_pct"],
             r["machine"]["db_cpu_pct"], r["machine"]["load_1min"]["mean"]] for r in results]
    print(table(rows, ["users", "requests", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "gunicorn CPU %",
                       "DB CPU %", "load avg"]))
    kinds = [k for k in PATHS if any(k in r["kinds"] for r in results)]
    print()
    print(table([[k] + [r["kinds"].get(k, {}).get("p95") for r in results] for k in kinds],
                ["p95 ms by kind"] + [f"{r['users']} users" for r in results]))
    if problems:
        print(f"\ngunicorn's log has {len(problems)} lines of errors or restarts ({SERVER_LOG.relative_to(ROOT)}):")
        for line in problems[:10]:
            print(f"  {line}")
    target = next((r for r in results if r["users"] == TARGET_USERS), None)
    if target:
        met = target["overall"]["errors"] == 0 and (target["overall"]["p95"] or 0) <= TARGET_P95_MS
        print(f"\ntarget at {TARGET_USERS} users, zero errors and p95 <= {TARGET_P95_MS:.0f} ms over "
              f"{counts['persons']:,} persons: {'met' if met else 'MISSED'}")
    out = OUT / f"load-{args.persons}-{time.strftime('%Y%m%d-%H%M')}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    print(f"written: {out.relative_to(ROOT)}")


if __name__ == "__main__":
    sys.exit(main())
