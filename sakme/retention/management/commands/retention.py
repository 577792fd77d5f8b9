"""`sakme retention run`: apply the retention periods (daily, from cron or a systemd timer; see docs/deploy.md)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from sakme.retention.policy import retention_days
from sakme.retention.services import retention_run


class Command(BaseCommand):
    help = "Delete or anonymise what outlived its retention period; `show` lists the periods."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("run", help="apply the periods now")
        sub.add_parser("show", help="the period of each kind of record, in days")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "show":
            for kind, days in retention_days().items():
                self.stdout.write(f"{kind:<18} {days} days")
            return
        for kind, count in retention_run().items():
            self.stdout.write(f"{kind:<24} {count}")
