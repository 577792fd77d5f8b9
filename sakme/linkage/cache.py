"""The prepared records of a scope kept as Parquet between runs, so that a new import batch is linked in
seconds: only the batch (and any batch imported since the cache was written) is read from the database.

The cache knows which import batches it holds. A record re-imported by a later batch carries that batch's
id, so it is read again and replaces its old prepared row. Records deleted since are dropped when pairs
are stored (store.pairs_write skips pairs of records that no longer exist).
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
from django.db import connection

from sakme.linkage.conf import work_dir
from sakme.linkage.numbers import numbers_open, numbers_seal
from sakme.linkage.preparation import VERSION


def _database() -> str:
    """Which database the cache was made from: a cache of another database (or of one since replaced) is unused."""
    settings = connection.settings_dict
    return f"{connection.vendor}:{settings.get('HOST') or ''}:{settings.get('PORT') or ''}:{settings['NAME']}"


def _paths(scope: str) -> tuple[Path, Path]:
    folder = work_dir()
    return folder / f"prepared-{scope}.parquet", folder / f"prepared-{scope}.json"


def cache_load(con: duckdb.DuckDBPyConnection, scope: str, table: str) -> set[int] | None:
    """Load the cached prepared records into `table`; the import batches they cover (None: no cache)."""
    data, meta = _paths(scope)
    if not (data.is_file() and meta.is_file()):
        return None
    held = json.loads(meta.read_text())
    if held.get("database") != _database() or held.get("preparation") != VERSION:
        return None
    batches = {int(b) for b in held["batches"]}
    con.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM read_parquet(?)", [str(data)])
    numbers_open(con, table, "unique_id")
    return batches


def cache_save(con: duckdb.DuckDBPyConnection, scope: str, table: str, batches: set[int]) -> None:
    """Write `table` as the scope's cache (atomically: a reader never sees half a file)."""
    data, meta = _paths(scope)
    partial = data.with_suffix(".partial")
    # The file holds the numbers sealed, as the database does: what is on disk opens only with the keyring.
    con.execute(f"CREATE OR REPLACE TEMP TABLE cache_out AS SELECT * FROM {table}")
    numbers_seal(con, "cache_out", "unique_id")
    con.execute(f"COPY cache_out TO '{partial}' (FORMAT PARQUET)")
    con.execute("DROP TABLE cache_out")
    partial.replace(data)
    meta.write_text(json.dumps({"database": _database(), "preparation": VERSION, "batches": sorted(batches)}))


def cache_drop(scope: str) -> None:
    for path in _paths(scope):
        path.unlink(missing_ok=True)
