"""Links become one person: a steward's "same person" merges the two persons of the pair's records at once, in the
decision's transaction; a run's links do at its end, in the store's transaction, set-based. The rules of a merge
(who survives, whose values, what moves, what blocks it) are the registry's (`registry/merging.py`).

Why at once rather than a button: a steward who says "same person" means one person; a second step would leave
two persons, both half-true, until someone remembers it. What cannot be merged (both persons have a job-seeker
profile or a household membership) leaves the decision standing and says why on the pair (`merge_refused`); the
next run tries again. A wrong merge is undone on the person page (or by deciding the pair "different persons").
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.common.errors import DomainError
from sakme.linkage.models import CandidatePair
from sakme.linkage.store import LINK_STATUSES
from sakme.registry import merges
from sakme.registry.models import PersonMerge, SourceRecord


@dataclass
class PairMerge:
    """What a decision did to the pair's persons: the merge made or undone, or why not."""

    merge: PersonMerge | None = None
    unmerged: PersonMerge | None = None
    refused: DomainError | None = None


def pair_persons_settle(*, actor: Actor, pair: CandidatePair) -> PairMerge:
    """After a decision on `pair` (in its transaction): "same person" merges the two persons of its records; a pair
    merged on its own decision and no longer a link (decided "different persons", or "unsure" after a steward's
    "same person") is unmerged. A refusal is returned, never raised, in a
    savepoint: the decision stands."""
    if not actor.can(Capability.PERSON_MERGE):
        return PairMerge()
    try:
        with transaction.atomic():
            if pair.decision == CandidatePair.Decision.MATCH:
                a, b = (SourceRecord.objects.values_list("person_id", flat=True).get(pk=r)
                        for r in (pair.record_a_id, pair.record_b_id))
                if a == b:
                    return PairMerge()
                return PairMerge(merge=merges.person_merge(actor=actor, survivor_id=a, merged_id=b, pair_id=pair.pk))
            made = PersonMerge.objects.filter(pair_id=pair.pk, unmerged_at__isnull=True).values_list(
                "pk", flat=True).first()
            if made is None or pair.is_link:  # "unsure" on an automatic link keeps it linked
                return PairMerge()
            return PairMerge(unmerged=merges.person_unmerge(actor=actor, merge_id=made))
    except DomainError as exc:
        return PairMerge(refused=exc)


def linked_persons_merge(*, actor: Actor, run_id: int | None) -> dict[str, int]:
    """Merge the persons of every link whose two records belong to two persons (a run's new links, and links a
    merge was refused for before), in the caller's transaction. Counts for the run."""
    if not actor.can(Capability.PERSON_MERGE):
        return {}
    pairs = list(CandidatePair.objects.filter(status__in=LINK_STATUSES)
                 .exclude(record_a__person_id=F("record_b__person_id"))
                 .values_list("record_a__person_id", "record_b__person_id", "pk"))
    done = merges.persons_merge_linked(actor=actor, pairs=pairs, run_id=run_id)
    return {"persons_merged": done.merged, "merges_refused": done.refused,
            "merges_left_unmerged": done.skipped_unmerged}
