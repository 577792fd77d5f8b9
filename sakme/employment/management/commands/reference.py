from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sakme.accounts.actors import SYSTEM
from sakme.employment.services import occupations_load
from sakme.geo.services import territory_load
from sakme.registry.services import source_systems_load


class Command(BaseCommand):
    help = ("Load the reference data: territory (regions, municipalities, 70 units, rollout, trainings), source "
            "systems, ISCO-08 occupations.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])

    def handle(self, *args: Any, **options: Any) -> None:
        counts = {**territory_load(actor=SYSTEM), "source_systems": source_systems_load(actor=SYSTEM),
                  "occupations": occupations_load(actor=SYSTEM)}
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))
