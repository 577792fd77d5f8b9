"""Loading the rules: versions only added, each after the last; a file of the wrong shape refused whole; the shipped
rules give the published bands and the four years kept on taking a job."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from sakme.accounts.actors import SYSTEM
from sakme.assistance.formula import formula_on
from sakme.assistance.models import BenefitRules, Formula
from sakme.assistance.rules import benefit_for, benefit_rules_on, keeps_status_until
from sakme.assistance.services.rules import RulesRefused, rules_load


def _file(tmp_path, **data):
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _version(**changes):
    last = Formula.objects.order_by("-version").first()
    row = {"version": last.version + 1, "valid_from": "2027-01-01", "title_ka": "ა", "title_en": "A",
           "intercept": 1000, "variables": last.variables, "region_coefficients": {}, "members": last.members,
           "children": last.children}
    return {**row, **changes}


@pytest.mark.django_db
def test_loading_again_adds_nothing(territory):
    assert rules_load(actor=SYSTEM) == {"formulas": 0, "benefit_rules": 0}
    assert Formula.objects.count() == 2 and BenefitRules.objects.count() == 4


@pytest.mark.django_db
def test_a_version_back_in_time_or_changed_is_refused_and_nothing_is_written(territory, tmp_path):
    with pytest.raises(RulesRefused, match="must start after"):
        rules_load(actor=SYSTEM, path=_file(tmp_path, formulas=[_version(valid_from="2020-01-01")]))
    with pytest.raises(RulesRefused, match="never changes"):
        rules_load(actor=SYSTEM, path=_file(tmp_path, formulas=[{**_version(), "version": 1}]))
    with pytest.raises(RulesRefused, match="labels and a weight"):
        rules_load(actor=SYSTEM, path=_file(tmp_path, formulas=[
            _version(variables=[{"code": "children", "kind": "count", "label_ka": "ბ", "label_en": "c"}],
                     members=["children"])]))
    with pytest.raises(RulesRefused, match="bands must rise"):
        rules_load(actor=SYSTEM, path=_file(tmp_path, benefit_rules=[{
            "valid_from": "2027-01-01", "bands": [{"below": 5, "per_member_gel": 1}, {"below": 3, "per_member_gel": 1}],
            "child_score_below": 1, "child_gel": "1"}]))
    with pytest.raises(RulesRefused, match="not a rules file"):
        rules_load(actor=SYSTEM, path=_file(tmp_path, formulas=[{"version": 9}]))
    assert Formula.objects.count() == 2 and BenefitRules.objects.count() == 4


@pytest.mark.django_db
def test_an_agencys_version_applies_from_its_day_only(territory, tmp_path):
    call_command("assistance", "rules", "load", str(_file(tmp_path, formulas=[_version()])))
    assert formula_on(dt.date(2026, 12, 31)).version == 2
    assert formula_on(dt.date(2027, 1, 1)).version == 3


@pytest.mark.django_db
def test_the_published_bands_and_the_years_kept(territory):
    rules = benefit_rules_on(dt.date(2024, 1, 1))
    assert benefit_for(rules, 30_000, 4, 2).total_gel == 4 * 60 + 2 * 200
    assert benefit_for(rules, 30_001, 4, 2).per_member_gel == Decimal(50)
    assert benefit_for(rules, 65_001, 4, 2) is None
    assert benefit_rules_on(dt.date(2016, 1, 1)).child_gel == 10
    assert keeps_status_until(rules, dt.date(2024, 2, 29)) == dt.date(2028, 2, 29)
    assert keeps_status_until(rules, dt.date(2024, 1, 1), score=130_000) is None
    assert keeps_status_until(benefit_rules_on(dt.date(2021, 1, 1)), dt.date(2021, 1, 1)) is None
