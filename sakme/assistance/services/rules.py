"""Loading the rules: rating-score formula versions, benefit rules and service levels, from the file sakme ships
(`data/rules.json`, illustrative) or an agency's own of the same shape.

Versions are only added, each starting after the last: a score or a decision once made keeps the rules of its day.
Loading the same file again adds nothing.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.assistance.formula import KINDS
from sakme.assistance.models import BenefitRules, Formula, ServiceLevel
from sakme.audit import services as audit
from sakme.common.errors import DomainError

SHIPPED = Path(__file__).resolve().parent.parent / "data" / "rules.json"
FORMULA_FIELDS = ("version", "valid_from", "title_ka", "title_en", "intercept", "variables", "region_coefficients",
                  "members", "children")


class RulesRefused(DomainError):
    code = "rules_invalid"


def _variables_check(version: object, variables: list[dict[str, Any]], members: list[str], children: str) -> None:
    codes = [v.get("code") for v in variables]
    for v in variables:
        kind = v.get("kind")
        if kind not in KINDS:
            raise RulesRefused(_("Formula %(v)s, variable %(c)s: the kind must be one of %(k)s.")
                               % {"v": version, "c": v.get("code"), "k": ", ".join(KINDS)})
        weights_ok = (isinstance(v.get("weights"), dict) and {c["code"] for c in v.get("choices", [])}
                      == set(v["weights"])) if kind == "choice" else "weight" in v
        if not weights_ok or not v.get("label_ka") or not v.get("label_en"):
            raise RulesRefused(_("Formula %(v)s, variable %(c)s: give both labels and a weight (a choice: a weight "
                                 "for each of its answers).") % {"v": version, "c": v.get("code")})
        Decimal(str(v.get("weight", 0)))
    if len(set(codes)) != len(codes) or not set(members) <= set(codes) or children not in codes:
        raise RulesRefused(_("Formula %(v)s: variable codes must be unique, and the members and children must name "
                             "its variables.") % {"v": version})


def _formula_add(row: dict[str, Any]) -> bool:
    known = Formula.objects.filter(version=row["version"]).first()
    if known is not None:
        if any(str(getattr(known, f)) != str(row[f]) for f in ("valid_from", "intercept")):
            raise RulesRefused(_("Formula version %(v)s exists with other values: a version never changes; add a new "
                                 "one.") % {"v": row["version"]})
        return False
    last = Formula.objects.order_by("-valid_from").first()
    if last is not None and (str(row["valid_from"]) <= str(last.valid_from) or row["version"] <= last.version):
        raise RulesRefused(_("Formula version %(v)s must start after version %(last)s (%(day)s) and have a higher "
                             "number.") % {"v": row["version"], "last": last.version, "day": last.valid_from})
    _variables_check(row["version"], row["variables"], row["members"], row["children"])
    Formula.objects.create(illustrative=bool(row.get("illustrative")), **{f: row[f] for f in FORMULA_FIELDS})
    return True


def _benefit_rules_add(row: dict[str, Any]) -> bool:
    if BenefitRules.objects.filter(valid_from=row["valid_from"]).exists():
        return False
    last = BenefitRules.objects.order_by("-valid_from").first()
    if last is not None and str(row["valid_from"]) <= str(last.valid_from):
        raise RulesRefused(_("Benefit rules from %(day)s must start after the last ones (%(last)s).")
                           % {"day": row["valid_from"], "last": last.valid_from})
    bounds = [int(b["below"]) for b in row["bands"]]
    if bounds != sorted(bounds) or len(set(bounds)) != len(bounds):
        raise RulesRefused(_("Benefit rules from %(day)s: the bands must rise.") % {"day": row["valid_from"]})
    BenefitRules.objects.create(
        valid_from=row["valid_from"], bands=row["bands"], child_score_below=row["child_score_below"],
        child_gel=Decimal(str(row["child_gel"])), keeps_status_years=row.get("keeps_status_years") or 0,
        keeps_status_score_below=row.get("keeps_status_score_below"), illustrative=bool(row.get("illustrative")))
    return True


@transaction.atomic
def rules_load(*, actor: Actor, path: Path | None = None) -> dict[str, int]:
    """Add the formula versions and benefit rules of the file that are not in yet, and set its service levels where
    the deployment has set none; all or nothing. Returns what was added."""
    source = path or SHIPPED
    try:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
        formulas = sum(_formula_add(row) for row in sorted(data.get("formulas", []), key=lambda r: r["version"]))
        rules = sum(_benefit_rules_add(row) for row in sorted(data.get("benefit_rules", []),
                                                               key=lambda r: r["valid_from"]))
    except (KeyError, TypeError, ValueError, ArithmeticError) as error:
        raise RulesRefused(_("%(file)s is not a rules file of sakme's shape: %(error)s")
                           % {"file": Path(source).name, "error": error}) from error
    for clock, days in data.get("service_levels", {}).items():
        if clock in ServiceLevel.Clock.values:
            ServiceLevel.objects.get_or_create(clock=clock, defaults={"working_days": int(days)})
    added = {"formulas": formulas, "benefit_rules": rules}
    if formulas or rules:
        audit.record(actor=actor, action="assistance.rules_load", entity_type="assistance.formula",
                     changes={"file": Path(source).name, **added})
    return added
