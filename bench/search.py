"""Search benchmark: person_search latency on a registry of N persons imported by sakme.

    python bench/search.py --persons 1000000 [--db postgres|sqlite|both] [--queries 300] [--population demo]
    python bench/search.py --persons 1000000 --population longtail

Two populations. `demo` (the default) is the generator's: it uses the database left by bench/import_persons.py
(bench_import on PostgreSQL, bench/out/bench_import.sqlite3 on SQLite) when it holds exactly N persons from a
sakme import of the generator's file; otherwise generates the file and imports it first. `longtail` is the same
file with its names redrawn from tens of thousands (bench/_longtail.py), in its own database
(bench_search_longtail, bench/out/bench_search_longtail.sqlite3), reused when its last import was that file
for N persons and that seed.

Then, in one subprocess per database, as a data-steward user created for the bench, it times
`sakme.registry.selectors.person_search` (which also writes the AccessEvents of the persons it returns: part of
the cost) for queries sampled from the data. For the long-tail population, the kinds of query, the namesake
counts and the report are bench/_search_queries.py's. For the demo population, in equal shares of five kinds,
shuffled:

  ka         Georgian family name + given name              "ბერიძე ნინო"
  latin      romanized names (with or without apostrophes)  "Nino Beridze", "T'q'eshelashvili Kakha"
  variant    a common transliteration variant               "xaraisvili giorgi" (kh->x, shvili->svili, ts->c, ...)
  typo       a one-letter typo in the family name           "berudze nino"
  pn         a whole personal number (found by its keyed hash) "01001012345"

and prints p50 / p95 / p99 per kind and overall (target p95 <= 100 ms), with how often the sampled person was
among the results (the search returns 25 at most, so for common names that share is below 100 % by design).
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import _common as c
import _longtail
import _search_queries as longtail
import import_persons
from _search_queries import percentile

SCRIPT = "search.py"
KINDS = ("ka", "latin", "variant", "typo", "pn")
TARGET_P95_MS = 100.0
POPULATIONS = ("demo", "longtail")
LONGTAIL_DB = "bench_search_longtail"
WARMUP = 12
# Spelling variants people type, each undone by sakme.common.georgian.fold (applied to the lower-case name).
VARIANTS = (("kh", "x"), ("shvili", "svili"), ("shvili", "schvili"), ("shvili", "chvili"), ("ts", "c"),
            ("ts", "tz"), ("sh", "sch"), ("ch", "tsh"), ("gh", "g"), ("j", "dzh"), ("q", "k"), ("v", "w"),
            ("ia", "iya"), ("t", "th"), ("p", "ph"), ("zh", "j"))
LETTERS = "abdegiklmnoprstuvz"


# ======================================================================================================
# worker side
# ======================================================================================================

def _variant(name: str, rng: random.Random, rejected: dict[str, int]) -> str | None:
    """The name with one usual spelling variant, kept only when fold() maps it back onto the original.

    A variant that fold() does not undo is counted in `rejected` (e.g. "t"->"th" inside "ts", which nobody
    writes; a kh->x or shvili->svili there would be a folding bug).
    """
    from sakme.common.georgian import fold

    lower = name.replace("'", "").lower()
    options = [(a, b) for a, b in VARIANTS if a in lower]
    rng.shuffle(options)
    for old, new in options:
        at = rng.choice([i for i in range(len(lower)) if lower.startswith(old, i)])
        variant = lower[:at] + new + lower[at + len(old):]
        if fold(variant) == fold(lower):
            return variant
        label = f"{old}->{new}"
        rejected[label] = rejected.get(label, 0) + 1
    return None


def _typo(name: str, rng: random.Random) -> str | None:
    from sakme.common.georgian import fold

    lower = name.replace("'", "").lower()
    if len(lower) < 4:
        return None
    for _attempt in range(20):
        at = rng.randrange(1, len(lower))  # the first letter is kept: people rarely mistype it
        how = rng.choice(("substitute", "delete", "insert"))
        if how == "substitute":
            typo = lower[:at] + rng.choice(LETTERS) + lower[at + 1:]
        elif how == "delete":
            typo = lower[:at] + lower[at + 1:]
        else:
            typo = lower[:at] + rng.choice(LETTERS) + lower[at:]
        if fold(typo) != fold(lower):
            return typo
    return None


def _queries(count: int, rng: random.Random,
             rejected: dict[str, int]) -> list[tuple[str, str, int, str, str]]:
    """(kind, query, id and name of the person it was drawn from), `count` in all, equal shares per kind."""
    from django.db.models import Max, Min

    from sakme.registry import personal_numbers
    from sakme.registry.models import Person

    bounds = Person.objects.aggregate(low=Min("id"), high=Max("id"))
    per_kind = math.ceil(count / len(KINDS))
    wanted = {kind: per_kind for kind in KINDS}
    out: list[tuple[str, str, int, str, str]] = []
    while any(wanted.values()):
        ids = [rng.randint(bounds["low"], bounds["high"]) for _ in range(200)]
        persons = Person.objects.filter(pk__in=ids).order_by("pk").only(
            "id", "personal_number_sealed", "given_name_ka", "family_name_ka", "given_name_lat", "family_name_lat",
            "given_key", "family_key")
        for p in persons:
            kind = rng.choice([k for k, n in wanted.items() if n])
            query: str | None
            if kind == "ka":
                query = f"{p.family_name_ka} {p.given_name_ka}" if p.family_name_ka else None
            elif kind == "latin":
                given, family = p.given_name_lat, p.family_name_lat
                if rng.random() < 0.5:
                    given, family = given.replace("'", ""), family.replace("'", "")
                query = f"{given} {family}" if rng.random() < 0.5 else f"{family} {given}"
            elif kind == "variant":
                family = _variant(p.family_name_lat, rng, rejected)
                query = f"{family} {p.given_name_lat.replace(chr(39), '').lower()}" if family else None
            elif kind == "typo":
                family = _typo(p.family_name_lat, rng)
                query = f"{family} {p.given_name_lat.replace(chr(39), '').lower()}" if family else None
            else:  # the whole number: the database holds its keyed hash only, so a number is found whole
                sealed = p.personal_number_sealed
                query = personal_numbers.unseal(sealed) if sealed else None
            if query:
                out.append((kind, query, p.pk, f"{p.given_name_lat} {p.family_name_lat}",
                            f"{p.family_key}|{p.given_key}"))
                wanted[kind] -= 1
            if not any(wanted.values()):
                break
    rng.shuffle(out)
    return out[:count]


def task_analyze() -> dict[str, Any]:
    """What autovacuum (PostgreSQL) or `PRAGMA optimize` (SQLite) would eventually do after a bulk import."""
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            present = set(connection.introspection.table_names(cursor))
            for table in ("registry_person", "registry_sourcerecord", "registry_household", "registry_membership",
                          "registry_enrolment", "audit_accessevent", "registry_namekey", "registry_namevariant"):
                if table in present:  # the name-key tables the typo search reads, where the code has them
                    cursor.execute(f"VACUUM (ANALYZE) {table}")
        else:
            cursor.execute("ANALYZE")
    return {"seconds": time.perf_counter() - started}


def task_search(queries: int, seed: int, population: str = "demo") -> dict[str, Any]:
    from django.db import connection

    from sakme.accounts.models import User
    from sakme.accounts.roles import Role
    from sakme.audit.models import AccessEvent
    from sakme.registry.models import Person
    from sakme.registry.selectors import person_search

    user, _created = User.objects.get_or_create(username="bench-steward",
                                                defaults={"role": Role.DATA_STEWARD, "is_active": True})
    if user.role != Role.DATA_STEWARD:
        user.role = Role.DATA_STEWARD
        user.save(update_fields=["role"])
    rng = random.Random(seed)
    rejected: dict[str, int] = {}
    extra: dict[str, Any] = {}
    if population == "longtail":
        keys = longtail.existing_keys()
        extra = {"family_keys": len(keys["family"]), "given_keys": len(keys["given"])}
        planned = longtail.plan(queries + WARMUP, rng, keys, rejected, _variant)
    else:
        planned = [{"kind": kind, "query": query, "person_id": pid, "person": name, "keys": keys}
                   for kind, query, pid, name, keys in _queries(queries + WARMUP, rng, rejected)]
    warmup, timed = planned[:WARMUP], planned[WARMUP:]
    for item in warmup:
        person_search(user=user, query=item["query"])
    events_before = AccessEvent.objects.count()
    results = []
    for item in timed:
        started = time.perf_counter()
        found = person_search(user=user, query=item["query"])
        ms = (time.perf_counter() - started) * 1000
        ids = [p.pk for p in found.persons]
        same_name = any(f"{p.family_key}|{p.given_key}" == item["keys"] for p in found.persons)
        hit = item["person_id"] in ids
        result = {"kind": item["kind"], "query": item["query"], "person": item["person"], "ms": ms,
                  "results": len(ids), "hit": hit, "name_hit": hit or same_name,
                  "fuzzy": getattr(found, "fuzzy", None)}
        if population == "longtail":  # the person's place among the results too (None: not among them)
            result.update({k: item[k] for k in ("keys", "typed_keys", "year")})
            result["rank"] = ids.index(item["person_id"]) + 1 if hit else None
        results.append(result)
    events = AccessEvent.objects.count() - events_before
    if population == "longtail":
        longtail.add_namesakes(results)  # after the timed calls: not part of the latency
    return {"timings": results, "persons": Person.objects.count(), "vendor": connection.vendor,
            "variants_not_folded": rejected, "access_events_written": events, "peak_rss_mb": c.peak_rss_mb(), **extra}


TASKS = {"search": task_search, "analyze": task_analyze}


# ======================================================================================================
# driver side
# ======================================================================================================

def ensure_database(kind: str, persons: int, seed: int, population: str) -> tuple[str, Path | None, dict[str, Any]]:
    """The population's database when it holds N persons imported by sakme from its file; else a fresh import.

    A long-tail database is reused only when its last import was the very file the current code writes (the same
    sha256). Returns the database URL, the file when one was written or imported here (for the caller to delete),
    and the long-tail file's counts of names.
    """
    made: Path | None = None
    if population == "longtail":
        name, names = LONGTAIL_DB, _longtail.known_stats(persons, seed)
        if not names:  # the file's digest is known once it is written
            path, names, written = _longtail.longtail_file(persons, seed)
            made = path if written else None
        wanted, source = {"last_batch_sha256": names["sha256"]}, _longtail.file_name(persons, seed)
    else:  # the import bench's database, as long as its last import was the generator's file
        name, names, wanted, source = import_persons.DB_NAME, {}, {"last_batch_file": "ssa_registry.csv"}, \
            "the generator's file"
    url = c.database_url(kind, name)
    if c.database_exists(kind, name):
        try:
            status = c.run_worker("import_persons.py", "status", url)
        except RuntimeError:
            status = {}
        if status.get("persons") == persons and status.get("last_batch_rows") == persons \
                and status.get("last_batch_status") == "succeeded" \
                and all(status.get(key) == value for key, value in wanted.items()):
            print(f"  {kind}: reusing {name} ({persons:,} persons imported by sakme from {source})")
            return url, made, names
    if population == "longtail":
        path, names, written = _longtail.longtail_file(persons, seed)
        written = written or made == path  # written above, to learn its digest
        print(f"  {kind}: long-tail file {'written' if written else 'reused'}: {path}")
        if written:
            _longtail.print_stats(names)
    else:
        path, _generated = c.ssa_file(persons, seed)
    print(f"  {kind}: importing {persons:,} persons first ({path})")
    url, _setup = import_persons.prepare(kind, name, path)
    import_persons.sakme_import(kind, url, path)
    return url, path, names


def summarise(timings: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    rows = []
    for kind in (*KINDS, "all"):
        chosen = [t for t in timings if kind == "all" or t["kind"] == kind]
        if not chosen:
            continue
        ms = [t["ms"] for t in chosen]
        rows.append((kind, len(chosen), percentile(ms, 50), percentile(ms, 95), percentile(ms, 99), max(ms),
                     f"{100 * sum(t['hit'] for t in chosen) / len(chosen):.0f} %",
                     f"{100 * sum(t.get('name_hit', t['hit']) for t in chosen) / len(chosen):.0f} %",
                     f"{100 * sum(t['results'] == 0 for t in chosen) / len(chosen):.0f} %",
                     sum(t["fuzzy"] for t in chosen)))
    return rows


def report(kind: str, label: str, result: dict[str, Any]) -> None:
    rows = summarise(result["timings"])
    print(f"\n{kind}, {label} ({result['persons']:,} persons; {result['access_events_written']:,} access events "
          f"written)")
    print(c.table(rows, ("kind", "queries", "p50 ms", "p95 ms", "p99 ms", "max ms", "person found", "name found",
                         "no result", "fuzzy")))
    overall = rows[-1][3]
    verdict = "met" if overall <= TARGET_P95_MS else f"MISSED by {overall - TARGET_P95_MS:.0f} ms"
    print(f"  overall p95 {overall:.1f} ms: target p95 <= {TARGET_P95_MS:.0f} ms {verdict}")
    slowest = sorted(result["timings"], key=lambda t: -t["ms"])[:5]
    print("  slowest: " + "; ".join(f"{t['kind']} {t['query']!r} {t['ms']:.0f} ms" for t in slowest))
    missed = [t for t in result["timings"] if not t["name_hit"] and t["kind"] in ("variant", "typo")]
    if missed:
        print("  name queries that found no one of that name: "
              + "; ".join(f"{t['query']!r} (for {t['person']})" for t in missed))
    if result["variants_not_folded"]:
        print("  spelling variants fold() did not map back (not used as queries): "
              + ", ".join(f"{k} x{v}" for k, v in sorted(result["variants_not_folded"].items())))


PASSES = (("as_imported", "as the import left the tables"),
          ("analyzed", "after VACUUM ANALYZE / ANALYZE of the tables"))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--db", choices=["postgres", "sqlite", "both"], default="both")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--population", choices=POPULATIONS, default="demo",
                        help="the generator's names (demo) or a long tail of them (longtail, bench/_longtail.py)")
    parser.add_argument("--seed", type=int, default=c.DEFAULT_SEED)
    parser.add_argument("--keep-file", action="store_true", help="keep a file generated for a first import")
    parser.add_argument("--no-analyze", action="store_true",
                        help="skip the second pass (after VACUUM ANALYZE on PostgreSQL, ANALYZE on SQLite)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    kinds = ["postgres", "sqlite"] if args.db == "both" else [args.db]
    info = c.machine(kinds)
    c.print_machine(info)
    out: dict[str, Any] = {}
    urls: dict[str, str] = {}
    imported: set[Path] = set()
    names: dict[str, Any] = {}
    try:  # every database first, so that a file generated for one is imported into the other too
        for kind in kinds:
            print(f"\n== {kind}: {args.population} population ==")
            urls[kind], path, stats = ensure_database(kind, args.persons, args.seed, args.population)
            names = names or stats
            if path:
                imported.add(path)
    finally:
        if not args.keep_file:
            for path in imported:
                (_longtail.remove_file if args.population == "longtail" else c.remove_ssa_file)(path)
    task = {"queries": args.queries, "seed": args.seed, "population": args.population}
    for kind in kinds:
        out[kind] = {"as_imported": c.run_worker(SCRIPT, "search", urls[kind], **task)}
        if not args.no_analyze:
            out[kind]["analyze"] = c.run_worker(SCRIPT, "analyze", urls[kind])
            print(f"  {kind}: statistics gathered in {out[kind]['analyze']['seconds']:.1f} s")
            out[kind]["analyzed"] = c.run_worker(SCRIPT, "search", urls[kind], **task)
    if args.population == "longtail":
        for passes in out.values():
            for key, _label in PASSES:
                if key in passes:
                    passes[key]["summary"] = longtail.summarise(passes[key]["timings"])
    prefix = "search" if args.population == "demo" else f"search-{args.population}"
    target = args.json or c.OUT / f"{prefix}-{args.persons}-{datetime.now():%Y%m%d-%H%M%S}.json"
    target.write_text(json.dumps({"machine": info, "persons": args.persons, "population": args.population,
                                  "seed": args.seed, "names": names or None, "results": out}, indent=2,
                                 ensure_ascii=False))  # before the report: a failing report loses no figure
    print("\n" + "=" * 100)
    print(f"search benchmark: person_search on {args.persons:,} persons ({args.population} population), "
          f"{args.queries} queries per pass (after {WARMUP} warm-up queries), as a data steward (nationwide scope); "
          "the same queries in both passes")
    c.print_machine(info)
    if names:
        _longtail.print_stats(names)
    for kind in kinds:
        for key, label in PASSES:
            if key in out[kind]:
                (longtail.report if args.population == "longtail" else report)(kind, label, out[kind][key])
    print(f"\nfigures written to {target}")


if __name__ == "__main__":
    if "--worker" in sys.argv:
        c.worker_main(TASKS, sys.argv)
    else:
        main(sys.argv[1:])
