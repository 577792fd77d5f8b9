"""Writes of linkage: runs (link, deduplicate, incremental batch), evaluations, stewards' decisions.

Each service checks its capability (actor None = the command line, trusted like manage.py), writes its
audit events, and owns its transactions. A run keeps no database transaction open while Splink works:
progress is written to the LinkRun row as it goes, and the store is replaced in one transaction at the end.
"""

from __future__ import annotations

import csv
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import IO, Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.common.errors import ConcurrentEdit, DomainError, PermissionDenied
from sakme.linkage import cache, conf, evaluation, scoring, store
from sakme.linkage.backends import Backend, duckdb_connection
from sakme.linkage.blocking import TooManyPairs, check_blocking
from sakme.linkage.models import CandidatePair, Engine, LinkageModel, LinkRun, LinkType
from sakme.linkage.preparation import prepare
from sakme.linkage.records import read_records
from sakme.linkage.specification import BLOCKING_RULES
from sakme.linkage.training import register_inputs, train
from sakme.registry.models import ImportBatch, SourceSystem

logger = logging.getLogger(__name__)
Progress = Callable[[str, int], None]
# The phases a run reports (stored in English, shown translated in the "linkage phase" context; listed here
# for the catalogue).
PHASES = (pgettext_lazy("linkage phase", "reading"), pgettext_lazy("linkage phase", "preparing"),
          pgettext_lazy("linkage phase", "checking blocks"), pgettext_lazy("linkage phase", "training"),
          pgettext_lazy("linkage phase", "scoring"), pgettext_lazy("linkage phase", "storing"),
          pgettext_lazy("linkage phase", "clustering"), pgettext_lazy("linkage phase", "caching"),
          pgettext_lazy("linkage phase", "total"))


def _require(actor: Any, capability: Capability) -> None:
    if actor is not None and not (getattr(actor, "is_authenticated", False) and actor.can(capability)):
        raise PermissionDenied(_("Your role does not allow this."))


def scope_of(sources: Sequence[str]) -> str:
    """The name of what a model links: its source codes, sorted, joined by '+'."""
    return "+".join(sorted(sources))


def _check_sources(sources: Sequence[str], *, link: bool) -> list[str]:
    codes = list(dict.fromkeys(s.strip() for s in sources if s.strip()))
    known = set(SourceSystem.objects.values_list("code", flat=True))
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise DomainError(_("Unknown source system(s) %(u)s. Known: %(k)s.")
                          % {"u": ", ".join(unknown), "k": ", ".join(sorted(known))})
    if link and len(codes) < 2:
        raise DomainError(_("Linking needs two or more sources, e.g. ssa,worknet; to find duplicates within one "
                            "source, deduplicate it."))
    if not link and len(codes) != 1:
        raise DomainError(_("Deduplication works on one source at a time."))
    return sorted(codes)


# -- creating runs (the web starts them as tasks; commands run them at once) ------------------------------

@transaction.atomic
def link_run_create(*, actor: Any, kind: str, sources: Sequence[str] = (), retrain: bool = False,
                    engine: str = Engine.DUCKDB, batch_id: int | None = None) -> LinkRun:
    """Register a linkage run waiting for the worker (or for link_run_execute)."""
    _require(actor, Capability.LINKAGE_RUN)
    if kind == LinkRun.Kind.BATCH:
        if batch_id is None:
            raise DomainError(_("Name the import batch to link."))
        batch = ImportBatch.objects.select_related("source").get(pk=batch_id)
        if batch.status != ImportBatch.Status.SUCCEEDED:
            raise DomainError(_("Import batch %(b)s has not been imported (%(s)s): nothing to link.")
                              % {"b": batch.pk, "s": batch.get_status_display()})
        sources = [batch.source.code]
    elif kind in (LinkRun.Kind.RUN, LinkRun.Kind.DEDUPE):
        sources = _check_sources(sources, link=kind == LinkRun.Kind.RUN)
    if engine not in Engine.values:
        raise DomainError(_("Unknown engine “%(e)s”: duckdb or spark.") % {"e": engine})
    run = LinkRun.objects.create(kind=kind, sources=list(sources), retrain=retrain, engine=engine,
                                 batch_id=batch_id, started_by=actor if actor else None)
    audit.record(actor=actor, action="linkage.run.create", entity_type="linkage.linkrun", entity_id=run.pk,
                 changes={"kind": kind, "sources": list(sources), "retrain": retrain, "engine": engine,
                          "batch": batch_id})
    return run


