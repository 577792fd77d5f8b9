"""Writing many rows into one table set-based: COPY FROM STDIN on PostgreSQL, executemany in chunks on SQLite.

Rows may come from a generator (the importer cleans each row as it is pulled): memory holds one row on
PostgreSQL and one chunk on SQLite, whatever the number of rows. The caller holds the transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.backends.utils import CursorWrapper

CHUNK = 10_000


def bulk_insert(cursor: CursorWrapper, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]], *,
                chunk: int = CHUNK) -> None:
    """Insert many rows: COPY on PostgreSQL, executemany in chunks of `chunk` rows on SQLite."""
    names = ", ".join(columns)
    if cursor.db.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['?'] * len(columns))})"
    raw = cursor.cursor  # the sqlite3 cursor: Django's wrapper would rewrite every statement
    pending: list[Sequence[Any]] = []
    for row in rows:
        pending.append(row)
        if len(pending) >= chunk:
            raw.executemany(sql, pending)
            pending.clear()
    if pending:
        raw.executemany(sql, pending)
