"""Finding a person: by the whole personal number, or by name in either script with what else the user knows.

Exact spellings come first (transliteration variants fold to one key, the last word may be cut short); whenever
they fill less than a page, the close spellings fill the rest, fewest edits first, then the rarer name, each
saying how far it is from what was typed. A birth date or year, a municipality and a sex narrow both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.georgian import fold
from sakme.registry import name_keys, personal_numbers
from sakme.registry.access import persons_for_user
from sakme.registry.models import NameKey, Person
from sakme.registry.search_query import SearchQuery, parse

SEARCH_LIMIT = 25
_KEY_END = "{"  # the character after "z": keys hold a-z and spaces only, compared under the C collation
_NAME_ORDER = ("family_key", "given_key", "id")
_EDIT = 10**9  # a close match's rank: its edits times this, plus how many persons carry the names (the rarer first)


@dataclass(frozen=True)
class Hit:
    """A person found; `edits` is None for an exact spelling, else how many letters differ from what was typed."""

    person: Person
    edits: int | None = None


@dataclass
class SearchResult:
    hits: list[Hit]
    query: SearchQuery = field(default_factory=SearchQuery)
    whole_number_needed: bool = False  # digits typed, but not all eleven: numbers are found whole only

    @property
    def persons(self) -> list[Person]:
        return [hit.person for hit in self.hits]

    @property
    def fuzzy(self) -> bool:
        """Some of the persons found are close spellings of the name typed, not the name itself."""
        return any(hit.edits is not None for hit in self.hits)

    @property
    def only_close(self) -> bool:
        return bool(self.hits) and all(hit.edits is not None for hit in self.hits)


def person_search(*, user: Any, query: str, limit: int = SEARCH_LIMIT,
                  filters: dict[str, Any] | None = None) -> SearchResult:
    """Persons in the user's scope by their whole personal number (found by its keyed hash: the database holds no
    number to search in part), or by name in either script, narrowed by a birth date or year, a municipality or a
    sex typed with it or chosen in `filters` (born, municipality, sex). Logs the persons returned."""
    base = persons_for_user(user)
    query = query.strip()
    digits = query.replace(" ", "")
    hits: list[Hit] = []
    understood = SearchQuery()
    if digits.isdigit() and not (filters or {}).get("born"):
        number = personal_numbers.whole_number(digits)
        if number is None:
            return SearchResult([], understood, whole_number_needed=True)
        found = base.filter(personal_number_digest=personal_numbers.digest(number)).values_list("id", flat=True)
        hits = [Hit(p) for p in _in_order(base, list(found))]
    else:
        understood = parse(query, filters=filters)
        if understood.words:
            hits = _by_name(base.filter(_narrowing(understood)), understood.words, limit)
    audit.record_access(actor=user, person_ids=[hit.person.pk for hit in hits], kind=AccessKind.SEARCH,
                        context=personal_numbers.mask_text(query)[:200])
    return SearchResult(hits, understood)


def _narrowing(query: SearchQuery) -> Q:
    q = Q()
    if query.birth_date:
        q &= Q(birth_date=query.birth_date)
    elif query.birth_year:
        q &= Q(birth_date__gte=dt.date(query.birth_year, 1, 1), birth_date__lt=dt.date(query.birth_year + 1, 1, 1))
    if query.municipality is not None:
        q &= Q(municipality=query.municipality)
    if query.sex:
        q &= Q(sex=query.sex)
    return q


def _by_name(base: QuerySet[Person], raw_words: Sequence[str], limit: int) -> list[Hit]:
    """The exact spellings, then, when they are fewer than `limit`, the close ones."""
    words = [fold(w) for w in raw_words]
    # The last word may stop inside a digraph ("Berid" of "Beridze" folds to "berid", the name to "berize").
    endings = {fold(raw_words[-1] + tail) for tail in ("", "h", "z", "s")}
    exact = [row[0] for row in _first_rows([base.filter(q) for q in _name_branches(words[:-1], endings)], limit)]
    close: list[tuple[int, int]] = []
    if len(exact) < limit:
        seen = set(exact)
        for pk, rank in _close_rows(base, raw_words, limit + len(exact)):
            if pk not in seen and len(close) < limit - len(exact):  # a person near in both orders comes once
                seen.add(pk)
                close.append((pk, rank // _EDIT))
    persons = _in_order(base, [*exact, *(pk for pk, _e in close)])
    edits = dict(close)
    return [Hit(p, edits.get(p.pk)) for p in persons]


def _prefix(field: str, key: str) -> Q:
    return Q(**{f"{field}__gte": key, f"{field}__lt": key + _KEY_END})


def _name_branches(head: list[str], endings: set[str]) -> list[Q]:
    """Whole words first, the last word as a prefix; family and given name in either order.

    An ending that another one starts is left out: its range holds the other's.
    """
    endings = {e for e in endings if e and not any(o != e and e.startswith(o) for o in endings)}
    branches: list[Q] = []
    for last in sorted(endings):
        if not head:
            branches += [_prefix("family_key", last), _prefix("given_key", last)]
            continue
        first, rest = head[0], " ".join([*head[1:], last])
        joined = " ".join(head)
        branches += [
            Q(family_key=first) & _prefix("given_key", rest),
            Q(given_key=first) & _prefix("family_key", rest),
        ]
        if len(head) > 1:  # a name of several words ("Ana Maria", "Kipiani-Beridze" folded with its space)
            branches += [Q(family_key=joined) & _prefix("given_key", last),
                         Q(given_key=joined) & _prefix("family_key", last)]
    return branches


def _first_rows(branches: Sequence[QuerySet[Any]], limit: int, *, ranked: bool = False) -> list[tuple[int, ...]]:
    """(id,) or (id, rank) of the first `limit` persons of the branches together, in one query.

    Each branch is read in its own index order with its own LIMIT and the few rows left are merged: one OR of
    the branches would let the planner trade the index ranges for the sort order and walk the whole index.
    Ranked branches carry a `rank` annotation (fewer edits first, then the rarer name).
    """
    if not branches:
        return []
    order = ("rank", *_NAME_ORDER) if ranked else _NAME_ORDER
    parts: list[str] = []
    params: list[Any] = []
    for i, branch in enumerate(branches):
        sql, branch_params = branch.order_by(*order).values(*order).query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql} LIMIT {int(limit)}) AS branch_{i}")
        params.extend(branch_params)
    columns = "id, rank" if ranked else "id"
    sql = (f"SELECT {columns} FROM ({' UNION '.join(parts)}) AS found "
           f"ORDER BY {', '.join(order)} LIMIT {int(limit)}")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(row) for row in cursor.fetchall()]


def _rank(field: str, near: dict[str, name_keys.Near]) -> Case:
    """A close key's rank as SQL: its edits from the word typed, then how many carry it."""
    return Case(*(When(**{field: key}, then=Value(n.edits * _EDIT + n.persons)) for key, n in near.items()),
                default=Value(9 * _EDIT), output_field=IntegerField())


