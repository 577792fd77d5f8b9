from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from sakme.registry import services


@task()
def import_batch_task(batch_id: int, user_id: int | None) -> dict[str, int]:
    """Run an uploaded import batch in the background worker."""
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    batch = services.import_batch_run(batch_id=batch_id, actor=actor)
    return {"created": batch.created, "updated": batch.updated, "errors": batch.error_count}
