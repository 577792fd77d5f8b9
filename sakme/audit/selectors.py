from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet

from sakme.audit.models import AccessEvent


def access_history(*, person_ids: Sequence[int], limit: int = 50) -> QuerySet[AccessEvent]:
    """The latest accesses to one person's data, newest first, with the actor joined. `person_ids` are the ids the
    person has been seen under: their own, and those of the persons merged into them (events keep the id seen)."""
    return (AccessEvent.objects.filter(person_id__in=list(person_ids)).select_related("actor")
            .order_by("-at")[:limit])
