"""Preparing source records for comparison, in DuckDB.

Names and addresses are romanized by the national system with apostrophes dropped (sakme.common.georgian,
so that linkage, search and the importer agree letter for letter) and lower-cased; names also get the
folded key that collapses the usual variant spellings (kh/x, ts/c, q/k, sh/sch, shvili/chvili, ...).
DuckDB's edit distances count bytes, so only these Latin forms are ever compared, never Georgian script.

Python is called once per *distinct* name or address (a few tens of thousands of names in a national
registry), never per row; everything else is set-based SQL.
"""

from __future__ import annotations

import re

import duckdb
import pyarrow as pa

from sakme.common.georgian import fold, romanize

PREPARED = "prepared_records"
_APOSTROPHES = re.compile("['’`ʼ´‘]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")

# The columns Splink sees (besides unique_id and source_dataset).
SPLINK_COLUMNS = (
    "personal_number", "given_name", "family_name", "given_key", "family_key", "birth_date", "birth_text",
    "birth_year", "birth_month", "birth_day", "sex", "municipality_id", "address", "address_tokens",
    "address_number", "address_word", "phone",
)  # fmt: skip
# Bumped whenever the prepared columns change: prepared records cached by an older version are read again.
VERSION = 2


def latin_name(text: str) -> str:
    """A name as compared: national romanization without apostrophes, lower case, single spaces."""
    return " ".join(_APOSTROPHES.sub("", romanize(text, apostrophes=False).lower()).split())


def latin_address(text: str) -> str:
    """An address as compared: romanized, lower case, letters and digits only, single spaces."""
    return " ".join(_NON_ALNUM.split(romanize(text, apostrophes=False).lower())).strip()


def _lookup(con: duckdb.DuckDBPyConnection, name: str, values_sql: str, *functions: object) -> None:
    """A table `name`(value, f1, f2, ...) computed in Python over the distinct values of `values_sql`."""
    values = [row[0] for row in con.execute(values_sql).fetchall()]
    arrays = [pa.array(values, pa.string())]
    for function in functions:
        arrays.append(pa.array([function(v) or None for v in values], pa.string()))  # type: ignore[operator]
    table = pa.Table.from_arrays(arrays, names=["value", *(f"f{i}" for i in range(1, len(functions) + 1))])
    con.register(f"{name}_arrow", table)
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(f"{name}_arrow")


def prepare(con: duckdb.DuckDBPyConnection, *, raw: str, out: str = PREPARED) -> int:
    """Turn the raw source records of `raw` into the comparison table `out`; returns its row count.

    The address also comes apart into its tokens (compared as sets, so a moved or missing word costs one token,
    not the whole string), its house number (the first number) and its first word of three letters or more (the
    street, or the district in Tbilisi): the keys of the address blocking rule.
    """
    _lookup(con, "name_forms",
            f"SELECT DISTINCT n FROM (SELECT given_name AS n FROM {raw} UNION ALL SELECT family_name FROM {raw}) "
            f"WHERE n IS NOT NULL AND n <> ''", latin_name, fold)
    _lookup(con, "address_forms", f"SELECT DISTINCT address FROM {raw} WHERE address IS NOT NULL AND address <> ''",
            latin_address)
    # A personal number counts only when it has 11 digits and is not one digit repeated (a placeholder).
    con.execute(f"""
        CREATE OR REPLACE TABLE {out} AS
        SELECT
            r.record_id AS unique_id,
            r.source AS source_dataset,
            CASE WHEN regexp_full_match(r.personal_number, '[0-9]{{11}}')
                  AND replace(r.personal_number, substr(r.personal_number, 1, 1), '') <> ''
                 THEN r.personal_number END AS personal_number,
            g.f1 AS given_name, f.f1 AS family_name, g.f2 AS given_key, f.f2 AS family_key,
            r.birth_date,
            strftime(r.birth_date, '%Y%m%d') AS birth_text,
            year(r.birth_date) AS birth_year, month(r.birth_date) AS birth_month, day(r.birth_date) AS birth_day,
            NULLIF(r.sex, '') AS sex,
            r.municipality_id,
            a.f1 AS address,
            CASE WHEN a.f1 IS NOT NULL THEN list_distinct(str_split(a.f1, ' ')) END AS address_tokens,
            NULLIF(regexp_extract(a.f1, '(^| )([0-9]+)( |$)', 2), '') AS address_number,
            list_filter(str_split(a.f1, ' '), lambda t: length(t) >= 3 AND NOT regexp_full_match(t, '[0-9]+'))[1]
                AS address_word,
            CASE WHEN length(regexp_replace(coalesce(r.phone, ''), '[^0-9]', '', 'g')) >= 9
                 THEN right(regexp_replace(r.phone, '[^0-9]', '', 'g'), 9) END AS phone
        FROM {raw} r
        LEFT JOIN name_forms g ON g.value = r.given_name
        LEFT JOIN name_forms f ON f.value = r.family_name
        LEFT JOIN address_forms a ON a.value = r.address
        ORDER BY r.record_id
    """)
    return int(con.execute(f"SELECT count(*) FROM {out}").fetchall()[0][0])
