"""Linkage runs: checking what a run is asked to link, creating it (queued for the worker, or run at once from
the command line), listing them, and marking the ones whose process died."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import SYSTEM, Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.common.errors import DomainError
from sakme.geo.access import require
from sakme.linkage import conf, evaluation, selectors, tasks
from sakme.linkage.models import Engine, LinkRun
from sakme.linkage.services.execution import link_run_execute
from sakme.registry.models import ImportBatch, SourceSystem

logger = logging.getLogger(__name__)


def _check_sources(sources: Sequence[str], *, link: bool) -> list[str]:
    codes = list(dict.fromkeys(s.strip() for s in sources if s.strip()))
    known = set(SourceSystem.objects.values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise DomainError(_("Unknown source system(s) %(u)s. Known: %(k)s.")
                          % {"u": ", ".join(unknown), "k": ", ".join(sorted(known))}, code="unknown_source")
    if link and len(codes) < 2:
        raise DomainError(_("Linking needs two or more sources, e.g. ssa,worknet; to find duplicates within one "
                            "source, deduplicate it."), code="too_few_sources")
    if not link and len(codes) != 1:
        raise DomainError(_("Deduplication works on one source at a time."), code="one_source_only")
    return sorted(codes)


# -- creating runs (the web starts them as tasks; commands run them at once) ------------------------------

STARTABLE = (LinkRun.Kind.RUN, LinkRun.Kind.DEDUPE, LinkRun.Kind.BATCH)


@transaction.atomic
def link_run_start(*, actor: Actor, kind: str, sources: Sequence[str] = (), retrain: bool = False,
                   batch_id: int | None = None) -> LinkRun:
    """Register a linkage run and have the worker execute it once the run is committed (the runs page and the
    API)."""
    run = link_run_create(actor=actor, kind=kind, sources=sources, retrain=retrain, batch_id=batch_id)
    user = acting_user(actor)
    user_id = user.pk if user else None
    transaction.on_commit(lambda: tasks.link_run_task.enqueue(run.pk, user_id))
    return run


@transaction.atomic
def link_run_create(*, actor: Actor, kind: str, sources: Sequence[str] = (), retrain: bool = False,
                    engine: str = Engine.DUCKDB, batch_id: int | None = None) -> LinkRun:
    """Register a linkage run waiting for the worker (or for link_run_execute). A batch is linked only by a run of
    kind `batch`; the other kinds ignore it."""
    require(actor, Capability.LINKAGE_RUN)
    if kind not in STARTABLE:
        raise DomainError(_("A linkage run links sources (“run”), deduplicates one (“dedupe”) or links a new import "
                            "batch (“batch”), not “%(k)s”.") % {"k": kind}, code="unknown_kind")
    if kind == LinkRun.Kind.BATCH:
        if batch_id is None:
            raise DomainError(_("Name the import batch to link."), code="batch_missing")
        batch = ImportBatch.objects.select_related("source").filter(pk=batch_id).first()
        if batch is None:
            raise DomainError(_("No import batch %(b)s.") % {"b": batch_id}, code="unknown_batch")
        if batch.status != ImportBatch.Status.SUCCEEDED:
            raise DomainError(_("Import batch %(b)s has not been imported (%(s)s): nothing to link.")
                              % {"b": batch.pk, "s": batch.get_status_display()}, code="batch_not_imported")
        sources = [batch.source.code]
    else:
        batch_id = None  # a batch chosen on the form beside another kind of run is not part of it
        sources = _check_sources(sources, link=kind == LinkRun.Kind.RUN)
    if engine not in Engine.values:
        raise DomainError(_("Unknown engine “%(e)s”: duckdb or spark.") % {"e": engine})
    run = LinkRun.objects.create(kind=kind, sources=list(sources), retrain=retrain, engine=engine,
                                 batch_id=batch_id, started_by=acting_user(actor))
    audit.record(actor=actor, action="linkage.run.create", entity_type="linkage.linkrun", entity_id=run.pk,
                 changes={"kind": kind, "sources": list(sources), "retrain": retrain, "engine": engine,
                          "batch": batch_id})
    return run


def link_run(*, actor: Actor, sources: Sequence[str], retrain: bool = False, engine: str = Engine.DUCKDB) -> LinkRun:
    """Link two or more sources now: train a model if none is active (or when asked), score, store links."""
    run = link_run_create(actor=actor, kind=LinkRun.Kind.RUN, sources=sources, retrain=retrain, engine=engine)
    return link_run_execute(run_id=run.pk, actor=actor)


def link_dedupe(*, actor: Actor, source: str, retrain: bool = False, engine: str = Engine.DUCKDB) -> LinkRun:
    """Find the records of one source that are the same person."""
    run = link_run_create(actor=actor, kind=LinkRun.Kind.DEDUPE, sources=[source], retrain=retrain, engine=engine)
    return link_run_execute(run_id=run.pk, actor=actor)


def link_batch(*, actor: Actor, batch_id: int) -> LinkRun:
    """Link the records of one new import batch against everyone already known, with the active models."""
    run = link_run_create(actor=actor, kind=LinkRun.Kind.BATCH, batch_id=batch_id)
    return link_run_execute(run_id=run.pk, actor=actor)


def link_evaluate(*, actor: Actor, truth: Path | None = None) -> LinkRun:
    """Precision, recall and F1 of the links against a truth file, and of the model against the labels."""
    require(actor, Capability.LINKAGE_REVIEW)
    parsed = evaluation.truth_read(truth) if truth is not None else None
    run = LinkRun.objects.create(kind=LinkRun.Kind.EVALUATE, status=LinkRun.Status.RUNNING,
                                 sources=list(parsed.sources) if parsed else [], started_at=timezone.now(),
                                 started_by=acting_user(actor))
    upper = conf.upper_threshold()
    figures: dict[str, object] = {"upper_threshold": upper, "labels": evaluation.evaluate_against_labels(upper=upper)}
    if parsed is not None:
        figures["truth"] = evaluation.evaluate_against_truth(parsed, upper=upper)
        figures["truth_file"] = truth.name if truth else ""
    with transaction.atomic():
        run.figures = figures
        run.status = LinkRun.Status.SUCCEEDED
        run.finished_at = timezone.now()
        run.save()
        audit.record(actor=actor, action="linkage.evaluate", entity_type="linkage.linkrun", entity_id=run.pk,
                     changes={"truth_file": figures.get("truth_file", "")})
    return run


def link_runs_mark_interrupted() -> int:
    """Runs left 'running' by a process that died (a worker killed, a machine restarted): their progress has been
    silent for SAKME_LINKAGE_STALE_AFTER seconds. Nothing of theirs was stored (the store is written in one
    transaction at the end); say so. Only rows still running and still silent are changed, so a run that
    reported or finished meanwhile keeps its state. Returns how many were marked.
    """
    now = timezone.now()
    cutoff = now - timedelta(seconds=conf.stale_after())
    silent = Q(progress_at__lt=cutoff) | Q(progress_at__isnull=True, started_at__lt=cutoff)
    marked = 0
    for run_id, phase, progress_at in (LinkRun.objects.filter(silent, status=LinkRun.Status.RUNNING)
                                       .values_list("pk", "phase", "progress_at")):
        with transaction.atomic():
            if not LinkRun.objects.filter(silent, pk=run_id, status=LinkRun.Status.RUNNING).update(
                    status=LinkRun.Status.INTERRUPTED, finished_at=now):
                continue
            audit.record(actor=SYSTEM, action="linkage.run.interrupted", entity_type="linkage.linkrun",
                         entity_id=run_id, changes={"phase": phase, "last_progress": progress_at.isoformat()
                                                    if progress_at else None})
        marked += 1
    return marked


def link_runs_list(*, actor: Actor) -> QuerySet[LinkRun]:
    """Linkage runs, for those who run linkage; runs whose process died are marked interrupted first."""
    runs = selectors.runs_for_user(actor)
    link_runs_mark_interrupted()
    return runs


def link_run_get(*, actor: Actor, run_id: int) -> LinkRun:
    """One linkage run as it stands (NotFound otherwise): one left running by a process that died is marked
    interrupted first."""
    run = selectors.run_get_for_user(actor, run_id)
    if run.status == LinkRun.Status.RUNNING and link_runs_mark_interrupted():
        run.refresh_from_db()
    return run