def link_run(*, actor: Any, sources: Sequence[str], retrain: bool = False, engine: str = Engine.DUCKDB) -> LinkRun:
    """Link two or more sources now: train a model if none is active (or when asked), score, store links."""
    run = link_run_create(actor=actor, kind=LinkRun.Kind.RUN, sources=sources, retrain=retrain, engine=engine)
    return link_run_execute(run_id=run.pk, actor=actor)


def link_dedupe(*, actor: Any, source: str, retrain: bool = False, engine: str = Engine.DUCKDB) -> LinkRun:
    """Find the records of one source that are the same person."""
    run = link_run_create(actor=actor, kind=LinkRun.Kind.DEDUPE, sources=[source], retrain=retrain, engine=engine)
    return link_run_execute(run_id=run.pk, actor=actor)


def link_batch(*, actor: Any, batch_id: int) -> LinkRun:
    """Link the records of one new import batch against everyone already known, with the active models."""
    run = link_run_create(actor=actor, kind=LinkRun.Kind.BATCH, batch_id=batch_id)
    return link_run_execute(run_id=run.pk, actor=actor)


def link_evaluate(*, actor: Any, truth: Path | None = None) -> LinkRun:
    """Precision, recall and F1 of the links against a truth file, and of the model against the labels."""
    _require(actor, Capability.LINKAGE_REVIEW)
    parsed = evaluation.truth_read(truth) if truth is not None else None
    run = LinkRun.objects.create(kind=LinkRun.Kind.EVALUATE, status=LinkRun.Status.RUNNING,
                                 sources=list(parsed.sources) if parsed else [], started_at=timezone.now(),
                                 started_by=actor if actor else None)
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


# -- executing runs -----------------------------------------------------------------------------------------

class _Tracker:
    """Phase, percentage and timings of a run, written to its row as they change (no transaction held)."""

    def __init__(self, run: LinkRun) -> None:
        self.run = run
        self.started = self.mark = time.perf_counter()

    def __call__(self, phase: str, percent: int) -> None:
        now = time.perf_counter()
        if self.run.phase:
            self.run.timings[self.run.phase] = round(self.run.timings.get(self.run.phase, 0) + now - self.mark, 2)
        self.mark = now
        self.run.phase, self.run.progress, self.run.progress_at = phase, percent, timezone.now()
        LinkRun.objects.filter(pk=self.run.pk).update(phase=phase, progress=percent, timings=self.run.timings,
                                                      progress_at=self.run.progress_at)

    def finish(self) -> None:
        self("", 100)
        self.run.timings["total"] = round(time.perf_counter() - self.started, 2)


