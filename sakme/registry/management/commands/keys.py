"""`sakme keys init|rotate`: the keyring that seals personal numbers (see sakme.registry.personal_numbers)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from sakme.registry.keys import keys_init, keys_rotate


class Command(BaseCommand):
    help = "Make the keyring that seals personal numbers, or rotate its seal key (re-sealing every number)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("init", help="write a new keyring where SAKME_KEYRING says (never over an existing one)")
        rotate = sub.add_parser("rotate", help="add a seal key, re-seal every number under it")
        rotate.add_argument("--retire", action="store_true", help="then drop the older seal keys")

    def handle(self, *args: Any, **options: Any) -> None:
        path = settings.SAKME_KEYRING
        if options["action"] == "init":
            if not keys_init():
                raise CommandError(f"A keyring is already at {path}: it is never overwritten.")
            self.stdout.write(f"keyring written to {path} (readable by its owner only); back it up apart from "
                              f"the database")
            return
        try:
            counts = keys_rotate(retire=options["retire"])
        except (RuntimeError, ValueError) as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"re-sealed {counts['persons']} persons' and {counts['source_records']} source records' "
                          f"numbers under the new key" + ("; older keys retired" if options["retire"] else ""))
