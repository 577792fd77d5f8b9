"""Reads of the registry, always starting from the scoping getters of access.py."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from sakme.registry.merges import merges_into
from sakme.registry.models import Enrolment, ImportBatch, Membership, Person, SourceRecord
from sakme.registry.search import SEARCH_LIMIT, SearchResult, person_search

__all__ = ["SEARCH_LIMIT", "SearchResult", "import_batches", "person_page", "person_search"]


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
