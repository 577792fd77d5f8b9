"""What a household keeps if one of its members takes a job, said in words: fear of losing assistance holds people
back, so the list, the campaign and the field sheet say it plainly. The rules themselves are assistance's
(`sakme.assistance.rules`); this module only reads them and puts them into a sentence."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sakme.assistance.models import BenefitRules
from sakme.assistance.rules import benefit_for, keeps_status_until

LANGUAGES = ("en", "ka")


@dataclass(frozen=True)
class Keeps:
    """The status kept on taking a job today (until when, for how many years) and the monthly amount received now."""

    rules_found: bool
    until: dt.date | None = None
    years: int = 0
    monthly_gel: Decimal | None = None

    def text(self, language: str | None = None) -> str:
        """The sentence in a language (the active one by default)."""
        if language is None:
            return self._sentence()
        with translation.override(language):
            return self._sentence()

    @property
    def en(self) -> str:
        return self.text("en")

    @property
    def ka(self) -> str:
        return self.text("ka")

    def __str__(self) -> str:
        return self.text()

    def _sentence(self) -> str:
        if not self.rules_found:
            return _("No benefit rules are in force on this day: ask the unit what the household would keep.")
        gel = gel_text(self.monthly_gel) if self.monthly_gel else ""
        if self.until is not None:
            kept = ngettext(
                "If you take a job, your household keeps its vulnerable status for %(years)s year, until %(until)s;",
                "If you take a job, your household keeps its vulnerable status for %(years)s years, until %(until)s;",
                self.years) % {"years": self.years, "until": date_format(self.until, "j F Y")}
            now = (_("today it receives %(gel)s GEL a month.") % {"gel": gel} if gel
                   else _("today it receives no cash benefit."))
            return f"{kept} {now}"
        if gel:
            return _("Under the rules in force the household keeps no status when a member takes a job; today it "
                     "receives %(gel)s GEL a month.") % {"gel": gel}
        return _("Under the rules in force the household keeps no status when a member takes a job, and today it "
                 "receives no cash benefit.")


def gel_text(amount: Decimal) -> str:
    """An amount as people say it: whole lari without decimals."""
    return f"{amount:.0f}" if amount == amount.to_integral_value() else f"{amount:.2f}"


def keeps_for(rules: BenefitRules | None, *, score: int, members: int, children: int, on: dt.date) -> Keeps:
    """What a household of this score and size keeps if a member takes a job on `on`, and receives now."""
    if rules is None:
        return Keeps(rules_found=False)
    benefit = benefit_for(rules, score, members, children)
    until = keeps_status_until(rules, on, score)
    return Keeps(rules_found=True, until=until, years=rules.keeps_status_years if until else 0,
                 monthly_gel=benefit.total_gel if benefit is not None else None)
