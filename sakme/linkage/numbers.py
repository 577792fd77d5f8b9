"""Personal numbers inside linkage: they arrive sealed (the database holds no other form), are compared open in
DuckDB's memory, and are sealed again before anything goes to disk (the prepared-records cache)."""

from __future__ import annotations

from collections.abc import Callable

import duckdb
import pyarrow as pa

from sakme.registry import personal_numbers


def _rewrite(con: duckdb.DuckDBPyConnection, table: str, key: str, change: Callable[[str], str]) -> None:
    found = con.sql(f"SELECT {key}, personal_number FROM {table} WHERE personal_number IS NOT NULL").to_arrow_table()
    if not found.num_rows:
        return
    changed = pa.table({"k": found[key], "number": pa.array(
        [change(v) for v in found["personal_number"].to_pylist()], pa.string())})
    con.register("changed_numbers", changed)
    con.execute(f"UPDATE {table} SET personal_number = c.number FROM changed_numbers c WHERE {table}.{key} = c.k")
    con.unregister("changed_numbers")


def numbers_open(con: duckdb.DuckDBPyConnection, table: str, key: str) -> None:
    """Replace the sealed numbers of `table` (rows identified by `key`) with the numbers."""
    _rewrite(con, table, key, personal_numbers.unseal)


def numbers_seal(con: duckdb.DuckDBPyConnection, table: str, key: str) -> None:
    """Replace the numbers of `table` with their seals (before the table is written to a file)."""
    _rewrite(con, table, key, personal_numbers.seal)