def link_run_execute(*, run_id: int, actor: Any = None) -> LinkRun:
    """Execute a pending run. Refusals (too many pairs, nothing to link) end the run with their message."""
    _require(actor, Capability.LINKAGE_RUN)
    with transaction.atomic():
        run = LinkRun.objects.select_for_update().get(pk=run_id)
        if run.status != LinkRun.Status.PENDING:
            raise DomainError(_("Linkage run %(r)s has already run (%(s)s).")
                              % {"r": run.pk, "s": run.get_status_display()})
        run.status, run.started_at = LinkRun.Status.RUNNING, timezone.now()
        run.progress_at = run.started_at
        run.save(update_fields=["status", "started_at", "progress_at"])
    tracker = _Tracker(run)
    try:
        if run.kind == LinkRun.Kind.BATCH:
            _execute_batch(run, tracker, actor)
        else:
            _execute_full(run, tracker, actor)
        run.status = LinkRun.Status.SUCCEEDED
    except (TooManyPairs, DomainError) as exc:
        run.status, run.message = LinkRun.Status.REFUSED, str(exc)
    except Exception as exc:
        logger.exception("linkage run %s failed", run.pk)
        run.status, run.message = LinkRun.Status.FAILED, _("The run stopped: %(e)s") % {"e": exc}
        _finish(run, tracker, actor)
        raise
    _finish(run, tracker, actor)
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
            audit.record(actor=None, action="linkage.run.interrupted", entity_type="linkage.linkrun",
                         entity_id=run_id, changes={"phase": phase, "last_progress": progress_at.isoformat()
                                                    if progress_at else None})
        marked += 1
    return marked


def _finish(run: LinkRun, tracker: _Tracker, actor: Any) -> None:
    tracker.finish()
    run.finished_at = timezone.now()
    with transaction.atomic():
        run.save()
        audit.record(actor=actor, action=f"linkage.run.{run.status}", entity_type="linkage.linkrun",
                     entity_id=run.pk, changes={"kind": run.kind, "sources": run.sources, "counts": run.counts,
                                                "model": run.model_id, "message": run.message[:500]})


def _scope_models(scope: str) -> list[int]:
    return list(LinkageModel.objects.filter(scope=scope).values_list("pk", flat=True))


def _model_save(scope: str, link: bool, sources: list[str], splink_model: dict[str, Any], prior: float,
                summary: dict[str, Any], actor: Any) -> LinkageModel:
    with transaction.atomic():
        latest = LinkageModel.objects.select_for_update().filter(scope=scope).aggregate(v=Max("version"))["v"] or 0
        LinkageModel.objects.filter(scope=scope, active=True).update(active=False)
        model = LinkageModel.objects.create(
            scope=scope, version=latest + 1, link_type=LinkType.LINK if link else LinkType.DEDUPE, sources=sources,
            splink_model=splink_model, prior=prior, upper_threshold=conf.upper_threshold(),
            lower_threshold=conf.lower_threshold(), active=True, training=summary,
            trained_by=actor if getattr(actor, "pk", None) else None, trained_at=timezone.now(),
        )
        audit.record(actor=actor, action="linkage.model.train", entity_type="linkage.linkagemodel",
                     entity_id=model.pk, changes={"scope": scope, "version": model.version, "prior": prior,
                                                  "deterministic_matches": summary.get("deterministic_matches")})
    return model


