"""The row stage: each row of the file cleaned into the tuple the staging table takes, and its problems.

Pure: nothing here touches the database (COPY pulls rows from `staged_rows` while it runs, and a query in
between would break it), so a row can be cleaned and checked in a test without one.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any

from django.utils.translation import gettext as _

from sakme.registry import personal_numbers
from sakme.registry.importing import fields as clean
from sakme.registry.importing.bounds import CELL_MAX, OverlongRow
from sakme.registry.importing.lookups import Lookups
from sakme.registry.importing.mapping import NAME_FIELDS, REQUIRED_FIELDS, Mapping, column_key, identity_mapping
from sakme.registry.importing.needs import values_not_stored
from sakme.registry.importing.outcome import Outcome
from sakme.registry.importing.progress import Progress
from sakme.registry.importing.reader import FileRefused, Table

Columns = dict[str, tuple[int, str]]  # field -> (cell index, header as written)


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


def _found(headers: Sequence[Any], columns: dict[str, str]) -> Columns:
    found: Columns = {}
    for index, header in enumerate(headers):
        target = columns.get(column_key(str(header or "")))
        if target:
            found[target] = (index, str(header).strip())
    return found


def _missing(found: Collection[str], mapping: Mapping) -> list[str]:
    """The fields the mapping requires that have no column, and the key when neither of its columns is there."""
    missing = [f for f in mapping.required if f not in found]
    if "source_key" not in found and "personal_number" not in found:
        missing.append("source_key / personal_number")
    return missing


def holds_columns(mapping: Mapping, cells: Sequence[Any]) -> bool:
    """Whether a row of the file names every column the mapping requires (the header row, found under a title)."""
    columns = mapping.columns or identity_mapping([str(c or "") for c in cells]).columns
    return not _missing(_found(cells, columns), mapping)


def locate_columns(headers: Sequence[str], mapping: Mapping, display_name: str) -> Columns:
    """field -> (cell index, header as written); refuses files missing a required column.

    Without a mapping, columns named like sakme's fields map onto them (and the mapping is filled in).
    """
    if not mapping.columns:
        mapping.columns = identity_mapping(list(headers)).columns
    found = _found(headers, mapping.columns)
    missing_names = _missing(found, mapping)
    if missing_names:
        wanted = {v: k for k, v in mapping.columns.items()}
        described = ", ".join(f"{m} ({_('column')} “{wanted[m]}”)" if m in wanted else m for m in missing_names)
        raise FileRefused(
            _("%(f)s lacks the column(s) for: %(m)s. Its columns are: %(c)s.")
            % {"f": display_name, "m": described, "c": ", ".join(h.strip() for h in headers)}
        )
    return found


class RowStage:
    """Cleans one row into the staging table's tuple (see stage.STAGE_COLUMNS), recording its problems."""

    def __init__(self, *, headers: Sequence[str], columns: Columns, lookups: Lookups, outcome: Outcome,
                 lenient: Collection[str] = (), required: Collection[str] = REQUIRED_FIELDS,
                 strict_width: bool = False, iso_dates: bool = False) -> None:
        cleaners: dict[str, clean.Cleaner] = {
            "personal_number": clean.personal_number, "birth_date": memoized(clean.date), "sex": clean.sex,
            "address": clean.address, "phone": clean.phone, "disability_status": clean.disability_status,
            "household_key": clean.code, "relation_to_head": clean.relation,
            "rating_score": memoized(clean.rating_score), "assessment_date": memoized(clean.date),
            "enrolment_status": clean.enrolment_status, "registered_at": memoized(clean.date),
            "source_key": clean.code, "municipality": memoized(lookups.municipality),
            "unit_code": lookups.unit_code,
        }
        self.plan = [(target, index, header, cleaners[target]) for target, (index, header) in columns.items()
                     if target in cleaners]
        self.names = [(target, columns.get(target), memoized(clean.name)) for target in NAME_FIELDS]
        self.columns = columns
        self.lookups = lookups
        self.outcome = outcome
        self.lenient = lenient
        self.required = required
        self.strict_width = strict_width
        self.iso_dates = iso_dates  # SQLite keeps dates as ISO text
        self.headers = [h.strip() for h in headers]
        width = len(self.headers)
        while width and not self.headers[width - 1]:
            width -= 1  # trailing unnamed columns may be left out
        self.width = width

    def _width_refused(self, line: int, cells: Sequence[Any]) -> bool:
        """One cell too few or too many shifts every value after it into the wrong column: refuse the row."""
        headers, width = self.headers, self.width
        if not self.strict_width or (len(cells) >= width and not any(c.strip() for c in cells[len(headers):])):
            return False
        extra = len(cells) > width
        self.outcome.problem(
            line, headers[-1] if extra else headers[len(cells)],
            next((c for c in cells[len(headers):] if c.strip()), "") if extra else "", "error",
            "row_width", n=len(cells), m=width)
        return True

    def clean(self, line: int, cells: Sequence[Any]) -> tuple[Any, ...] | None:
        """The row as the stage's tuple, or None when it is refused (its problems are on the outcome)."""
        outcome = self.outcome
        if type(cells) is OverlongRow:  # a cell too long to read (`bounds`): refused by column, the file goes on
            for index in cells.over:
                header = self.headers[index] if index < len(self.headers) else ""
                outcome.problem(line, header or f"#{index + 1}", "", "error", "cell_too_long", n=f"{CELL_MAX:,}")
            outcome.skipped += 1
            return None
        if self._width_refused(line, cells):
            outcome.skipped += 1
            return None
        notes = clean.Notes()
        values: dict[str, Any] = {}
        filled: list[str] = []  # the fields whose cell holds something
        failed = False
        for target, index, header, cleaner in self.plan:
            cell = cells[index] if index < len(cells) else None
            try:
                values[target] = cleaner(cell, notes, target)
            except clean.Problem as problem:
                if target in self.lenient:
                    outcome.problem(line, header, cell, "warning", problem.code, **problem.params, left_out=True)
                    values[target] = None
                else:
                    outcome.problem(line, header, cell, "error", problem.code, **problem.params)
                    failed = True
                continue
            if clean.text(cell):
                filled.append(target)
            elif target in self.required:
                outcome.problem(line, header, cell, "error", "value_missing")
                failed = True
        names = []
        for target, column, name_cleaner in self.names:
            index, header = column or (len(cells), target)
            cell = cells[index] if index < len(cells) else None
            if target not in self.required and not clean.text(cell):
                # a source that may lack this name (a job seeker by family name alone): kept for linkage
                outcome.problem(line, header, cell, "warning", "name_missing_kept")
                names.append(("", "", ""))
                continue
            try:
                names.append(name_cleaner(cell, notes, header))
            except clean.Problem as problem:
                outcome.problem(line, header, cell, "error", problem.code, **problem.params)
                failed = True
        columns = self.columns
        key: str | None = values.get("source_key") or values.get("personal_number")
        if not key and not failed:
            outcome.problem(line, columns.get("source_key", columns.get("personal_number", (0, "")))[1], "",
                            "error", "row_no_key")
            failed = True
        for target, value, code, params in notes.warnings:
            header = columns[target][1] if target in columns else target
            outcome.problem(line, header, value, "warning", code, **params)
        if failed or key is None:  # (no key: already failed above; said again for the type checker)
            outcome.skipped += 1
            return None
        for target, code in values_not_stored(filled, values, columns):
            index, header = columns[target]
            outcome.problem(line, header, cells[index], "warning", code)
        return self._staged(line, key, values, names)

    def _staged(self, line: int, key: str, values: dict[str, Any],
                names: list[tuple[str, str, str]]) -> tuple[Any, ...]:
        """The clean values in the order of the stage's columns; the unit derived when the file names none."""
        (given_ka, given_lat, given_key), (family_ka, family_lat, family_key) = names
        municipality_id = values.get("municipality")
        address = values.get("address")
        unit_id = values.get("unit_code") or self.lookups.unit_for(municipality_id, address)
        birth, assessed, registered = (values.get(k) for k in ("birth_date", "assessment_date", "registered_at"))
        if self.iso_dates:
            birth, assessed, registered = (d.isoformat() if d else None for d in (birth, assessed, registered))
        number = values.get("personal_number")
        stored = personal_numbers.protect(number) if number else None
        if key == number and stored:
            key = f"#{stored.digest}"  # keyed by the number: the source record's key is its hash, not the number
        return (
            line, key, *((stored.digest, stored.sealed, stored.tail) if stored else (None, None, None)),
            given_ka or None, family_ka or None, given_lat, family_lat, given_key, family_key,
            given_ka or given_lat, family_ka or family_lat,
            birth, values.get("sex"), municipality_id, unit_id, address, values.get("phone"),
            values.get("disability_status"), values.get("household_key") or None,
            values.get("relation_to_head"), values.get("rating_score"), assessed,
            values.get("enrolment_status"), registered,
        )


def staged_rows(table: Table, stage: RowStage, progress: Progress | None = None) -> Iterator[tuple[Any, ...]]:
    """Every row of the table that cleans, as the stage's tuple; counts the rows and reports progress."""
    outcome = stage.outcome
    clean_row = stage.clean
    total = table.size
    for line, cells in table.rows:
        outcome.rows += 1
        if progress is not None and outcome.rows % 2000 == 0:
            progress.update("reading", table.position(), total)
        staged = clean_row(line, cells)
        if staged is not None:
            yield staged
