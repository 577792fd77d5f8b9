"""The dashboard pages of `bench/indicators.py`: sakme served by gunicorn (`deploy/gunicorn.conf.py`, DEBUG off) on the
bench database, each page requested one at a time with a signed-in session of each role.

A page that answers 404 (not written yet) or anything but 200 on its first request is reported and skipped.
"""

from __future__ import annotations

import statistics
import subprocess
import time
import urllib.parse
from pathlib import Path
from typing import Any

from load import free_port, get, outcome, stop  # plain HTTP helpers of the load bench (no database of theirs)

WARMUP = 5


def pages(codes: list[str]) -> list[tuple[str, str]]:
    """(label, path): the role's dashboard and a few indicators' pages (a stock, a median, a ratio, the linkage)."""
    wanted = [c for c in ("2.1", "delay.first_session.median", "caseload", "linkage_rate") if c in codes]
    return [("dashboard", "/indicators/")] + [(f"indicator {c}", f"/indicators/i/{urllib.parse.quote(c)}/")
                                             for c in wanted]


def serve(env: dict[str, str], code_dir: Path, config: Path, gunicorn: str, log: Path,
          workers: int) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    extra = {"SAKME_BIND": f"127.0.0.1:{port}", "SAKME_ACCESS_LOG": "", "SAKME_WEB_LOG_LEVEL": "info",
             "SAKME_WEB_WORKERS": str(workers)}
    command = [gunicorn, "-c", str(config), "--chdir", str(code_dir)]
    handle = log.open("ab")
    handle.write(f"\n==== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(command)}\n".encode())
    handle.flush()
    server = subprocess.Popen(command, env={**env, **extra}, cwd=code_dir, stdout=handle, stderr=subprocess.STDOUT,
                              start_new_session=True)
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited ({server.returncode}); see {log}")
        if get(port, "/health", timeout=5)[0] == 200:
            return server, port
        time.sleep(0.2)
    stop(server)
    raise SystemExit(f"gunicorn did not answer /health in 60 s; see {log}")


def _stats(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)

    def pct(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"requests": len(ms), "p50": round(statistics.median(ms), 1), "p95": pct(0.95), "max": round(ordered[-1], 1)}


def time_pages(port: int, users: list[dict[str, Any]], codes: list[str], requests: int) -> list[dict[str, Any]]:
    """Each (role, page) probed once; those answering 200 then requested `requests` times, interleaved."""
    results: list[dict[str, Any]] = []
    live: list[dict[str, Any]] = []
    for user in users:
        for label, path in pages(codes):
            status, location = get(port, path, user["session"])
            entry = {"role": user["role"], "page": label, "path": path, "status": status}
            results.append(entry)
            if outcome(status, location) != "ok" or status != 200:
                entry["note"] = ("not there yet (404)" if status == 404 else
                                 f"answered {status} {location}".strip())
                print(f"  {user['role']:<22} {path:<45} {entry['note']}: skipped", flush=True)
                continue
            live.append({**entry, "session": user["session"], "ms": [], "errors": 0})
    for _ in range(WARMUP):
        for item in live:
            get(port, item["path"], item["session"])
    for _ in range(requests):
        for item in live:
            started = time.perf_counter()
            status, location = get(port, item["path"], item["session"])
            elapsed = (time.perf_counter() - started) * 1000
            if status == 200:
                item["ms"].append(elapsed)
            else:
                item["errors"] += 1
    for item in live:
        entry = next(r for r in results if r["role"] == item["role"] and r["path"] == item["path"])
        entry.update(_stats(item["ms"]) if item["ms"] else {}, errors=item["errors"])
    return results
