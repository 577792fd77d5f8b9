"""The long-tail population of the search bench: the generator's SSA export with its names redrawn.

    python bench/_longtail.py --persons 1000000 [--seed 2026] [--keep-file]   # the file and its name counts

`sakme.demo.generator` draws from 414 family names and 250 given names; a registry of a million people has
tens of thousands. `longtail_file` writes the generator's SSA export for N persons (bench/_common.py) and
rewrites its two name columns, keeping every other cell (personal numbers, birth dates, sex, households,
relations, scores, ...) and the stray spaces of a name cell, into
bench/out/ssa-longtail-N-seedS/ssa_longtail_N_seedS.csv: the same format, so it goes through sakme's importer
like the demo population.

Names are Georgian-style, in Georgian script, drawn with Zipf-Mandelbrot frequencies (weight of rank k is
1 / (k + q) ** s, s about 1):

- family names: the generator's 414 real names first (the commonest ranks), then names made of a stem of one
  to three syllables (an onset of one consonant or a usual cluster, a vowel, sometimes an inner n/r/l/m) and
  an ending (-შვილი, -ძე, -ია, -ავა, -უა, -ანი, -ური, -ელი, -ული, -ი, ...); one draw per household and
  surname (members who share a surname in the generator's household share the new one, a spouse who kept
  hers gets her own);
- given names, by the person's sex: the generator's real names first (გიორგი, დავით, ... / ნინო, მარიამ, ...),
  then made ones, male ones mostly ending in a consonant or -ი/-ა, female ones mostly in -ა/-ო/-ი/-ე.

Every name of a pool folds (`sakme.common.georgian.fold`) to its own key: a made name whose key is taken is
drawn again (of the real ones, the later of two that fold alike is left out, e.g. ჩელიძე after ჭელიძე), so two
distinct names are two distinct keys, and given names are distinct across the sexes. A made name never puts two
letters side by side whose romanizations run into a digraph or a folded spelling (თ+ს reads "ts", ს+ჰ "sh",
ს+ვილი "svili", ...). The pools and the draws come from random.Random seeded with the seed: same seed, same file.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import shutil
import sys
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from itertools import accumulate
from pathlib import Path
from typing import Any

import _common as c

# Pool sizes and Zipf-Mandelbrot parameters: at 1,000,000 persons (~380,000 surname draws, ~500,000 given-name
# draws per sex) about 89,000 family names and 20,000 given names are drawn at least once (this script prints
# them), with a tail of names borne by one person; the commonest family name carries ~1.1 % of the persons,
# გიორგი and ნინო ~6 % of their sex.
FAMILY_POOL, FAMILY_Q, FAMILY_S = 200_000, 8.0, 1.0
GIVEN_POOL, GIVEN_Q, GIVEN_S = 10_000, 2.0, 1.1
# What the file depends on: a change to any of these makes a kept file (and a database imported from it) stale.
RECIPE_FILES = ("bench/_longtail.py", "sakme/common/georgian.py", "sakme/demo/names.py",
                "sakme/demo/generator/people.py", "sakme/demo/generator/files.py",
                "sakme/demo/generator/reference.py", "sakme/demo/generator/exports.py")

VOWELS = (("ა", 30), ("ი", 24), ("ე", 17), ("ო", 15), ("უ", 10))
CONSONANTS = (
    ("ლ", 10), ("რ", 10), ("ნ", 9), ("მ", 8), ("ბ", 7), ("გ", 7), ("დ", 7), ("ვ", 5), ("თ", 6), ("კ", 6),
    ("ს", 5), ("შ", 6), ("ხ", 6), ("ც", 4), ("ძ", 3), ("წ", 4), ("ჭ", 4), ("ყ", 3), ("ქ", 6), ("ჯ", 4),
    ("ჩ", 5), ("ფ", 4), ("პ", 3), ("ტ", 5), ("ზ", 4), ("ჟ", 1), ("ღ", 2), ("ჰ", 1),
)  # fmt: skip
CLUSTERS = (
    ("ბრ", 2), ("გრ", 2), ("დრ", 1), ("თრ", 1), ("კრ", 1), ("ტრ", 1), ("ფრ", 1), ("ქრ", 1), ("ბლ", 1), ("გლ", 1),
    ("კლ", 1), ("მგ", 2), ("მდ", 1), ("მკ", 1), ("მთ", 2), ("მჭ", 1), ("მწ", 1), ("მც", 1), ("მზ", 1), ("გვ", 3),
    ("კვ", 3), ("ქვ", 2), ("ხვ", 2), ("თვ", 1), ("დვ", 1), ("ცხ", 2), ("წყ", 2), ("ჭყ", 1), ("თქ", 1), ("ტყ", 2),
    ("სხ", 1), ("სკ", 1), ("სტ", 1), ("შხ", 1), ("შტ", 1), ("ზღ", 1), ("ღვ", 1), ("ჯღ", 1), ("ფხ", 1), ("ჩხ", 2),
    ("ცქ", 1), ("მხ", 1), ("ხრ", 1), ("ჭკ", 1), ("ყვ", 1),
)  # fmt: skip
CODAS = (("ნ", 4), ("რ", 4), ("ლ", 3), ("მ", 2), ("ს", 1))
FAMILY_ENDINGS = (
    ("შვილი", 36), ("ძე", 34), ("ია", 8), ("ანი", 4), ("ავა", 3), ("უა", 3), ("ური", 3), ("ელი", 3),
    ("ული", 2), ("ი", 2), ("აია", 1), ("ონი", 1),
)  # fmt: skip
# Before an ending that starts with a vowel, the stem ends in one of these.
LINKS = (("ლ", 6), ("ნ", 4), ("რ", 4), ("ძ", 2), ("ხ", 2), ("ბ", 2), ("ვ", 2), ("ჩ", 2), ("კ", 2), ("ქ", 2),
         ("შ", 2), ("თ", 2), ("ტ", 1), ("ყ", 1), ("ჯ", 1), ("ღ", 1))  # fmt: skip
MALE_FINALS = (("ნ", 8), ("რ", 5), ("ლ", 4), ("მ", 4), ("ბ", 4), ("დ", 3), ("თ", 4), ("კ", 4), ("ზ", 4),
               ("ს", 2), ("ქ", 2), ("ხ", 1))  # fmt: skip
MALE_VOWEL_END = (("ა", 20), ("ი", 20), ("ო", 5), ("ე", 5))
FEMALE_VOWEL_END = (("ა", 60), ("ო", 12), ("ი", 12), ("ე", 10))
FEMALE_FINALS = (("ნ", 5), ("რ", 1))


class Weighted:
    """Weighted choice by one uniform draw (bisect over cumulative weights)."""

    def __init__(self, pairs: Sequence[tuple[str, float]]) -> None:
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(weight for _, weight in pairs))

    def __call__(self, rng: random.Random) -> str:
        return self.items[bisect_right(self.cum, rng.random() * self.cum[-1])]


def zipf_weights(size: int, q: float, s: float) -> list[float]:
    return [1.0 / (k + q) ** s for k in range(1, size + 1)]


# ======================================================================================================
# the names
# ======================================================================================================

def _fold_patterns() -> tuple[str, ...]:
    """Latin spellings that romanize or fold as one unit: two letters must not run into one across a join."""
    from sakme.common import georgian

    digraphs = {v.replace("'", "") for v in georgian.ROMANIZATION.values() if len(v.replace("'", "")) > 1}
    folded = {old for old, _new in getattr(georgian, "_FOLDS", ())}
    return tuple(sorted(digraphs | folded | {"tz", "th", "ph"}))


class NameMaker:
    """Made-up Georgian names, each folding to a key no other name of the pools has."""

    def __init__(self, rng: random.Random) -> None:
        from sakme.common.georgian import ROMANIZATION, fold

        self.rng, self.fold = rng, fold
        self.plain = {k: v.replace("'", "") for k, v in ROMANIZATION.items()}
        self.patterns = _fold_patterns()
        self.vowel, self.consonant, self.cluster = Weighted(VOWELS), Weighted(CONSONANTS), Weighted(CLUSTERS)
        self.coda, self.link, self.ending = Weighted(CODAS), Weighted(LINKS), Weighted(FAMILY_ENDINGS)
        self.male_final, self.male_vowel = Weighted(MALE_FINALS), Weighted(MALE_VOWEL_END)
        self.female_vowel, self.female_final = Weighted(FEMALE_VOWEL_END), Weighted(FEMALE_FINALS)
        self.taken: dict[str, set[str]] = {"family": set(), "given": set()}

    def sensible(self, name: str) -> bool:
        """No two neighbouring letters whose romanizations join into a digraph or a folded spelling."""
        latin, joins = "", []
        for letter in name:
            if latin:
                joins.append(len(latin))
            latin += self.plain.get(letter, letter)
        for pattern in self.patterns:
            at = latin.find(pattern)
            while at >= 0:
                if any(at < j < at + len(pattern) for j in joins):
                    return False
                at = latin.find(pattern, at + 1)
        return all(latin[j - 1] != latin[j] for j in joins)  # a doubled sound folds to one

    def stem(self, syllables: int, *, inner_codas: bool = True) -> str:
        rng, parts = self.rng, []
        for i in range(syllables):
            onset = self.cluster(rng) if rng.random() < (0.18 if i == 0 else 0.12) else self.consonant(rng)
            if i == 0 and rng.random() < 0.08:
                onset = ""  # a stem may start with its vowel (ა-ბა-, ო-ნი-)
            parts.append(onset + self.vowel(rng))
            if inner_codas and i < syllables - 1 and rng.random() < 0.15:
                parts.append(self.coda(rng))
        return "".join(parts)

    def family(self) -> str:
        rng = self.rng
        ending = self.ending(rng)
        syllables = 1 if rng.random() < 0.12 else 2 if rng.random() < 0.6 else 3
        stem = self.stem(syllables)
        if ending[0] in "აეიოუ":
            stem += self.link(rng)
        return stem + ending

    def given(self, sex: str) -> str:
        rng = self.rng
        stem = self.stem(2 if rng.random() < 0.7 else 3 if rng.random() < 0.7 else 1, inner_codas=rng.random() < 0.5)
        if sex == "m":
            if rng.random() < 0.55:
                return stem + self.male_final(rng)
            return stem[:-1] + self.male_vowel(rng)
        if rng.random() < 0.1:
            return stem + self.female_final(rng)
        return stem[:-1] + self.female_vowel(rng)

    def take(self, kind: str, name: str) -> bool:
        """Claim the name's key for the kind; False when another name has it."""
        key = self.fold(name)
        if len(key) < 3 or key in self.taken[kind]:
            return False
        self.taken[kind].add(key)
        return True

    def claim(self, kind: str, head: Sequence[str]) -> list[str]:
        """The real names in their order, those whose key is still free (claimed now)."""
        return [name for name in head if self.take(kind, name)]

    def pool(self, kind: str, head: list[str], size: int, make: Any) -> list[str]:
        """The (claimed) real names, then made ones up to `size`."""
        names = list(head)
        while len(names) < size:
            name = make()
            if len(name) <= 16 and self.sensible(name) and self.take(kind, name):
                names.append(name)
        return names


