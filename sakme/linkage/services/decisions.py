"""Stewards' decisions on candidate pairs."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.common.errors import ConcurrentEdit, DomainError, NotFound
from sakme.geo.access import require
from sakme.linkage import selectors, store
from sakme.linkage.models import CandidatePair
from sakme.linkage.services.merges import pair_persons_settle

# -- stewards' decisions --------------------------------------------------------------------------------------

DECISION_STATUS = {
    CandidatePair.Decision.MATCH: CandidatePair.Status.ACCEPTED,
    CandidatePair.Decision.NON_MATCH: CandidatePair.Status.REJECTED,
}


def pair_decide(*, actor: Actor, pair_id: int, decision: str, seen_decision: str | None = None) -> CandidatePair:
    """Record a steward's decision on a pair of their units: same person (linked), different persons (kept apart)
    or unsure.

    `seen_decision` is the decision the steward saw; if someone decided the pair meanwhile, the decision is
    refused (ConcurrentEdit) rather than silently overwritten. The clusters of both records are rebuilt. "Same
    person" merges the persons of the two records in the same transaction (`merges.pair_persons_settle`; what a
    merge did or why it could not is `pair.persons`); a pair merged on its decision and decided otherwise now is
    unmerged.
    """
    require(actor, Capability.LINKAGE_REVIEW)
    if decision not in (CandidatePair.Decision.MATCH, CandidatePair.Decision.NON_MATCH,
                        CandidatePair.Decision.UNSURE):
        raise DomainError(_("A decision is “match”, “non_match” or “unsure”."), code="invalid_decision")
    with transaction.atomic():
        store.lock()
        # Only the pair is locked, not the records and persons the units are read through.
        pair = selectors.pairs_for_user(actor).select_for_update(of=("self",)).filter(pk=pair_id).first()
        if pair is None:
            raise NotFound(_("No such pair."))
        if seen_decision is not None and pair.decision != seen_decision:
            raise ConcurrentEdit(_("Someone decided this pair meanwhile (%(d)s). Reload it and decide again.")
                                 % {"d": pair.get_decision_display()})
        before = {"status": pair.status, "decision": pair.decision}
        pair.decision = decision
        if decision in DECISION_STATUS:
            pair.status = DECISION_STATUS[CandidatePair.Decision(decision)]
        elif pair.status != CandidatePair.Status.AUTO_ACCEPTED:
            pair.status = CandidatePair.Status.REVIEW
        pair.decided_by = acting_user(actor)
        pair.decided_at = timezone.now()
        pair.save(update_fields=["decision", "status", "decided_by", "decided_at"])
        if before["status"] != pair.status:
            store.clusters_rebuild_around([pair.record_a_id, pair.record_b_id])
        # "Same person" merges the two persons; the view says what came of it.
        pair.persons = pair_persons_settle(actor=actor, pair=pair)  # type: ignore[attr-defined]
        audit.record(actor=actor, action="linkage.pair.decide", entity_type="linkage.candidatepair",
                     entity_id=pair.pk, changes={"before": before,
                                                 "after": {"status": pair.status, "decision": pair.decision},
                                                 "probability": pair.probability})
    return pair
