"""The matching engine (`sakme/matching/engine.py`) on synthetic tables, beside a brute-force numpy computation of the
same scores in the same run (the limit).

    SAKME_DEBUG=1 .venv/bin/python bench/matching.py [--vacancies 100000] [--queries 200] [--all-seekers 200000]
        [--all-vacancies 20000] [--block 100] [--brute-share 0.02] [--seed 2026] [--skip-all] [--json FILE]

The tables (`_matching_data.py`) are `engine.Side`s built with numpy/scipy, no database, deterministic from --seed.
Each part runs in its own subprocess (so that its peak RSS is its own):

* **single seeker**: for --queries job seekers (after 5 untimed ones), `engine.score(seekers.rows([i]), vacancies)` +
  `engine.top(total[0], 20)` against --vacancies open vacancies; p50/p95/p99. In the same loop the brute force for
  the same seeker: plain dense numpy (`brute()`: one-hot occupations at each ISCO level, dense 0/1 skill and language
  products, haversine, the formulas of engine.py restated here), then a full `np.argsort`. Every query checks that
  both totals agree (atol 1e-4) and that both top-20 sets are the same but for ties; any disagreement stops the run.
* **everyone against everything**: --all-seekers x --all-vacancies, each seeker's top 20, `engine.score` on blocks
  of --block seekers and a vectorised top 20 (argpartition, then by score and index, as `engine.top`); wall time and
  peak RSS. Then, on --brute-share of the seekers (evenly spaced blocks), the brute force (dense scores and a full
  argsort of each row), timed and extrapolated linearly to all seekers; those blocks are checked against the
  engine's results as above. On the same blocks each signal of the engine is timed on its own (the profile).

Targets (the issue): single seeker p95 <= 50 ms at 100,000 vacancies; 200,000 x 20,000 ranked in <= 5 minutes.
Every figure goes to bench/out/matching-<vacancies>-<date>.json (or --json FILE).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import _matching_data as data
import numpy as np
from _common import CODE, MARK, OUT, ROOT, machine, print_machine, rss_mb, table, worker_main

# The formulas of engine.py, restated for the brute force (checked against the engine's constants at start).
WEIGHTS = {"occupation": 3.0, "skills": 2.5, "education": 1.0, "place": 2.0, "pattern": 0.5, "wage": 0.5,
           "languages": 0.5, "access": 1.0, "text": 1.5}
CREDITS = (1.0, 0.6, 0.35, 0.15)  # unit, minor, sub-major, major group (data.LEVEL_DIVISORS)
PLACE_KM, SAME_REGION, EARTH_KM = 60.0, 0.4, 6371.0
TOP, WARMUP, ATOL = 20, 5, 1e-4
TARGET_P95_MS, TARGET_ALL_S = 50.0, 300.0
SIGNALS = ("occupation", "skills", "education", "place", "pattern", "wage", "languages", "access", "text")


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# -- the brute force: dense numpy only --------------------------------------------------------------------------

def brute(s: dict[str, Any], v: dict[str, Any]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Seekers x vacancies totals (float64) and parts, from the dense arrays of `data.dense`."""
    parts: dict[str, np.ndarray] = {}
    occupation = np.zeros((len(s["education"]), len(v["education"])))
    for s_level, v_level, credit in zip(s["levels"], v["levels"], CREDITS):
        occupation = np.maximum(occupation, credit * ((s_level @ v_level.T) > 0))
    parts["occupation"] = occupation
    covered = s["skills"] @ v["skills"].T
    required = v["skills"].sum(axis=1)[None, :]
    parts["skills"] = np.where(required > 0, covered / np.maximum(required, 1), 0.5)
    have, need = s["education"][:, None], v["education"][None, :]
    parts["education"] = np.select([need < 0, have < 0, have >= need, have == need - 1], [1.0, 0.5, 1.0, 0.5], 0.0)
    lat1, lon1 = np.radians(s["lat"])[:, None], np.radians(s["lon"])[:, None]
    lat2, lon2 = np.radians(v["lat"])[None, :], np.radians(v["lon"])[None, :]
    h = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    km = 2 * EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, h)))
    place = np.where(np.isnan(km), 0.0, np.clip(1 - km / PLACE_KM, 0, 1))
    region = (s["region"][:, None] == v["region"][None, :]) & (s["region"][:, None] >= 0)
    place = np.where(region, np.maximum(place, SAME_REGION), place)
    same = (s["municipality"][:, None] == v["municipality"][None, :]) & (s["municipality"][:, None] >= 0)
    preferred = s["preferred"][:, np.maximum(v["municipality"], 0)] & (v["municipality"] >= 0)[None, :]
    parts["place"] = np.where(same | preferred, 1.0, place)
    sp_, vp = s["pattern"][:, None], v["pattern"][None, :]
    parts["pattern"] = np.where((sp_ < 0) | (vp < 0) | (sp_ == vp), 1.0, 0.3)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = v["wage"][None, :] / s["wage"][:, None]
    parts["wage"] = np.where(np.isnan(ratio), 1.0, np.clip(ratio, 0, 1))
    asked = v["languages"].sum(axis=1)[None, :]
    spoken = s["languages"] @ v["languages"].T
    parts["languages"] = np.where(asked == 0, 1.0, spoken / np.maximum(asked, 1))
    parts["access"] = np.where(s["access"][:, None] & ~v["access"][None, :], 0.0, 1.0)
    parts["text"] = np.clip(s["text"] @ v["text"].T, 0, 1)
    total = sum(WEIGHTS[name] * parts[name] for name in SIGNALS) / sum(WEIGHTS.values())
    return total, parts


