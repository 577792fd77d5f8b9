"""The staging table of one import: a temporary table the cleaned rows stream into, in either database's way
(PostgreSQL: `COPY FROM STDIN`; SQLite: `executemany` in chunks), before the batch is checked and written."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.backends.utils import CursorWrapper

from sakme.common.bulk import bulk_insert

STAGE = "import_stage"
SQLITE_CHUNK = 5_000

# (column, PostgreSQL type) in the order of the row stage's tuples
STAGE_COLUMNS: tuple[tuple[str, str], ...] = (
    ("row", "integer"), ("source_key", "text"), ("pn_digest", "text"), ("pn_sealed", "text"), ("pn_tail", "text"),
    ("given_name_ka", "text"),
    ("family_name_ka", "text"), ("given_name_lat", "text"), ("family_name_lat", "text"), ("given_key", "text"),
    ("family_key", "text"), ("src_given", "text"), ("src_family", "text"), ("birth_date", "date"), ("sex", "text"),
    ("municipality_id", "bigint"), ("unit_id", "bigint"), ("address", "text"), ("phone", "text"),
    ("disability_status", "text"), ("household_key", "text"), ("relation", "text"), ("rating_score", "integer"),
    ("assessment_date", "date"), ("enrolment_status", "text"), ("registered_at", "date"),
)  # fmt: skip
# SQLite has one integer type and keeps dates as ISO text.
SQLITE_TYPES = {"bigint": "integer", "date": "text"}
STAGE_NAMES = tuple(c[0] for c in STAGE_COLUMNS)
STAGE_INDEXED = ("source_key", "pn_digest", "household_key")  # what the batch checks and matching look up
# Filled in by matching and writing, not by the file.
STAGE_STATE = ("person_id bigint, is_new smallint NOT NULL DEFAULT 0, changed smallint NOT NULL DEFAULT 0, "
               "pn_conflict smallint NOT NULL DEFAULT 0")


def stage_create(cursor: CursorWrapper) -> None:
    """An empty staging table (PostgreSQL drops it at the commit; SQLite when the import is done)."""
    pg = cursor.db.vendor == "postgresql"
    columns = ", ".join(f"{name} {kind if pg else SQLITE_TYPES.get(kind, kind)}" for name, kind in STAGE_COLUMNS)
    cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
    suffix = " ON COMMIT DROP" if pg else ""
    cursor.execute(f"CREATE TEMP TABLE {STAGE} ({columns}, {STAGE_STATE}){suffix}")


def stage_load(cursor: CursorWrapper, rows: Iterable[tuple[Any, ...]]) -> None:
    """Stream the rows into the stage, then index what the checks and matching look up."""
    bulk_insert(cursor, STAGE, STAGE_NAMES, rows, chunk=SQLITE_CHUNK)
    for column in STAGE_INDEXED:
        cursor.execute(f"CREATE INDEX {STAGE}_{column} ON {STAGE} ({column})")
    cursor.execute(f"ANALYZE {STAGE}")


def stage_indexes_drop(cursor: CursorWrapper) -> None:
    """Drop the stage's indexes once matching is done (PostgreSQL: the writes join the whole stage by hash)."""
    for column in STAGE_INDEXED:
        cursor.execute(f"DROP INDEX {STAGE}_{column}")