class Pools:
    """The family and given names of the population, in rank order, with their Zipf pickers."""

    def __init__(self, seed: int) -> None:
        from sakme.demo import names

        def by_weight(pairs: Sequence[tuple[str, int]]) -> list[str]:
            return [name for name, _ in sorted(pairs, key=lambda pair: -pair[1])]  # stable: ties in file order

        maker = NameMaker(random.Random(f"longtail-names:{seed}"))
        family_real = maker.claim("family", by_weight(names.FAMILY_NAMES))
        self.family = maker.pool("family", family_real, FAMILY_POOL, maker.family)
        # Both sexes' real names claim their keys before any made one (a made name is never a real one).
        male_real = maker.claim("given", by_weight(names.MALE_GIVEN_NAMES))
        female_real = maker.claim("given", by_weight(names.FEMALE_GIVEN_NAMES))
        self.male = maker.pool("given", male_real, GIVEN_POOL, lambda: maker.given("m"))
        self.female = maker.pool("given", female_real, GIVEN_POOL, lambda: maker.given("f"))
        self.family_cum = list(accumulate(zipf_weights(len(self.family), FAMILY_Q, FAMILY_S)))
        self.given_cum = list(accumulate(zipf_weights(GIVEN_POOL, GIVEN_Q, GIVEN_S)))

    def family_rank(self, draw: float) -> int:
        return bisect_right(self.family_cum, draw * self.family_cum[-1])

    def given_rank(self, draw: float) -> int:
        return bisect_right(self.given_cum, draw * self.given_cum[-1])