def _execute_full(run: LinkRun, tracker: _Tracker, actor: Any) -> None:
    link = run.kind == LinkRun.Kind.RUN
    sources, scope = list(run.sources), scope_of(run.sources)
    con = duckdb_connection()
    backend = Backend.open(con, run.engine)
    try:
        tracker("reading", 5)
        read = read_records(con, sources=sources)
        tracker("preparing", 10)
        prepared = prepare(con, raw="raw_records", out="prepared_records")
        batches = set(ImportBatch.objects.filter(source__code__in=sources, status=ImportBatch.Status.SUCCEEDED)
                      .values_list("pk", flat=True))
        per_source = dict(con.execute("SELECT source_dataset, count(*) FROM prepared_records GROUP BY 1").fetchall())
        run.counts = {"records": read, **{f"records_{s}": int(per_source.get(s, 0)) for s in sources}}
        empty = [s for s in sources if not per_source.get(s)]
        if empty:
            raise DomainError(_("Nothing to link: source(s) %(s)s have no records. Import them first.")
                              % {"s": ", ".join(empty)})
        tracker("checking blocks", 15)
        try:
            report = check_blocking(con, "prepared_records", BLOCKING_RULES, link=link, sources=sources,
                                    limit=conf.max_pairs())
        except TooManyPairs as exc:
            run.counts["blocking"] = exc.report.as_dict()
            raise
        run.counts["blocked_pairs_at_most"] = report.pairs
        run.counts["blocking"] = report.as_dict()
        inputs = register_inputs(backend, "prepared_records", sources, link=link)
        model = LinkageModel.objects.filter(scope=scope, active=True).first()
        if model is None or run.retrain:
            tracker("training", 20)
            splink_model, prior, summary = train(backend, inputs, progress=tracker)
            model = _model_save(scope, link, sources, splink_model, prior, summary, actor)
        run.model = model
        LinkRun.objects.filter(pk=run.pk).update(model=model)
        tracker("scoring", 60)
        scoring.score(backend, inputs, model.splink_model, lower=model.lower_threshold)
        scored = scoring.classify(con, model.splink_model, upper=model.upper_threshold, link=link)
        tracker("storing", 85)
        with transaction.atomic():
            store.lock()
            counts = store.pairs_write(con, model_id=model.pk, run_id=run.pk, scope_model_ids=_scope_models(scope))
            tracker("clustering", 92)  # written with the store, seen when it commits
            clusters = store.clusters_rebuild_all()
        run.counts.update({"scored_pairs": scored, "auto_accepted": counts.get("auto_accepted", 0),
                           "review": counts.get("review", 0), "clusters": clusters, "prepared": prepared})
        if run.engine == Engine.DUCKDB:
            tracker("caching", 95)
            cache.cache_save(con, scope, "prepared_records", batches)
    finally:
        backend.close()
        con.close()


