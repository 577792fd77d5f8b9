from __future__ import annotations

from django.contrib.auth import get_user_model
from django_tasks import task

from sakme.linkage import services


@task()
def link_run_task(run_id: int, user_id: int | None) -> dict[str, object]:
    """Execute a linkage run in the background worker (progress is on the run's page)."""
    actor = get_user_model().objects.filter(pk=user_id).first() if user_id else None
    run = services.link_run_execute(run_id=run_id, actor=actor)
    return {"status": run.status, "counts": run.counts}
