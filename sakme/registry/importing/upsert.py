"""The upsert, set-based: persons, source records, households, memberships and enrolments from the matched
stage, one statement each. Survivorship: the most trusted source (`SourceSystem.rank`) owns a person's fields;
other sources only fill blanks. Each source's own values stay on its `SourceRecord`."""

from __future__ import annotations

import datetime as dt

from django.db.backends.utils import CursorWrapper

from sakme.registry import name_keys
from sakme.registry.importing.outcome import Outcome
from sakme.registry.importing.stage import STAGE
from sakme.registry.models import SourceSystem

# Person columns fed from the stage column of the same name, in the order they are written.
PERSON_COLUMNS = ("given_name_ka", "family_name_ka", "given_name_lat", "family_name_lat", "given_key", "family_key",
                  "birth_date", "sex", "municipality_id", "unit_id", "address", "phone", "disability_status")
# A number is stored as its hash, its seal and its tail (personal_numbers.py), which move together.
NUMBER_FORMS = ("digest", "sealed", "tail")
# A seal differs every time the same number is sealed: "unchanged" compares the number's hash instead.
RESEALED = "personal_number_sealed"
NOT_TEXT = frozenset({"birth_date", "municipality_id", "unit_id"})  # no '' for "blank": NULL only
SOURCE_RECORD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("personal_number_digest", "s.pn_digest"),
    ("personal_number_sealed", "s.pn_sealed"),
    ("personal_number_tail", "s.pn_tail"),
    ("given_name", "COALESCE(s.src_given, '')"),
    ("family_name", "COALESCE(s.src_family, '')"),
    ("birth_date", "s.birth_date"),
    ("sex", "COALESCE(s.sex, '')"),
    ("municipality_id", "s.municipality_id"),
    ("address", "COALESCE(s.address, '')"),
    ("phone", "COALESCE(s.phone, '')"),
    ("registered_at", "s.registered_at"),
)


def _number_value(form: str, primary: str) -> str:
    """A person's number (in one of its forms): the most trusted source's unless it is another person's; others
    only give one to a person without. The same number keeps its seal, so an unchanged row stays unchanged."""
    own, staged = f"p.personal_number_{form}", f"s.pn_{form}"
    keep_primary = "s.pn_conflict = 1 OR s.pn_digest IS NULL OR s.pn_digest = p.personal_number_digest"
    keep_other = "s.pn_conflict = 1 OR p.personal_number_digest IS NOT NULL"
    return f"CASE WHEN {primary} THEN (CASE WHEN {keep_primary} THEN {own} ELSE {staged} END) " \
           f"ELSE (CASE WHEN {keep_other} THEN {own} ELSE {staged} END) END"


def _person_value(column: str, primary: str) -> str:
    """The value a person column takes: the most trusted source decides, others only fill blanks."""
    kept = f"p.{column}" if column in NOT_TEXT else f"NULLIF(p.{column}, '')"
    return f"CASE WHEN {primary} THEN COALESCE(s.{column}, p.{column}) " \
           f"ELSE COALESCE({kept}, s.{column}, p.{column}) END"


