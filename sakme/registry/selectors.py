"""Reads of the registry, always starting from the scoping getters of access.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.georgian import fold
from sakme.registry import name_keys, personal_numbers
from sakme.registry.access import persons_for_user
from sakme.registry.merges import merges_into
from sakme.registry.models import Enrolment, ImportBatch, Membership, NameKey, Person, SourceRecord

SEARCH_LIMIT = 25
_KEY_END = "{"  # the character after "z": keys hold a-z and spaces only, compared under the C collation
_NAME_ORDER = ("family_key", "given_key", "id")


def _prefix(field: str, key: str) -> Q:
    return Q(**{f"{field}__gte": key, f"{field}__lt": key + _KEY_END})


@dataclass
class SearchResult:
    persons: list[Person]
    fuzzy: bool
    whole_number_needed: bool = False  # digits typed, but not all eleven: numbers are found whole only


def person_search(*, user: Any, query: str, limit: int = SEARCH_LIMIT) -> SearchResult:
    """Persons in the user's scope by their whole personal number (found by its keyed hash: the database holds no
    number to search in part), or by name in either script.

    Names match whatever the script or the usual transliteration variant; when nothing starts with the
    words typed, names within one or two typing errors are offered, the closest first.
    """
    base = persons_for_user(user)
    query = query.strip()
    digits = query.replace(" ", "")
    fuzzy = False
    ids: list[int] = []
    if digits.isdigit():
        number = personal_numbers.whole_number(digits)
        if number is None:
            return SearchResult([], False, whole_number_needed=True)
        ids = list(base.filter(personal_number_digest=personal_numbers.digest(number)).values_list("id", flat=True))
    else:
        raw_words = [w for w in query.split() if fold(w)]
        if not raw_words:
            return SearchResult([], False)
        words = [fold(w) for w in raw_words]
        # The last word may stop inside a digraph ("Berid" of "Beridze" folds to "berid", the name to "berize").
        endings = {fold(raw_words[-1] + tail) for tail in ("", "h", "z", "s")}
        ids = _first_ids([base.filter(q) for q in _name_branches(words[:-1], endings)], limit)
        if not ids and len(words[0]) >= 3:
            fuzzy = True
            ids = _fuzzy_ids(base, words, limit)
    found = _in_order(base, ids)
    audit.record_access(actor=user, person_ids=[p.pk for p in found], kind=AccessKind.SEARCH,
                        context=personal_numbers.mask_text(query)[:200])
    return SearchResult(found, fuzzy)


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


def _first_ids(branches: Sequence[QuerySet[Any]], limit: int, *, ranked: bool = False) -> list[int]:
    """Ids of the first `limit` persons of the branches together, in one query.

    Each branch is read in its own index order with its own LIMIT and the few rows left are merged: one OR of
    the branches would let the planner trade the index ranges for the sort order and walk the whole index.
    Ranked branches carry a `rank` annotation (fewer edits first).
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
    sql = f"SELECT id FROM ({' UNION '.join(parts)}) AS found ORDER BY {', '.join(order)} LIMIT {int(limit)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]


def _distance(field: str, near: dict[str, int]) -> Case:
    """The edit distance of the person's key from the word typed, as SQL."""
    return Case(*(When(**{field: key}, then=Value(d)) for key, d in near.items()), default=Value(9),
                output_field=IntegerField())


def _fuzzy_ids(base: QuerySet[Person], words: list[str], limit: int) -> list[int]:
    """Persons whose names are within the typo budget of the words typed, fewest edits first, then by name."""
    near = name_keys.near([words[0], words[-1]])
    f, g = NameKey.Kind.FAMILY, NameKey.Kind.GIVEN
    first, last = near[words[0]], near[words[-1]]
    if len(words) == 1:
        branches = [base.filter(**{f"{field}__in": list(keys)}).annotate(rank=_distance(field, keys))
                    for field, keys in (("family_key", first[f]), ("given_key", first[g])) if keys]
    else:
        branches = [
            base.filter(family_key__in=list(families), given_key__in=list(givens))
            .annotate(rank=_distance("family_key", families) + _distance("given_key", givens))
            for families, givens in ((first[f], last[g]), (last[f], first[g])) if families and givens
        ]
    return _first_ids(branches, limit, ranked=True)


def _in_order(base: QuerySet[Person], ids: list[int]) -> list[Person]:
    by_id = base.select_related("unit", "municipality").in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def person_page(*, person: Person) -> dict[str, Any]:
    """Everything the person page shows, in a constant number of queries."""
    membership = (
        Membership.objects.filter(person=person).select_related("household__unit", "household__source").first()
    )
    household = membership.household if membership else None
    members: list[Membership] = []
    enrolments: list[Enrolment] = []
    if household is not None:
        members = list(household.memberships.select_related("person").order_by("person__birth_date"))
        enrolments = list(household.enrolments.order_by("-assessment_date"))
    records = list(SourceRecord.objects.filter(person=person).select_related("source", "batch", "municipality"))
    return {"membership": membership, "household": household, "members": members, "enrolments": enrolments,
            "records": records, "merges": list(merges_into(person))}


def import_batches(*, limit: int = 50) -> QuerySet[ImportBatch]:
    """Latest import batches with their source and author."""
    return ImportBatch.objects.select_related("source", "created_by").order_by("-created_at")[:limit]
