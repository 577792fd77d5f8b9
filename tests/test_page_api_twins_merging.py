"""The unmerge page (the person page's button) and its API twin refuse alike (see `test_page_api_twins.py`)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.test import Client

from sakme.accounts.actors import SYSTEM
from sakme.registry.merges import person_merge, person_unmerge
from sakme.registry.models import PersonMerge
from sakme.tests.factories import person, sign_in
from tests.twins import Twin, mismatches


@dataclass
class MergeWorld:
    undone: PersonMerge  # a merge undone already
    earlier: PersonMerge  # a merge whose survivor was merged into a third person since


@pytest.fixture
def merge_world(staff) -> MergeWorld:
    a, b = person(), person()
    undone = person_merge(actor=SYSTEM, survivor_id=a.pk, merged_id=b.pk)
    person_unmerge(actor=SYSTEM, merge_id=undone.pk)
    c, d, e = person(), person(), person()
    earlier = person_merge(actor=SYSTEM, survivor_id=d.pk, merged_id=e.pk)
    person_merge(actor=SYSTEM, survivor_id=c.pk, merged_id=d.pk)
    return MergeWorld(undone=undone, earlier=earlier)


MERGE_TWINS = [
    Twin("an unmerge of a merge undone already", "data_steward",
         lambda w: (f"/registry/persons/merges/{w.undone.pk}/unmerge/", {}),
         lambda w: (f"/person-merges/{w.undone.pk}/unmerge", {}),
         "merge_undone"),
    Twin("an unmerge before the later merge of its survivor is undone", "data_steward",
         lambda w: (f"/registry/persons/merges/{w.earlier.pk}/unmerge/", {}),
         lambda w: (f"/person-merges/{w.earlier.pk}/unmerge", {}),
         "unmerge_later_merge"),
    Twin("an unmerge by a role that does not merge", "unit_head",
         lambda w: (f"/registry/persons/merges/{w.earlier.pk}/unmerge/", {}),
         lambda w: (f"/person-merges/{w.earlier.pk}/unmerge", {}),
         "permission_denied"),
]


def test_the_unmerge_page_and_the_api_refuse_alike(staff, merge_world):
    clients = {role: sign_in(Client(), staff[role]) for role in {t.role for t in MERGE_TWINS}}
    found = mismatches(MERGE_TWINS, clients, merge_world)
    assert not found, "\n".join(found)


def test_every_merge_page_write_has_a_twin(merge_world):
    walked = {re.sub(r"\d+", "N", t.page(merge_world)[0]) for t in MERGE_TWINS}
    assert {"/registry/persons/merges/N/unmerge/"} <= walked
