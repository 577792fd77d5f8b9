"""What the model compares and which pairs it looks at: the Splink settings of sakme.

The same settings run on DuckDB and on Spark: every level comes from Splink's level library (which writes
each backend's SQL) or is plain SQL both understand. Labels are English msgids marked for translation;
pages show them through gettext.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
from django.utils.translation import gettext_noop
from splink import SettingsCreator, block_on
from splink.comparison_library import CustomComparison

from sakme.linkage.models import LinkType


@dataclass(frozen=True)
class Rule:
    """A blocking rule: pairs whose keys are equal. `left` and `right` are SQL over one record each."""

    name: str
    left: tuple[str, ...]
    right: tuple[str, ...] = ()
    hint: str = ""

    @property
    def right_keys(self) -> tuple[str, ...]:
        return self.right or self.left

    def splink(self) -> Any:
        if not self.right:
            return block_on(*self.left)
        return " AND ".join(f"{_side(lk, 'l')} = {_side(rk, 'r')}" for lk, rk in zip(self.left, self.right,
                                                                                    strict=True))


def _side(expression: str, side: str) -> str:
    """Qualify the bare column names of a key expression with l. or r. (only simple expressions are used)."""
    for column in ("given_key", "family_key", "personal_number", "birth_date", "phone", "birth_year"):
        expression = expression.replace(column, f"{side}.{column}")
    return expression


# Blocking rules for prediction. Each is bounded on national data: no rule pairs records on one common
# value alone (a birth date pairs ~35 SSA with ~6 Worknet records a day; with an initial, a 15th of that).
BLOCKING_RULES: tuple[Rule, ...] = (
    Rule("personal number", ("personal_number",), hint=gettext_noop("add the birth year to the personal number")),
    Rule("birth date + family initial", ("birth_date", "substr(family_key, 1, 1)"),
         hint=gettext_noop("use the first two letters of the family name")),
    Rule("birth date + given initial", ("birth_date", "substr(given_key, 1, 1)"),
         hint=gettext_noop("use the first two letters of the given name")),
    # Names alone make huge blocks (Giorgi Beridze: 115,000 pairs in a million); with the birth year or day, a
    # birth date mistyped in one part (or with day and month swapped) still meets its pair.
    Rule("names + birth year", ("given_key", "family_key", "birth_year"),
         hint=gettext_noop("add the birth month to the names and year")),
    Rule("names + birth day", ("given_key", "family_key", "birth_day"),
         hint=gettext_noop("add the birth month to the names and day")),
    Rule("names swapped", ("given_key", "family_key"), ("family_key", "given_key"),
         hint=gettext_noop("add the birth year to the swapped names")),
    Rule("phone + birth year", ("phone", "birth_year"), hint=gettext_noop("add the birth month to the phone")),
    # Given and family name swapped and one of them mistyped: the smaller of the two initials still agrees.
    Rule("birth date + either initial", ("birth_date", "least(substr(given_key, 1, 1), substr(family_key, 1, 1))"),
         hint=gettext_noop("use the first two letters of both names")),
)

# Rules for estimating the match prior: records equal on these are taken to be the same person.
DETERMINISTIC_RULES: tuple[str, ...] = ("l.personal_number = r.personal_number AND l.birth_date = r.birth_date",)
# When no personal numbers are shared (a source without them), the names and the birth date decide.
FALLBACK_DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.given_key = r.given_key AND l.family_key = r.family_key AND l.birth_date = r.birth_date",
)
DETERMINISTIC_RECALL = 0.85

# Expectation maximisation runs on pairs blocked by each rule in turn. A round cannot estimate the comparisons
# that use its rule's columns, so a round runs only when it estimates something no earlier round could: with
# personal numbers the first two rounds estimate everything; without them the last two take over.
TRAINING_RULES: tuple[Rule, ...] = (
    Rule("personal number", ("personal_number",)),
    Rule("birth date + family initial", ("birth_date", "substr(family_key, 1, 1)")),
    Rule("birth date + municipality", ("birth_date", "municipality_id")),
    Rule("given + family name", ("given_key", "family_key")),
)

# The columns each comparison reads (a training round blocking on any of them cannot estimate it).
COMPARISON_COLUMNS: dict[str, frozenset[str]] = {
    "personal_number": frozenset({"personal_number"}),
    "given_name": frozenset({"given_name", "given_key", "family_key"}),
    "family_name": frozenset({"family_name", "family_key", "given_key"}),
    "birth_date": frozenset({"birth_date", "birth_text", "birth_year", "birth_month", "birth_day"}),
    "sex": frozenset({"sex"}),
    "municipality_id": frozenset({"municipality_id"}),
    "address": frozenset({"address"}),
    "phone": frozenset({"phone"}),
}


def estimable(rule: Rule) -> set[str]:
    """The comparisons a training round blocked by `rule` can estimate."""
    used = " ".join(rule.left + rule.right)
    return {name for name, columns in COMPARISON_COLUMNS.items() if not any(c in used for c in columns)}


def _name_comparison(column: str, key: str, other_key: str, label: str) -> CustomComparison:
    return CustomComparison(
        output_column_name=column,
        comparison_description=label,
        comparison_levels=[
            cll.NullLevel(key),
            cll.ExactMatchLevel(column, term_frequency_adjustments=True).configure(
                label_for_charts=gettext_noop("same name")),
            cll.ExactMatchLevel(key, term_frequency_adjustments=True).configure(
                label_for_charts=gettext_noop("same name in another spelling")),
            cll.CustomLevel(f"{key}_l = {other_key}_r", label_for_charts=gettext_noop("given and family name swapped")),
            cll.DamerauLevenshteinLevel(key, 1).configure(label_for_charts=gettext_noop("one letter different")),
            cll.JaroWinklerLevel(key, 0.88).configure(label_for_charts=gettext_noop("similar")),
            cll.ElseLevel().configure(label_for_charts=gettext_noop("different")),
        ],
    )


def comparisons() -> list[CustomComparison]:
    """The comparisons of the model, in the order the review page shows them."""
    return [
        CustomComparison(
            output_column_name="personal_number",
            comparison_description=gettext_noop("personal number"),
            comparison_levels=[
                cll.NullLevel("personal_number"),
                cll.ExactMatchLevel("personal_number").configure(label_for_charts=gettext_noop("same number")),
                cll.LevenshteinLevel("personal_number", 1).configure(
                    label_for_charts=gettext_noop("one digit different")),
                cll.DamerauLevenshteinLevel("personal_number", 1).configure(
                    label_for_charts=gettext_noop("two digits swapped")),
                cll.ElseLevel().configure(label_for_charts=gettext_noop("different")),
            ],
        ),
        _name_comparison("given_name", "given_key", "family_key", gettext_noop("given name")),
        _name_comparison("family_name", "family_key", "given_key", gettext_noop("family name")),
        CustomComparison(
            output_column_name="birth_date",
            comparison_description=gettext_noop("birth date"),
            comparison_levels=[
                cll.NullLevel("birth_date"),
                cll.ExactMatchLevel("birth_date").configure(label_for_charts=gettext_noop("same date")),
                cll.CustomLevel("birth_year_l = birth_year_r AND birth_month_l = birth_day_r "
                                "AND birth_day_l = birth_month_r",
                                label_for_charts=gettext_noop("day and month swapped")),
                cll.LevenshteinLevel("birth_text", 1).configure(label_for_charts=gettext_noop("one digit different")),
                cll.ElseLevel().configure(label_for_charts=gettext_noop("different")),
            ],
        ),
        CustomComparison(
            output_column_name="sex",
            comparison_description=gettext_noop("sex"),
            comparison_levels=[
                cll.NullLevel("sex"),
                cll.ExactMatchLevel("sex").configure(label_for_charts=gettext_noop("same")),
                cll.ElseLevel().configure(label_for_charts=gettext_noop("different")),
            ],
        ),
        CustomComparison(
            output_column_name="municipality_id",
            comparison_description=gettext_noop("municipality"),
            comparison_levels=[
                cll.NullLevel("municipality_id"),
                cll.ExactMatchLevel("municipality_id").configure(label_for_charts=gettext_noop("same")),
                cll.ElseLevel().configure(label_for_charts=gettext_noop("different")),
            ],
        ),
        CustomComparison(
            output_column_name="address",
            comparison_description=gettext_noop("address"),
            comparison_levels=[
                cll.NullLevel("address"),
                cll.ExactMatchLevel("address").configure(label_for_charts=gettext_noop("same address")),
                cll.JaroWinklerLevel("address", 0.9).configure(label_for_charts=gettext_noop("similar")),
                cll.ElseLevel().configure(label_for_charts=gettext_noop("different")),
            ],
        ),
        CustomComparison(
            output_column_name="phone",
            comparison_description=gettext_noop("phone"),
            comparison_levels=[
                cll.NullLevel("phone"),
                cll.ExactMatchLevel("phone").configure(label_for_charts=gettext_noop("same number")),
                cll.ElseLevel().configure(label_for_charts=gettext_noop("different")),
            ],
        ),
    ]


def settings_for(link_type: LinkType | str, *, rules: tuple[Rule, ...] = BLOCKING_RULES) -> SettingsCreator:
    """Untrained settings for linking sources (link_only) or deduplicating one (dedupe_only)."""
    return SettingsCreator(
        link_type="link_only" if str(link_type) == LinkType.LINK else "dedupe_only",
        unique_id_column_name="unique_id",
        source_dataset_column_name="source_dataset",
        comparisons=comparisons(),  # type: ignore[arg-type]
        blocking_rules_to_generate_predictions=[rule.splink() for rule in rules],
        retain_matching_columns=True,  # the gamma columns (the level of each comparison) come with it
        retain_intermediate_calculation_columns=True,
        max_iterations=20,
        em_convergence=0.0001,
    )


# The comparisons' shown names, by output column (msgids for gettext).
COMPARISON_LABELS: dict[str, str] = {
    "personal_number": gettext_noop("personal number"),
    "given_name": gettext_noop("given name"),
    "family_name": gettext_noop("family name"),
    "birth_date": gettext_noop("birth date"),
    "sex": gettext_noop("sex"),
    "municipality_id": gettext_noop("municipality"),
    "address": gettext_noop("address"),
    "phone": gettext_noop("phone"),
}
