"""The queries of the long-tail population (bench/_longtail.py) for bench/search.py, their namesakes, the report.

Seven kinds in equal shares, shuffled, each drawn from a person sampled from the imported data (random ids);
family and given name in either order, the edited name (family or given) chosen at random:

  exact            the name as stored: Georgian, or the romanization with or without apostrophes
                   ("ბერიძე ნინო", "Nino Beridze", "tqeshelashvili kakha")
  variant          one usual transliteration variant of one name (search.py's VARIANTS, kept when fold()
                   maps it back)                                                      "xaraisvili nana"
  typo             one letter substituted, deleted or inserted (not the first), changing the folded key to one
                   that is no name of that kind in the database                       "berudze nino"
  transposition    two neighbouring letters swapped (not the first), likewise        "dvait beridze"
  typo_other_name  one such slip (substitution, deletion, insertion or swap) that spells another name of the
                   same kind in the database                                          "girgi beridze"
  name_year        the exact name and the birth year                                  "giorgi beridze 1987"
  pn               a whole personal number                                            "01001012345"

After the timed calls, the namesakes of each query are counted in SQL on registry_person's folded keys: of the
name it types (family_key and given_key it folds to; 0 for a slip that is nobody's name), of the sampled
person's own name, and for name_year of the name with that birth year.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from datetime import date
from typing import Any

import _common as c

KINDS = ("exact", "variant", "typo", "transposition", "typo_other_name", "name_year", "pn")
SLIPS = ("variant", "typo", "transposition")
FEW = 25  # the page: a name shared by fewer people fits on it whole
TARGET_P95_MS = 50.0
TARGET_SLIP_FOUND = 98.0  # % of one-slip queries (typed name shared by < FEW) that find the person
TARGET_YEAR_FOUND = 99.0  # % of name + birth year queries that find the person
EDIT_LETTERS = "abcdeghijklmnopqrstuvxz"
TYPO_EDITS = ("substitute", "delete", "insert")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# ======================================================================================================
# worker side
# ======================================================================================================

def plain(name: str) -> str:
    return name.replace("'", "").lower()


def existing_keys() -> dict[str, set[str]]:
    """Every folded family and given key of the persons in the database."""
    from django.db import connection

    keys: dict[str, set[str]] = {}
    with connection.cursor() as cursor:
        for kind in ("family", "given"):
            cursor.execute(f"SELECT DISTINCT {kind}_key FROM registry_person WHERE merged_into_id IS NULL")
            keys[kind] = {row[0] for row in cursor.fetchall()}
    return keys


def edits(word: str, how: str) -> list[str]:
    """Every slip of one kind in `word`, the first letter kept (people rarely mistype it)."""
    if how == "substitute":
        return [word[:i] + x + word[i + 1:] for i in range(1, len(word)) for x in EDIT_LETTERS if x != word[i]]
    if how == "delete":
        return [word[:i] + word[i + 1:] for i in range(1, len(word))]
    if how == "insert":
        return [word[:i] + x + word[i:] for i in range(1, len(word) + 1) for x in EDIT_LETTERS]
    return [word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(1, len(word) - 1) if word[i] != word[i + 1]]


def slip(word: str, keys: set[str], rng: random.Random, hows: tuple[str, ...], *, other_name: bool) -> str | None:
    """A slip of `word` whose folded key differs from the word's and is (other_name) or is not one of `keys`."""
    from sakme.common.georgian import fold

    own = fold(word)
    if len(word) < 4:
        return None
    order = list(hows)
    rng.shuffle(order)
    for how in order:
        found: dict[str, list[str]] = {}
        for typed in edits(word, how):
            key = fold(typed)
            if len(key) >= 2 and key != own and (key in keys) == other_name:
                found.setdefault(key, []).append(typed)
        if found:
            spellings = found[rng.choice(sorted(found))]  # each key it can make equally likely, then a spelling
            return rng.choice(spellings)
    return None


def _stored(name_ka: str, name_lat: str, use_ka: bool, rng: random.Random) -> str:
    if use_ka and name_ka:
        return name_ka
    latin = name_lat if rng.random() < 0.5 else name_lat.replace("'", "")
    return latin if rng.random() < 0.5 else latin.lower()


