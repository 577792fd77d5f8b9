"""The folded name keys that occur in the registry, and the near spellings of a typed name among them.

The typo-tolerant search never scans persons for candidate spellings: it reads this small table (one row per
distinct key), measures edit distances in C (rapidfuzz) and then looks the persons up by exact key.
"""

from __future__ import annotations

from typing import Any

from django.db import connection
from rapidfuzz.distance import Levenshtein
from rapidfuzz.process import extract

from sakme.registry.models import NameKey

NEAR_LIMIT = 50  # nearest spellings kept per word


def typo_budget(key: str) -> int:
    """Edits allowed for a word of this length: one in a short name, two in a longer one."""
    return 1 if len(key) <= 5 else 2


def add_from(cursor: Any, table: str) -> None:
    """Record the keys of `table` (registry_person or an import's stage: columns given_key and family_key)."""
    for kind, column in ((NameKey.Kind.GIVEN, "given_key"), (NameKey.Kind.FAMILY, "family_key")):
        cursor.execute(
            f"INSERT INTO registry_namekey (kind, key, length) SELECT DISTINCT %s, {column}, LENGTH({column}) "
            f"FROM {table} WHERE {column} IS NOT NULL AND {column} <> '' ON CONFLICT (kind, key) DO NOTHING",
            [kind.value])


def refresh() -> None:
    """Record the keys of every person (after persons were written other than by an import)."""
    with connection.cursor() as cursor:
        add_from(cursor, "registry_person")


def near(words: list[str]) -> dict[str, dict[str, dict[str, int]]]:
    """For each word, its nearest keys of each kind with their edit distance: {word: {"f": {key: d}, "g": {...}}}.

    One query for all the words: the keys whose length could be within the budget of one of them.
    """
    words = list(dict.fromkeys(words))
    spans = [(len(w) - typo_budget(w), len(w) + typo_budget(w)) for w in words]
    keys: dict[str, list[str]] = {NameKey.Kind.FAMILY: [], NameKey.Kind.GIVEN: []}
    rows = NameKey.objects.filter(length__gte=min(a for a, _b in spans), length__lte=max(b for _a, b in spans))
    for kind, key in rows.values_list("kind", "key"):
        keys[kind].append(key)
    result: dict[str, dict[str, dict[str, int]]] = {}
    for word in words:
        budget = typo_budget(word)
        result[word] = {
            kind: {key: int(distance) for key, distance, _i in extract(
                word, choices, scorer=Levenshtein.distance, score_cutoff=budget, limit=NEAR_LIMIT)}
            for kind, choices in keys.items()
        }
    return result
