"""One import of a persons file: clean every row while streaming it into a staging table, check the batch
as a whole in SQL, then match and upsert set-based.

PostgreSQL: COPY into a temporary table, then INSERT ... SELECT / UPDATE ... FROM.
SQLite: executemany into a temporary table in the same transaction, then the same SQL.
The caller runs `PersonImport.run()` inside one transaction: a crash or a kill leaves nothing behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.common.georgian import fold
from sakme.geo.models import Municipality, TbilisiDistrict, TerritorialUnit
from sakme.registry import name_keys
from sakme.registry.importing import fields as clean
from sakme.registry.importing.mapping import Mapping, column_key, identity_mapping
from sakme.registry.importing.progress import Progress
from sakme.registry.importing.reader import FileRefused, Table, open_table
from sakme.registry.models import ImportProblem, SourceSystem

STAGE = "import_stage"
MAX_PROBLEMS_KEPT = 100_000
SQLITE_CHUNK = 5_000

# (column, PostgreSQL type, SQLite type)
STAGE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("row", "integer", "integer"),
    ("source_key", "text", "text"),
    ("personal_number", "text", "text"),
    ("given_name_ka", "text", "text"),
    ("family_name_ka", "text", "text"),
    ("given_name_lat", "text", "text"),
    ("family_name_lat", "text", "text"),
    ("given_key", "text", "text"),
    ("family_key", "text", "text"),
    ("src_given", "text", "text"),
    ("src_family", "text", "text"),
    ("birth_date", "date", "text"),
    ("sex", "text", "text"),
    ("municipality_id", "bigint", "integer"),
    ("unit_id", "bigint", "integer"),
    ("address", "text", "text"),
    ("phone", "text", "text"),
    ("disability_status", "text", "text"),
    ("household_key", "text", "text"),
    ("relation", "text", "text"),
    ("rating_score", "integer", "integer"),
    ("assessment_date", "date", "text"),
    ("enrolment_status", "text", "text"),
    ("registered_at", "date", "text"),
)
STAGE_NAMES = tuple(c[0] for c in STAGE_COLUMNS)
STAGE_INDEXED = ("source_key", "personal_number", "household_key")  # what the batch checks and matching look up
# Person columns fed from the stage: (person column, stage column, text column?)
PERSON_COLUMNS: tuple[tuple[str, str, bool], ...] = (
    ("given_name_ka", "given_name_ka", True),
    ("family_name_ka", "family_name_ka", True),
    ("given_name_lat", "given_name_lat", True),
    ("family_name_lat", "family_name_lat", True),
    ("given_key", "given_key", True),
    ("family_key", "family_key", True),
    ("birth_date", "birth_date", False),
    ("sex", "sex", True),
    ("municipality_id", "municipality_id", False),
    ("unit_id", "unit_id", False),
    ("address", "address", True),
    ("phone", "phone", True),
    ("disability_status", "disability_status", True),
)
SOURCE_RECORD_COLUMNS: tuple[tuple[str, str], ...] = (
    ("personal_number", "COALESCE(s.personal_number, '')"),
    ("given_name", "COALESCE(s.src_given, '')"),
    ("family_name", "COALESCE(s.src_family, '')"),
    ("birth_date", "s.birth_date"),
    ("sex", "COALESCE(s.sex, '')"),
    ("municipality_id", "s.municipality_id"),
    ("address", "COALESCE(s.address, '')"),
    ("phone", "COALESCE(s.phone, '')"),
    ("registered_at", "s.registered_at"),
)


class BatchRefused(Exception):
    """The batch has errors and is written all or nothing, so nothing was written."""


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: int = 0
    warnings: int = 0
    households: int = 0
    enrolments: int = 0
    problems: list[tuple[int, str, str, str, str, str]] = field(default_factory=list)

    def problem(self, row: int, column: str, value: Any, severity: str, message: str, expected: str = "") -> None:
        if severity == ImportProblem.Severity.ERROR:
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            self.problems.append((row, column[:100], clean.text(value)[:300], severity, message[:300],
                                  expected[:300]))


class Lookups:
    """Reference data the cleaners need: municipalities by any spelling, units, Tbilisi districts."""

    def __init__(self) -> None:
        self.municipalities: dict[str, int] = {}
        for m in Municipality.objects.all():
            for spelling in (m.code, m.name_en, m.name_ka):
                self.municipalities[fold(spelling)] = m.pk
                self.municipalities[spelling.lower()] = m.pk
        units = list(TerritorialUnit.objects.filter(is_active=True).order_by("code"))
        self.units = {u.code.lower(): u.pk for u in units}
        self.default_unit: dict[int, int] = {}
        for u in sorted(units, key=lambda u: (u.kind != TerritorialUnit.Kind.REGIONAL_CENTRE, u.code)):
            self.default_unit.setdefault(u.municipality_id, u.pk)
        self.tbilisi_ids = {u.municipality_id for u in units if u.kind == TerritorialUnit.Kind.TBILISI_CENTRE}
        for mid in self.tbilisi_ids:
            self.default_unit.pop(mid, None)  # Tbilisi has five centres: the district decides
        self.districts = [(d.name_ka, d.name_en.lower(), d.unit_id) for d in TbilisiDistrict.objects.all()]
        self.example_municipalities = ", ".join(sorted(m.name_en for m in Municipality.objects.all()[:4]))

    def municipality(self, value: Any, notes: clean.Notes, target: str) -> int | None:
        raw = clean.text(value)
        if not raw:
            return None
        found = self.municipalities.get(raw.lower()) or self.municipalities.get(fold(raw))
        if found is None:
            stripped = raw.removeprefix("ქ. ").removesuffix(" მუნიციპალიტეტი").removesuffix(" municipality")
            found = self.municipalities.get(fold(stripped))
        if found is None:
            raise clean.Problem(_("unknown municipality"),
                                _("a municipality's name in Georgian or English, e.g. %(e)s")
                                % {"e": self.example_municipalities})
        return found

    def unit_code(self, value: Any, notes: clean.Notes, target: str) -> int | None:
        raw = clean.text(value).lower()
        if not raw:
            return None
        try:
            return self.units[raw]
        except KeyError:
            raise clean.Problem(_("unknown territorial unit code"), _("a unit code such as TB-1 or KA-TEL")) from None

    def unit_for(self, municipality_id: int | None, address: str | None) -> int | None:
        if municipality_id is None:
            return None
        if municipality_id in self.tbilisi_ids and address:
            lowered = address.lower()
            for name_ka, name_en, unit_id in self.districts:
                if name_ka in lowered or name_en in lowered:
                    return unit_id
        return self.default_unit.get(municipality_id)


def memoized(cleaner: clean.Cleaner, size: int = 50_000) -> clean.Cleaner:
    """The same cleaner, remembering what it made of the text cells it has seen (names, dates and places
    repeat thousands of times in a registry). Only clean, warning-free results are kept; memory is bounded."""
    seen: dict[str, Any] = {}

    def run(cell: Any, notes: clean.Notes, target: str) -> Any:
        if type(cell) is str and cell in seen:
            return seen[cell]
        warnings = len(notes.warnings)
        value = cleaner(cell, notes, target)
        if type(cell) is str and len(notes.warnings) == warnings and len(seen) < size:
            seen[cell] = value
        return value

    return run


class PersonImport:
    """Import one persons file for one source system (see the module docstring)."""

    def __init__(self, *, batch_id: int, source: SourceSystem, path: Path, display_name: str, mapping: Mapping,
                 all_or_nothing: bool = True, progress: Progress | None = None) -> None:
        self.batch_id = batch_id
        self.source = source
        self.path = path
        self.display_name = display_name
        self.mapping = mapping
        self.all_or_nothing = all_or_nothing
        self.progress = progress
        self.outcome = Outcome()
        self.headers: dict[str, str] = {}  # field -> its column's header as written in the file
        self.pg = connection.vendor == "postgresql"
        self.now = timezone.now()

    # -- reading and cleaning ---------------------------------------------------------------------

    def _columns(self, table: Table) -> dict[str, tuple[int, str]]:
        """field -> (cell index, header as written); refuses files missing a required column."""
        if not self.mapping.columns:
            self.mapping.columns = identity_mapping(table.headers).columns
        found: dict[str, tuple[int, str]] = {}
        for index, header in enumerate(table.headers):
            target = self.mapping.columns.get(column_key(header))
            if target:
                found[target] = (index, header.strip())
                self.headers[target] = header.strip()
        missing_names = [f for f in ("given_name", "family_name") if f not in found]
        if "source_key" not in found and "personal_number" not in found:
            missing_names.append("source_key / personal_number")
        if missing_names:
            wanted = {v: k for k, v in self.mapping.columns.items()}
            described = ", ".join(f"{m} ({_('column')} “{wanted[m]}”)" if m in wanted else m for m in missing_names)
            raise FileRefused(
                _("%(f)s lacks the column(s) for: %(m)s. Its columns are: %(c)s.")
                % {"f": self.display_name, "m": described, "c": ", ".join(h.strip() for h in table.headers)}
            )
        return found

    def _clean_rows(self, table: Table, columns: dict[str, tuple[int, str]],
                    lookups: Lookups) -> Iterator[tuple[Any, ...]]:
        """Clean row by row (a generator: COPY pulls from it, so it must not query the database)."""
        cleaners: dict[str, clean.Cleaner] = {
            "personal_number": clean.personal_number, "birth_date": memoized(clean.date), "sex": clean.sex,
            "address": clean.address, "phone": clean.phone, "disability_status": clean.disability_status,
            "household_key": clean.code, "relation_to_head": clean.relation,
            "rating_score": memoized(clean.rating_score), "assessment_date": memoized(clean.date),
            "enrolment_status": clean.enrolment_status, "registered_at": memoized(clean.date),
            "source_key": clean.code, "municipality": memoized(lookups.municipality),
            "unit_code": lookups.unit_code,
        }
        given_name, family_name = memoized(clean.name), memoized(clean.name)
        plan = [(target, index, header, cleaners[target]) for target, (index, header) in columns.items()
                if target in cleaners]
        given_at, family_at = columns["given_name"], columns["family_name"]
        lenient = self.mapping.lenient
        iso = not self.pg  # SQLite keeps dates as ISO text
        outcome = self.outcome
        progress = self.progress
        total = table.size
        headers = [h.strip() for h in table.headers]
        width = len(headers)
        while width and not headers[width - 1]:
            width -= 1  # trailing unnamed columns may be left out
        for line, cells in table.rows:
            outcome.rows += 1
            if progress is not None and outcome.rows % 2000 == 0:
                progress.update("reading", table.position(), total)
            if table.strict_width and (len(cells) < width or any(c.strip() for c in cells[len(headers):])):
                # One cell too few or too many shifts every value after it into the wrong column.
                extra = len(cells) > width
                outcome.problem(
                    line, headers[-1] if extra else headers[len(cells)],
                    next((c for c in cells[len(headers):] if c.strip()), "") if extra else "", "error",
                    _("the row has %(n)d cells but the header has %(m)d: a value holds the delimiter or a line "
                      "break without quotes, or cells are missing") % {"n": len(cells), "m": width},
                    _("one cell per column; a value with the delimiter or a line break in double quotes"))
                outcome.skipped += 1
                continue
            notes = clean.Notes()
            values: dict[str, Any] = {}
            failed = False
            for target, index, header, cleaner in plan:
                cell = cells[index] if index < len(cells) else None
                try:
                    values[target] = cleaner(cell, notes, target)
                except clean.Problem as problem:
                    if target in lenient:
                        outcome.problem(line, header, cell, "warning", problem.message + _(" (left out)"),
                                        problem.expected)
                        values[target] = None
                    else:
                        outcome.problem(line, header, cell, "error", problem.message, problem.expected)
                        failed = True
            names = []
            for (index, header), name_cleaner in ((given_at, given_name), (family_at, family_name)):
                cell = cells[index] if index < len(cells) else None
                try:
                    names.append(name_cleaner(cell, notes, header))
                except clean.Problem as problem:
                    outcome.problem(line, header, cell, "error", problem.message, problem.expected)
                    failed = True
            key = values.get("source_key") or values.get("personal_number")
            if not key and not failed:
                outcome.problem(line, columns.get("source_key", columns.get("personal_number", (0, "")))[1], "",
                                "error", _("the row has neither a source key nor a personal number"),
                                _("the person's key in the source system, or an 11-digit personal number"))
                failed = True
            for target, value, message, expected in notes.warnings:
                header = columns[target][1] if target in columns else target
                outcome.problem(line, header, value, "warning", message, expected)
            if failed:
                outcome.skipped += 1
                continue
            (given_ka, given_lat, given_key), (family_ka, family_lat, family_key) = names
            municipality_id = values.get("municipality")
            address = values.get("address")
            unit_id = values.get("unit_code") or lookups.unit_for(municipality_id, address)
            birth, assessed, registered = (values.get(k) for k in ("birth_date", "assessment_date", "registered_at"))
            if iso:
                birth, assessed, registered = (d.isoformat() if d else None for d in (birth, assessed, registered))
            yield (
                line, key, values.get("personal_number"),
                given_ka or None, family_ka or None, given_lat, family_lat, given_key, family_key,
                given_ka or given_lat, family_ka or family_lat,
                birth, values.get("sex"), municipality_id, unit_id, address, values.get("phone"),
                values.get("disability_status"), values.get("household_key") or None,
                values.get("relation_to_head"), values.get("rating_score"), assessed,
                values.get("enrolment_status"), registered,
            )

    # -- staging ------------------------------------------------------------------------------------

    def _create_stage(self, cursor: Any) -> None:
        index = 1 if self.pg else 2
        columns = ", ".join(f"{c[0]} {c[index]}" for c in STAGE_COLUMNS)
        extra = "person_id bigint, is_new smallint NOT NULL DEFAULT 0, changed smallint NOT NULL DEFAULT 0, " \
                "pn_conflict smallint NOT NULL DEFAULT 0"
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        suffix = " ON COMMIT DROP" if self.pg else ""
        cursor.execute(f"CREATE TEMP TABLE {STAGE} ({columns}, {extra}){suffix}")

    def _load_stage(self, cursor: Any, rows: Iterator[tuple[Any, ...]]) -> None:
        names = ", ".join(STAGE_NAMES)
        if self.pg:
            with cursor.cursor.copy(f"COPY {STAGE} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            sql = f"INSERT INTO {STAGE} ({names}) VALUES ({', '.join('?' * len(STAGE_NAMES))})"
            raw = cursor.cursor  # the sqlite3 cursor: Django's wrapper would rewrite every statement
            chunk: list[tuple[Any, ...]] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) >= SQLITE_CHUNK:
                    raw.executemany(sql, chunk)
                    chunk.clear()
            if chunk:
                raw.executemany(sql, chunk)
        for column in STAGE_INDEXED:
            cursor.execute(f"CREATE INDEX {STAGE}_{column} ON {STAGE} ({column})")
        cursor.execute(f"ANALYZE {STAGE}")

    # -- whole-batch checks -------------------------------------------------------------------------

    def _reject(self, cursor: Any, rows_sql: str, params: list[Any], header_of: str, message: str,
                expected: str) -> None:
        """Record an error for every row the query returns (row, value, other row) and drop them from the stage."""
        cursor.execute(rows_sql, params)
        rejected = cursor.fetchall()
        column = self._header(header_of)
        for row, value, other in rejected:
            self.outcome.problem(row, column, value, "error", message % {"other": other}, expected)
        if rejected:
            self.outcome.skipped += len(rejected)
            ids = [r[0] for r in rejected]
            for start in range(0, len(ids), 5000):
                part = ids[start:start + 5000]
                cursor.execute(f"DELETE FROM {STAGE} WHERE row IN ({', '.join(['%s'] * len(part))})", part)

    def _header(self, target: str) -> str:
        """The column of a field as its header is written (rows keyed by personal number: that column)."""
        if target == "source_key" and target not in self.headers:
            target = "personal_number"
        return self.headers.get(target, target)

    def _check_duplicates(self, cursor: Any) -> None:
        for column, target in (("source_key", "source_key"), ("personal_number", "personal_number")):
            if target == "source_key" and target not in self.mapping.columns.values():
                continue  # keyed by personal number: the next check reports it
            self._reject(
                cursor,
                f"SELECT s.row, s.{column}, f.first_row FROM {STAGE} s JOIN ("
                f"SELECT {column} AS v, MIN(row) AS first_row FROM {STAGE} WHERE {column} IS NOT NULL "
                f"GROUP BY {column} HAVING COUNT(*) > 1) f ON f.v = s.{column} "
                f"WHERE s.row <> f.first_row ORDER BY s.row",
                [], target,
                _("the same value as row %(other)s: one person per row"),
                _("a value that no other row of the file has"),
            )
        if "household_key" in self.mapping.columns.values():
            # Blame only the members whose value differs from the first member that has one.
            for column, message, expected in (
                ("rating_score", _("the household's rating score differs from row %(other)s"),
                 _("the same rating score for every member of a household")),
                ("assessment_date", _("the household's assessment date differs from row %(other)s"),
                 _("the same assessment date for every member of a household")),
            ):
                self._reject(
                    cursor,
                    f"SELECT s.row, s.{column}, f.first_row FROM {STAGE} s JOIN ("
                    f"SELECT household_key AS v, MIN(row) AS first_row FROM {STAGE} WHERE household_key IS NOT NULL "
                    f"AND {column} IS NOT NULL GROUP BY household_key HAVING COUNT(DISTINCT {column}) > 1) f "
                    f"ON f.v = s.household_key JOIN {STAGE} r ON r.row = f.first_row "
                    f"WHERE s.{column} <> r.{column} ORDER BY s.row",
                    [], column, message, expected,
                )

    # -- matching and writing -----------------------------------------------------------------------

    def _distinct(self, a: str, b: str) -> str:
        return f"{a} IS DISTINCT FROM {b}" if self.pg else f"{a} IS NOT {b}"

    def _match(self, cursor: Any) -> None:
        src = self.source.pk
        cursor.execute(
            f"UPDATE {STAGE} AS s SET person_id = sr.person_id FROM registry_sourcerecord AS sr "
            f"WHERE sr.source_id = %s AND sr.key = s.source_key", [src])
        cursor.execute(
            f"UPDATE {STAGE} AS s SET person_id = p.id FROM registry_person AS p "
            f"WHERE s.person_id IS NULL AND s.personal_number IS NOT NULL AND p.personal_number = s.personal_number "
            f"AND (p.birth_date IS NULL OR s.birth_date IS NULL OR p.birth_date = s.birth_date)")
        # A personal number already held by someone else (other birth date): kept on the source record only.
        cursor.execute(
            f"UPDATE {STAGE} AS s SET pn_conflict = 1 FROM registry_person AS p "
            f"WHERE p.personal_number = s.personal_number AND (s.person_id IS NULL OR p.id <> s.person_id)")
        cursor.execute(f"SELECT row, personal_number FROM {STAGE} WHERE pn_conflict = 1 ORDER BY row")
        header = self._header("personal_number")
        for row, number in cursor.fetchall():
            self.outcome.problem(
                row, header, number, "warning",
                _("this personal number belongs to another person with another birth date; "
                  "kept on the source record only"),
                _("check the number; record linkage will offer the pair for review"))
        self._reject(
            cursor,
            f"SELECT s.row, s.source_key, f.first_row FROM {STAGE} s JOIN ("
            f"SELECT person_id AS v, MIN(row) AS first_row FROM {STAGE} WHERE person_id IS NOT NULL "
            f"GROUP BY person_id HAVING COUNT(*) > 1) f ON f.v = s.person_id WHERE s.row <> f.first_row ORDER BY s.row",
            [], "source_key",
            _("describes the same person as row %(other)s"), _("one row per person"))
        if self.pg:
            # Matching is done: the stage's indexes would only slow down rewriting its rows (joins from here on
            # are hash joins over the whole stage).
            for column in STAGE_INDEXED:
                cursor.execute(f"DROP INDEX {STAGE}_{column}")
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

    def _person_value(self, column: str, stage_column: str, is_text: bool, primary: str) -> str:
        """The value a person column takes: the most trusted source decides, others only fill blanks."""
        kept = f"NULLIF(p.{column}, '')" if is_text else f"p.{column}"
        return f"CASE WHEN {primary} THEN COALESCE(s.{stage_column}, p.{column}) " \
               f"ELSE COALESCE({kept}, s.{stage_column}, p.{column}) END"

    def _write(self, cursor: Any) -> None:
        src = self.source.pk
        weaker = list(SourceSystem.objects.filter(rank__gt=self.source.rank).values_list("pk", flat=True)) or [0]
        primary = (f"(p.primary_source_id IS NULL OR p.primary_source_id = {int(src)} OR p.primary_source_id IN "
                   f"({', '.join(str(int(w)) for w in weaker)}))")
        number = "CASE WHEN s.pn_conflict = 1 THEN p.personal_number ELSE " \
                 "COALESCE(p.personal_number, s.personal_number) END"
        number_primary = "CASE WHEN s.pn_conflict = 1 THEN p.personal_number ELSE " \
                         "COALESCE(s.personal_number, p.personal_number) END"
        person_number = f"CASE WHEN {primary} THEN {number_primary} ELSE {number} END"
        values = [(c, self._person_value(c, sc, t, primary)) for c, sc, t in PERSON_COLUMNS]
        values += [("personal_number", person_number),
                   ("primary_source_id", f"CASE WHEN {primary} THEN {int(src)} ELSE p.primary_source_id END")]
        person_differs = " OR ".join(self._distinct(expr, f"p.{c}") for c, expr in values)
        record_same = " AND ".join(f"NOT ({self._distinct(expr, f'sr.{c}')})" for c, expr in SOURCE_RECORD_COLUMNS)
        cursor.execute(
            f"UPDATE {STAGE} AS s SET changed = 1 FROM registry_person AS p "
            f"WHERE s.is_new = 0 AND p.id = s.person_id AND ({person_differs})")
        cursor.execute(
            f"UPDATE {STAGE} AS s SET changed = 1 WHERE s.is_new = 0 AND s.changed = 0 AND NOT EXISTS ("
            f"SELECT 1 FROM registry_sourcerecord AS sr WHERE sr.source_id = %s AND sr.key = s.source_key "
            f"AND sr.person_id = s.person_id AND {record_same})",
            [src])
        if self.progress:
            self.progress.update("writing", 1, 4, force=True)

        insert_columns = [c for c, _sc, _t in PERSON_COLUMNS]
        selected = [f"COALESCE(s.{sc}, '')" if t else f"s.{sc}" for _c, sc, t in PERSON_COLUMNS]
        cursor.execute(
            f"INSERT INTO registry_person (id, personal_number, primary_source_id, version, created_at, updated_at, "
            f"{', '.join(insert_columns)}) "
            f"SELECT s.person_id, CASE WHEN s.pn_conflict = 1 THEN NULL ELSE s.personal_number END, %s, 1, %s, %s, "
            f"{', '.join(selected)} FROM {STAGE} AS s WHERE s.is_new = 1",
            [src, self.now, self.now])
        self.outcome.created = cursor.rowcount
        assignments = ", ".join(f"{c} = {expr}" for c, expr in values)
        cursor.execute(
            f"UPDATE registry_person AS p SET {assignments}, version = p.version + 1, updated_at = %s "
            f"FROM {STAGE} AS s WHERE p.id = s.person_id AND s.changed = 1 AND ({person_differs})", [self.now])
        name_keys.add_from(cursor, STAGE)
        if self.progress:
            self.progress.update("writing", 2, 4, force=True)

        record_columns = ", ".join(c for c, _e in SOURCE_RECORD_COLUMNS)
        record_values = ", ".join(e for _c, e in SOURCE_RECORD_COLUMNS)
        record_updates = ", ".join(f"{c} = excluded.{c}" for c, _e in SOURCE_RECORD_COLUMNS)
        cursor.execute(
            f"INSERT INTO registry_sourcerecord (source_id, key, person_id, batch_id, row, {record_columns}) "
            f"SELECT %s, s.source_key, s.person_id, %s, s.row, {record_values} FROM {STAGE} AS s "
            f"WHERE s.is_new = 1 OR s.changed = 1 "
            f"ON CONFLICT (source_id, key) DO UPDATE SET person_id = excluded.person_id, batch_id = excluded.batch_id, "
            f"row = excluded.row, {record_updates}",
            [src, self.batch_id])
        cursor.execute(f"SELECT COUNT(*) FROM {STAGE} WHERE is_new = 0 AND changed = 1")
        self.outcome.updated = cursor.fetchone()[0]
        cursor.execute(f"SELECT COUNT(*) FROM {STAGE}")
        self.outcome.unchanged = cursor.fetchone()[0] - self.outcome.created - self.outcome.updated
        if self.progress:
            self.progress.update("writing", 3, 4, force=True)
        if "household_key" in self.mapping.columns.values():
            self._write_households(cursor)
        if self.progress:  # what is left (statistics, the commit's deferred checks) may take a minute
            self.progress.update("committing", 4, 4, force=True)

    def _write_households(self, cursor: Any) -> None:
        src = self.source.pk
        d = self._distinct
        cursor.execute(
            f"INSERT INTO registry_household (source_id, key, municipality_id, unit_id, address, created_at, "
            f"updated_at) SELECT %s, household_key, MIN(municipality_id), MIN(unit_id), COALESCE(MIN(address), ''), "
            f"%s, %s FROM {STAGE} WHERE household_key IS NOT NULL GROUP BY household_key "
            f"ON CONFLICT (source_id, key) DO UPDATE SET municipality_id = excluded.municipality_id, "
            f"unit_id = excluded.unit_id, address = excluded.address, updated_at = excluded.updated_at "
            f"WHERE {d('registry_household.municipality_id', 'excluded.municipality_id')} "
            f"OR {d('registry_household.unit_id', 'excluded.unit_id')} "
            f"OR registry_household.address <> excluded.address",
            [src, self.now, self.now])
        self.outcome.households = cursor.rowcount
        cursor.execute(
            f"INSERT INTO registry_membership (household_id, person_id, relation, created_at, updated_at) "
            f"SELECT h.id, s.person_id, COALESCE(s.relation, 'other'), %s, %s FROM {STAGE} AS s "
            f"JOIN registry_household AS h ON h.source_id = %s AND h.key = s.household_key WHERE true "
            f"ON CONFLICT (person_id) DO UPDATE SET household_id = excluded.household_id, "
            f"relation = excluded.relation, updated_at = excluded.updated_at "
            f"WHERE registry_membership.household_id <> excluded.household_id "
            f"OR registry_membership.relation <> excluded.relation",
            [self.now, self.now, src])
        cursor.execute(
            f"INSERT INTO registry_enrolment (household_id, rating_score, assessment_date, status, created_at, "
            f"updated_at) SELECT h.id, MIN(s.rating_score), s.assessment_date, MIN(COALESCE(s.enrolment_status, "
            f"'active')), %s, %s FROM {STAGE} AS s JOIN registry_household AS h ON h.source_id = %s "
            f"AND h.key = s.household_key WHERE s.rating_score IS NOT NULL AND s.assessment_date IS NOT NULL "
            f"GROUP BY h.id, s.assessment_date "
            f"ON CONFLICT (household_id, assessment_date) DO UPDATE SET rating_score = excluded.rating_score, "
            f"status = excluded.status, updated_at = excluded.updated_at "
            f"WHERE registry_enrolment.rating_score <> excluded.rating_score "
            f"OR registry_enrolment.status <> excluded.status",
            [self.now, self.now, src])
        self.outcome.enrolments = cursor.rowcount

    # -- the whole run ------------------------------------------------------------------------------

    def run(self) -> Outcome:
        """Read, check and write; raise BatchRefused (after collecting every problem) when nothing may be written."""
        table = open_table(self.path, delimiter=self.mapping.delimiter, display_name=self.display_name)
        columns = self._columns(table)
        lookups = Lookups()
        with connection.cursor() as cursor:
            if self.pg:
                cursor.execute("SELECT pg_advisory_xact_lock(7270001)")  # one import at a time
                cursor.execute("SET LOCAL work_mem = '256MB'")  # hash joins over the stage stay in memory
            else:
                # The person indexes take random-order keys: past SQLite's 2 MB page cache every insert reads
                # pages back from disk. A bounded 128 MB for this connection (memory stays flat with file size).
                cursor.execute("PRAGMA cache_size = -131072")
            self._create_stage(cursor)
            self._load_stage(cursor, self._clean_rows(table, columns, lookups))
            if self.outcome.rows == 0:
                raise FileRefused(_("%(f)s has a header but no rows.") % {"f": self.display_name})
            self._check_duplicates(cursor)
            if self.outcome.errors and self.all_or_nothing:
                raise BatchRefused()
            self._match(cursor)
            if self.outcome.errors and self.all_or_nothing:
                raise BatchRefused()
            self._write(cursor)
            if self.pg and self.outcome.created > 10_000:
                # Fresh statistics, so that searching the new persons uses the name indexes at once.
                cursor.execute("ANALYZE registry_person")
            if not self.pg:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        return self.outcome

