"""The folded name keys that occur in the registry, and the near spellings of a typed name among them.

The typo-tolerant search never reads every key for candidate spellings. Each key is stored with its deletion
neighbourhood (`NameVariant`: the key with up to its typo budget of letters deleted); two words are within that
many edits only if they share such a variant, so the near spellings of a typed word are the keys that share one of
the word's own deletions: a few dozen index look-ups whatever the number of keys. The candidates are then measured
exactly in C (rapidfuzz's optimal string alignment: a swap of two neighbouring letters is one edit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import connection
from rapidfuzz.distance import OSA

from sakme.registry.models import NameKey

NEAR_LIMIT = 50  # nearest spellings kept per word
LONGEST_KEY = 100  # NameKey.key's max_length: the positions a letter can be deleted at


def typo_budget(key: str) -> int:
    """Edits allowed for a word of this length: none in a word of one or two letters (every short name would be
    near), one in a name of three or four, two from five (a slip that breaks a digraph, "badaz" for "badza",
    costs two on the folded keys: "badaz" against "baza")."""
    if len(key) <= 2:
        return 0
    return 1 if len(key) <= 4 else 2


# The deletion neighbourhood of the keys not yet spread, written in SQL that PostgreSQL and SQLite both run: the key,
# the key less one letter, and for keys of five letters or more (two edits allowed, `typo_budget`) less two.
_SPREAD = f"""
WITH RECURSIVE pos (i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM pos WHERE i < {LONGEST_KEY}),
todo AS (SELECT id, key, length FROM registry_namekey WHERE NOT spread)
INSERT INTO registry_namevariant (variant, name_key_id)
SELECT DISTINCT variant, id FROM (
    SELECT t.key AS variant, t.id FROM todo AS t
    UNION ALL
    SELECT substr(t.key, 1, p.i - 1) || substr(t.key, p.i + 1), t.id FROM todo AS t JOIN pos AS p ON p.i <= t.length
    UNION ALL
    SELECT substr(t.key, 1, q.i - 1) || substr(t.key, q.i + 1, p.i - q.i - 1) || substr(t.key, p.i + 1), t.id
    FROM todo AS t JOIN pos AS p ON p.i <= t.length JOIN pos AS q ON q.i < p.i WHERE t.length > 4
) AS deletions
"""


def add_from(cursor: Any, table: str) -> None:
    """Record the keys of `table` (registry_person or an import's stage: columns given_key and family_key), how many
    persons now carry each of them, and the deletion neighbourhood of the new ones."""
    for kind, column in ((NameKey.Kind.GIVEN, "given_key"), (NameKey.Kind.FAMILY, "family_key")):
        cursor.execute(
            f"INSERT INTO registry_namekey (kind, key, length) SELECT DISTINCT %s, {column}, LENGTH({column}) "
            f"FROM {table} WHERE {column} IS NOT NULL AND {column} <> '' ON CONFLICT (kind, key) DO NOTHING",
            [kind.value])
        cursor.execute(
            f"UPDATE registry_namekey SET persons = counted.n FROM ("
            f"SELECT {column} AS key, COUNT(*) AS n FROM registry_person WHERE merged_into_id IS NULL "
            f"AND {column} IN (SELECT {column} FROM {table}) GROUP BY {column}) AS counted "
            f"WHERE registry_namekey.kind = %s AND registry_namekey.key = counted.key", [kind.value])
    cursor.execute(_SPREAD)
    cursor.execute("UPDATE registry_namekey SET spread = %s WHERE NOT spread", [True])


def refresh() -> None:
    """Record the keys of every person (after persons were written other than by an import)."""
    with connection.cursor() as cursor:
        add_from(cursor, "registry_person")


def deletions(word: str, depth: int) -> set[str]:
    """The word with up to `depth` letters deleted, the word itself included."""
    found, frontier = {word}, {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1:] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


@dataclass(frozen=True)
class Near:
    """A key near a typed word: how many edits apart, and how many persons carry it."""

    edits: int
    persons: int


def near(words: list[str]) -> dict[str, dict[str, dict[str, Near]]]:
    """For each word, its nearest keys of each kind (the word itself included when it is a key):
    {word: {"f": {key: Near}, "g": {...}}}. When more than NEAR_LIMIT are near, the fewest edits are kept and,
    among as many edits, the commoner names (the likelier meant; the search then ranks the rarer first, so that
    a common name does not fill the page).

    One query for all the words: the keys sharing a deletion with one of them, of a length within its budget.
    """
    words = list(dict.fromkeys(words))
    variants = {word: deletions(word, typo_budget(word)) for word in words}
    lengths = [n for word in words for n in (len(word) - typo_budget(word), len(word) + typo_budget(word))]
    wanted = sorted(set().union(*variants.values()))
    with connection.cursor() as cursor:
        cursor.execute(
            # CROSS JOIN: SQLite keeps the variants' index as the outer loop even before statistics exist.
            f"SELECT DISTINCT v.variant, k.kind, k.key, k.persons FROM registry_namevariant AS v "
            f"CROSS JOIN registry_namekey AS k WHERE k.id = v.name_key_id "
            f"AND v.variant IN ({', '.join(['%s'] * len(wanted))}) AND k.length BETWEEN %s AND %s",
            [*wanted, min(lengths), max(lengths)])
        rows = cursor.fetchall()
    result: dict[str, dict[str, dict[str, Near]]] = {}
    for word in words:
        budget = typo_budget(word)
        found: dict[str, dict[str, Near]] = {NameKey.Kind.FAMILY: {}, NameKey.Kind.GIVEN: {}}
        for variant, kind, key, persons in rows:
            if variant in variants[word] and key not in found[kind] and abs(len(key) - len(word)) <= budget:
                edits = OSA.distance(word, key, score_cutoff=budget)
                if edits <= budget:
                    found[kind][key] = Near(edits, persons)
        result[word] = {kind: dict(sorted(keys.items(), key=lambda kv: (kv[1].edits, -kv[1].persons, kv[0]))
                                   [:NEAR_LIMIT]) for kind, keys in found.items()}
    return result
