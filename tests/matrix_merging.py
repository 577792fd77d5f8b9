"""The permission matrix's rows for merging persons: who settles links merges persons and undoes a merge (the data
steward, nationwide); whoever sees a person sees the merges into them (another unit's person is not found).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from sakme.accounts.actors import SYSTEM
from sakme.accounts.roles import Capability, Role, role_can
from sakme.registry.merges import person_merge
from sakme.tests.factories import person as person_of
from tests.matrix_rules import PERSON_ROLES, allowed

MERGERS = {role for role in Role if role_can(role, Capability.PERSON_MERGE)}

# url name -> (method, kwargs kind, rule), as in tests/test_permission_matrix.py
ROWS: dict[str, tuple[str, str | None, dict[str, object]]] = {
    # The steward undoes the unit's merge: sent back to the survivor's page, saying so.
    "registry:person_unmerge": ("post", "merge", allowed(MERGERS, ok=302)),
    "api:person_merge": ("post", None, allowed(MERGERS, anon=401, json=lambda t: {
        "survivor_id": t["merge_a"], "merged_id": t["merge_b"]})),
    "api:person_unmerge": ("post", "merge", allowed(MERGERS, anon=401, json=lambda t: {})),
    "api:person_merges": ("get", "person", allowed(PERSON_ROLES, scoped=True, anon=401)),
}
KINDS: tuple[str, ...] = ("merge",)  # the kinds url() answers for
SCOPED_KINDS: tuple[str, ...] = ()  # merging is nationwide: no other unit's merge to try


def objects(person: Any, household: Any) -> dict[str, int]:
    """Two persons of the unit merged (into a third of the unit, by the system), and two not merged yet."""
    unit = person.unit.code
    kept, gone = person_of(unit=unit, given="მაკა"), person_of(unit=unit, given="მაკა")
    merge = person_merge(actor=SYSTEM, survivor_id=kept.pk, merged_id=gone.pk)
    a, b = person_of(unit=unit, given="ეკა"), person_of(unit=unit, given="ეკა")
    return {"merge": merge.pk, "merge_a": a.pk, "merge_b": b.pk}


def url(name: str, kind: str, target: dict[str, Any]) -> str:
    if kind == "merge":
        return reverse(name, kwargs={"merge_id": target["merge"]})
    raise AssertionError(f"no address for {name} ({kind})")
