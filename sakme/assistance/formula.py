"""The rating score: a formula version applied to a declaration's answers, line by line.

    score = max(0, round(coefficient of the household's region × (intercept + Σ points of each variable)))

A variable's points: a count or an amount times its weight (capped at `cap` when the variable has one), a yes/no
question its weight when yes, a choice the weight of the answer chosen. Decimal arithmetic throughout and rounding
half up, so the same answers give the same score on every machine. The lines say what each variable added; they are
stored with the score and shown as "why this score".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from sakme.assistance.models import Formula
from sakme.common.errors import DomainError

KINDS = ("count", "yes_no", "choice", "amount")


class DeclarationRefused(DomainError):
    """An answer the formula cannot score: which question, what was given, what would be right."""

    code = "declaration_invalid"


@dataclass(frozen=True)
class Computed:
    value: int
    lines: list[dict[str, Any]]


def formula_on(day: dt.date) -> Formula | None:
    """The version in force on `day`: the latest that starts on or before it."""
    return Formula.objects.filter(valid_from__lte=day).order_by("-valid_from").first()


def answer_clean(variable: dict[str, Any], raw: object) -> int | str | bool | Decimal:
    """One answer as the formula reads it, or DeclarationRefused saying what would be right."""
    kind, code = variable["kind"], variable["code"]
    if kind == "yes_no":
        if isinstance(raw, bool):
            return raw
        if str(raw).lower() in ("1", "true", "yes", "on"):
            return True
        if str(raw).lower() in ("0", "false", "no", "off", ""):
            return False
    elif kind == "choice":
        codes = [c["code"] for c in variable["choices"]]
        if str(raw) in codes:
            return str(raw)
        raise DeclarationRefused(_("“%(q)s”: “%(v)s” is not one of the answers (%(ok)s).")
                                 % {"q": code, "v": raw, "ok": ", ".join(codes)}, code="answer_not_a_choice")
    else:
        try:
            number = Decimal(str(raw).strip().replace(",", "."))
        except (InvalidOperation, ValueError):
            number = Decimal(-1)
        whole = kind == "count"
        if number.is_finite() and number >= 0 and (not whole or number == number.to_integral_value()):
            return int(number) if whole else number
        what = _("a whole number, 0 or more") if whole else _("an amount, 0 or more")
        raise DeclarationRefused(_("“%(q)s”: “%(v)s” is not %(what)s.") % {"q": code, "v": raw, "what": what},
                                 code="answer_not_a_number")
    raise DeclarationRefused(_("“%(q)s”: answer yes or no.") % {"q": code}, code="answer_not_yes_no")


def answers_clean(formula: Formula, answers: dict[str, object]) -> dict[str, Any]:
    """Every variable of the formula answered (DeclarationRefused for the first that is not), as stored."""
    cleaned: dict[str, Any] = {}
    for variable in formula.variables:
        code = variable["code"]
        if code not in answers or answers[code] is None or (answers[code] == "" and variable["kind"] != "yes_no"):
            raise DeclarationRefused(_("“%(q)s” is not answered.") % {"q": code}, code="answer_missing")
        value = answer_clean(variable, answers[code])
        cleaned[code] = str(value) if isinstance(value, Decimal) else value
    return cleaned


def _points(variable: dict[str, Any], value: Any) -> tuple[Decimal, Decimal]:
    """(the weight applied, the points) of one answer."""
    kind = variable["kind"]
    if kind == "yes_no":
        weight = Decimal(str(variable["weight"]))
        return weight, weight if value else Decimal(0)
    if kind == "choice":
        weight = Decimal(str(variable["weights"][value]))
        return weight, weight
    weight = Decimal(str(variable["weight"]))
    counted = Decimal(str(value))
    if "cap" in variable:
        counted = min(counted, Decimal(str(variable["cap"])))
    return weight, weight * counted


def coefficient(formula: Formula, region_code: str) -> Decimal:
    return Decimal(str(formula.region_coefficients.get(region_code, "1")))


def compute(formula: Formula, answers: dict[str, object], region_code: str) -> Computed:
    """The score of these answers by this formula for a household of this region, with its lines."""
    cleaned = answers_clean(formula, answers)
    lines: list[dict[str, Any]] = [{"line": "intercept", "points": str(formula.intercept)}]
    subtotal = Decimal(formula.intercept)
    for variable in formula.variables:
        value = cleaned[variable["code"]]
        weight, points = _points(variable, value)
        capped = "cap" in variable and Decimal(str(value)) > Decimal(str(variable["cap"]))
        lines.append({"line": "variable", "code": variable["code"], "value": value, "weight": str(weight),
                      "points": str(points), "capped_at": variable.get("cap") if capped else None})
        subtotal += points
    factor = coefficient(formula, region_code)
    total = (subtotal * factor).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    value = max(0, int(total))
    lines.append({"line": "subtotal", "points": str(subtotal)})
    lines.append({"line": "region", "region": region_code, "coefficient": str(factor), "points": str(total)})
    lines.append({"line": "score", "points": str(value), "floored": total < 0})
    return Computed(value=value, lines=lines)


def members_of(formula: Formula, answers: dict[str, Any]) -> tuple[int, int]:
    """(members, children) of the household as the answers count them."""
    members = sum(int(answers.get(code, 0) or 0) for code in formula.members)
    return members, int(answers.get(formula.children, 0) or 0)
