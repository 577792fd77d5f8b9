"""Merging persons and undoing it (the use cases; the mechanics and the rules are in merging.py).

`person_merge` merges two persons a steward (or the linkage) found to be one; `persons_merge_linked` merges many at
once, set-based, for a linkage run's links; `person_unmerge` undoes a merge. Each checks `person.merge`, owns its
transaction and writes its audit events.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import DomainError, NotFound
from sakme.geo.access import require, unit_scope_for_user
from sakme.registry import merging
from sakme.registry.access import person_get_for_user
from sakme.registry.models import Person, PersonMerge


def _locked_persons(actor: Actor, ids: Sequence[int]) -> dict[int, Person]:
    """The persons (merged or not) in the actor's units, locked in the order of their ids (NotFound otherwise)."""
    found = {p.pk: p for p in Person.objects.select_for_update().filter(
        unit_scope_for_user(actor).filter("unit_id"), pk__in=list(ids)).order_by("pk")}
    if len(found) != len(set(ids)):
        raise NotFound(_("No such person in your units."))
    return found


def person_merge(*, actor: Actor, survivor_id: int, merged_id: int, pair_id: int | None = None,
                 run_id: int | None = None) -> PersonMerge:
    """Merge two persons into one (see merging.py for the rules).

    `survivor_id` and `merged_id` name the two persons; the rule (the primary source ranked first, then the older
    id) decides which survives, so that the same two persons always merge the same way: the returned merge says.
    Refused: a person with themself (`merge_same_person`), a person already merged into someone
    (`merge_already_merged`), both holding a row a person has only once (`merge_conflict`, naming the table).
    """
    require(actor, Capability.PERSON_MERGE)
    if survivor_id == merged_id:
        raise DomainError(_("A person cannot be merged with themself."), code="merge_same_person")
    with transaction.atomic():
        persons = _locked_persons(actor, [survivor_id, merged_id])
        gone = [p for p in persons.values() if p.merged_into_id is not None]
        if gone:
            raise DomainError(_("Person %(p)s was merged into person %(s)s already.")
                              % {"p": gone[0].pk, "s": gone[0].merged_into_id}, code="merge_already_merged")
        planned = merging.plan([(survivor_id, merged_id, pair_id)])
        merge = planned.merges[0]
        if merge.refused:
            raise merging.conflict_error(merge)
        return merging.execute([merge], decided_by=acting_user(actor), run_id=run_id, now=timezone.now())[0]


@dataclass
class LinkedMerges:
    merged: int
    refused: int
    skipped_unmerged: int


def persons_merge_linked(*, actor: Actor, pairs: Sequence[tuple[int, int, int]], run_id: int | None = None
                         ) -> LinkedMerges:
    """Merge the persons of linked records (person a, person b, pair id), many at once, in the caller's transaction
    (a linkage run's, once its links are written). Persons merged before and unmerged since are left apart (a steward
    said they are two: only a steward merges them again); persons a unique row blocks are left apart and counted."""
    require(actor, Capability.PERSON_MERGE)
    edges = [(a, b, p) for a, b, p in pairs if a != b]
    if not edges:
        return LinkedMerges(0, 0, 0)
    touched = {x for a, b, _p in edges for x in (a, b)}
    undone = {frozenset(pair) for pair in PersonMerge.objects.filter(
        unmerged_at__isnull=False, survivor_id__in=touched, merged_id__in=touched).values_list(
        "survivor_id", "merged_id")}
    kept = [e for e in edges if frozenset(e[:2]) not in undone]
    planned = merging.plan(kept)
    merging.execute(planned.accepted, decided_by=acting_user(actor), run_id=run_id, now=timezone.now(),
                    action="person.merge.linked")
    return LinkedMerges(len(planned.accepted), len(planned.refused), len(edges) - len(kept))


def person_unmerge(*, actor: Actor, merge_id: int) -> PersonMerge:
    """Undo a merge: both persons back as they were, every row the merge moved back with the merged person.

    Handled: rows created for the survivor since stay with it (nobody can tell whose they were); a field the merge
    filled and someone changed since keeps today's value; a moved row deleted since stays deleted. Refused: a merge
    undone already (`merge_undone`), and one whose survivor was merged into a third person since
    (`unmerge_later_merge`: undo that later merge first, the rows of both having moved on with it).
    """
    require(actor, Capability.PERSON_MERGE)
    with transaction.atomic():
        merge = PersonMerge.objects.select_for_update().filter(pk=merge_id).first()
        if merge is None:
            raise NotFound(_("No such merge."))
        persons = _locked_persons(actor, [merge.survivor_id, merge.merged_id])
        merge.survivor, merge.merged = persons[merge.survivor_id], persons[merge.merged_id]
        if merge.unmerged_at is not None:
            raise DomainError(_("This merge was undone already."), code="merge_undone")
        if merge.survivor.merged_into_id is not None:
            raise DomainError(_("Person %(s)s was merged into person %(t)s since: undo that merge first.")
                              % {"s": merge.survivor_id, "t": merge.survivor.merged_into_id},
                              code="unmerge_later_merge")
        undone = merging.undo(merge)
        merge.unmerged_by = acting_user(actor)
        merge.unmerged_at = timezone.now()
        merge.save(update_fields=["unmerged_by", "unmerged_at"])
        audit.record(actor=actor, action="person.unmerge", entity_type="registry.personmerge", entity_id=merge.pk,
                     changes={"survivor": merge.survivor_id, "merged": merge.merged_id, "returned": undone.returned,
                              "stayed": undone.stayed, "kept": undone.kept})
    return merge


def person_merges_for_user(user: Actor, person_id: int, *, kind: AccessKind = AccessKind.VIEW,
                           context: str = "") -> list[PersonMerge]:
    """The merges into a person of the user's units, the newest first, with the persons merged (their view logged
    with the person's)."""
    person = person_get_for_user(user, person_id, kind=kind, context=context)
    merges = list(merges_into(person))
    audit.record_access(actor=user, person_ids=sorted({m.merged_id for m in merges}), kind=AccessKind.LISTED,
                        context=context)
    return merges


def merges_into(person: Person) -> QuerySet[PersonMerge]:
    """The merges into a person (undone ones too), with who decided and undid them (the caller logs the persons)."""
    return (PersonMerge.objects.filter(survivor=person).select_related("merged", "decided_by", "unmerged_by")
            .order_by("-decided_at", "-pk"))