def _query(kind: str, p: Any, rng: random.Random, keys: dict[str, set[str]], rejected: dict[str, int],
           variant: Callable[[str, random.Random, dict[str, int]], str | None]) -> tuple[str, str, str] | None:
    """(query, typed family, typed given) of one kind for person p, or None when p's names allow none."""
    from sakme.registry import personal_numbers

    if kind == "pn":
        sealed = p.personal_number_sealed
        return (personal_numbers.unseal(sealed), "", "") if sealed else None
    if kind in ("exact", "name_year"):
        use_ka = rng.random() < 0.5
        family = _stored(p.family_name_ka, p.family_name_lat, use_ka, rng)
        given = _stored(p.given_name_ka, p.given_name_lat, use_ka, rng)
    else:
        family, given = plain(p.family_name_lat), plain(p.given_name_lat)
        edited = ["family", "given"]
        rng.shuffle(edited)
        for which in edited:
            name = family if which == "family" else given
            if kind == "variant":
                new = variant(name, rng, rejected)
            elif kind == "typo":
                new = slip(name, keys[which], rng, TYPO_EDITS, other_name=False)
            elif kind == "transposition":
                new = slip(name, keys[which], rng, ("transpose",), other_name=False)
            else:
                new = slip(name, keys[which], rng, (*TYPO_EDITS, "transpose"), other_name=True)
            if new:
                family, given = (new, given) if which == "family" else (family, new)
                break
        else:
            return None
    words = f"{family} {given}" if rng.random() < 0.5 else f"{given} {family}"
    if kind == "name_year":
        if not p.birth_date:
            return None
        words += f" {p.birth_date.year}"
    return words, family, given


def plan(count: int, rng: random.Random, keys: dict[str, set[str]], rejected: dict[str, int],
         variant: Callable[[str, random.Random, dict[str, int]], str | None]) -> list[dict[str, Any]]:
    """`count` queries in equal shares of KINDS, shuffled, each with the person it was drawn from; `keys` are
    existing_keys()."""
    from django.db.models import Max, Min

    from sakme.common.georgian import fold
    from sakme.registry.models import Person

    bounds = Person.objects.aggregate(low=Min("id"), high=Max("id"))
    per_kind = math.ceil(count / len(KINDS))
    wanted = dict.fromkeys(KINDS, per_kind)
    out: list[dict[str, Any]] = []
    for _round in range(1000):  # a tiny population may lack a kind (no name one slip from another): stop then
        if not any(wanted.values()):
            break
        ids = [rng.randint(bounds["low"], bounds["high"]) for _ in range(200)]
        persons = Person.objects.filter(pk__in=ids, merged_into__isnull=True).order_by("pk").only(
            "id", "personal_number_sealed", "given_name_ka", "family_name_ka", "given_name_lat", "family_name_lat",
            "given_key", "family_key", "birth_date")
        for p in persons:
            kind = rng.choice([k for k, n in wanted.items() if n])
            made = _query(kind, p, rng, keys, rejected, variant)
            if made:
                query, family, given = made
                out.append({"kind": kind, "query": query, "person_id": p.pk,
                            "person": f"{p.given_name_lat} {p.family_name_lat}", "keys": f"{p.family_key}|{p.given_key}",
                            "typed_keys": f"{fold(family)}|{fold(given)}" if family else None,
                            "year": p.birth_date.year if kind == "name_year" else None})
                wanted[kind] -= 1
            if not any(wanted.values()):
                break
    if any(wanted.values()):
        print("  too few queries of kinds " + ", ".join(f"{k} ({n} short)" for k, n in wanted.items() if n))
    rng.shuffle(out)
    return out[:count]


def add_namesakes(results: list[dict[str, Any]]) -> None:
    """Count, in SQL, the persons who share each query's typed name, the person's own name, and name + year."""
    from django.db import connection

    sql = ("SELECT COUNT(*) FROM registry_person WHERE family_key = %s AND given_key = %s "
           "AND merged_into_id IS NULL")
    cache: dict[tuple[str, int | None], int] = {}

    def count(keys: str, year: int | None = None) -> int:
        if (keys, year) not in cache:
            family, given = keys.split("|")
            params: list[Any] = [family, given]
            extra = ""
            if year:
                extra, params = " AND birth_date >= %s AND birth_date < %s", [*params, date(year, 1, 1),
                                                                                date(year + 1, 1, 1)]
            with connection.cursor() as cursor:
                cursor.execute(sql + extra, params)
                cache[keys, year] = cursor.fetchone()[0]
        return cache[keys, year]

    for r in results:
        r["own_namesakes"] = count(r["keys"])
        r["typed_namesakes"] = count(r["typed_keys"]) if r["typed_keys"] else None
        if r["year"]:
            r["year_namesakes"] = count(r["keys"], r["year"])


# ======================================================================================================
# driver side
# ======================================================================================================

def _rate(chosen: list[dict[str, Any]]) -> float | None:
    return 100 * sum(t["hit"] for t in chosen) / len(chosen) if chosen else None