def _near_words(raw_words: Sequence[str]) -> list[dict[str, dict[str, name_keys.Near]]]:
    """The keys near each typed word, measured from its key and from its key with doubled letters kept ("taar" for
    "tamar" is one slip, but folds to "tar", two edits away): the nearer of the two for each key. One query."""
    forms = {raw: list(dict.fromkeys([fold(raw), fold(raw, doubles=True)])) for raw in raw_words}
    found = name_keys.near([form for each in forms.values() for form in each])
    merged_all = []
    for raw in raw_words:
        merged: dict[str, dict[str, name_keys.Near]] = {NameKey.Kind.FAMILY: {}, NameKey.Kind.GIVEN: {}}
        for form in forms[raw]:
            for kind, keys in found[form].items():
                for key, near in keys.items():
                    if key not in merged[kind] or near.edits < merged[kind][key].edits:
                        merged[kind][key] = near
        merged_all.append(merged)
    return merged_all


def _close_rows(base: QuerySet[Person], raw_words: Sequence[str], limit: int) -> list[tuple[int, ...]]:
    """(id, rank) of persons whose names are within the typo budget of the first and last words typed."""
    f, g = NameKey.Kind.FAMILY, NameKey.Kind.GIVEN
    first, last = _near_words([raw_words[0], raw_words[-1]])  # the same word twice when one was typed
    if len(raw_words) == 1:
        branches = [base.filter(**{f"{field}__in": list(keys)}).annotate(rank=_rank(field, keys))
                    for field, keys in (("family_key", first[f]), ("given_key", first[g])) if keys]
    else:
        branches = [
            base.filter(family_key__in=list(families), given_key__in=list(givens))
            .annotate(rank=_rank("family_key", families) + _rank("given_key", givens))
            for families, givens in ((first[f], last[g]), (last[f], first[g])) if families and givens
        ]
    return _first_rows(branches, limit, ranked=True)


def _in_order(base: QuerySet[Person], ids: list[int]) -> list[Person]:
    by_id = base.select_related("unit", "municipality").in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]
