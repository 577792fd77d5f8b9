from __future__ import annotations

from django_tasks import task

from sakme.accounts.actors import SYSTEM, Actor
from sakme.accounts.models import User
from sakme.registry import services


@task()
def import_batch_task(batch_id: int, user_id: int | None) -> dict[str, int]:
    """Run an uploaded import batch in the background worker, as the user who uploaded it (or the system)."""
    actor: Actor = User.objects.get(pk=user_id) if user_id is not None else SYSTEM
    batch = services.import_batch_run(batch_id=batch_id, actor=actor)
    return {"created": batch.created, "updated": batch.updated, "errors": batch.error_count}
