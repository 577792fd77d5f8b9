"""Matching the staged rows to persons: by (source, key) of an earlier import, then by personal number and
birth date; then ids for the persons that are new. Writes only the stage's own columns."""

from __future__ import annotations

from django.db.backends.utils import CursorWrapper

from sakme.registry.importing.stage import STAGE, stage_indexes_drop
from sakme.registry.personal_numbers import masked


def persons_match(cursor: CursorWrapper, source_id: int) -> None:
    """Set each staged row's person: the one its source key had, else the one with its number and birth date. A
    number held by a person merged into another (kept there when the survivor has a number of its own) finds the
    survivor."""
    cursor.execute(
        f"UPDATE {STAGE} AS s SET person_id = sr.person_id FROM registry_sourcerecord AS sr "
        f"WHERE sr.source_id = %s AND sr.key = s.source_key", [source_id])
    cursor.execute(
        f"UPDATE {STAGE} AS s SET person_id = COALESCE(p.merged_into_id, p.id) FROM registry_person AS p "
        f"WHERE s.person_id IS NULL AND s.pn_digest IS NOT NULL AND p.personal_number_digest = s.pn_digest "
        f"AND (p.birth_date IS NULL OR s.birth_date IS NULL OR p.birth_date = s.birth_date)")


def number_conflicts(cursor: CursorWrapper) -> list[tuple[int, str]]:
    """Flag and return (row, masked number) of rows whose personal number another person holds (other birth date).

    Such a number is kept on the source record only; record linkage offers the pair for review.
    """
    cursor.execute(
        f"UPDATE {STAGE} AS s SET pn_conflict = 1 FROM registry_person AS p "
        f"WHERE p.personal_number_digest = s.pn_digest "
        f"AND (s.person_id IS NULL OR COALESCE(p.merged_into_id, p.id) <> s.person_id)")
    cursor.execute(f"SELECT row, pn_tail FROM {STAGE} WHERE pn_conflict = 1 ORDER BY row")
    return [(row, masked(tail)) for row, tail in cursor.fetchall()]


def new_person_ids(cursor: CursorWrapper) -> None:
    """Give every unmatched row a new person id, base + row, and mark it new."""
    if cursor.db.vendor == "postgresql":
        # Matching is done: the stage's indexes would only slow down rewriting its rows (joins from here on
        # are hash joins over the whole stage).
        stage_indexes_drop(cursor)
        # New persons take ids base + row from a block reserved in one step (imports run one at a time and
        # only imports create persons), instead of a nextval() per row.
        cursor.execute(f"SELECT MAX(row) FROM {STAGE} WHERE person_id IS NULL")
        rows = cursor.fetchone()[0]
        if rows:
            cursor.execute("SELECT pg_get_serial_sequence('registry_person', 'id')")
            sequence = cursor.fetchone()[0]
            cursor.execute("SELECT nextval(%s::regclass) - 1", [sequence])
            base = cursor.fetchone()[0]
            cursor.execute("SELECT setval(%s::regclass, %s)", [sequence, base + rows])
            cursor.execute(f"UPDATE {STAGE} SET is_new = 1, person_id = %s + row WHERE person_id IS NULL", [base])
        cursor.execute(f"ANALYZE {STAGE}")
    else:
        cursor.execute("SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'registry_person'), 0), "
                       "COALESCE((SELECT MAX(id) FROM registry_person), 0))")
        base = cursor.fetchone()[0]
        cursor.execute(f"UPDATE {STAGE} SET is_new = 1, person_id = %s + row WHERE person_id IS NULL", [base])
