"""One import of a persons file: clean every row while streaming it into a staging table, check the batch
as a whole in SQL, then match and upsert set-based.

The steps live in their own modules: `rows` (cleaning one row, with `lookups`; no database), `stage` (the
staging table: COPY on PostgreSQL, executemany on SQLite), `checks` (whole-batch checks), `matching`, `upsert`.
The caller runs `PersonImport.run()` inside one transaction: a crash or a kill leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.registry.importing.checks import BatchChecks, header_of
from sakme.registry.importing.lookups import Lookups
from sakme.registry.importing.mapping import Mapping
from sakme.registry.importing.matching import new_person_ids, number_conflicts, persons_match
from sakme.registry.importing.needs import columns_not_stored
from sakme.registry.importing.outcome import Outcome
from sakme.registry.importing.progress import Progress
from sakme.registry.importing.reader import FileRefused, Table, open_table
from sakme.registry.importing.rows import RowStage, holds_columns, locate_columns, staged_rows
from sakme.registry.importing.stage import STAGE, stage_create, stage_load
from sakme.registry.importing.upsert import Upsert
from sakme.registry.models import SourceSystem

__all__ = ["BatchRefused", "Lookups", "Outcome", "PersonImport"]


class BatchRefused(Exception):
    """The batch has errors and is written all or nothing, so nothing was written."""


LARGE = 10_000  # persons created by an import, from which the searched tables' statistics are refreshed
SEARCHED = ("registry_person", "registry_namekey", "registry_namevariant")


def searched_tables_vacuum(outcome: Outcome) -> None:
    """After a large import has committed, on PostgreSQL: VACUUM the searched tables, so that name searches read the
    indexes alone at once (their visibility map set) instead of after autovacuum's next pass. Outside a
    transaction only (VACUUM cannot run inside one): a no-op in tests and on SQLite."""
    if outcome.created <= LARGE or connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(SEARCHED)}")


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

    # Each step below is a method of its own so that bench/import_persons.py can time it.

    def _load_stage(self, cursor: CursorWrapper, row_stage: RowStage, table: Table) -> None:
        stage_create(cursor)
        stage_load(cursor, staged_rows(table, row_stage, self.progress))

    def _check_duplicates(self, cursor: CursorWrapper) -> None:
        BatchChecks(cursor, self.outcome, self.headers).duplicates(set(self.mapping.columns.values()))

    def _match(self, cursor: CursorWrapper) -> None:
        persons_match(cursor, self.source.pk)
        header = header_of(self.headers, "personal_number")
        for row, number in number_conflicts(cursor):
            self.outcome.problem(row, header, number, "warning", "number_elsewhere")
        BatchChecks(cursor, self.outcome, self.headers).same_person()
        new_person_ids(cursor)

    def _write(self, cursor: CursorWrapper) -> None:
        upsert = Upsert(cursor, source=self.source, batch_id=self.batch_id, now=self.now, outcome=self.outcome)
        upsert.changes_mark()
        self._progress("writing", 1)
        upsert.persons_write()
        self._progress("writing", 2)
        upsert.records_write()
        self._progress("writing", 3)
        if "household_key" in self.mapping.columns.values():
            self._write_households(upsert)
        self._progress("committing", 4)  # what is left (statistics, the commit's deferred checks) may take a minute

    def _write_households(self, upsert: Upsert) -> None:
        upsert.households_write()

    def _progress(self, phase: str, step: int) -> None:
        if self.progress:
            self.progress.update(phase, step, 4, force=True)

    def run(self) -> Outcome:
        """Read, check and write; raise BatchRefused (after collecting every problem) when nothing may be written."""
        mapping = self.mapping
        table = open_table(self.path, delimiter=mapping.delimiter, display_name=self.display_name,
                           header_row=mapping.header_row, is_header=lambda cells: holds_columns(mapping, cells))
        columns = locate_columns(table.headers, mapping, self.display_name)
        self.headers.update({target: header for target, (_index, header) in columns.items()})
        for target, needed in columns_not_stored(columns):  # said once: every row would say the same
            self.outcome.problem(table.header_row, columns[target][1], "", "warning", "column_not_stored",
                                 needs=needed)
        row_stage = RowStage(headers=table.headers, columns=columns, lookups=Lookups(), outcome=self.outcome,
                             lenient=mapping.lenient, required=mapping.required, strict_width=table.strict_width,
                             iso_dates=not self.pg)
        with connection.cursor() as cursor:
            if self.pg:
                cursor.execute("SELECT pg_advisory_xact_lock(7270001)")  # one import at a time
                cursor.execute("SET LOCAL work_mem = '256MB'")  # hash joins over the stage stay in memory
            else:
                # The person indexes take random-order keys: past SQLite's 2 MB page cache every insert reads
                # pages back from disk. A bounded 128 MB for this connection (memory stays flat with file size).
                cursor.execute("PRAGMA cache_size = -131072")
            self._load_stage(cursor, row_stage, table)
            if self.outcome.rows == 0:
                raise FileRefused(_("%(f)s has a header but no rows.") % {"f": self.display_name})
            self._check_duplicates(cursor)
            if self.outcome.errors and self.all_or_nothing:
                raise BatchRefused()
            self._match(cursor)
            if self.outcome.errors and self.all_or_nothing:
                raise BatchRefused()
            self._write(cursor)
            if self.outcome.created > LARGE:
                # Fresh statistics, so that searching the new persons uses the name indexes at once.
                for searched in SEARCHED:
                    cursor.execute(f"ANALYZE {searched}")
            if not self.pg:
                cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        return self.outcome
