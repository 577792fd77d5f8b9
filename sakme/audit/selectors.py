from __future__ import annotations

from django.db.models import QuerySet

from sakme.audit.models import AccessEvent


def access_history(*, person_id: int, limit: int = 50) -> QuerySet[AccessEvent]:
    """The latest accesses to one person's data, newest first, with the actor joined."""
    return AccessEvent.objects.filter(person_id=person_id).select_related("actor").order_by("-at")[:limit]
