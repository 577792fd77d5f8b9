"""Runs whose worker died: a run whose progress has been silent for long is shown and marked interrupted."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AuditEvent
from sakme.linkage import services
from sakme.linkage.models import LinkRun
from sakme.tests.factories import sign_in


def _run(status: str, *, silent_minutes: float | None, phase: str = "scoring") -> LinkRun:
    """A run as a worker leaves it: started, last progress `silent_minutes` ago (None: never reported)."""
    run = services.link_run_create(actor=SYSTEM, kind=LinkRun.Kind.RUN, sources=["ssa", "worknet"])
    started = timezone.now() - timedelta(minutes=(silent_minutes or 0) + 5)
    progress_at = None if silent_minutes is None else timezone.now() - timedelta(minutes=silent_minutes)
    LinkRun.objects.filter(pk=run.pk).update(status=status, started_at=started, progress_at=progress_at, phase=phase,
                                             progress=60)
    return LinkRun.objects.get(pk=run.pk)


def test_only_runs_still_running_and_silent_for_long_are_marked_interrupted(territory, settings):
    settings.SAKME_LINKAGE_STALE_AFTER = 4 * 60
    dead = _run(LinkRun.Status.RUNNING, silent_minutes=31)
    never_reported = _run(LinkRun.Status.RUNNING, silent_minutes=None)  # started 5 minutes ago, then nothing
    alive = _run(LinkRun.Status.RUNNING, silent_minutes=1)
    finished = _run(LinkRun.Status.SUCCEEDED, silent_minutes=600)
    waiting = _run(LinkRun.Status.PENDING, silent_minutes=600)

    assert services.link_runs_mark_interrupted() == 2
    for run in (dead, never_reported, alive, finished, waiting):
        run.refresh_from_db()
    assert dead.status == never_reported.status == LinkRun.Status.INTERRUPTED
    assert dead.finished_at is not None and dead.phase == "scoring" and dead.progress == 60  # where it stopped
    assert (alive.status, finished.status, waiting.status) == ("running", "succeeded", "pending")
    assert alive.finished_at is None
    events = AuditEvent.objects.filter(action="linkage.run.interrupted")
    assert sorted(int(e.entity_id) for e in events) == sorted([dead.pk, never_reported.pk])
    assert events.get(entity_id=str(dead.pk)).changes["phase"] == "scoring"
    assert services.link_runs_mark_interrupted() == 0  # marked once


def test_a_run_reports_progress_as_it_goes(both, settings):
    settings.SAKME_LINKAGE_STALE_AFTER = 0  # any silence at all would count, were the run not finished
    before = timezone.now()
    run = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"])
    run.refresh_from_db()
    assert run.status == LinkRun.Status.SUCCEEDED, run.message
    assert before <= run.started_at <= run.progress_at <= run.finished_at
    assert services.link_runs_mark_interrupted() == 0


def test_the_run_pages_show_a_dead_run_as_interrupted_and_stop_polling(territory, staff, settings):
    settings.SAKME_LINKAGE_STALE_AFTER = 30 * 60
    dead = _run(LinkRun.Status.RUNNING, silent_minutes=45)
    client = sign_in(Client(), staff["data_steward"])
    response = client.get(reverse("linkage:run", kwargs={"run_id": dead.pk}), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "interrupted" in html and "Last sign of life: scoring" in html
    assert "hx-trigger" not in html  # the page stops asking
    dead.refresh_from_db()
    assert dead.status == LinkRun.Status.INTERRUPTED

    other = _run(LinkRun.Status.RUNNING, silent_minutes=45)
    assert "interrupted" in client.get(reverse("linkage:runs")).content.decode()
    other.refresh_from_db()
    assert other.status == LinkRun.Status.INTERRUPTED
