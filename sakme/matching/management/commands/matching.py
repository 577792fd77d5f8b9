"""`sakme matching evaluate`: how well matching ranks the hires that happened, beside a plain text ranking."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sakme.matching.evaluation import evaluate


class Command(BaseCommand):
    help = ("Rank, for every placement through a vacancy, the vacancies open that day, and report where the one taken "
            "came: hit rate and NDCG at k, for sakme's score and for text similarity alone.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("evaluate", help="hit rate and NDCG at k of the past hires")
        run.add_argument("--k", type=int, default=10)

    def handle(self, *args: Any, **options: Any) -> None:
        found = evaluate(k=options["k"])
        self.stdout.write(f"hires: {found.hires}, vacancies open on the day: {found.candidates:.0f} on average")
        for name, ranking in (("sakme", found.sakme), ("text only (TF-IDF)", found.text_only)):
            self.stdout.write(f"  {name:<20} hit rate@{found.k} {ranking.hit_rate:.3f}   "
                              f"NDCG@{found.k} {ranking.ndcg:.3f}")
        if found.text_only.ndcg:
            self.stdout.write(f"  relative gain in NDCG: {found.sakme.ndcg / found.text_only.ndcg - 1:+.1%}")
