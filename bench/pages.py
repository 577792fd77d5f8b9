"""Page speed of casework at scale: the counsellor's home, a case page and the unit's case list.

    python bench/pages.py --cases 200000 [--requests 200] [--reuse]

Builds a PostgreSQL database `bench_pages` (the demo population imported by sakme, then demo case
histories), serves it with Django's server in a subprocess (DEBUG off), signs in as the demo counsellor
over HTTP and times each page; in the same run it times `/health` on the same server, a bare Django view
through the same middleware, as the limit. Prints p50/p95 per page and the ratio to the bare view.
Target (issue 4): p95 <= 150 ms for each page.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DB = "bench_pages"
URL = f"postgres://postgres@127.0.0.1:5432/{DB}"
PORT = 8765


def sh(*args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env, cwd=ROOT).stdout


def environment(var: Path) -> dict[str, str]:
    return {**os.environ, "DATABASE_URL": URL, "SAKME_VAR_DIR": str(var), "SAKME_DEMO": "1",
            "SAKME_SECRET_KEY": "bench-only-not-secret", "SAKME_DEBUG": "0"}


def build(cases: int, var: Path) -> None:
    sh("psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", f"DROP DATABASE IF EXISTS {DB}",
       "-c", f"CREATE DATABASE {DB}")
    persons = int(cases * 1.8)  # about 55 % of the population is of working age
    started = time.perf_counter()
    out = sh(PYTHON, "-m", "sakme.cli", "demo", "load", "--persons", str(persons), "--cases", str(cases),
             env=environment(var))
    print(out.strip().splitlines()[-1] if out.strip() else "")
    print(f"built: {persons} persons, {cases} cases in {time.perf_counter() - started:.0f} s")


class Browser:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[float, str]:
        started = time.perf_counter()
        with self.opener.open(self.base + path) as response:
            body = response.read().decode()
        return (time.perf_counter() - started) * 1000, body

    def sign_in(self, username: str, password: str) -> None:
        _, page = self.get("/accounts/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        data = urllib.parse.urlencode({"username": username, "password": password,
                                       "csrfmiddlewaretoken": token}).encode()
        request = urllib.request.Request(self.base + "/accounts/login/", data=data,
                                         headers={"Referer": self.base + "/accounts/login/"})
        self.opener.open(request).read()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="keep the database of an earlier run")
    args = parser.parse_args()
    var = ROOT / "bench" / "out" / "pages-var"
    var.mkdir(parents=True, exist_ok=True)
    if not args.reuse:
        for old in var.glob("demo/*"):
            if old.is_file():
                old.unlink()
        build(args.cases, var)
    credentials = json.loads((var / "demo" / "credentials.json").read_text())
    server = subprocess.Popen([PYTHON, "-m", "sakme.cli", "runserver", f"127.0.0.1:{PORT}", "--noreload",
                               "--nothreading"], env=environment(var), cwd=ROOT, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        browser = Browser(f"http://127.0.0.1:{PORT}")
        for _ in range(50):
            try:
                browser.get("/health")
                break
            except OSError:
                time.sleep(0.2)
        browser.sign_in("counsellor", credentials["counsellor"])
        _, listing = browser.get("/cases/?state=in_services")
        case_ids = [int(i) for i in re.findall(r'href="/cases/(\d+)/"', listing)] or [1]
        rng = random.Random(7)
        pages = {
            "bare view (/health)": lambda: "/health",
            "counsellor home": lambda: "/",
            "case page": lambda: f"/cases/{rng.choice(case_ids)}/",
            "unit case list": lambda: "/cases/",
        }
        timings: dict[str, list[float]] = {name: [] for name in pages}
        for _ in range(5):  # warm up
            for path in pages.values():
                browser.get(path())
        for _ in range(args.requests):
            for name, path in pages.items():
                timings[name].append(browser.get(path())[0])
    finally:
        server.terminate()
        server.wait()
    bare = percentile(timings["bare view (/health)"], 95)
    print(f"\n{platform.node()} · {os.cpu_count()} CPUs · Python {platform.python_version()} · "
          f"{time.strftime('%Y-%m-%d %H:%M')} · {args.cases} cases · {args.requests} requests per page")
    print(f"{'page':<24}{'p50 ms':>9}{'p95 ms':>9}{'p95 / bare':>12}")
    for name, values in timings.items():
        p95 = percentile(values, 95)
        print(f"{name:<24}{statistics.median(values):>9.1f}{p95:>9.1f}{p95 / bare:>12.1f}")


if __name__ == "__main__":
    sys.exit(main())
