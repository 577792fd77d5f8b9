"""Writing audit and access events. Callers run these inside their own transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sakme.audit.models import AccessEvent, AccessKind, AuditEvent


def record(*, actor: Any, action: str, entity_type: str, entity_id: object = "", changes: dict | None = None,
           address: str | None = None) -> AuditEvent:
    """Write one AuditEvent for a change (call inside the transaction of the change)."""
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        entity_type=entity_type,
        entity_id=str(entity_id),
        changes=changes or {},
        address=address,
    )


def record_access(*, actor: Any, person_ids: Iterable[int], kind: AccessKind, context: str = "") -> int:
    """Write one AccessEvent per person shown to or exported by the actor, in one query (the system's own reads,
    by commands and the worker, are audited as the command's change, not here)."""
    if getattr(actor, "pk", None) is None:
        return 0
    events = [AccessEvent(actor=actor, person_id=pid, kind=kind, context=context[:200]) for pid in person_ids]
    AccessEvent.objects.bulk_create(events)
    return len(events)