class Upsert:
    """Writes one import's matched stage for its source; counts go to the outcome."""

    def __init__(self, cursor: CursorWrapper, *, source: SourceSystem, batch_id: int, now: dt.datetime,
                 outcome: Outcome) -> None:
        self.cursor = cursor
        self.source_id = source.pk
        self.batch_id = batch_id
        self.now = now
        self.outcome = outcome
        self.pg = cursor.db.vendor == "postgresql"
        src = int(source.pk)
        weaker = list(SourceSystem.objects.filter(rank__gt=source.rank).values_list("pk", flat=True)) or [0]
        # The person rows this source owns: nobody's yet, its own, or a less trusted source's.
        primary = (f"(p.primary_source_id IS NULL OR p.primary_source_id = {src} OR p.primary_source_id IN "
                   f"({', '.join(str(int(w)) for w in weaker)}))")
        values = [(c, _person_value(c, primary)) for c in PERSON_COLUMNS]
        values += [(f"personal_number_{form}", _number_value(form, primary)) for form in NUMBER_FORMS]
        values += [("primary_source_id", f"CASE WHEN {primary} THEN {src} ELSE p.primary_source_id END")]
        self.person_values = values  # (person column, SQL of its new value)
        self.person_differs = " OR ".join(self._distinct(expr, f"p.{c}") for c, expr in values)

    def _distinct(self, a: str, b: str) -> str:
        return f"{a} IS DISTINCT FROM {b}" if self.pg else f"{a} IS NOT {b}"

    def _update_changed(self, table: str, conflict: str, columns: tuple[str, ...],
                        nullable: tuple[str, ...] = ()) -> str:
        """ON CONFLICT: update `columns` (and updated_at) only where one of them changed, so a rerun writes nothing."""
        assignments = ", ".join(f"{c} = excluded.{c}" for c in (*columns, "updated_at"))
        changed = " OR ".join(self._distinct(f"{table}.{c}", f"excluded.{c}") if c in nullable
                              else f"{table}.{c} <> excluded.{c}" for c in columns)
        return f"ON CONFLICT ({conflict}) DO UPDATE SET {assignments} WHERE {changed}"

    def changes_mark(self) -> None:
        """Mark the matched rows whose person or source record would change (the rest are written nowhere)."""
        record_same = " AND ".join(f"NOT ({self._distinct(expr, f'sr.{c}')})" for c, expr in SOURCE_RECORD_COLUMNS
                                   if c != RESEALED)
        self.cursor.execute(
            f"UPDATE {STAGE} AS s SET changed = 1 FROM registry_person AS p "
            f"WHERE s.is_new = 0 AND p.id = s.person_id AND ({self.person_differs})")
        self.cursor.execute(
            f"UPDATE {STAGE} AS s SET changed = 1 WHERE s.is_new = 0 AND s.changed = 0 AND NOT EXISTS ("
            f"SELECT 1 FROM registry_sourcerecord AS sr WHERE sr.source_id = %s AND sr.key = s.source_key "
            f"AND sr.person_id = s.person_id AND {record_same})",
            [self.source_id])

    def persons_write(self) -> None:
        """Insert the new persons and update the changed ones, then record their name keys."""
        cursor, now = self.cursor, self.now
        selected = [f"s.{c}" if c in NOT_TEXT else f"COALESCE(s.{c}, '')" for c in PERSON_COLUMNS]
        numbers = ", ".join(f"CASE WHEN s.pn_conflict = 1 THEN NULL ELSE s.pn_{form} END" for form in NUMBER_FORMS)
        cursor.execute(
            f"INSERT INTO registry_person (id, {', '.join(f'personal_number_{f}' for f in NUMBER_FORMS)}, "
            f"primary_source_id, version, created_at, updated_at, {', '.join(PERSON_COLUMNS)}) "
            f"SELECT s.person_id, {numbers}, %s, 1, %s, %s, "
            f"{', '.join(selected)} FROM {STAGE} AS s WHERE s.is_new = 1",
            [self.source_id, now, now])
        self.outcome.created = cursor.rowcount
        assignments = ", ".join(f"{c} = {expr}" for c, expr in self.person_values)
        cursor.execute(
            f"UPDATE registry_person AS p SET {assignments}, version = p.version + 1, updated_at = %s "
            f"FROM {STAGE} AS s WHERE p.id = s.person_id AND s.changed = 1 AND ({self.person_differs})", [now])
        name_keys.add_from(cursor, STAGE)

    def records_write(self) -> None:
        """Upsert the source records of new and changed rows; count the updated and unchanged persons."""
        cursor, outcome = self.cursor, self.outcome
        record_columns = ", ".join(c for c, _e in SOURCE_RECORD_COLUMNS)
        record_values = ", ".join(e for _c, e in SOURCE_RECORD_COLUMNS)
        record_updates = ", ".join(f"{c} = excluded.{c}" for c, _e in SOURCE_RECORD_COLUMNS)
        cursor.execute(
            f"INSERT INTO registry_sourcerecord (source_id, key, person_id, batch_id, row, {record_columns}) "
            f"SELECT %s, s.source_key, s.person_id, %s, s.row, {record_values} FROM {STAGE} AS s "
            f"WHERE s.is_new = 1 OR s.changed = 1 "
            f"ON CONFLICT (source_id, key) DO UPDATE SET person_id = excluded.person_id, batch_id = excluded.batch_id, "
            f"row = excluded.row, {record_updates}",
            [self.source_id, self.batch_id])
        cursor.execute(f"SELECT COUNT(*) FROM {STAGE} WHERE is_new = 0 AND changed = 1")
        outcome.updated = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM {STAGE}")
        outcome.unchanged = cursor.fetchone()[0] - outcome.created - outcome.updated

    def households_write(self) -> None:
        """Upsert households, memberships and enrolments; only rows whose values change are written."""
        cursor, now, src = self.cursor, self.now, self.source_id
        cursor.execute(
            f"INSERT INTO registry_household (source_id, key, municipality_id, unit_id, address, created_at, "
            f"updated_at) SELECT %s, household_key, MIN(municipality_id), MIN(unit_id), COALESCE(MIN(address), ''), "
            f"%s, %s FROM {STAGE} WHERE household_key IS NOT NULL GROUP BY household_key "
            + self._update_changed("registry_household", "source_id, key", ("municipality_id", "unit_id", "address"),
                                   nullable=("municipality_id", "unit_id")),
            [src, now, now])
        self.outcome.households = cursor.rowcount
        cursor.execute(
            f"INSERT INTO registry_membership (household_id, person_id, relation, created_at, updated_at) "
            f"SELECT h.id, s.person_id, COALESCE(s.relation, 'other'), %s, %s FROM {STAGE} AS s "
            f"JOIN registry_household AS h ON h.source_id = %s AND h.key = s.household_key WHERE true "
            + self._update_changed("registry_membership", "person_id", ("household_id", "relation")),
            [now, now, src])
        cursor.execute(
            f"INSERT INTO registry_enrolment (household_id, rating_score, assessment_date, status, created_at, "
            f"updated_at) SELECT h.id, MIN(s.rating_score), s.assessment_date, MIN(COALESCE(s.enrolment_status, "
            f"'active')), %s, %s FROM {STAGE} AS s JOIN registry_household AS h ON h.source_id = %s "
            f"AND h.key = s.household_key WHERE s.rating_score IS NOT NULL AND s.assessment_date IS NOT NULL "
            f"GROUP BY h.id, s.assessment_date "
            + self._update_changed("registry_enrolment", "household_id, assessment_date", ("rating_score", "status")),
            [now, now, src])
        self.outcome.enrolments = cursor.rowcount
