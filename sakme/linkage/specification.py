"""What the model compares and which pairs it looks at: the Splink settings of sakme.

The same settings run on DuckDB and on Spark: every level comes from Splink's level library (which writes
each backend's SQL) or is plain SQL both understand. Labels are English msgids marked for translation;
pages show them through gettext.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import splink.comparison_level_library as cll
from django.utils.translation import gettext_noop
from splink import SettingsCreator, block_on
from splink.comparison_library import CustomComparison
from splink.internals.dialects import SplinkDialect

from sakme.linkage.models import LinkType
from sakme.linkage.preparation import SPLINK_COLUMNS


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
        return " AND ".join(f"{qualify(lk, 'l')} = {qualify(rk, 'r')}" for lk, rk in zip(self.left, self.right,
                                                                                    strict=True))


_COLUMN = re.compile(r"\b(" + "|".join(sorted(SPLINK_COLUMNS, key=len, reverse=True)) + r")\b")


def qualify(expression: str, side: str) -> str:
    """Qualify the column names of a key expression with l. or r."""
    return _COLUMN.sub(lambda m: f"{side}.{m.group(1)}", expression)


def _either_initial(size: int) -> tuple[str, str]:
    """Both names' first `size` letters, the smaller first: the key survives given and family name swapped."""
    given, family = f"substr(given_key, 1, {size})", f"substr(family_key, 1, {size})"
    return f"least({given}, {family})", f"greatest({given}, {family})"


# Both names, the smaller first: keys that survive given and family name swapped.
_NAMES = ("least(given_key, family_key)", "greatest(given_key, family_key)")

# Blocking rules for prediction, chosen by the true pairs each finds that the others miss (bench/linkage.py reports
# them on FEBRL and the generator's data) within the memory bound of the pre-run check. Each is bounded on national
# data: no rule pairs records on one common value alone (a birth date pairs ~35 SSA with ~6 Worknet records a day;
# with an initial, a 15th of that). Together they survive two wrong fields at once: a mistyped name and birth date
# still meet on the number, the address or the phone; a mistyped number and birth year on the names with the month
# and day, or with the house.
BLOCKING_RULES: tuple[Rule, ...] = (
    Rule(gettext_noop("personal number"), ("personal_number",),
         hint=gettext_noop("add the birth year to the personal number")),
    # One mistyped digit leaves one of the two parts whole.
    Rule(gettext_noop("number's first six digits + birth year"), ("substr(personal_number, 1, 6)", "birth_year"),
         hint=gettext_noop("use the first seven digits")),
    Rule(gettext_noop("number's last five digits + birth year"), ("substr(personal_number, 7, 5)", "birth_year"),
         hint=gettext_noop("add the birth month")),
    Rule(gettext_noop("birth date + family initial"), ("birth_date", "substr(family_key, 1, 1)"),
         hint=gettext_noop("use the first two letters of the family name")),
    Rule(gettext_noop("birth date + given initial"), ("birth_date", "substr(given_key, 1, 1)"),
         hint=gettext_noop("use the first two letters of the given name")),
    # Names alone make huge blocks (Giorgi Beridze: 115,000 pairs in a million); with the birth year, a birth date
    # mistyped in its month or day still meets its pair, and a typo after the third letter of a name too.
    Rule(gettext_noop("names' first letters + birth year"), (*_either_initial(3), "birth_year"),
         hint=gettext_noop("add the birth month")),
    Rule(gettext_noop("names + birth month and day"), (*_NAMES, "birth_month", "birth_day"),
         hint=gettext_noop("add the birth year")),
    Rule(gettext_noop("names swapped"), ("given_key", "family_key"), ("family_key", "given_key"),
         hint=gettext_noop("add the birth year to the swapped names")),
    # A birth date wrong and a name mistyped: the same house on the same street, and the other name's first three
    # letters (an initial would pair whole households of a Tbilisi building: 4.6 million pairs in a million).
    Rule(gettext_noop("street + house number + family name's first letters"),
         ("address_word", "address_number", "substr(family_key, 1, 3)"),
         hint=gettext_noop("add the birth year")),
    Rule(gettext_noop("street + house number + given name's first letters"),
         ("address_word", "address_number", "substr(given_key, 1, 3)"),
         hint=gettext_noop("add the birth year")),
    Rule(gettext_noop("birth date + house number"), ("birth_date", "address_number"),
         hint=gettext_noop("add an initial to the birth date and house number")),
    # No birth date on one side: the names with the house, or with the street.
    Rule(gettext_noop("names + house number"), (*_NAMES, "address_number"), hint=gettext_noop("add the street")),
    Rule(gettext_noop("names + street"), (*_NAMES, "address_word"), hint=gettext_noop("add the house number")),
    Rule(gettext_noop("phone + birth year"), ("phone", "birth_year"),
         hint=gettext_noop("add the birth month to the phone")),
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
    Rule(gettext_noop("personal number"), ("personal_number",)),
    Rule(gettext_noop("birth date + family initial"), ("birth_date", "substr(family_key, 1, 1)")),
    Rule(gettext_noop("birth date + municipality"), ("birth_date", "municipality_id")),
    Rule(gettext_noop("same address"), ("address",)),
    Rule(gettext_noop("given + family name"), ("given_key", "family_key")),
)