# ======================================================================================================
# the file
# ======================================================================================================

def file_name(persons: int, seed: int) -> str:
    """The file's name, which the import batch keeps: how search.py tells a long-tail database from another."""
    return f"ssa_longtail_{persons}_seed{seed}.csv"


def recipe() -> str:
    """A digest of the code the file is made by (RECIPE_FILES)."""
    digest = hashlib.sha256()
    for name in RECIPE_FILES:
        source = (c.BENCH.parent if name.startswith("bench/") else c.CODE) / name
        digest.update(source.read_bytes() if source.is_file() else name.encode())
    return digest.hexdigest()[:16]


def known_stats(persons: int, seed: int) -> dict[str, Any]:
    """The counts of names (with the file's sha256) of the file for N persons and that seed, when one was written
    by the current code ({} otherwise), whether or not the file itself is still there."""
    stats_path = c.OUT / f"ssa-longtail-{persons}-seed{seed}" / "names.json"
    stats = json.loads(stats_path.read_text()) if stats_path.is_file() else {}
    return stats if stats.get("recipe") == recipe() else {}


def longtail_file(persons: int, seed: int = c.DEFAULT_SEED) -> tuple[Path, dict[str, Any], bool]:
    """The long-tail SSA export of `persons` persons under bench/out/ (written once, then reused while the code
    that makes it is the same), the counts of its names (names.json beside it) and whether it was written now."""
    folder = c.OUT / f"ssa-longtail-{persons}-seed{seed}"
    path = folder / file_name(persons, seed)
    stats = known_stats(persons, seed)
    if path.is_file() and stats:
        return path, stats, False
    had_demo = (c.OUT / f"ssa-{persons}-seed{seed}" / "ssa_registry.csv").is_file()
    demo, _seconds = c.ssa_file(persons, seed)
    partial = c.OUT / f".partial-ssa-longtail-{persons}-seed{seed}-{os.getpid()}"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    started = time.perf_counter()
    stats = rewrite(demo, partial / path.name, seed)
    stats["seconds"] = round(time.perf_counter() - started, 1)
    with (partial / path.name).open("rb") as written:
        stats["sha256"] = hashlib.file_digest(written, "sha256").hexdigest()  # as the import batch records it
    stats["recipe"] = recipe()
    (partial / "names.json").write_text(json.dumps(stats, indent=2, ensure_ascii=False))
    if not had_demo:
        c.remove_ssa_file(demo)  # the generator's file was only the template
    shutil.rmtree(folder, ignore_errors=True)
    partial.rename(folder)  # a half-written file is never mistaken for a finished one
    return path, stats, True