def _few(t: dict[str, Any], *, own: bool = False) -> bool:
    typed = t.get("typed_namesakes")
    return typed is not None and typed < FEW and (not own or t["own_namesakes"] < FEW)


def summarise(timings: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per kind and over all: counts, found rates overall / typed name shared by < 25 / both < 25, latency."""
    out: dict[str, dict[str, Any]] = {}
    for kind in (*KINDS, "all"):
        chosen = [t for t in timings if kind == "all" or t["kind"] == kind]
        if not chosen:
            continue
        few = [t for t in chosen if _few(t)]
        both = [t for t in chosen if _few(t, own=True)]
        ms = [t["ms"] for t in chosen]
        out[kind] = {"queries": len(chosen), "found": _rate(chosen), "typed_few": len(few), "found_typed_few": _rate(few),
                     "both_few": len(both), "found_both_few": _rate(both), "p50_ms": percentile(ms, 50),
                     "p95_ms": percentile(ms, 95), "p99_ms": percentile(ms, 99), "max_ms": max(ms),
                     "no_result": 100 * sum(t["results"] == 0 for t in chosen) / len(chosen)}
    slips = [t for t in timings if t["kind"] in SLIPS and _few(t)]
    years = [t for t in timings if t["kind"] == "name_year"]
    out["targets"] = {"slip_typed_few": len(slips), "found_slip_typed_few": _rate(slips),
                      "name_year": len(years), "found_name_year": _rate(years),
                      "found_name_year_few": _rate([t for t in years if t.get("year_namesakes", 0) < FEW]),
                      "p95_ms": out["all"]["p95_ms"] if "all" in out else None}
    return out


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def report(kind: str, label: str, result: dict[str, Any]) -> None:
    summary = result.get("summary") or summarise(result["timings"])
    print(f"\n{kind}, {label} ({result['persons']:,} persons, {result.get('family_keys', 0):,} family and "
          f"{result.get('given_keys', 0):,} given keys; {result['access_events_written']:,} access events written)")
    rows = [(k, s["queries"], _pct(s["found"]), s["typed_few"], _pct(s["found_typed_few"]), s["both_few"],
             _pct(s["found_both_few"]), s["p50_ms"], s["p95_ms"], s["p99_ms"], s["max_ms"], _pct(s["no_result"]))
            for k, s in summary.items() if k != "targets"]
    print(c.table(rows, ("kind", "queries", "found", "typed<25", "found", "both<25", "found", "p50 ms", "p95 ms",
                         "p99 ms", "max ms", "no result")))
    print(f"  (typed<25: queries whose typed name fewer than {FEW} persons share, 0 for a slip that is nobody's name; "
          f"both<25: and fewer than {FEW} share the person's own name)")
    t = summary["targets"]

    def verdict(value: float | None, target: float, higher: bool = True) -> str:
        if value is None:
            return "no query"
        return "met" if (value >= target if higher else value <= target) else "MISSED"

    print(f"  one typo, variant or transposition, typed name shared by < {FEW}: found {_pct(t['found_slip_typed_few'])} "
          f"of {t['slip_typed_few']}: target >= {TARGET_SLIP_FOUND:.0f} % {verdict(t['found_slip_typed_few'], TARGET_SLIP_FOUND)}")
    print(f"  name + birth year: found {_pct(t['found_name_year'])} of {t['name_year']} "
          f"({_pct(t['found_name_year_few'])} where < {FEW} share name and year): target >= {TARGET_YEAR_FOUND:.0f} % "
          f"{verdict(t['found_name_year'], TARGET_YEAR_FOUND)}")
    print(f"  p95 over all kinds {t['p95_ms']:.1f} ms: target <= {TARGET_P95_MS:.0f} ms "
          f"{verdict(t['p95_ms'], TARGET_P95_MS, higher=False)}")
    slowest = sorted(result["timings"], key=lambda x: -x["ms"])[:5]
    print("  slowest: " + "; ".join(f"{x['kind']} {x['query']!r} {x['ms']:.0f} ms" for x in slowest))
    missed = [x for x in result["timings"]
              if not x["hit"] and ((x["kind"] in SLIPS and _few(x)) or x["kind"] == "name_year")]
    if missed:
        print(f"  missed ({len(missed)}; slips with typed name < {FEW}, and name + year): " + "; ".join(
            f"{x['kind']} {x['query']!r} for {x['person']} ({x['results']} results)" for x in missed[:15]))
    if result.get("variants_not_folded"):
        print("  spelling variants fold() did not map back (not used as queries): "
              + ", ".join(f"{k} x{v}" for k, v in sorted(result["variants_not_folded"].items())))