# The columns each comparison reads (a training round blocking on any of them cannot estimate it).
COMPARISON_COLUMNS: dict[str, frozenset[str]] = {
    "personal_number": frozenset({"personal_number"}),
    "given_name": frozenset({"given_name", "given_key", "family_key"}),
    "family_name": frozenset({"family_name", "family_key", "given_key"}),
    "birth_date": frozenset({"birth_date", "birth_text", "birth_year", "birth_month", "birth_day"}),
    "sex": frozenset({"sex"}),
    "municipality_id": frozenset({"municipality_id"}),
    "address": frozenset({"address", "address_tokens", "address_number", "address_word"}),
    "phone": frozenset({"phone"}),
}


def estimable(rule: Rule) -> set[str]:
    """The comparisons a training round blocked by `rule` can estimate."""
    used = " ".join(rule.left + rule.right)
    return {name for name, columns in COMPARISON_COLUMNS.items() if not any(c in used for c in columns)}


def _name_comparison(column: str, key: str, other_key: str, label: str, dialect: str) -> CustomComparison:
    """A name after romanization, from the same letters down: the folded key, swapped with the other name, and
    three distances (one letter; Jaro-Winkler 0.92 and 0.80, which keep most two-letter typos of longer names)."""
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
            cll.CustomLevel(f"{_jaro_winkler(dialect)}({key}_l, {other_key}_r) >= 0.92",
                            label_for_charts=gettext_noop("swapped and very similar")),
            cll.DamerauLevenshteinLevel(key, 1).configure(label_for_charts=gettext_noop("one letter different")),
            cll.JaroWinklerLevel(key, 0.92).configure(label_for_charts=gettext_noop("very similar")),
            cll.JaroWinklerLevel(key, 0.8).configure(label_for_charts=gettext_noop("similar")),
            cll.ElseLevel().configure(label_for_charts=gettext_noop("different")),
        ],
    )


def _jaro_winkler(dialect: str) -> str:
    return str(SplinkDialect.from_string(dialect).jaro_winkler_function_name)


def comparisons(dialect: str = "duckdb") -> list[CustomComparison]:
    """The comparisons of the model in `dialect`'s SQL, in the order the review page shows them."""
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
        _name_comparison("given_name", "given_key", "family_key", gettext_noop("given name"), dialect),
        _name_comparison("family_name", "family_key", "given_key", gettext_noop("family name"), dialect),
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
                cll.CustomLevel("birth_year_l = birth_year_r AND birth_month_l = birth_month_r",
                                label_for_charts=gettext_noop("same year and month")),
                cll.CustomLevel("birth_month_l = birth_month_r AND birth_day_l = birth_day_r",
                                label_for_charts=gettext_noop("same month and day, another year")),
                cll.CustomLevel("birth_year_l = birth_year_r", label_for_charts=gettext_noop("same year")),
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
        # An address is compared as a string (a typo) and as a set of words (a word moved, missing or added).
        CustomComparison(
            output_column_name="address",
            comparison_description=gettext_noop("address"),
            comparison_levels=[
                cll.NullLevel("address"),
                cll.ExactMatchLevel("address").configure(label_for_charts=gettext_noop("same address")),
                cll.JaroWinklerLevel("address", 0.95).configure(
                    label_for_charts=gettext_noop("a letter or two different")),
                cll.ArrayIntersectLevel("address_tokens", 3).configure(
                    label_for_charts=gettext_noop("three words or more in common")),
                cll.JaroWinklerLevel("address", 0.85).configure(label_for_charts=gettext_noop("similar")),
                cll.ArrayIntersectLevel("address_tokens", 2).configure(
                    label_for_charts=gettext_noop("two words in common")),
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


def settings_for(link_type: LinkType | str, dialect: str = "duckdb", *,
                 rules: tuple[Rule, ...] = BLOCKING_RULES) -> SettingsCreator:
    """Untrained settings for linking sources (link_only) or deduplicating one (dedupe_only), for `dialect`."""
    return SettingsCreator(
        link_type="link_only" if str(link_type) == LinkType.LINK else "dedupe_only",
        unique_id_column_name="unique_id",
        source_dataset_column_name="source_dataset",
        comparisons=comparisons(dialect),  # type: ignore[arg-type]
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
