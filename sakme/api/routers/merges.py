"""Merging persons found to be one and undoing it, over the same services as the person page (`registry/merges.py`);
refusals become problem details (`sakme.api.errors`)."""

from __future__ import annotations

from typing import Any

from ninja import Router

from sakme.accounts.actors import AuthedRequest
from sakme.api.errors import ERRORS
from sakme.api.schemas.merges import MergeIn, MergeOut
from sakme.audit.models import AccessKind
from sakme.registry import merges
from sakme.registry.models import PersonMerge

router = Router(tags=["registry"])


def merge_out(m: PersonMerge) -> dict[str, Any]:
    return {"id": m.pk, "survivor_id": m.survivor_id, "merged_id": m.merged_id,
            "moved": {name: len(ids) for name, ids in m.moved.items()}, "filled": m.filled, "pair_id": m.pair_id,
            "run_id": m.run_id, "decided_by_id": m.decided_by_id, "decided_at": m.decided_at,
            "unmerged_by_id": m.unmerged_by_id, "unmerged_at": m.unmerged_at}


@router.post("/person-merges", response={200: MergeOut, **ERRORS})
def person_merge(request: AuthedRequest, body: MergeIn) -> Any:
    """Merge two persons found to be one: every row of the merged person moves to the survivor, which keeps its
    values and takes the merged person's where it had none (422 `merge_conflict` when both hold a row a person has
    only once, naming it)."""
    return merge_out(merges.person_merge(actor=request.user, survivor_id=body.survivor_id, merged_id=body.merged_id,
                                         pair_id=body.pair_id))


@router.post("/person-merges/{merge_id}/unmerge", response={200: MergeOut, **ERRORS})
def person_unmerge(request: AuthedRequest, merge_id: int) -> Any:
    """Undo a merge: both persons and every moved row back (422 `merge_undone`, `unmerge_later_merge`)."""
    return merge_out(merges.person_unmerge(actor=request.user, merge_id=merge_id))


@router.get("/persons/{person_id}/merges", response={200: list[MergeOut], **ERRORS})
def person_merges(request: AuthedRequest, person_id: int) -> Any:
    """The merges into a person of the caller's units, undone ones too, the newest first."""
    found = merges.person_merges_for_user(request.user, person_id, kind=AccessKind.API, context=request.path)
    return [merge_out(m) for m in found]
