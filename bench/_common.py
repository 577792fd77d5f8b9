"""Plumbing shared by the benchmarks: the SSA file, fresh databases, measuring subprocesses, the machine.

Every measurement runs in its own subprocess (`run_worker`) with DATABASE_URL set before Django starts, so
that each one gets a clean interpreter and its peak RSS (`ru_maxrss`) is the peak of that measurement alone.
A worker prints one line `BENCH-JSON {...}` with its figures; everything else it prints goes to the terminal.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
OUT = BENCH / "out"
VAR = OUT / "var"  # SAKME_VAR_DIR of the workers: the importer's copies of the file land here, not in var/
# The sakme code measured: the working tree, or a frozen snapshot of a commit (`python bench/_common.py snapshot`
# writes one under bench/out/ and prints the BENCH_CODE to set), so that work going on in the tree meanwhile
# does not change the code under measurement halfway through a run.
CODE = Path(os.environ.get("BENCH_CODE") or ROOT).resolve()
if str(CODE) not in sys.path:
    sys.path.insert(0, str(CODE))

PG_SERVER = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
DEFAULT_SEED = 2026
MARK = "BENCH-JSON "


# -- the file -------------------------------------------------------------------------------------------

def ssa_file(persons: int, seed: int = DEFAULT_SEED) -> tuple[Path, float | None]:
    """The generator's SSA export of `persons` persons under bench/out/ (generated once, then reused).

    Returns the path and the seconds the generation took (None when the file was reused).
    """
    folder = OUT / f"ssa-{persons}-seed{seed}"
    path = folder / "ssa_registry.csv"
    if path.is_file():
        return path, None
    from sakme.demo.generator import generate  # plain Python: no Django needed

    partial = OUT / f".partial-ssa-{persons}-seed{seed}-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    started = time.perf_counter()
    generate(partial, persons=persons, seed=seed)
    seconds = time.perf_counter() - started
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)  # a half-written file is never mistaken for a finished one
    return path, seconds


def remove_ssa_file(path: Path) -> None:
    shutil.rmtree(path.parent, ignore_errors=True)


# -- databases ------------------------------------------------------------------------------------------

def database_url(kind: str, name: str) -> str:
    if kind == "postgres":
        return f"{PG_SERVER}/{name}"
    return f"sqlite:///{OUT / (name + '.sqlite3')}"


def _pg_admin(sql: str) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        cur = conn.execute(sql)
        return cur.fetchall() if cur.description else []


def database_exists(kind: str, name: str) -> bool:
    if kind == "postgres":
        return bool(_pg_admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'"))
    return (OUT / f"{name}.sqlite3").is_file()


def fresh_database(kind: str, name: str) -> str:
    """Drop and create the database `name` (PostgreSQL) or delete the SQLite file; return its DATABASE_URL."""
    if not name.startswith("bench_"):
        raise ValueError("benchmark databases are named bench_*")
    if kind == "postgres":
        _pg_admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        _pg_admin(f"CREATE DATABASE {name}")
    else:
        OUT.mkdir(parents=True, exist_ok=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            (OUT / f"{name}.sqlite3{suffix}").unlink(missing_ok=True)
    return database_url(kind, name)


# -- workers --------------------------------------------------------------------------------------------

def _bench_keyring() -> Path:
    """The keyring the workers seal personal numbers with (production settings make none by themselves)."""
    from sakme.registry.personal_numbers import keyring_new, keyring_write

    path = VAR / "keyring.json"
    if not path.exists():
        keyring_write(path, keyring_new())
    return path


def run_worker(script: str, task: str, url: str, **kwargs: Any) -> dict[str, Any]:
    """Run `python bench/<script> --worker <task>` with DATABASE_URL=url; return the JSON it reports."""
    VAR.mkdir(parents=True, exist_ok=True)
    # DEBUG off as in production: with DEBUG on, Django keeps every query's SQL (connection.queries), which
    # would tax the row-by-row django-import-export far more than the set-based importer.
    env = {**os.environ, "DATABASE_URL": url, "SAKME_DEBUG": "0", "SAKME_SECRET_KEY": "bench-only-not-a-secret",
           "SAKME_VAR_DIR": str(VAR), "SAKME_KEYRING": str(_bench_keyring()),
           "DJANGO_SETTINGS_MODULE": "sakme.settings", "PYTHONPATH": str(CODE), "BENCH_CODE": str(CODE)}
    command = [sys.executable, str(BENCH / script), "--worker", task, "--args", json.dumps(kwargs)]
    load_before = _load()
    proc = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True, check=False)
    found = [line[len(MARK):] for line in proc.stdout.splitlines() if line.startswith(MARK)]
    for line in proc.stdout.splitlines():
        if not line.startswith(MARK):
            print(f"    [{task}] {line}")
    if proc.returncode != 0 or not found:
        raise RuntimeError(f"worker {script} {task} failed (exit {proc.returncode}); see its output above")
    result: dict[str, Any] = json.loads(found[-1])
    # Other work on the machine skews the figures: keep the 1-minute load average around each measurement.
    result["load_1min_before_after"] = [load_before, _load()]
    return result


def _load() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def worker_main(tasks: dict[str, Callable[..., dict[str, Any]]], argv: Sequence[str]) -> None:
    """The subprocess side: set Django up (DATABASE_URL is already in the environment), run one task."""
    task, args = argv[argv.index("--worker") + 1], json.loads(argv[argv.index("--args") + 1])
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sakme.settings")
    django.setup()
    result = tasks[task](**args)
    print(MARK + json.dumps(result), flush=True)


def peak_rss_mb() -> float:
    """Peak resident set size of this process so far, in MB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    import psutil

    return float(psutil.Process().memory_info().rss) / (1024 * 1024)


