"""A steward's "same person" makes one person of a pair's two (in the decision's transaction), "different persons"
undoes it; what cannot be merged leaves the decision standing and says why; a run's links merge at its end."""

from __future__ import annotations

import pytest
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.linkage.models import CandidatePair, LinkageModel
from sakme.linkage.services import pair_decide
from sakme.linkage.services.merges import linked_persons_merge
from sakme.registry.merges import person_unmerge
from sakme.registry.models import (
    Household,
    ImportBatch,
    Membership,
    Person,
    PersonMerge,
    SourceRecord,
    SourceSystem,
)
from sakme.tests.factories import person


def _pair(status: str = CandidatePair.Status.REVIEW, *, key: str = "1") -> CandidatePair:
    """Two records of two persons (Worknet's, then the SSA registry's), scored as a pair."""
    records = []
    for code in ("worknet", "ssa"):
        source = SourceSystem.objects.get(code=code)
        who = person()
        Person.objects.filter(pk=who.pk).update(primary_source=source)
        batch = ImportBatch.objects.create(source=source, file_name="x.csv", file_sha256="0" * 64,
                                           status=ImportBatch.Status.SUCCEEDED)
        records.append(SourceRecord.objects.create(source=source, key=f"{code}-{key}", person=who, batch=batch,
                                                   row=2))
    model, _ = LinkageModel.objects.get_or_create(scope="ssa+worknet", version=1, defaults={
        "link_type": "link_only", "prior": 1e-5, "upper_threshold": 0.99, "lower_threshold": 0.5,
        "trained_at": timezone.now()})
    return CandidatePair.objects.create(record_a=records[0], record_b=records[1], model=model, probability=0.8,
                                        match_weight=2.0, status=status, value=0.3)


def _persons(pair: CandidatePair) -> tuple[int, int]:
    a, b = (SourceRecord.objects.get(pk=r).person_id for r in (pair.record_a_id, pair.record_b_id))
    return a, b


def test_same_person_merges_and_different_persons_unmerges(staff):
    pair = _pair()
    worknet, ssa = _persons(pair)
    decided = pair_decide(actor=staff["data_steward"], pair_id=pair.pk, decision="match", seen_decision="")
    merge = decided.persons.merge
    assert (merge.survivor_id, merge.merged_id, merge.pair_id) == (ssa, worknet, pair.pk)
    assert _persons(pair) == (ssa, ssa) and merge.decided_by == staff["data_steward"]
    revised = pair_decide(actor=staff["data_steward"], pair_id=pair.pk, decision="non_match", seen_decision="match")
    assert revised.persons.unmerged.pk == merge.pk
    assert _persons(pair) == (worknet, ssa)


def test_a_merge_that_cannot_be_done_leaves_the_decision(staff):
    pair = _pair()
    for person_id in _persons(pair):  # both in a household: one membership each
        home = Household.objects.create(source=SourceSystem.objects.get(code="ssa"), key=f"H{person_id}")
        Membership.objects.create(household=home, person_id=person_id)
    decided = pair_decide(actor=staff["data_steward"], pair_id=pair.pk, decision="match", seen_decision="")
    assert decided.persons.refused.code == "merge_conflict"
    assert "registry_membership" in decided.persons.refused.message
    assert CandidatePair.objects.get(pk=pair.pk).status == CandidatePair.Status.ACCEPTED  # the decision stands
    assert not PersonMerge.objects.exists()


def test_a_runs_links_merge_once_and_an_unmerged_pair_stays_apart(staff):
    first, second = _pair(CandidatePair.Status.AUTO_ACCEPTED), _pair(CandidatePair.Status.AUTO_ACCEPTED, key="2")
    _pair(CandidatePair.Status.REVIEW, key="3")  # waiting for a steward: not a link
    assert linked_persons_merge(actor=SYSTEM, run_id=5) == {"persons_merged": 2, "merges_refused": 0,
                                                             "merges_left_unmerged": 0}
    assert set(PersonMerge.objects.values_list("pair_id", "run_id")) == {(first.pk, 5), (second.pk, 5)}
    person_unmerge(actor=SYSTEM, merge_id=PersonMerge.objects.get(pair_id=first.pk).pk)
    assert linked_persons_merge(actor=SYSTEM, run_id=6) == {"persons_merged": 0, "merges_refused": 0,
                                                             "merges_left_unmerged": 1}
    # A steward's "same person" merges them again.
    pair_decide(actor=staff["data_steward"], pair_id=first.pk, decision="match", seen_decision="")
    assert PersonMerge.objects.filter(pair_id=first.pk, unmerged_at__isnull=True).count() == 1


@pytest.mark.parametrize("role", ["counsellor", "analyst"])
def test_a_run_of_someone_who_may_not_merge_merges_nothing(staff, role):
    _pair(CandidatePair.Status.AUTO_ACCEPTED)
    assert linked_persons_merge(actor=staff[role], run_id=1) == {}
    assert not PersonMerge.objects.exists()
