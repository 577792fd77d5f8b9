from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sakme.accounts.actors import SYSTEM
from sakme.indicators.services import reference_load


class Command(BaseCommand):
    help = ("Load the reference data: territory (regions, municipalities, 70 units, rollout, trainings, staff "
            "allocations, orders and manuals), source systems, ISCO-08 occupations, indicator definitions.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["load"])

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reference_load(actor=SYSTEM)
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items()))