# -- the machine ----------------------------------------------------------------------------------------

def machine(kinds: Sequence[str]) -> dict[str, str]:
    import psutil

    info = {
        "date": datetime.now().strftime("%Y-%m-%d %H:%M"),
        "code": code_version(),
        "cpu": f"{os.cpu_count()} logical CPU(s), {platform.processor() or platform.machine()}"
               + _cpu_model(),
        "ram": f"{psutil.virtual_memory().total / 2**30:.1f} GiB",
        "python": platform.python_version(),
        "os": platform.platform(terse=True),
        "sqlite": sqlite3.sqlite_version,
    }
    if "postgres" in kinds:
        version = _pg_admin("SHOW server_version")[0][0]
        settings = {r[0]: r[1] for r in _pg_admin(
            "SELECT name, current_setting(name) FROM pg_settings WHERE name IN "
            "('shared_buffers', 'work_mem', 'maintenance_work_mem', 'max_wal_size', 'synchronous_commit')")}
        info["postgresql"] = f"{version} ({', '.join(f'{k}={v}' for k, v in sorted(settings.items()))})"
    try:
        load = os.getloadavg()
        info["load average at start"] = f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    except OSError:
        pass
    return info


def code_version() -> str:
    """The commit measured, and whether the working tree's sakme/ differs from it."""
    marker = CODE / ".bench-commit"
    if marker.is_file():
        return f"{marker.read_text().strip()} (snapshot in {CODE.relative_to(ROOT) if CODE.is_relative_to(ROOT) else CODE})"
    try:
        commit = subprocess.run(["git", "-C", str(CODE), "log", "-1", "--format=%h %cd", "--date=format:%Y-%m-%d %H:%M"],
                                capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(CODE), "status", "--porcelain", "--", "sakme"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return commit + (" + uncommitted changes in sakme/" if dirty else "")


def snapshot() -> Path:
    """Copy the committed tree (git archive HEAD) under bench/out/code-<commit>/ and return its path."""
    commit = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %cd", "--date=format:%Y-%m-%d %H:%M"],
                            capture_output=True, text=True, check=True).stdout.strip()
    target = OUT / f"code-{commit.split()[0]}"
    if not target.is_dir():
        partial = OUT / f".partial-code-{os.getpid()}"
        shutil.rmtree(partial, ignore_errors=True)
        partial.mkdir(parents=True)
        archive = subprocess.run(["git", "-C", str(ROOT), "archive", "HEAD", "sakme", "templates", "static"],
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(partial)], input=archive, check=True)
        (partial / ".bench-commit").write_text(commit + "\n")
        partial.rename(target)
    return target


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return " — " + line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def print_machine(info: dict[str, str]) -> None:
    print("machine")
    for key, value in info.items():
        print(f"  {key:<22} {value}")


def table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> str:
    """A plain-text table, right-aligned numbers."""
    cells = [[str(c) for c in header]] + [[_cell(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))))
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.0f}" if value >= 100 else f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


if __name__ == "__main__":
    if sys.argv[1:] == ["snapshot"]:
        print(f"BENCH_CODE={snapshot()}")
    else:
        raise SystemExit("usage: python bench/_common.py snapshot")
