"""Values stored only together with others: a household's membership and enrolment hang off its key, and an
enrolment needs both its rating score and its assessment date. A mapped value that cannot be stored is said, never
dropped without a word:

- once for the batch, on the header row, when the mapping lacks the column a mapped column needs: every row would
  say the same, and the fix is in the mapping (or the file), not in the rows;
- on the row, as a warning naming the column, when the column it needs is mapped but that row's cell is blank: the
  fix is in that row. The rest of the row is written as usual.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

# field -> the fields it is stored with: the household's key, then what an enrolment needs
HOUSEHOLD_KEY = "household_key"
ENROLMENT = ("rating_score", "assessment_date")
NEEDS: dict[str, tuple[str, ...]] = {
    "relation_to_head": (HOUSEHOLD_KEY,),
    "rating_score": (HOUSEHOLD_KEY, "assessment_date"),
    "assessment_date": (HOUSEHOLD_KEY, "rating_score"),
    "enrolment_status": (HOUSEHOLD_KEY, *ENROLMENT),
}


def columns_not_stored(mapped: Collection[str]) -> list[tuple[str, str]]:
    """(field, the field it needs) for each mapped field none of whose values can be stored with this mapping."""
    found = []
    for target, needed in NEEDS.items():
        missing = next((n for n in needed if n not in mapped), None)
        if target in mapped and missing is not None:
            found.append((target, missing))
    return found


def values_not_stored(filled: Collection[str], values: Mapping[str, Any], mapped: Collection[str]) -> list[
        tuple[str, str]]:
    """(field, problem code) for each filled cell of a row whose value is not stored because a value it needs is
    blank in that row (a column the mapping lacks is said once for the batch instead: `columns_not_stored`)."""
    found = []
    for target, needed in NEEDS.items():
        if target not in filled or any(n not in mapped for n in needed):
            continue
        if not values.get(HOUSEHOLD_KEY):
            found.append((target, "not_stored_no_household"))
        elif any(values.get(n) is None for n in needed[1:]):
            found.append((target, "not_stored_no_enrolment"))
    return found
