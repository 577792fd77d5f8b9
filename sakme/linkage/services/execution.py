"""Executing a linkage run: reading and preparing the records, the blocking check, training or reusing the model,
scoring, and replacing the link store in one transaction at the end (no transaction stays open while Splink works)."""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.common.errors import DomainError
from sakme.geo.access import require
from sakme.linkage import cache, conf, scoring, store
from sakme.linkage.backends import Backend, duckdb_connection
from sakme.linkage.blocking import TooManyPairs, check_blocking
from sakme.linkage.models import Engine, LinkageModel, LinkRun, LinkType
from sakme.linkage.preparation import prepare
from sakme.linkage.records import read_records
from sakme.linkage.services.merges import linked_persons_merge
from sakme.linkage.specification import BLOCKING_RULES
from sakme.linkage.training import pair_total, register_inputs, train
from sakme.registry.models import ImportBatch

logger = logging.getLogger(__name__)
Progress = Callable[[str, int], None]
# The phases a run reports (stored in English, shown translated in the "linkage phase" context; listed here
# for the catalogue).
PHASES = (pgettext_lazy("linkage phase", "reading"), pgettext_lazy("linkage phase", "preparing"),
          pgettext_lazy("linkage phase", "checking blocks"), pgettext_lazy("linkage phase", "training"),
          pgettext_lazy("linkage phase", "scoring"), pgettext_lazy("linkage phase", "storing"),
          pgettext_lazy("linkage phase", "clustering"), pgettext_lazy("linkage phase", "caching"),
          pgettext_lazy("linkage phase", "total"))


# -- executing runs -----------------------------------------------------------------------------------------

def scope_of(sources: Sequence[str]) -> str:
    """The name of what a model links: its source codes, sorted, joined by '+'."""
    return "+".join(sorted(sources))


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


def link_run_execute(*, run_id: int, actor: Actor) -> LinkRun:
    """Execute a pending run. Refusals (too many pairs, nothing to link) end the run with their message."""
    require(actor, Capability.LINKAGE_RUN)
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


def _finish(run: LinkRun, tracker: _Tracker, actor: Actor) -> None:
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
                summary: dict[str, Any], actor: Actor) -> LinkageModel:
    with transaction.atomic():
        latest = LinkageModel.objects.select_for_update().filter(scope=scope).aggregate(v=Max("version"))["v"] or 0
        LinkageModel.objects.filter(scope=scope, active=True).update(active=False)
        model = LinkageModel.objects.create(
            scope=scope, version=latest + 1, link_type=LinkType.LINK if link else LinkType.DEDUPE, sources=sources,
            splink_model=splink_model, prior=prior, upper_threshold=conf.upper_threshold(),
            lower_threshold=conf.lower_threshold(), active=True, training=summary,
            trained_by=acting_user(actor), trained_at=timezone.now(),
        )
        audit.record(actor=actor, action="linkage.model.train", entity_type="linkage.linkagemodel",
                     entity_id=model.pk, changes={"scope": scope, "version": model.version, "prior": prior,
                                                  "deterministic_matches": summary.get("deterministic_matches")})
    return model


def _execute_full(run: LinkRun, tracker: _Tracker, actor: Actor) -> None:
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
            tracker("scoring", 60)
            # A new model scores once with room below the threshold, then takes the prior its scores imply.
            scoring.score(backend, inputs, splink_model, lower=conf.lower_threshold() / scoring.PRIOR_HEADROOM)
            refined = scoring.refine_prior(con, prior=prior, pairs=pair_total(con, inputs),
                                           lower=conf.lower_threshold())
            summary = {**summary, "prior_from_rules": prior, "prior_from_scores": refined}
            splink_model["probability_two_random_records_match"] = refined
            model = _model_save(scope, link, sources, splink_model, refined, summary, actor)
        else:
            tracker("scoring", 60)
            scoring.score(backend, inputs, model.splink_model, lower=model.lower_threshold)
        run.model = model
        LinkRun.objects.filter(pk=run.pk).update(model=model)
        scored = scoring.classify(con, model.splink_model, upper=model.upper_threshold, link=link)
        tracker("storing", 85)
        with transaction.atomic():
            store.lock()
            counts = store.pairs_write(con, model_id=model.pk, run_id=run.pk, scope_model_ids=_scope_models(scope))
            tracker("clustering", 92)  # written with the store, seen when it commits
            clusters = store.clusters_rebuild_all()
            run.counts.update(linked_persons_merge(actor=actor, run_id=run.pk))  # links become one person
        run.counts.update({"scored_pairs": scored, "auto_accepted": counts.get("auto_accepted", 0),
                           "review": counts.get("review", 0), "clusters": clusters, "prepared": prepared})
        if run.engine == Engine.DUCKDB:
            tracker("caching", 95)
            cache.cache_save(con, scope, "prepared_records", batches)
    finally:
        backend.close()
        con.close()


def _execute_batch(run: LinkRun, tracker: _Tracker, actor: Actor) -> None:
    """Link one import batch against the prepared records of every active model that covers its source."""
    assert run.batch_id is not None
    source = run.sources[0]
    models = [m for m in LinkageModel.objects.filter(active=True) if source in m.sources]
    if not models:
        raise DomainError(_("No trained model links source “%(s)s” yet: run a full linkage first.") % {"s": source})
    run.counts = {"models": [str(m) for m in models], "clusters_rebuilt": 0}
    for index, model in enumerate(models):
        tracker("scoring", 10 + 80 * index // len(models))
        done = 10 + 80 * (index + 1) // len(models)
        _batch_against(run, model, clustering=functools.partial(tracker, "clustering", done))
    with transaction.atomic():  # the new links become one person each (a kill before: the next run does it)
        run.counts.update(linked_persons_merge(actor=actor, run_id=run.pk))
    run.model = models[0]


def _batch_against(run: LinkRun, model: LinkageModel, *, clustering: Callable[[], object]) -> None:
    """Score the batch against the model's prepared records; its pairs and the clusters around them are written in
    one transaction (a kill leaves both as they were, or both new)."""
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
        if new_count:
            present = [s for s in sources if con.execute("SELECT 1 FROM new_records WHERE source_dataset = ? LIMIT 1",
                                                         [s]).fetchall()]
            existing = register_inputs(backend, "existing_records", sources, link=link)
            new = register_inputs(backend, "new_records", present if link else sources, link=link)
            if scoring.score_new(backend, existing, new, model.splink_model, lower=model.lower_threshold):
                scoring.classify(con, model.splink_model, upper=model.upper_threshold, link=link)
                new_ids = [int(r[0]) for r in con.execute("SELECT unique_id FROM new_records").fetchall()]
                touched = set(new_ids) | {int(x) for row in con.execute(
                    f"SELECT record_a, record_b FROM {scoring.SCORED}").fetchall() for x in row}
                clustering()
                with transaction.atomic():
                    store.lock()
                    counts = store.pairs_write(con, model_id=model.pk, run_id=run.pk,
                                               scope_model_ids=_scope_models(model.scope), record_ids=new_ids)
                    run.counts["clusters_rebuilt"] += store.clusters_rebuild_around(touched)
                for key in ("auto_accepted", "review"):
                    run.counts[key] = run.counts.get(key, 0) + counts.get(key, 0)
        con.execute("CREATE OR REPLACE TABLE all_records AS SELECT * FROM existing_records "
                    "UNION ALL BY NAME SELECT * FROM new_records")
        cache.cache_save(con, model.scope, "all_records", known | set(new_batches))
    finally:
        backend.close()
        con.close()
