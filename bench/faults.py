"""Fault drill: SIGKILL the web process, the task worker or PostgreSQL in the middle of imports, linkage runs and case
edits; restart what died; check that nothing acknowledged is lost and nothing half-written remains.

`.venv/bin/python bench/faults.py --kills 24 --pg-kills 4`; what it runs, kills, acknowledges and checks: bench/README.md.
Exits 1 on anything lost or half-written. PostgreSQL kills disturb every user of the server: --pg-kills says how many.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import json
import os
import random
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg
import requests

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))
BIN = ROOT / ".venv" / "bin"
OUT = BENCH / "out" / "faults"
PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_CTL = ["pg_ctlcluster", "--skip-systemctl-redirect", "--mode", "immediate",
          *os.environ.get("BENCH_PG_CLUSTER", "15 main").split()]
IMPORT_PHASES = ["reading", "writing", "committing"]  # "committing": written, the transaction about to commit
LINK_PHASES = ["reading", "preparing", "checking blocks", "training", "scoring", "storing", "clustering", "caching"]
# A batch's linkage run has two: "scoring" (LINK_PHASES[4]; stores its links at the end) and "clustering" ([6]).
LINKS = "status IN ('auto_accepted', 'accepted')"
BIG, SMALL = 20_000, 300  # rows of an import to kill, of an import to complete


def kill_postgres() -> float:
    started = time.monotonic()
    subprocess.run([*PG_CTL, "stop"], check=True, capture_output=True)
    subprocess.run([*PG_CTL, "start"], check=True, capture_output=True)
    host, port = PG_SERVER.rsplit("@", 1)[-1].split(":")
    while subprocess.run(["pg_isready", "-q", "-h", host, "-p", port]).returncode != 0:
        time.sleep(0.1)
    return time.monotonic() - started


class Drill:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args, self.rng, self.url = args, random.Random(args.seed), f"{PG_SERVER}/{args.db}"
        self.base, self.procs, self.restarted, self.conn, self.files = f"http://127.0.0.1:{args.port}", {}, [], None, 0
        self.env = {**os.environ, "DATABASE_URL": self.url, "SAKME_VAR_DIR": str(OUT / "var"), "SAKME_DEMO": "1",
                    "SAKME_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "sakme.settings", "PYTHONPATH": str(ROOT)}
        # Acknowledged: batch -> (rows, created), linkage runs, edits (kind, id, text); batches of demo persons to link.
        self.acked_batches, self.acked_runs, self.acked_edits, self.linkable = {}, set(), [], []
        self.kills, self.answers, self.in_flight, self.halt = Counter[str](), Counter[str](), 0, threading.Event()
        self.found: dict[str, dict[str, str]] = {"lost": {}, "half-written": {}, "misreported": {}}

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        for attempt in range(200):
            try:
                self.conn = self.conn or psycopg.connect(self.url, autocommit=True)
                return self.conn.execute(sql, params).fetchall()
            except (psycopg.OperationalError, psycopg.InterfaceError):
                self.conn = None
                time.sleep(0.3 if attempt < 199 else 0)
        raise SystemExit("the scratch database does not answer")

    def one(self, sql: str, *params: Any) -> Any:
        return (self.rows(sql, *params) or [(None,)])[0][0]

    def sakme(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        done = subprocess.run([str(BIN / "sakme"), *args], env=self.env, cwd=ROOT, capture_output=True, text=True)
        if check and done.returncode:
            raise SystemExit(f"sakme {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def start(self, name: str) -> None:
        command = {"web": [str(BIN / "gunicorn"), "sakme.wsgi:application", "--bind", self.base[7:], "--workers",
                           "2", "--timeout", "120"],
                   "worker": [str(BIN / "sakme"), "db_worker", "--interval", "0.2", "--no-startup-delay"]}[name]
        with (OUT / f"{name}.log").open("a") as out:
            self.procs[name] = subprocess.Popen(command, env=self.env, cwd=ROOT, stdout=out, stderr=out,
                                                start_new_session=True)
        for _ in range(300 if name == "web" else 0):
            with contextlib.suppress(requests.RequestException):
                if requests.get(f"{self.base}/api/v1/units", timeout=2).status_code < 500:
                    return
            time.sleep(0.1)

    def kill(self, name: str) -> None:
        if self.procs[name].poll() is None:
            os.killpg(self.procs[name].pid, signal.SIGKILL)  # gunicorn's master and its workers together
        self.procs[name].wait()

    def ensure(self) -> None:
        for name in ("web", "worker"):
            if name not in self.procs or self.procs[name].poll() is not None:
                self.start(name)
                self.restarted.append(name)

    def api(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        # A data steward's call, retried while the web comes back (or answers 500 on a connection lost).
        for _ in range(60):
            with contextlib.suppress(requests.RequestException):
                answer = self.steward.request(method, self.base + path, timeout=120, **kwargs)
                if answer.status_code < 500:
                    answer.raise_for_status()
                    return answer.json()
            time.sleep(0.5)
            self.ensure()
        raise SystemExit(f"{method} {path} keeps failing")

    def setup(self) -> None:
        from sakme.demo.generator import generate

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {self.args.db} WITH (FORCE)")
            admin.execute(f"CREATE DATABASE {self.args.db}")
        subprocess.run(["rm", "-rf", str(OUT / "var"), str(OUT / "files")], check=True)
        print(f"demo of {self.args.persons} persons into {self.args.db}, a first linkage run")
        self.sakme("demo", "load", "--persons", str(self.args.persons), "--cases", str(self.args.persons // 4))
        self.sakme("link", "run", "--sources", "ssa,worknet")
        self.steward, self.http = requests.Session(), requests.Session()  # a data steward's, a counsellor's
        for http, user in ((self.steward, ("data_steward", "--days", "1")), (self.http, ("counsellor",))):
            http.headers["Authorization"] = "Bearer " + self.sakme("token", "create", *user).stdout.strip()
        self.header, *self.fresh = self.read(generate(OUT / "base", persons=BIG, seed=self.args.seed + 1)["ssa"])
        self.demo = self.read(next((OUT / "var" / "demo").glob("population-*/ssa_registry.csv")))[1:]
        self.person_offset = self.one("SELECT count(*) FROM registry_person") - self.one(
            "SELECT coalesce(sum(created), 0) FROM registry_importbatch WHERE status = 'succeeded'")
        self.ensure()
        self.restarted.clear()
        self.cases = [c for (c,) in self.rows(  # open cases of the demo counsellor's unit
            "SELECT c.id FROM casework_case c JOIN geo_territorialunit u ON u.id = c.unit_id WHERE u.code = 'TB-2' "
            "AND c.state IN ('registered', 'assessed', 'plan_agreed', 'in_services')")]
        self.editor = threading.Thread(target=self.edit, daemon=True)
        self.editor.start()

    @staticmethod
    def read(path: Path) -> list[list[str]]:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            return list(csv.reader(fh, delimiter=";"))

    def make_file(self, rows: int, *, fresh: bool) -> Path:
        # New source and household keys: a batch's records are its own. Fresh persons or the demo's again (they link).
        self.files += 1
        tag, path = f"F{self.files:04d}", OUT / "files" / f"F{self.files:04d}.csv"
        key, number, household = (self.header.index(c) for c in ("chanaceris_id", "piradi_nomeri", "ojaxis_kodi"))
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            (out := csv.writer(fh, delimiter=";")).writerow(self.header)
            for i, row in enumerate(self.fresh[:rows] if fresh else self.rng.sample(self.demo, rows)):
                new = f"9{self.files:04d}{i:06d}" if fresh else row[number]  # a new personal number, or the demo's
                out.writerow([f"{tag}-{v}" if c in (key, household) else new if c == number else v
                              for c, v in enumerate(row)])
        return path

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response | None:
        self.in_flight += 1
        try:
            answer = self.http.request(method, self.base + path, timeout=30, **kwargs)
            self.answers[f"{answer.status_code // 100}xx"] += 1
            return answer if answer.ok else None
        except requests.RequestException:
            self.answers["no answer"] += 1
            time.sleep(0.2)
            return None
        finally:
            self.in_flight -= 1

    def edit(self) -> None:
        """The counsellor's client, all the time: sessions, and plan versions of two actions on the version read."""
        rng, today, n = random.Random(5), dt.date.today().isoformat(), 0
        while not self.halt.is_set():
            time.sleep(0.03)
            n, case, answer = n + 1, rng.choice(self.cases), None
            if rng.random() < 0.6:
                kind, answer = "session", self.call("POST", f"/api/v1/cases/{case}/sessions",
                                                    json={"held_on": today, "notes": f"faults {n}"})
            elif read := self.call("GET", f"/api/v1/cases/{case}"):
                kind, answer = "plan", self.call("POST", f"/api/v1/cases/{case}/plans", json={
                    "goals": f"faults {n}", "expected_version": int(read.headers["ETag"].strip('"')),
                    "actions": [{"description": f"faults {n} step {k}", "due_on": today} for k in (1, 2)]})
            if answer is not None:
                self.acked_edits.append((kind, answer.json()["id"], f"faults {n}"))

    def wait_phase(self, kind: str, pk: int, target: str) -> str | None:
        """Poll until the batch or run `pk` reaches `target` or a later phase; None when it ended first."""
        deadline, order = time.monotonic() + 120, IMPORT_PHASES if kind == "import" else LINK_PHASES
        while time.monotonic() < deadline:
            if kind == "import":  # its phase from the progress file, once it has read rows
                status, progress = self.one("SELECT status FROM registry_importbatch WHERE id = %s", pk), self.progress(pk)
                phase = progress.get("phase", "") if progress.get("done") or progress.get("phase") != "reading" else ""
            else:
                status, phase = self.rows("SELECT status, phase FROM linkage_linkrun WHERE id = %s", pk)[0]
            if status == "running" and order.index(target) <= [*order, phase].index(phase) < len(order):
                return phase
            if status not in ("pending", "running"):
                return None
            time.sleep(0.005)
        return None

    @staticmethod
    def progress(batch: int | None) -> dict[str, Any]:
        with contextlib.suppress(OSError, ValueError):
            return json.loads((OUT / "var" / "imports" / f"batch-{batch}.progress.json").read_text())
        return {}

    def upload(self, path: Path) -> int:
        with path.open("rb") as fh:
            return self.api("POST", "/api/v1/imports", files={"file": (path.name, fh, "text/csv")},
                            data={"source": "ssa", "mapping": "ssa"})["id"]

    def start_linkage(self, batch: int | None) -> int:
        return self.api("POST", "/api/v1/linkage/runs", json={"kind": "batch", "batch_id": batch} if batch else
                        {"kind": "run", "sources": ["ssa", "worknet"], "retrain": self.rng.random() < 0.5})["id"]

    def outcome(self, kind: str, pk: int, *, wait: bool = False) -> bool:
        """What the API says of a batch or run (once it ends, with `wait`); succeeded is acknowledged."""
        deadline, path = time.monotonic() + (300 if wait else 0), f"/api/v1/{'imports' if kind == 'import' else 'linkage/runs'}/{pk}"
        while (seen := self.api("GET", path))["status"] in ("pending", "running") and time.monotonic() < deadline:
            time.sleep(0.2)
        if (done := seen["status"] == "succeeded") and kind == "import":
            self.acked_batches[pk] = (seen["rows_total"], seen["created"])
        elif done:
            self.acked_runs.add(pk)
        return done

    def cli_import(self, path: Path) -> subprocess.Popen:
        return subprocess.Popen([str(BIN / "sakme"), "import", "persons", str(path), "--source", "ssa", "--mapping",
                                 "ssa"], env=self.env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)

    def cli_outcome(self, cli: subprocess.Popen) -> int | None:
        """`sakme import`'s batch, acknowledged when it exits 0 and reports it."""
        found = re.search(r"batch (\d+): .*? rows (\d+), created (\d+)", cli.communicate()[0])
        if cli.returncode == 0 and found:
            self.acked_batches[int(found[1])] = (int(found[2]), int(found[3]))
        return int(found[1]) if cli.returncode == 0 and found else None

    def round_worker(self, n: int) -> str:
        what = ["import", "linkage", "batch linkage"][n % 3]
        if what == "import":
            pk = self.upload(self.make_file(BIG, fresh=True))
            phase = self.wait_phase("import", pk, random.Random(n).choice(IMPORT_PHASES))  # varied whatever the seed
        else:
            batch = self.rng.choice(self.linkable) if what == "batch linkage" and self.linkable else None
            what, pk = "batch linkage" if batch else "linkage", self.start_linkage(batch)
            phase = self.wait_phase("linkage", pk, random.Random(n).choice(LINK_PHASES[4::2] if batch else LINK_PHASES))
        self.kill("worker")
        self.outcome("import" if what == "import" else "linkage", pk)
        return f"{what} {pk} at {phase or 'its end (missed)'}"

    def round_web(self, n: int) -> str:
        time.sleep(self.rng.uniform(0.2, 1.5))
        in_flight = self.in_flight
        self.kill("web")
        return f"case edits ({in_flight} request(s) in flight)"

    def round_pg(self, n: int) -> str:
        # `sakme import` reading its file, then a linkage run started and reaching a phase: PostgreSQL goes down.
        path = self.make_file(BIG, fresh=True)
        cli = self.cli_import(path)
        while not (batch := self.one("SELECT id FROM registry_importbatch WHERE file_name = %s", path.name)) and (
                cli.poll() is None):
            time.sleep(0.05)
        phase = self.wait_phase("import", batch, "reading") if batch else None
        run = self.start_linkage(None)
        run_phase = self.wait_phase("linkage", run, self.rng.choice(LINK_PHASES[:5]))
        phase = self.progress(batch).get("phase") if phase else None  # where it is now
        seconds = kill_postgres()
        self.cli_outcome(cli)
        self.outcome("linkage", run)
        return (f"import {batch} at {phase or 'its end (missed)'}, linkage {run} at "
                f"{run_phase or 'its end (missed)'}, case edits; PostgreSQL back in {seconds:.1f} s")

    def settle(self, n: int) -> None:
        # Writes that complete: an import (the command line's every third round) and now and then a batch's linkage.
        fresh, path = n % 2 == 0, self.make_file(SMALL, fresh=n % 2 == 0)
        if n % 3 == 0:
            batch = self.cli_outcome(self.cli_import(path))
        else:
            batch = self.upload(path)
            batch = batch if self.outcome("import", batch, wait=True) else None
        if batch and not fresh:
            self.linkable.append(batch)
            if n % 4 == 1:
                self.outcome("linkage", self.start_linkage(batch), wait=True)

    def check(self, when: str) -> None:
        lost, half, misreported, edits = [], [], [], self.acked_edits[:]
        for kind, table, column in (("session", "casework_counsellingsession", "notes"),
                                    ("plan", "casework_employmentplan", "goals")):
            wanted = {pk: text for k, pk, text in edits if k == kind}
            held = dict(self.rows(f"SELECT id, {column} FROM {table} WHERE id = ANY(%s)", list(wanted)))
            lost += [f"{kind} {pk} ({text})" for pk, text in wanted.items() if held.get(pk) != text]
        half += [f"plan {pk} of case {case}: {actions} of 2 actions, audit event {audited}"
                 for pk, case, actions, audited in self.rows(
                     "SELECT p.id, p.case_id, (SELECT count(*) FROM casework_planaction a WHERE a.plan_id = p.id), "
                     "EXISTS (SELECT 1 FROM audit_auditevent e WHERE e.action = 'plan.write' AND e.entity_id = "
                     "p.case_id::text AND e.changes->>'version' = p.number::text) FROM casework_employmentplan p "
                     "WHERE p.goals LIKE 'faults %%'") if actions != 2 or not audited]
        batches = {pk: rest for pk, *rest in self.rows(
            "SELECT b.id, b.status, b.rows_total, b.created, (SELECT count(*) FROM registry_sourcerecord r "
            "WHERE r.batch_id = b.id) FROM registry_importbatch b")}
        half += [f"batch {pk}: {status} with {rows} rows, {records} source records"
                 for pk, (status, rows, _, records) in batches.items() if records != (rows * (status == "succeeded"))]
        lost += [f"batch {pk}: acknowledged with {rows} rows, {made} created; now {batches.get(pk)}"
                 for pk, (rows, made) in self.acked_batches.items() if batches.get(pk) != ["succeeded", rows, made, rows]]
        made = self.person_offset + sum(b[2] for b in batches.values() if b[0] == "succeeded")
        if (persons := self.one("SELECT count(*) FROM registry_person")) != made:
            half.append(f"persons: {persons} where the succeeded batches made {made}")
        status = dict(self.rows("SELECT id, status FROM linkage_linkrun"))
        lost += [f"linkage run {pk}: acknowledged, now {status.get(pk)}" for pk in self.acked_runs
                 if status.get(pk) != "succeeded"]
        misreported += [f"linkage run {pk}: {st} at phase {phase}, yet {pairs} pairs of it are stored"
                        for pk, st, phase, pairs in self.rows(
                            "SELECT r.id, r.status, r.phase, count(*) FROM linkage_linkrun r JOIN linkage_candidatepair "
                            "p ON p.run_id = r.id WHERE r.status <> 'succeeded' GROUP BY 1, 2, 3")]
        for kind, table, task in (("batch", "registry_importbatch", "registry.tasks.import_batch_task"),
                                  ("linkage run", "linkage_linkrun", "linkage.tasks.link_run_task")):
            half += [f"{kind} {pk}: waiting, and no task is queued to run it" for (pk,) in self.rows(
                f"SELECT id FROM {table} b WHERE status = 'pending' AND NOT EXISTS (SELECT 1 FROM django_tasks_database_"
                f"dbtaskresult t WHERE t.task_path = 'sakme.{task}' AND t.args_kwargs->'args'->>0 = b.id::text)")]
        # Clusters are made of the accepted links: both records of a link in one cluster.
        half += [f"linkage run {run}: {n} of its accepted links join records in no cluster or in two" for run, n in
                 self.rows("SELECT p.run_id, count(*) FROM linkage_candidatepair p LEFT JOIN linkage_clustermember a "
                           "ON a.record_id = p.record_a_id LEFT JOIN linkage_clustermember b ON b.record_id = "
                           f"p.record_b_id WHERE p.{LINKS} AND (a.cluster_id IS NULL OR b.cluster_id IS NULL OR "
                           "a.cluster_id <> b.cluster_id) GROUP BY 1")]
        for label, texts in (("lost", lost), ("half-written", half), ("misreported", misreported)):
            for text in texts:  # one line per record, however many rounds see it
                if not any(text.split(":")[0] == seen.split(":")[0] for seen in self.found[label]):
                    print(f"  {label.upper()} {when}: {text}")
                    self.found[label][text] = when

    def run(self) -> int:
        OUT.mkdir(parents=True, exist_ok=True)
        self.setup()
        self.check("before any kill")
        pg = min(self.args.pg_kills, self.args.kills)
        kinds = ["postgres"] * pg + [["worker", "web"][i % 2] for i in range(self.args.kills - pg)]
        self.rng.shuffle(kinds)
        for n, kind in enumerate(kinds, 1):
            self.ensure()
            did = {"worker": self.round_worker, "web": self.round_web, "postgres": self.round_pg}[kind](n)
            self.kills[kind] += 1
            self.ensure()
            print(f"kill {n}/{len(kinds)}: {kind} during {did}; restarted {', '.join(self.restarted) or 'nothing'}")
            self.restarted.clear()
            self.check(f"after kill {n}")
            self.settle(n)
        self.halt.set()
        self.editor.join(timeout=60)
        list(map(self.kill, ("web", "worker")))  # everything restarted once more before the last look
        self.ensure()
        self.check("after the last restart")
        sessions = sum(1 for e in self.acked_edits if e[0] == "session")
        rows = [("kills", ", ".join(f"{k} {self.kills[k]}" for k in ("web", "worker", "postgres"))
                 + f" (total {sum(self.kills.values())})"),
                ("acknowledged", f"sessions {sessions}, plan versions {len(self.acked_edits) - sessions}, import "
                 f"batches {len(self.acked_batches)} ({sum(r for r, _ in self.acked_batches.values()):,} rows), "
                 f"linkage runs {len(self.acked_runs)}"),
                ("case-edit answers", ", ".join(f"{k} {v}" for k, v in sorted(self.answers.items()))),
                *((label, str(len(found))) for label, found in self.found.items())]
        print("\n" + "\n".join(f"{label:<18} {value}" for label, value in rows))
        for label, found in self.found.items():
            for text, when in found.items():
                print(f"  {label} ({when}): {text}")
        return 1 if self.found["lost"] or self.found["half-written"] else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    for flag, default, text in (("--kills", 24, "kills in all"), ("--pg-kills", 4, "of which PostgreSQL kills"),
                                ("--persons", 2000, "the demo's persons"), ("--port", 8765, "the web's port"),
                                ("--seed", 2026, "the random seed")):
        parser.add_argument(flag, type=int, default=default, help=f"{text} (default {default})")
    parser.add_argument("--db", default="sakme_faults", help="the scratch database (dropped and created)")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database afterwards")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    drill = Drill(args)
    try:
        return drill.run()
    finally:
        list(map(drill.kill, list(drill.procs)))
        if not args.keep:
            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as admin:
                admin.execute(f"DROP DATABASE IF EXISTS {args.db} WITH (FORCE)")


if __name__ == "__main__":
    sys.exit(main())
