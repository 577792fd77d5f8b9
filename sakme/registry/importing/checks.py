"""Whole-batch checks: SQL over the stage for what no single row shows (duplicate keys or personal numbers,
households whose members disagree, two rows resolving to one person). Every row found gets an error naming
the row it clashes with, and leaves the stage."""

from __future__ import annotations

from collections.abc import Collection

from django.db.backends.utils import CursorWrapper

from sakme.registry.importing.outcome import Outcome
from sakme.registry.importing.stage import STAGE
from sakme.registry.personal_numbers import masked

DELETE_CHUNK = 5000


def header_of(headers: dict[str, str], target: str) -> str:
    """The column of a field as its header is written (rows keyed by personal number: that column)."""
    if target == "source_key" and target not in headers:
        target = "personal_number"
    return headers.get(target, target)


# A field's stage column where it is not the field's own name (the number is staged as its hash and its tail).
STAGED_AS = {"personal_number": "pn_digest"}


def _clashing(column: str, group_by: str) -> str:
    """SQL of the rows whose `group_by` another, earlier row has too: (row, its `column`, that earlier row)."""
    return (f"SELECT s.row, s.{column}, f.first_row FROM {STAGE} s JOIN ("
            f"SELECT {group_by} AS v, MIN(row) AS first_row FROM {STAGE} WHERE {group_by} IS NOT NULL "
            f"GROUP BY {group_by} HAVING COUNT(*) > 1) f ON f.v = s.{group_by} "
            f"WHERE s.row <> f.first_row ORDER BY s.row")


class BatchChecks:
    """The checks of one import's stage; problems go to its outcome, headers name the columns."""

    def __init__(self, cursor: CursorWrapper, outcome: Outcome, headers: dict[str, str]) -> None:
        self.cursor = cursor
        self.outcome = outcome
        self.headers = headers

    def reject(self, rows_sql: str, header_target: str, code: str) -> None:
        """Record an error (`code`, naming the other row) for every row the query returns (row, value, other row) and
        drop them from the stage."""
        cursor = self.cursor
        cursor.execute(rows_sql, [])
        rejected = cursor.fetchall()
        column = header_of(self.headers, header_target)
        for row, value, other in rejected:
            shown = masked(value) if header_target == "personal_number" else value
            self.outcome.problem(row, column, shown, "error", code, other=other)
        if rejected:
            self.outcome.skipped += len(rejected)
            ids = [r[0] for r in rejected]
            for start in range(0, len(ids), DELETE_CHUNK):
                part = ids[start:start + DELETE_CHUNK]
                cursor.execute(f"DELETE FROM {STAGE} WHERE row IN ({', '.join(['%s'] * len(part))})", part)

    def duplicates(self, mapped: Collection[str]) -> None:
        """One row per source key and per personal number; one rating and assessment date per household."""
        for target in ("source_key", "personal_number"):
            if target == "source_key" and (target not in mapped or target not in self.headers):
                continue  # keyed by personal number (no key column in the file): the next check reports it
            staged = STAGED_AS.get(target, target)
            shown = "pn_tail" if target == "personal_number" else target
            self.reject(_clashing(shown, staged), target, "duplicate")
        if "household_key" in mapped:
            self.households_disagreeing()

    def households_disagreeing(self) -> None:
        """Blame only the members whose value differs from the first member that has one."""
        for column, code in (("rating_score", "household_score_differs"),
                             ("assessment_date", "household_date_differs")):
            self.reject(
                f"SELECT s.row, s.{column}, f.first_row FROM {STAGE} s JOIN ("
                f"SELECT household_key AS v, MIN(row) AS first_row FROM {STAGE} WHERE household_key IS NOT NULL "
                f"AND {column} IS NOT NULL GROUP BY household_key HAVING COUNT(DISTINCT {column}) > 1) f "
                f"ON f.v = s.household_key JOIN {STAGE} r ON r.row = f.first_row "
                f"WHERE s.{column} <> r.{column} ORDER BY s.row",
                column, code,
            )

    def same_person(self) -> None:
        """Two rows that matching resolved to one person (after matching: it reads the stage's person ids)."""
        self.reject(_clashing("source_key", "person_id"), "source_key", "same_person")