def remove_file(path: Path) -> None:
    """Delete the file, keeping its names.json (known_stats: its digest tells whether a database holds it)."""
    path.unlink(missing_ok=True)


def _respaced(old: str, new: str) -> str:
    """The new name with the spaces a clerk left around the old one."""
    return old[: len(old) - len(old.lstrip())] + new + old[len(old.rstrip()):]


def rewrite(source: Path, target: Path, seed: int) -> dict[str, Any]:
    """Copy the SSA export `source` to `target` with new given and family names; return the counts of names."""
    from sakme.demo.generator import SSA_HEADER

    pools = Pools(seed)
    rng = random.Random(f"longtail-draws:{seed}")
    given_col, family_col = SSA_HEADER.index("saxeli"), SSA_HEADER.index("gvari")
    sex_col, household_col = SSA_HEADER.index("sqesi"), SSA_HEADER.index("ojaxis_kodi")
    birth_col = SSA_HEADER.index("dabadebis_tarigi")  # DD.MM.YYYY
    family_count: Counter[int] = Counter()
    given_count: Counter[tuple[str, int]] = Counter()
    full_count: Counter[int] = Counter()
    year_count: Counter[int] = Counter()
    household = ""
    surnames: dict[str, int] = {}  # the household's surnames in the generator's file -> the new ones
    with (source.open(encoding="utf-8-sig", newline="") as src,
          target.open("w", encoding="utf-8-sig", newline="", buffering=1 << 20) as out):
        reader, writer = csv.reader(src, delimiter=";"), csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(next(reader))
        for row in reader:
            if row[household_col] != household:
                household, surnames = row[household_col], {}
            old = " ".join(row[family_col].split())
            if old not in surnames:
                surnames[old] = pools.family_rank(rng.random())
            family = surnames[old]
            sex = "m" if row[sex_col].strip() == "მ" else "f"
            given = pools.given_rank(rng.random())
            row[family_col] = _respaced(row[family_col], pools.family[family])
            row[given_col] = _respaced(row[given_col], (pools.male if sex == "m" else pools.female)[given])
            writer.writerow(row)
            family_count[family] += 1
            given_count[sex, given] += 1
            full = family * 2 * GIVEN_POOL + (given if sex == "m" else GIVEN_POOL + given)
            full_count[full] += 1
            year_count[full * 200 + int(row[birth_col][-4:]) - 1850] += 1
    return _stats(pools, family_count, given_count, full_count, year_count)


