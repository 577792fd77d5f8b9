"""`sakme link run|dedupe|batch|export|evaluate`: record linkage from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sakme.accounts.actors import SYSTEM
from sakme.common.errors import DomainError
from sakme.linkage import services
from sakme.linkage.models import Engine, LinkRun


class Command(BaseCommand):
    help = "Link sources, deduplicate one, link a new import batch, export the pairs, or evaluate the links."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="link two or more sources (trains a model when none is active)")
        run.add_argument("--sources", required=True, help="source codes, e.g. ssa,worknet")
        dedupe = sub.add_parser("dedupe", help="find the records of one source that are the same person")
        dedupe.add_argument("--source", required=True)
        for p in (run, dedupe):
            p.add_argument("--retrain", action="store_true", help="train a new model version first")
            p.add_argument("--engine", choices=Engine.values, default=Engine.DUCKDB)
        batch = sub.add_parser("batch", help="link the records of one import batch against everyone known")
        batch.add_argument("--batch", type=int, required=True, help="the import batch id")
        export = sub.add_parser("export", help="write the candidate pairs with source keys and probability (CSV)")
        export.add_argument("file", help="the CSV file to write, or - for standard output")
        export.add_argument("--status", action="append", choices=["auto_accepted", "review", "accepted", "rejected"],
                            help="only pairs of this status (repeatable)")
        evaluate = sub.add_parser("evaluate", help="precision, recall and F1 of the links")
        evaluate.add_argument("--truth", type=Path, help="a CSV of true pairs of keys, header e.g. ssa_key,worknet_key")
        evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as exc:
            raise CommandError(str(exc)) from exc

    def _report(self, run: LinkRun) -> None:
        self.stdout.write(f"run {run.pk}: {run.get_status_display()}"
                          + (f" — model {run.model}" if run.model_id else ""))
        for key, value in run.counts.items():
            if key != "blocking":
                self.stdout.write(f"  {key}: {value}")
        if run.timings:
            self.stdout.write("  seconds: " + ", ".join(f"{k} {v}" for k, v in run.timings.items()))
        if run.status != LinkRun.Status.SUCCEEDED:
            raise CommandError(run.message or "The run did not finish.")

    def _run(self, options: dict[str, Any]) -> None:
        self._report(services.link_run(actor=SYSTEM, sources=options["sources"].split(","),
                                       retrain=options["retrain"], engine=options["engine"]))

    def _dedupe(self, options: dict[str, Any]) -> None:
        self._report(services.link_dedupe(actor=SYSTEM, source=options["source"], retrain=options["retrain"],
                                          engine=options["engine"]))

    def _batch(self, options: dict[str, Any]) -> None:
        self._report(services.link_batch(actor=SYSTEM, batch_id=options["batch"]))

    def _export(self, options: dict[str, Any]) -> None:
        if options["file"] == "-":
            count = services.link_export(actor=SYSTEM, out=self.stdout, statuses=options["status"])  # type: ignore[arg-type]
        else:
            with open(options["file"], "w", encoding="utf-8", newline="") as out:
                count = services.link_export(actor=SYSTEM, out=out, statuses=options["status"])
        self.stderr.write(f"{count} pairs written")

    def _evaluate(self, options: dict[str, Any]) -> None:
        truth = options["truth"]
        if truth is not None and not truth.is_file():
            raise CommandError(f"{truth}: no such file.")
        run = services.link_evaluate(actor=SYSTEM, truth=truth)
        if options["json"]:
            self.stdout.write(json.dumps(run.figures, indent=2))
            return
        self.stdout.write(f"evaluation {run.pk} (auto-accept threshold {run.figures['upper_threshold']})")
        truth_figures = run.figures.get("truth")
        if isinstance(truth_figures, dict):
            self.stdout.write(f"  truth: {truth_figures['truth_pairs']} pairs of {'/'.join(truth_figures['sources'])}"
                              f", {truth_figures['truth_pairs_not_in_database']} not in the database")
            for name in ("links", "model"):
                self.stdout.write(f"  {name:<6} " + _line(truth_figures[name]))
        labels = run.figures["labels"]
        assert isinstance(labels, dict)
        self.stdout.write(f"  labels: {labels['labels']} decided pairs; model " + _line(labels["model"]))


def _line(figures: dict[str, Any]) -> str:
    def show(value: float | None) -> str:
        return "n/a" if value is None else f"{value:.4f}"

    return (f"precision {show(figures['precision'])}  recall {show(figures['recall'])}  F1 {show(figures['f1'])}  "
            f"(tp {figures['true_positives']}, fp {figures['false_positives']}, fn {figures['false_negatives']})")
