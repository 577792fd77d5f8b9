from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sakme.accounts.actors import SYSTEM
from sakme.indicators import selectors, services
from sakme.indicators.models import Definition


class Command(BaseCommand):
    help = ("Compute the indicators (every unit, region and the country, per month and year) as a new snapshot, or "
            "show one indicator's value for a year as numerator/denominator (percent) with its target status.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        compute = sub.add_parser("compute", help="compute a new snapshot (every year since the baseline by default)")
        compute.add_argument("--year", type=int, help="only this year")
        show = sub.add_parser("show", help="one indicator's value for a year")
        show.add_argument("code", help="the indicator's code, such as 2.1")
        show.add_argument("--year", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "compute":
            year = options["year"]
            run = services.indicators_compute(actor=SYSTEM, year_from=year, year_to=year)
            self.stdout.write(f"run {run.pk}: {run.year_from}–{run.year_to}, {run.values_count} values, "
                              f"{run.seconds:.1f} s")
            return
        definition = Definition.objects.filter(code=options["code"]).first()
        if definition is None:
            known = ", ".join(Definition.objects.values_list("code", flat=True)) or "none: run `sakme reference load`"
            raise CommandError(f"No indicator {options['code']!r}; known: {known}")
        year = options["year"]
        latest = selectors.run_latest(year=year)
        if latest is None:  # nothing computed for that year yet: compute it now, so the figure has a snapshot
            run = services.indicators_compute(actor=SYSTEM, year_from=year, year_to=year)
            self.stderr.write(f"computed run {run.pk} for {year}")
        else:
            run = latest
        value = selectors.value_get(run=run, definition=definition, year=year)
        met = definition.target_met(value.value if value else None)
        status = "" if met is None else (" target met" if met else " target not met")
        target = "" if definition.target is None else f" (target {definition.target:g}"  \
            f"{' %' if definition.is_percent else ''} by {definition.target_year})"
        self.stdout.write(f"{definition.code} {year}: {selectors.figure_text(definition, value)}{status}{target}")