def _stats(pools: Pools, family: Counter[int], given: Counter[tuple[str, int]], full: Counter[int],
           year: Counter[int]) -> dict[str, Any]:
    from sakme.common.georgian import fold, romanize

    persons = sum(family.values())
    family_keys = {fold(pools.family[k]) for k in family}
    given_keys = {fold((pools.male if sex == "m" else pools.female)[k]) for sex, k in given}

    def top(counter: Counter[Any], name: Any) -> list[tuple[str, str, int]]:
        return [(name(k), romanize(name(k)), n) for k, n in counter.most_common(8)]

    def given_name(key: tuple[str, int]) -> str:
        return (pools.male if key[0] == "m" else pools.female)[key[1]]

    shared = Counter(n for n in full.values() for _ in range(n))  # persons by the size of their name's group
    return {
        "persons": persons,
        "family_names": len(family), "given_names": len(given),
        "given_names_male": sum(1 for sex, _ in given if sex == "m"),
        "given_names_female": sum(1 for sex, _ in given if sex == "f"),
        "family_keys": len(family_keys), "given_keys": len(given_keys), "full_names": len(full),
        "family_names_once": sum(1 for n in family.values() if n == 1),
        "persons_sharing_full_name_with_under_25": sum(n for size, n in shared.items() if size < 25),
        "largest_full_name_group": max(full.values()),
        "largest_full_name_and_year_group": max(year.values()),
        "persons_in_name_and_year_groups_of_25_or_more": sum(n for n in year.values() if n >= 25),
        "top_family": top(family, lambda k: pools.family[k]),
        "top_given": top(given, given_name),
        "pools": {"family": len(pools.family), "given_per_sex": GIVEN_POOL, "family_q_s": [FAMILY_Q, FAMILY_S],
                  "given_q_s": [GIVEN_Q, GIVEN_S]},
        "examples": [(n, romanize(n)) for n in pools.family[2000:40000:3800] + pools.male[300:3000:900]
                     + pools.female[300:3000:900]],
    }


def print_stats(stats: dict[str, Any]) -> None:
    persons = stats["persons"]
    print(f"  long-tail names of {persons:,} persons: {stats['family_names']:,} distinct family names "
          f"({stats['family_names_once']:,} borne by one person), {stats['given_names']:,} distinct given names "
          f"({stats['given_names_male']:,} male, {stats['given_names_female']:,} female), "
          f"{stats['full_names']:,} distinct full names")
    shared = stats["family_names"] - stats["family_keys"] + stats["given_names"] - stats["given_keys"]
    print(f"    folded keys (sakme.common.georgian.fold): {stats['family_keys']:,} family, {stats['given_keys']:,} "
          "given: " + ("one key per name" if not shared else f"{shared:,} names share a key with another"))
    print(f"    persons whose full name fewer than 25 share: {stats['persons_sharing_full_name_with_under_25']:,} "
          f"({100 * stats['persons_sharing_full_name_with_under_25'] / persons:.1f} %); largest group "
          f"{stats['largest_full_name_group']:,}; largest name + birth year group "
          f"{stats['largest_full_name_and_year_group']:,} (persons in such groups of 25 or more: "
          f"{stats['persons_in_name_and_year_groups_of_25_or_more']:,})")
    for label in ("top_family", "top_given"):
        print(f"    {label.replace('_', ' ')}: " + ", ".join(f"{ka} {lat} {n:,}" for ka, lat, n in stats[label]))
    print("    made names, e.g.: " + ", ".join(f"{ka} ({lat})" for ka, lat in stats["examples"]))


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=c.DEFAULT_SEED)
    parser.add_argument("--keep-file", action="store_true",
                        help="keep the file for bench/search.py (else only its names.json is kept)")
    args = parser.parse_args(argv)
    path, stats, written = longtail_file(args.persons, args.seed)
    print(f"{path} ({path.stat().st_size / 2**20:,.0f} MB, "
          + (f"names rewritten in {stats['seconds']:.1f} s)" if written else "reused)"))
    print_stats(stats)
    if not args.keep_file:
        remove_file(path)


if __name__ == "__main__":
    main(sys.argv[1:])
