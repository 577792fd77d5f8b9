from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.assistance import selectors
from sakme.assistance.access import application_get_for_user
from sakme.assistance.services.rules import rules_load
from sakme.common.errors import DomainError
from sakme.geo.access import unit_id_of_code


class Command(BaseCommand):
    help = ("Social assistance: load the rating-score formula and benefit rules (sakme's illustrative ones, or an "
            "agency's file of the same shape), list the late applications, or explain an application's score.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser("rules", help="load rules: `rules load [FILE]`")
        load.add_argument("verb", choices=["load"])
        load.add_argument("file", nargs="?", type=Path, help="a rules JSON file (default: the shipped one)")
        late = sub.add_parser("late", help="the applications whose step is past its service level")
        late.add_argument("--unit", default="", help="a unit's code (default: every unit)")
        explain = sub.add_parser("explain", help="an application's score, line by line")
        explain.add_argument("application", type=int)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
        except DomainError as error:
            raise CommandError(error.message) from error

    def _rules(self, options: dict[str, Any]) -> None:
        added = rules_load(actor=SYSTEM, path=options["file"])
        self.stdout.write(f"formula versions added: {added['formulas']}, benefit rules added: {added['benefit_rules']}")

    def _late(self, options: dict[str, Any]) -> None:
        unit = unit_id_of_code(options["unit"]) if options["unit"] else None
        for late in selectors.late_applications_for_user(SYSTEM, today=timezone.localdate(), unit_id=unit):
            a = late.application
            self.stdout.write(f"{a.pk}\t{a.unit.code}\t{a.state}\t{late.due.clock}\tdue {late.due.due}\t"
                              f"{late.due.late_days} days late")

    def _explain(self, options: dict[str, Any]) -> None:
        a = application_get_for_user(SYSTEM, options["application"])
        page = selectors.application_page(application=a, user=SYSTEM, today=timezone.localdate())
        if page.score is None:
            raise CommandError(f"Application {a.pk} has no score yet ({a.get_state_display()}).")
        self.stdout.write(f"application {a.pk}: score {page.score.value} by formula v{page.score.formula.version} "
                          f"(visit {page.score.visited_on})")
        for line in page.lines:
            answer = f" = {line.answer}" if line.answer else ""
            weight = f" × {line.weight}" if line.weight and line.kind == "variable" else (
                f" {line.weight}" if line.weight else "")
            self.stdout.write(f"  {line.label}{answer}{weight}: {line.points}")
