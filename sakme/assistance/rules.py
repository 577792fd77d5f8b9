"""The benefit rules in force on a day, and what they give a household: its band's amount per member, the child
benefit, and how long it keeps its status when a member takes a job."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from sakme.assistance.models import BenefitRules
from sakme.common.workdays import add_months


@dataclass(frozen=True)
class Benefit:
    band: int  # 1 for the poorest band
    per_member_gel: Decimal
    members: int
    children: int
    child_gel: Decimal  # per child, 0 when the score is above the child benefit's bound

    @property
    def total_gel(self) -> Decimal:
        return self.per_member_gel * self.members + self.child_gel * self.children


def benefit_rules_on(day: dt.date) -> BenefitRules | None:
    """The rules in force on `day`: the latest that start on or before it."""
    return BenefitRules.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


def benefit_for(rules: BenefitRules, score: int, members: int, children: int) -> Benefit | None:
    """What a household of this score and size receives a month, or None when the score is above the last band."""
    for number, band in enumerate(rules.bands, start=1):
        if score < int(band["below"]):
            child = rules.child_gel if score < rules.child_score_below else Decimal(0)
            return Benefit(band=number, per_member_gel=Decimal(str(band["per_member_gel"])), members=members,
                           children=children, child_gel=child)
    return None


def keeps_status_until(rules: BenefitRules, took_job_on: dt.date, score: int | None = None) -> dt.date | None:
    """Until when a household keeps its vulnerable status if a member takes a job on `took_job_on` (None when the
    rules keep no status, or the score is above their bound)."""
    if not rules.keeps_status_years:
        return None
    if score is not None and rules.keeps_status_score_below is not None and score >= rules.keeps_status_score_below:
        return None
    return add_months(took_job_on, 12 * rules.keeps_status_years)
