"""Reading source records from the Django database into DuckDB, streamed and set-based.

PostgreSQL: ``COPY (SELECT ...) TO STDOUT`` written to a temporary CSV file that DuckDB reads in parallel
(the postgres extension of DuckDB would need a download; COPY needs nothing and is the fastest export).
SQLite: a cursor read in chunks of rows, each chunk handed to DuckDB as an Arrow table.
Memory holds one chunk at a time on the Python side.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from django.db import connection

from sakme.linkage.conf import work_dir
from sakme.linkage.numbers import numbers_open

RAW = "raw_records"
SQLITE_CHUNK = 50_000

# (column, DuckDB type, SQL expression over registry_sourcerecord sr / registry_sourcesystem s / registry_person p)
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("record_id", "BIGINT", "sr.id"),
    ("source", "VARCHAR", "s.code"),
    ("source_key", "VARCHAR", "sr.key"),
    ("personal_number", "VARCHAR", "sr.personal_number_sealed"),  # opened in memory: numbers.py
    ("given_name", "VARCHAR", "sr.given_name"),
    ("family_name", "VARCHAR", "sr.family_name"),
    ("birth_date", "DATE", "sr.birth_date"),
    ("sex", "VARCHAR", "sr.sex"),
    ("municipality_id", "BIGINT", "sr.municipality_id"),
    ("address", "VARCHAR", "sr.address"),
    ("phone", "VARCHAR", "sr.phone"),
    ("person_id", "BIGINT", "sr.person_id"),
    ("unit_id", "BIGINT", "p.unit_id"),
    ("batch_id", "BIGINT", "sr.batch_id"),
)


def _select_sql(where: str) -> str:
    columns = ", ".join(f"{expr} AS {name}" for name, _type, expr in COLUMNS)
    return (f"SELECT {columns} FROM registry_sourcerecord sr "
            f"JOIN registry_sourcesystem s ON s.id = sr.source_id "
            f"JOIN registry_person p ON p.id = sr.person_id WHERE {where}")


def _create_raw(con: duckdb.DuckDBPyConnection, table: str) -> None:
    columns = ", ".join(f"{name} {kind}" for name, kind, _expr in COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE {table} ({columns})")


def read_records(con: duckdb.DuckDBPyConnection, *, sources: Sequence[str], batch_ids: Sequence[int] | None = None,
                 exclude_batch_ids: Sequence[int] = (), table: str = RAW) -> int:
    """Copy the source records of `sources` into `table` (only those last written by `batch_ids`, if given)."""
    where = f"s.code IN ({', '.join(['%s'] * len(sources))})"
    params: list[str] = list(sources)
    if batch_ids is not None:
        where += f" AND sr.batch_id IN ({', '.join(str(int(b)) for b in batch_ids) or 'NULL'})"
    if exclude_batch_ids:
        where += f" AND sr.batch_id NOT IN ({', '.join(str(int(b)) for b in exclude_batch_ids)})"
    _create_raw(con, table)
    if connection.vendor == "postgresql":
        _read_postgresql(con, table, _select_sql(where), params)
    else:
        _read_chunked(con, table, _select_sql(where), params)
    numbers_open(con, table, "record_id")
    return int(con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0])


def _read_postgresql(con: duckdb.DuckDBPyConnection, table: str, sql: str, params: list[str]) -> None:
    with tempfile.NamedTemporaryFile(dir=work_dir(), suffix=".csv") as handle:
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3: COPY is not part of the DB-API Django wraps
            with raw.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
                for block in copy:
                    handle.write(block)
        handle.flush()
        types = ", ".join(f"'{name}': '{kind}'" for name, kind, _expr in COLUMNS)
        con.execute(
            f"INSERT INTO {table} SELECT * FROM read_csv(?, header = false, delim = ',', quote = '\"', "
            f"escape = '\"', columns = {{{types}}}, dateformat = '%Y-%m-%d')",
            [handle.name],
        )


def _read_chunked(con: duckdb.DuckDBPyConnection, table: str, sql: str, params: list[str]) -> None:
    names = [name for name, _kind, _expr in COLUMNS]
    types = {"BIGINT": pa.int64(), "VARCHAR": pa.string(), "DATE": pa.date32()}
    schema = pa.schema([(name, types[kind]) for name, kind, _expr in COLUMNS])
    date_at = names.index("birth_date")
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while True:
            rows = cursor.fetchmany(SQLITE_CHUNK)
            if not rows:
                break
            columns = list(zip(*rows, strict=True))
            dates = columns[date_at]
            if dates and isinstance(next((d for d in dates if d is not None), None), str):
                column = pc.cast(pa.array(dates, pa.string()), pa.date32())
            else:
                column = pa.array(dates, pa.date32())
            arrays = [column if i == date_at else pa.array(values, schema.field(i).type)
                      for i, values in enumerate(columns)]
            chunk = pa.Table.from_arrays(arrays, schema=schema)  # noqa: F841 (read by DuckDB by name)
            con.execute(f"INSERT INTO {table} SELECT * FROM chunk")
