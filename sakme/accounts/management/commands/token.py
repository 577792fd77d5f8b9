from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sakme.accounts.actors import SYSTEM
from sakme.accounts.models import User
from sakme.accounts.services import api_token_create
from sakme.common.errors import DomainError


class Command(BaseCommand):
    help = ("Create an API token for a user (printed once). It lives --days days (90 by default, at most 365); a "
            "token of a role that must use a second factor lives at most 24 hours.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["create"])
        parser.add_argument("username")
        parser.add_argument("name", nargs="?", default="cli")
        parser.add_argument("--days", type=int, default=None, help="How many days the token lives.")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"No user {options['username']}.")
        try:
            secret = api_token_create(actor=SYSTEM, user=user, name=options["name"], days=options["days"])
        except DomainError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc
        self.stdout.write(secret)
