"""Reads of the registry, always starting from the scoping getters of access.py."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.georgian import fold
from sakme.registry.access import persons_for_user
from sakme.registry.models import Enrolment, ImportBatch, Membership, Person, SourceRecord

SEARCH_LIMIT = 25
_KEY_END = "{"  # the character after "z": keys hold a-z and spaces only


def _prefix(field: str, key: str) -> Q:
    return Q(**{f"{field}__gte": key, f"{field}__lt": key + _KEY_END})


def _within(a: str, b: str, limit: int) -> bool:
    """Levenshtein distance of a and b is at most `limit` (banded, stops early)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
        if min(current) > limit:
            return False
        previous = current
    return previous[-1] <= limit


def _near_keys(queryset: QuerySet[Person], field: str, key: str) -> list[str]:
    """Keys in the data within one or two edits of `key` (typos), among those with its first letter."""
    limit = 1 if len(key) <= 5 else 2
    candidates = (
        queryset.filter(_prefix(field, key[0])).order_by().values_list(field, flat=True).distinct()
    )
    return [k for k in candidates if abs(len(k) - len(key)) <= limit and _within(k, key, limit)][:50]


@dataclass
class SearchResult:
    persons: list[Person]
    fuzzy: bool


def person_search(*, user: Any, query: str, limit: int = SEARCH_LIMIT) -> SearchResult:
    """Persons in the user's scope by personal number (or its start), or by name in either script.

    Names match whatever the script or the usual transliteration variant; when nothing starts with the
    words typed, names within one or two typing errors are offered.
    """
    base = persons_for_user(user).select_related("unit", "municipality")
    query = query.strip()
    digits = query.replace(" ", "")
    fuzzy = False
    if digits.isdigit():
        found = list(base.filter(personal_number__gte=digits, personal_number__lt=digits + "a")
                     .order_by("personal_number")[:limit]) if len(digits) >= 3 else []
    else:
        raw_words = [w for w in query.split() if fold(w)]
        if not raw_words:
            return SearchResult([], False)
        words = [fold(w) for w in raw_words]
        # The last word may stop inside a digraph ("Berid" of "Beridze" folds to "berid", the name to "berize").
        endings = {fold(raw_words[-1] + tail) for tail in ("", "h", "z", "s")}
        found = list(base.filter(_name_filter(words[:-1], endings)).order_by("family_key", "given_key", "id")[:limit])
        if not found and len(words[0]) >= 3:
            fuzzy = True
            found = _fuzzy(base, words, limit)
    audit.record_access(actor=user, person_ids=[p.pk for p in found], kind=AccessKind.SEARCH,
                        context=query[:200])
    return SearchResult(found, fuzzy)


def _name_filter(head: list[str], endings: set[str]) -> Q:
    """Whole words first, the last word as a prefix; family and given name in either order."""
    condition = Q(pk__in=[])
    for last in endings:
        if not head:
            condition |= _prefix("family_key", last) | _prefix("given_key", last)
            continue
        first, rest = head[0], " ".join([*head[1:], last])
        joined = " ".join(head)
        condition |= (
            (Q(family_key=first) & _prefix("given_key", rest))
            | (Q(given_key=first) & _prefix("family_key", rest))
            | (Q(family_key=joined) & _prefix("given_key", last))
            | (Q(given_key=joined) & _prefix("family_key", last))
        )
    return condition


def _fuzzy(base: QuerySet[Person], words: list[str], limit: int) -> list[Person]:
    if len(words) == 1:
        families = _near_keys(base, "family_key", words[0])
        givens = _near_keys(base, "given_key", words[0])
        condition = Q(family_key__in=families) | Q(given_key__in=givens)
    else:
        a, b = words[0], words[-1]
        condition = (
            Q(family_key__in=_near_keys(base, "family_key", a)) & Q(given_key__in=_near_keys(base, "given_key", b))
        ) | (
            Q(given_key__in=_near_keys(base, "given_key", a)) & Q(family_key__in=_near_keys(base, "family_key", b))
        )
    return list(base.filter(condition).order_by("family_key", "given_key", "id")[:limit])


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
            "records": records}


def import_batches(*, limit: int = 50) -> QuerySet[ImportBatch]:
    """Latest import batches with their source and author."""
    return ImportBatch.objects.select_related("source", "created_by").order_by("-created_at")[:limit]
