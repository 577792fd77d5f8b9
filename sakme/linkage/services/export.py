"""The link store as a CSV file."""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from typing import IO

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.geo.access import require
from sakme.linkage.models import CandidatePair

# -- export ---------------------------------------------------------------------------------------------------

EXPORT_HEADER = ("source_a", "key_a", "source_b", "key_b", "probability", "match_weight", "status", "decision")


def link_export(*, actor: Actor, out: IO[str], statuses: Sequence[str] | None = None) -> int:
    """Write the candidate pairs (source keys, probability, status, decision) as CSV; returns the row count."""
    require(actor, Capability.LINKAGE_REVIEW)
    writer = csv.writer(out)
    writer.writerow(EXPORT_HEADER)
    count = 0
    for row in _export_rows(statuses):
        writer.writerow(row)
        count += 1
    audit.record(actor=actor, action="linkage.export", entity_type="linkage.candidatepair",
                 changes={"rows": count, "statuses": list(statuses or [])})
    return count


def _export_rows(statuses: Sequence[str] | None) -> Iterator[tuple[object, ...]]:
    pairs = CandidatePair.objects.order_by("record_a_id", "record_b_id")
    if statuses:
        pairs = pairs.filter(status__in=statuses)
    rows = pairs.values_list("record_a__source__code", "record_a__key", "record_b__source__code", "record_b__key",
                             "probability", "match_weight", "status", "decision")
    for sa, ka, sb, kb, p, w, status, decision in rows.iterator(chunk_size=10_000):
        yield sa, ka, sb, kb, f"{p:.6f}", f"{w:.3f}", status, decision
