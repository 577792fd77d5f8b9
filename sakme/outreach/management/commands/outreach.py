"""`sakme outreach list|campaign`: a unit's outreach list by need, or a campaign taken from it, as the system."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from sakme.accounts.actors import SYSTEM
from sakme.common.errors import DomainError
from sakme.geo.access import unit_id_of_code
from sakme.outreach import selectors, services
from sakme.outreach.policy import CAMPAIGN_SIZE


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from exc


class Command(BaseCommand):
    help = ("Show a unit's outreach list (working-age, able members of households on assistance who are not job "
            "seekers, by need), or take a campaign from it.")

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        listing = sub.add_parser("list", help="the unit's list by need, a page at a time")
        listing.add_argument("--unit", required=True, help="the unit's code, such as TB-2")
        listing.add_argument("--as-of", type=_day, default=None, help="the day (default today)")
        listing.add_argument("--page", type=int, default=1)
        campaign = sub.add_parser("campaign", help="take the top of the unit's list as a campaign")
        campaign.add_argument("--unit", required=True, help="the unit's code, such as TB-2")
        campaign.add_argument("--name", required=True)
        campaign.add_argument("--size", type=int, default=CAMPAIGN_SIZE)
        campaign.add_argument("--as-of", type=_day, default=None, help="the list as it stands on this day")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "list":
                self._list(options)
            else:
                self._campaign(options)
        except DomainError as exc:
            raise CommandError(f"{exc.message} ({exc.code})") from exc

    def _list(self, options: dict[str, Any]) -> None:
        page = selectors.outreach_list_for_user(SYSTEM, unit_code=options["unit"], as_of=options["as_of"],
                                                page=options["page"])
        self.stdout.write(f"{page.place}: {page.total} persons to reach on {page.as_of}, page {page.page} of "
                          f"{page.pages}")
        for r in page.rows:
            self.stdout.write(f"{r.rank:>5}  {r.person.full_name:<32} {r.person.personal_number_masked}  age {r.age:>2}"
                              f"  score {r.score:>6}  children {r.children}  members {r.members}  since {r.since}"
                              f"  {r.keeps}")

    def _campaign(self, options: dict[str, Any]) -> None:
        unit_id = unit_id_of_code(options["unit"])
        assert unit_id is not None
        campaign = services.campaign_take(actor=SYSTEM, unit_id=unit_id, name=options["name"], size=options["size"],
                                          taken_on=options["as_of"])
        self.stdout.write(f"campaign {campaign.pk}: {campaign.name}, {campaign.size} persons of {options['unit']} "
                          f"as of {campaign.taken_on}")