def _execute_batch(run: LinkRun, tracker: _Tracker, actor: Any) -> None:
    """Link one import batch against the prepared records of every active model that covers its source."""
    assert run.batch_id is not None
    source = run.sources[0]
    models = [m for m in LinkageModel.objects.filter(active=True) if source in m.sources]
    if not models:
        raise DomainError(_("No trained model links source “%(s)s” yet: run a full linkage first.") % {"s": source})
    run.counts = {"models": [str(m) for m in models]}
    touched: set[int] = set()
    for index, model in enumerate(models):
        tracker("scoring", 10 + 80 * index // len(models))
        touched |= _batch_against(run, model)
    tracker("clustering", 90)
    with transaction.atomic():
        store.lock()
        run.counts["clusters_rebuilt"] = store.clusters_rebuild_around(touched)
    run.model = models[0]


def _batch_against(run: LinkRun, model: LinkageModel) -> set[int]:
    link = model.link_type == LinkType.LINK
    sources = list(model.sources)
    con = duckdb_connection()
    backend = Backend.open(con)
    try:
        known = cache.cache_load(con, model.scope, "existing_records")
        batch_id = int(run.batch_id or 0)
        all_batches = set(ImportBatch.objects.filter(source__code__in=sources, status=ImportBatch.Status.SUCCEEDED)
                          .values_list("pk", flat=True))
        if known is None:
            read_records(con, sources=sources, exclude_batch_ids=[batch_id], table="raw_existing")
            prepare(con, raw="raw_existing", out="existing_records")
            known = all_batches - {batch_id}
        new_batches = sorted((all_batches - known) | {batch_id})
        read_records(con, sources=sources, batch_ids=new_batches, table="raw_new")
        prepare(con, raw="raw_new", out="new_records")
        con.execute("DELETE FROM existing_records WHERE unique_id IN (SELECT unique_id FROM new_records)")
        new_count = int(con.execute("SELECT count(*) FROM new_records").fetchall()[0][0])
        run.counts[f"new_records_{model.scope}"] = new_count
        touched: set[int] = set()
        if new_count:
            present = [s for s in sources if con.execute("SELECT 1 FROM new_records WHERE source_dataset = ? LIMIT 1",
                                                         [s]).fetchall()]
            existing = register_inputs(backend, "existing_records", sources, link=link)
            new = register_inputs(backend, "new_records", present if link else sources, link=link)
            if scoring.score_new(backend, existing, new, model.splink_model, lower=model.lower_threshold):
                scoring.classify(con, model.splink_model, upper=model.upper_threshold, link=link)
                new_ids = [int(r[0]) for r in con.execute("SELECT unique_id FROM new_records").fetchall()]
                with transaction.atomic():
                    store.lock()
                    counts = store.pairs_write(con, model_id=model.pk, run_id=run.pk, scope_model_ids=[model.pk],
                                               record_ids=new_ids)
                touched = set(new_ids) | {int(x) for row in con.execute(
                    f"SELECT record_a, record_b FROM {scoring.SCORED}").fetchall() for x in row}
                for key in ("auto_accepted", "review"):
                    run.counts[key] = run.counts.get(key, 0) + counts.get(key, 0)
        con.execute("CREATE OR REPLACE TABLE all_records AS SELECT * FROM existing_records "
                    "UNION ALL BY NAME SELECT * FROM new_records")
        cache.cache_save(con, model.scope, "all_records", known | set(new_batches))
        return touched
    finally:
        backend.close()
        con.close()


# -- stewards' decisions --------------------------------------------------------------------------------------

DECISION_STATUS = {
    CandidatePair.Decision.MATCH: CandidatePair.Status.ACCEPTED,
    CandidatePair.Decision.NON_MATCH: CandidatePair.Status.REJECTED,
}


def pair_decide(*, actor: Any, pair_id: int, decision: str, seen_decision: str | None = None) -> CandidatePair:
    """Record a steward's decision on a pair: same person (linked), different persons (kept apart) or unsure.

    `seen_decision` is the decision the steward saw; if someone decided the pair meanwhile, the decision is
    refused rather than silently overwritten. The clusters of both records are rebuilt.
    """
    _require(actor, Capability.LINKAGE_REVIEW)
    if decision not in (CandidatePair.Decision.MATCH, CandidatePair.Decision.NON_MATCH,
                        CandidatePair.Decision.UNSURE):
        raise DomainError(_("A decision is “match”, “non_match” or “unsure”."))
    with transaction.atomic():
        store.lock()
        pair = CandidatePair.objects.select_for_update().get(pk=pair_id)
        if seen_decision is not None and pair.decision != seen_decision:
            raise ConcurrentEdit(_("Someone decided this pair meanwhile (%(d)s). Reload it and decide again.")
                                 % {"d": pair.get_decision_display()})
        before = {"status": pair.status, "decision": pair.decision}
        pair.decision = decision
        if decision in DECISION_STATUS:
            pair.status = DECISION_STATUS[CandidatePair.Decision(decision)]
        elif pair.status != CandidatePair.Status.AUTO_ACCEPTED:
            pair.status = CandidatePair.Status.REVIEW
        pair.decided_by = actor if getattr(actor, "pk", None) else None
        pair.decided_at = timezone.now()
        pair.save(update_fields=["decision", "status", "decided_by", "decided_at"])
        if before["status"] != pair.status:
            store.clusters_rebuild_around([pair.record_a_id, pair.record_b_id])
        audit.record(actor=actor, action="linkage.pair.decide", entity_type="linkage.candidatepair",
                     entity_id=pair.pk, changes={"before": before,
                                                 "after": {"status": pair.status, "decision": pair.decision},
                                                 "probability": pair.probability})
    return pair


# -- export ---------------------------------------------------------------------------------------------------

EXPORT_HEADER = ("source_a", "key_a", "source_b", "key_b", "probability", "match_weight", "status", "decision")


def link_export(*, actor: Any, out: IO[str], statuses: Sequence[str] | None = None) -> int:
    """Write the candidate pairs (source keys, probability, status, decision) as CSV; returns the row count."""
    _require(actor, Capability.LINKAGE_REVIEW)
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
