"""The rating score, property-based: for any declaration and any visit day, the score is what the formula version in
force that day gives (computed here independently, from the shipped file, in exact fractions); and a score once
computed never changes when a later version is added."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sakme.accounts.actors import SYSTEM
from sakme.assistance.formula import compute, formula_on
from sakme.assistance.models import Formula, Score
from sakme.assistance.services.applications import Details, application_act, application_declare
from sakme.assistance.services.rules import SHIPPED, rules_load
from sakme.tests.factories import person

SHIPPED_RULES = json.loads(SHIPPED.read_text(encoding="utf-8"))
VARIABLES = SHIPPED_RULES["formulas"][-1]["variables"]  # every shipped version asks the same questions
REGIONS = ["TB", "AJ", "IM", "KA", "KK", "SK", "SZ", "GU", "SJ", "MM", "RL"]
FIRST_DAY = dt.date.fromisoformat(SHIPPED_RULES["formulas"][0]["valid_from"])


def _answer(variable: dict[str, Any]) -> st.SearchStrategy[Any]:
    kind = variable["kind"]
    if kind == "count":
        return st.integers(min_value=0, max_value=60)
    if kind == "yes_no":
        return st.booleans()
    if kind == "choice":
        return st.sampled_from([c["code"] for c in variable["choices"]])
    return st.decimals(min_value=0, max_value=5000, places=2).map(str)


DECLARATIONS = st.fixed_dictionaries({v["code"]: _answer(v) for v in VARIABLES})
DAYS = st.dates(min_value=FIRST_DAY, max_value=dt.date(2026, 11, 30))


def expected_score(versions: list[dict[str, Any]], day: dt.date, answers: dict[str, Any], region: str) -> int:
    """The formula as its file states it, evaluated by hand: the last version starting on or before the day."""
    version = [v for v in versions if dt.date.fromisoformat(v["valid_from"]) <= day][-1]
    total = Fraction(version["intercept"])
    for variable in version["variables"]:
        value = answers[variable["code"]]
        if variable["kind"] == "yes_no":
            total += Fraction(str(variable["weight"])) if value else 0
        elif variable["kind"] == "choice":
            total += Fraction(str(variable["weights"][value]))
        else:
            counted = Fraction(str(value))
            if "cap" in variable:
                counted = min(counted, Fraction(str(variable["cap"])))
            total += Fraction(str(variable["weight"])) * counted
    scaled = total * Fraction(version["region_coefficients"].get(region, "1"))
    rounded = int(scaled + Fraction(1, 2)) if scaled >= 0 else -int(-scaled + Fraction(1, 2))
    return max(0, rounded)


@pytest.mark.django_db
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=DECLARATIONS, day=DAYS, region=st.sampled_from(REGIONS))
def test_the_score_is_the_formula_version_of_the_visit_day(territory, answers, day, region):
    version = formula_on(day)
    assert version is not None
    assert compute(version, answers, region).value == expected_score(SHIPPED_RULES["formulas"], day, answers, region)


def _versions_loaded() -> list[dict[str, Any]]:
    """The versions loaded so far (the shipped ones and those the examples added), as their files state them."""
    return [{"valid_from": str(f.valid_from), "intercept": f.intercept, "variables": f.variables,
             "region_coefficients": f.region_coefficients} for f in Formula.objects.order_by("valid_from")]


def _later_version(tmp_path: Path, valid_from: dt.date) -> Path:
    """A new version, its weights doubled, starting on `valid_from` (after every version so far)."""
    last = Formula.objects.order_by("-version").first()
    assert last is not None
    doubled = [{**v, **({"weight": str(Decimal(str(v["weight"])) * 2)} if "weight" in v else {})}
               for v in last.variables]
    row = {"version": last.version + 1, "valid_from": str(valid_from), "title_ka": "ახალი", "title_en": "New",
           "intercept": last.intercept + 1000, "variables": doubled, "region_coefficients": last.region_coefficients,
           "members": last.members, "children": last.children}
    path = tmp_path / f"rules-{row['version']}.json"
    path.write_text(json.dumps({"formulas": [row]}), encoding="utf-8")
    return path


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(answers=DECLARATIONS, visit=st.dates(min_value=dt.date(2024, 1, 1), max_value=dt.date(2026, 11, 30)),
       gap=st.integers(min_value=-400, max_value=400))
def test_a_score_never_changes_when_a_later_version_is_added(territory, tmp_path_factory, answers, visit, gap):
    applicant = person(unit="KA-TEL")
    declared = visit - dt.timedelta(days=3)
    application = application_declare(actor=SYSTEM, person_id=applicant.pk, declaration=answers,
                                      declared_on=declared)
    for action, details in (("schedule_visit", Details(on=declared, visit_on=visit)),
                            ("record_visit", Details(on=visit, answers=answers)),
                            ("compute_score", Details(on=visit))):
        application = application_act(actor=SYSTEM, application_id=application.pk, action=action,
                                      expected_version=application.version, details=details)
    score = Score.objects.get(application=application)
    assert score.value == expected_score(_versions_loaded(), visit, answers, "KA")
    before = (score.value, score.formula_id, score.lines)
    last_start = Formula.objects.order_by("-valid_from").values_list("valid_from", flat=True).first()
    starts = max(last_start + dt.timedelta(days=1), visit + dt.timedelta(days=gap))
    rules_load(actor=SYSTEM, path=_later_version(tmp_path_factory.mktemp("rules"), starts))
    score.refresh_from_db()
    assert (score.value, score.formula_id, score.lines) == before  # stored: never recomputed
    if starts > visit:  # the new version starts after the visit: the visit's day still reads its own version
        assert formula_on(visit).pk == before[1]
        assert compute(formula_on(visit), answers, "KA").value == before[0]