def rows_of(d: dict[str, Any], index: slice) -> dict[str, Any]:
    return {k: ([x[index] for x in val] if k == "levels" else val[index]) for k, val in d.items()}


def block_top(total: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Each row's k highest, highest first, ties by index (engine.top on every row at once)."""
    chosen = np.argpartition(-total, k - 1, axis=1)[:, :k]
    values = np.take_along_axis(total, chosen, 1)
    order = np.lexsort((chosen, -values), axis=-1)
    return np.take_along_axis(chosen, order, 1), np.take_along_axis(values, order, 1)


def check(where: str, engine_total: np.ndarray, engine_best: np.ndarray, total: np.ndarray, best: np.ndarray,
          engine_parts: dict[str, np.ndarray] | None = None, parts: dict[str, np.ndarray] | None = None) -> int:
    """Stop the run if the totals differ (atol ATOL) or a top set differs beyond ties; return rows with tie swaps."""
    if not np.allclose(engine_total, total, atol=ATOL, rtol=0):
        r, c = np.unravel_index(np.argmax(np.abs(engine_total - total)), total.shape)
        detail = {n: (float(engine_parts[n][r, c]), float(parts[n][r, c])) for n in SIGNALS} if parts and engine_parts else {}
        raise SystemExit(f"DISAGREEMENT {where}: row {r} vacancy {c}: engine {engine_total[r, c]:.6f} brute "
                         f"{total[r, c]:.6f}; parts (engine, brute): {detail}")
    swaps = 0
    for r in range(len(best)):
        mine, theirs = set(engine_best[r].tolist()), set(best[r].tolist())
        if mine != theirs:
            kth = total[r, best[r][-1]]
            off = np.array(sorted(mine ^ theirs))
            if np.any(np.abs(total[r, off] - kth) > ATOL):
                raise SystemExit(f"DISAGREEMENT {where}: row {r}: top-{len(best[r])} sets differ beyond ties: "
                                 f"engine only {sorted(mine - theirs)}, brute only {sorted(theirs - mine)}")
            swaps += 1
    return swaps


def _pct(values: list[float]) -> dict[str, float]:
    a = np.array(values)
    return {"p50": float(np.percentile(a, 50)), "p95": float(np.percentile(a, 95)),
            "p99": float(np.percentile(a, 99)), "max": float(a.max()), "mean": float(a.mean())}


def _tables(seed: int, n_vacancies: int, n_seekers: int) -> tuple[Any, ...]:
    from sakme.matching import engine, features

    if engine.WEIGHTS != WEIGHTS or tuple(c for _d, c in engine.OCCUPATION_LEVELS) != CREDITS or \
            (engine.PLACE_KM, engine.SAME_REGION) != (PLACE_KM, SAME_REGION):
        raise SystemExit("engine.py's constants changed: update the brute force in bench/matching.py")
    started = time.perf_counter()
    w = data.world(seed, features.TEXT_DIMENSIONS)
    vt, st = data.vacancies(w, seed, n_vacancies), data.seekers(w, seed, n_seekers)
    vacancies, seekers = data.side(w, vt), data.side(w, st)
    built = time.perf_counter() - started
    print(f"tables: {n_vacancies:,} vacancies, {n_seekers:,} seekers built in {built:.1f} s", flush=True)
    return engine, w, vt, st, vacancies, seekers, {"build_s": round(built, 2), "vacancies": data.describe(vt),
                                                   "seekers": data.describe(st)}


# -- single seeker ----------------------------------------------------------------------------------------------

def worker_single(seed: int, vacancies: int, queries: int) -> dict[str, Any]:
    engine, w, vt, st, v_side, s_side, info = _tables(seed, vacancies, queries + WARMUP)
    dv, ds = data.dense(w, vt), data.dense(w, st)
    info["rss_after_tables_mb"] = round(rss_mb())
    times: dict[str, list[float]] = {"engine": [], "rows": [], "score": [], "top": [], "brute": []}
    profile: dict[str, list[float]] = {}  # each step of engine.score timed alone, after the timed call
    swaps = 0
    for q in range(WARMUP + queries):
        t0 = time.perf_counter()
        one = s_side.rows([q])
        t1 = time.perf_counter()
        scores = engine.score(one, v_side)
        t2 = time.perf_counter()
        best = engine.top(scores.total[0], TOP)
        t3 = time.perf_counter()
        total, parts = brute(rows_of(ds, slice(q, q + 1)), dv)
        order = np.argsort(-total[0], kind="stable")
        t4 = time.perf_counter()
        swaps += check(f"seeker {q}", scores.total, best[None, :], total, order[None, :TOP], scores.parts, parts)
        steps = _profile(engine, one, v_side)
        if q >= WARMUP:
            for key, value in (("engine", t3 - t0), ("rows", t1 - t0), ("score", t2 - t1), ("top", t3 - t2),
                               ("brute", t4 - t3)):
                times[key].append(value * 1000)
            for key, value in steps.items():
                profile.setdefault(key, []).append(value * 1000)
        if q and q % 50 == 0:
            print(f"  {q} queries, engine p50 {np.median(times['engine'] or [0]):.1f} ms", flush=True)
    return {**info, "queries": queries, "vacancies_n": vacancies, "tie_swaps": swaps,
            "ms": {k: _pct(v) for k, v in times.items()}, "per_query_ms": times, "peak_rss_mb": round(peak_mb()),
            "profile_ms": {k: _pct(v) for k, v in profile.items()}}


# -- everyone against everything --------------------------------------------------------------------------------

def _profile(engine: Any, seekers: Any, vacancies: Any) -> dict[str, float]:
    """Seconds of each step of `engine.score` (its private signal functions), the block's rows and the top 20."""
    spent: dict[str, float] = {}
    parts = {}
    for name in SIGNALS:
        fn = getattr(engine, f"_{name}")
        t = time.perf_counter()
        out = fn(seekers, vacancies)
        spent[name] = time.perf_counter() - t
        parts[name] = out[0] if isinstance(out, tuple) else out
    t = time.perf_counter()
    total = np.zeros(parts["text"].shape, dtype=np.float32)
    for name, part in parts.items():
        total += np.float32(WEIGHTS[name]) * part
    total /= np.float32(sum(WEIGHTS.values()))
    spent["weighted sum"] = time.perf_counter() - t
    t = time.perf_counter()
    block_top(total, TOP)
    spent["top 20"] = time.perf_counter() - t
    return spent


def worker_all(seed: int, seekers: int, vacancies: int, block: int, brute_share: float) -> dict[str, Any]:
    engine, w, vt, st, v_side, s_side, info = _tables(seed, vacancies, seekers)
    info["rss_after_tables_mb"], info["peak_rss_before_ranking_mb"] = round(rss_mb()), round(peak_mb())
    best = np.empty((seekers, TOP), dtype=np.int32)
    best_score = np.empty((seekers, TOP), dtype=np.float32)
    starts = list(range(0, seekers, block))
    spent = {"rows": 0.0, "score": 0.0, "top": 0.0}
    started = last = time.perf_counter()
    for n, a in enumerate(starts):
        t0 = time.perf_counter()
        part = s_side.rows(slice(a, a + block))
        t1 = time.perf_counter()
        total = engine.score(part, v_side).total
        t2 = time.perf_counter()
        best[a:a + block], best_score[a:a + block] = block_top(total, TOP)
        t3 = time.perf_counter()
        spent["rows"] += t1 - t0
        spent["score"] += t2 - t1
        spent["top"] += t3 - t2
        del total
        if time.perf_counter() - last > 30 or n == 0:
            last = time.perf_counter()
            done = min(a + block, seekers)
            eta = (last - started) / done * (seekers - done)
            print(f"  engine: {done:,} seekers in {last - started:.0f} s (ETA {eta:.0f} s), peak {peak_mb():.0f} MB",
                  flush=True)
    wall = time.perf_counter() - started
    engine_peak = peak_mb()
    print(f"  engine: all {seekers:,} x {vacancies:,} in {wall:.1f} s, peak RSS {engine_peak:.0f} MB", flush=True)
    # engine.top agrees with the vectorised top on the first rows
    first = engine.score(s_side.rows(slice(0, 5)), v_side).total
    for r in range(len(first)):
        if not np.array_equal(engine.top(first[r], TOP), best[r]):
            raise SystemExit(f"block_top differs from engine.top on seeker {r}")
    # the brute force and the profile on evenly spaced blocks
    k = max(1, round(len(starts) * brute_share))
    sample = [starts[i] for i in np.linspace(0, len(starts) - 1, k).round().astype(int)]
    dv = data.dense(w, vt)
    brute_s, rows_sampled, swaps = 0.0, 0, 0
    profile = {name: 0.0 for name in (*SIGNALS, "weighted sum", "top 20")}
    for a in sample:
        b = min(a + block, seekers)
        ds = data.dense(w, st, slice(a, b))
        t0 = time.perf_counter()
        total, parts = brute(ds, dv)
        order = np.argsort(-total, axis=1, kind="stable")[:, :TOP]
        brute_s += time.perf_counter() - t0
        rows_sampled += b - a
        scores = engine.score(s_side.rows(slice(a, b)), v_side)
        swaps += check(f"block {a}:{b}", scores.total, best[a:b], total, order, scores.parts, parts)
        if not np.allclose(best_score[a:b], np.take_along_axis(total, best[a:b].astype(np.int64), 1), atol=ATOL):
            raise SystemExit(f"DISAGREEMENT block {a}:{b}: the engine's top-20 scores")
        del total, parts, scores
        for name, seconds in _profile(engine, s_side.rows(slice(a, b)), v_side).items():
            profile[name] += seconds
    scale = seekers / rows_sampled
    brute_all = brute_s * scale
    print(f"  brute force: {rows_sampled:,} seekers in {brute_s:.1f} s -> {brute_all:.0f} s for all (extrapolated)",
          flush=True)
    return {**info, "seekers_n": seekers, "vacancies_n": vacancies, "block": block, "blocks": len(starts),
            "engine_s": round(wall, 2), "engine_split_s": {k_: round(v, 2) for k_, v in spent.items()},
            "engine_peak_rss_mb": round(engine_peak), "peak_rss_mb": round(peak_mb()),
            "brute_sampled_seekers": rows_sampled, "brute_sampled_s": round(brute_s, 2),
            "brute_extrapolated_s": round(brute_all, 1), "tie_swaps": swaps,
            "profile_sampled_s": {k_: round(v, 3) for k_, v in profile.items()},
            "profile_extrapolated_s": {k_: round(v * scale, 2) for k_, v in profile.items()}}


# -- the driver -------------------------------------------------------------------------------------------------

def spawn(task: str, **kwargs: Any) -> dict[str, Any]:
    """Run a worker task in its own process (its own peak RSS), its output shown as it comes."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sakme.settings", "BENCH_CODE": str(CODE),
           "PYTHONPATH": os.pathsep.join([str(CODE), str(ROOT / "bench")])}
    env.setdefault("SAKME_DEBUG", "1")
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", task, "--args", json.dumps(kwargs)]
    found = []
    with subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(MARK):
                found.append(line[len(MARK):])
            else:
                print(f"    [{task}] {line.rstrip()}", flush=True)
    if proc.returncode != 0 or not found:
        raise SystemExit(f"worker {task} failed (exit {proc.returncode}); see its output above")
    result: dict[str, Any] = json.loads(found[-1])
    return result


def report_single(r: dict[str, Any]) -> None:
    ms = r["ms"]
    print(f"\nsingle seeker: top {TOP} of {r['vacancies_n']:,} vacancies, {r['queries']} queries (ms)")
    rows = [[label, ms[key]["p50"], ms[key]["p95"], ms[key]["p99"], ms[key]["max"]] for label, key in (
        ("engine: rows + score + top 20", "engine"), ("  of which Side.rows", "rows"), ("  of which engine.score",
                                                                                         "score"),
        ("  of which engine.top", "top"), ("brute force: dense numpy + argsort", "brute"))]
    print(table(rows, ["", "p50", "p95", "p99", "max"]))
    p95 = ms["engine"]["p95"]
    print(f"ratio engine / brute: p50 {ms['engine']['p50'] / ms['brute']['p50']:.2f}, "
          f"p95 {p95 / ms['brute']['p95']:.2f}; target p95 <= {TARGET_P95_MS:.0f} ms: "
          f"{'met' if p95 <= TARGET_P95_MS else 'NOT met'} ({p95:.1f} ms); totals and top {TOP} agree on every query "
          f"({r['tie_swaps']} with ties swapped at the edge); peak RSS {r['peak_rss_mb']} MB")
    prof = r["profile_ms"]
    print("\nper step of engine.score, each timed alone on the same queries (ms)")
    print(table([[name, v["p50"], v["p95"]] for name, v in sorted(prof.items(), key=lambda kv: -kv[1]["p50"])],
                ["step", "p50", "p95"]))


def report_all(r: dict[str, Any]) -> None:
    s, bx = r["engine_s"], r["brute_extrapolated_s"]
    print(f"\neveryone against everything: {r['seekers_n']:,} seekers x {r['vacancies_n']:,} vacancies, top {TOP} "
          f"each, blocks of {r['block']}")
    print(table([["engine (engine.score + vectorised top 20)", s, r["engine_peak_rss_mb"], "measured"],
                 ["brute force (dense numpy + argsort)", bx, None,
                  f"extrapolated from {r['brute_sampled_seekers']:,} seekers ({r['brute_sampled_s']:.1f} s)"]],
                ["", "seconds", "peak RSS MB", ""]))
    print(f"engine split: {r['engine_split_s']}; ratio engine / brute (extrapolated) {s / bx:.2f}; target <= "
          f"{TARGET_ALL_S:.0f} s: {'met' if s <= TARGET_ALL_S else 'NOT met'}; sampled blocks agree "
          f"({r['tie_swaps']} rows with ties swapped at the edge); RSS after building the tables "
          f"{r['rss_after_tables_mb']} MB, peak before ranking {r['peak_rss_before_ranking_mb']} MB")
    prof = r["profile_extrapolated_s"]
    whole = sum(prof.values())
    print(f"\nper signal (timed alone on the sampled blocks, extrapolated to all {r['seekers_n']:,} seekers)")
    print(table([[name, seconds, 100 * seconds / whole] for name, seconds in
                 sorted(prof.items(), key=lambda kv: -kv[1])], ["step", "seconds", "%"]))


def main() -> None:
    if "--worker" in sys.argv:
        worker_main({"single": worker_single, "all": worker_all}, sys.argv)
        return
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--vacancies", type=int, default=100_000)
    p.add_argument("--queries", type=int, default=200)
    p.add_argument("--all-seekers", type=int, default=200_000)
    p.add_argument("--all-vacancies", type=int, default=20_000)
    p.add_argument("--block", type=int, default=100, help="seekers per engine.score call in the all-pairs part")
    p.add_argument("--brute-share", type=float, default=0.02, help="share of the seekers the brute force ranks")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--skip-all", action="store_true", help="only the single-seeker part")
    p.add_argument("--json", type=Path)
    args = p.parse_args()
    info = machine([])
    print_machine(info)
    result: dict[str, Any] = {"machine": info, "args": {k: str(v) for k, v in vars(args).items()}}
    load = [os.getloadavg()[0]]
    result["single"] = spawn("single", seed=args.seed, vacancies=args.vacancies, queries=args.queries)
    load.append(os.getloadavg()[0])
    report_single(result["single"])
    if not args.skip_all:
        result["all"] = spawn("all", seed=args.seed, seekers=args.all_seekers, vacancies=args.all_vacancies,
                              block=args.block, brute_share=args.brute_share)
        load.append(os.getloadavg()[0])
        report_all(result["all"])
    result["load_1min"] = [round(x, 2) for x in load]
    print(f"\n1-minute load average at the start and after each part: {result['load_1min']}")
    OUT.mkdir(parents=True, exist_ok=True)
    path = args.json or OUT / f"matching-{args.vacancies}-{datetime.now():%Y%m%d-%H%M}.json"
    path.write_text(json.dumps(result, indent=1))
    print(f"figures: {path}")


if __name__ == "__main__":
    main()
