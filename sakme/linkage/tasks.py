from __future__ import annotations

from django_tasks import task

from sakme.accounts.actors import SYSTEM, Actor
from sakme.accounts.models import User
from sakme.linkage import services


@task()
def link_run_task(run_id: int, user_id: int | None) -> dict[str, object]:
    """Execute a linkage run in the background worker (progress is on the run's page), as the user who started it
    (or the system)."""
    actor: Actor = User.objects.get(pk=user_id) if user_id is not None else SYSTEM
    run = services.link_run_execute(run_id=run_id, actor=actor)
    return {"status": run.status, "counts": run.counts}
