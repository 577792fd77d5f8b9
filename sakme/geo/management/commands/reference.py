from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sakme.geo.services import territory_load


class Command(BaseCommand):
    help = "Load the reference data: regions, municipalities, the 70 territorial units, rollout, trainings."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])

    def handle(self, *args: Any, **options: Any) -> None:
        counts = territory_load(actor=None)
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))
