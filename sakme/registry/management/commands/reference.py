from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sakme.geo.services import territory_load
from sakme.registry.services import source_systems_load


class Command(BaseCommand):
    help = "Load the reference data: territory (regions, municipalities, 70 units, rollout, trainings), sources."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])

    def handle(self, *args: Any, **options: Any) -> None:
        counts = {**territory_load(actor=None), "source_systems": source_systems_load(actor=None)}
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))
