"""`sakme surveys load|results`: load the questionnaires shipped with sakme, or print a year's results."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sakme.accounts.actors import SYSTEM
from sakme.common.errors import DomainError
from sakme.surveys import selectors, services
from sakme.surveys.models import QuestionKind, SurveyVersion


class Command(BaseCommand):
    help = ("Load the satisfaction surveys shipped with sakme (versions are only added), or print a year's results "
            "per unit and service: the number of answers, the mean rating, the share of yes.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="add the survey versions not loaded yet")
        show = sub.add_parser("results", help="a year's figures per unit and service")
        show.add_argument("--year", type=int, required=True)
        show.add_argument("--month", type=int, help="only this month (1-12)")
        show.add_argument("--unit", help="only this unit's code, such as TB-1")
        show.add_argument("--service", help="counselling_session, placement or assistance_decision")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "load":
                before = SurveyVersion.objects.count()
                held = services.surveys_load(actor=SYSTEM)
                self.stdout.write(f"surveys: {held} versions in the file, "
                                  f"{SurveyVersion.objects.count() - before} added")
                return
            found = selectors.results(user=SYSTEM, year=options["year"], month=options["month"],
                                      unit_code=options["unit"], service=options["service"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if not found.rows:
            self.stdout.write("no answers in this period")
        for total, rows in found.sections:
            self.stdout.write(f"\n{total.service}: {total.answers} answers")
            for figures in [*rows, total] if len(rows) > 1 else rows:
                self.stdout.write(self._line(figures))

    @staticmethod
    def _line(figures: selectors.Figures) -> str:
        unit = figures.unit.code if figures.unit else "all"
        parts = [f"  {unit:<8} n={figures.answers}" + (" (few answers)" if figures.few else "")]
        for q in figures.questions.values():
            if q.kind == QuestionKind.SCALE and q.mean is not None:
                parts.append(f"{q.code} {q.mean:.2f}")
            elif q.kind == QuestionKind.YES_NO and q.yes_share is not None:
                parts.append(f"{q.code} {100 * q.yes_share:.0f}% yes")
            elif q.choices:
                parts.append(f"{q.code} " + "/".join(f"{c}:{n}" for c, n in sorted(q.choices.items())))
        return "  ".join(parts)
