"""The plumbing shared by `sakme backup` and `sakme restore`.

PostgreSQL: pg_dump's custom format and pg_restore, of the server's major version (Debian keeps each version's
binaries under /usr/lib/postgresql/N/bin; the ones on PATH may be another). The connection comes from the
settings and reaches them in PG* environment variables: the password is never on a command line, where any user
of the machine could read it. SQLite: the backup API of sqlite3, both ways.

A backup file says what it is in its first bytes ("PGDMP" for a pg_dump archive, "SQLite format 3" for a SQLite
database): the commands read them before anything else, so a file of the wrong kind is refused before the
database is touched.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

PG_MAGIC = b"PGDMP"
SQLITE_MAGIC = b"SQLite format 3\x00"
KINDS = {"postgresql": "a PostgreSQL dump (pg_dump custom format)", "sqlite": "a SQLite database"}
# Connection settings of Django's PostgreSQL backend (OPTIONS) that libpq also reads from the environment.
LIBPQ_ENV = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY",
             "sslcrl": "PGSSLCRL", "passfile": "PGPASSFILE", "service": "PGSERVICE", "options": "PGOPTIONS",
             "connect_timeout": "PGCONNECT_TIMEOUT", "target_session_attrs": "PGTARGETSESSIONATTRS",
             "application_name": "PGAPPNAME"}


def vendor_of(settings_dict: dict[str, Any]) -> str:
    engine = str(settings_dict["ENGINE"])
    if engine.endswith("postgresql"):
        return "postgresql"
    if engine.endswith("sqlite3"):
        return "sqlite"
    raise CommandError(f"sakme backs up PostgreSQL and SQLite databases, not {engine}.")


def file_kind(path: Path) -> str:
    """'postgresql', 'sqlite' or 'unknown', from the file's first bytes; CommandError when it is not a readable
    file."""
    if not path.exists():
        raise CommandError(f"{path}: no such file.")
    if not path.is_file():
        raise CommandError(f"{path}: not a file.")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise CommandError(f"{path}: cannot be read ({exc.strerror}).") from exc
    if head.startswith(PG_MAGIC):
        return "postgresql"
    if head == SQLITE_MAGIC:
        return "sqlite"
    return "unknown"


def check_kind(path: Path, wanted: str) -> None:
    """Refuse a backup file that is not of the configured database's kind, saying what it is."""
    kind = file_kind(path)
    if kind == wanted:
        return
    if kind == "unknown":
        raise CommandError(f"{path} is not a sakme backup: neither {KINDS['postgresql']} nor {KINDS['sqlite']}. "
                           "Nothing was changed.")
    raise CommandError(f"{path} is {KINDS[kind]}, but the configured database is {wanted_name(wanted)}: a backup "
                       f"restores into a database of the kind it was made from. Nothing was changed.")


def wanted_name(vendor: str) -> str:
    return {"postgresql": "PostgreSQL", "sqlite": "SQLite"}[vendor]


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    value, unit = size / 1024, "KB"
    for bigger in ("MB", "GB", "TB"):
        if value < 1024:
            break
        value, unit = value / 1024, bigger
    return f"{value:.1f} {unit}"


def summary(counts: dict[str, int]) -> str:
    return f"{len(counts)} tables, {sum(counts.values()):,} rows"


def table_lines(counts: dict[str, int]) -> Iterator[str]:
    for table, rows in sorted(counts.items()):
        yield f"  {table:<48} {rows:>12,}"


@contextmanager
def private_partial(target: Path) -> Iterator[Path]:
    """A new file beside `target`, readable by its owner only (a backup holds personal data), that becomes
    `target` by an atomic rename when the block succeeds and is removed when it fails: a backup cut short never
    has the name of a finished one."""
    if not target.parent.is_dir():
        raise CommandError(f"{target.parent}: no such directory.")
    partial = target.with_name(f".{target.name}.partial-{os.getpid()}")
    try:
        os.close(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600))
    except OSError as exc:
        raise CommandError(f"{target}: cannot be written ({exc.strerror}).") from exc
    try:
        yield partial
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def keyring_note() -> str | None:
    """What an operator must know about the keys that seal personal numbers, when there is a keyring."""
    keyring = Path(getattr(settings, "SAKME_KEYRING", ""))
    if not keyring.name or not keyring.is_file():
        return None
    return (f"Personal numbers are sealed with the keys in {keyring}, which is not in the backup: keep a copy of it "
            "apart from the backups; without it the backup's personal numbers cannot be read.")


# -- PostgreSQL -----------------------------------------------------------------------------------------------

def pg_params(settings_dict: dict[str, Any]) -> dict[str, str]:
    """The database's connection as libpq keywords (dbname, host, port, user, password, sslmode, ...)."""
    params = {"dbname": settings_dict.get("NAME"), "host": settings_dict.get("HOST"),
              "port": settings_dict.get("PORT"), "user": settings_dict.get("USER"),
              "password": settings_dict.get("PASSWORD")}
    options = settings_dict.get("OPTIONS") or {}
    params.update({key: options[key] for key in LIBPQ_ENV if options.get(key) is not None})
    return {key: str(value) for key, value in params.items() if value not in (None, "")}


def pg_env(params: dict[str, str]) -> dict[str, str]:
    """The environment of pg_dump and pg_restore: the connection in PG* variables, nothing of it on argv."""
    names = {"dbname": "PGDATABASE", "host": "PGHOST", "port": "PGPORT", "user": "PGUSER",
             "password": "PGPASSWORD", **LIBPQ_ENV}
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env.update({names[key]: value for key, value in params.items()})
    return env


def pg_connect(params: dict[str, str]) -> Any:
    import psycopg

    try:
        return psycopg.connect(**params, autocommit=True)  # type: ignore[arg-type]
    except psycopg.Error as exc:
        raise CommandError(f"Cannot connect to PostgreSQL database {params.get('dbname')}: {exc}") from exc


def pg_server(conn: Any) -> tuple[int, str]:
    """The server's major version and its full version string."""
    number = int(conn.execute("SHOW server_version_num").fetchone()[0])
    return number // 10000, str(conn.execute("SHOW server_version").fetchone()[0]).split()[0]


def _tool_major(path: str) -> int:
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, check=True, timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    found = re.search(r"\)\s*(\d+)", out)
    return int(found.group(1)) if found else 0


def pg_tool(name: str, server_major: int) -> str:
    """pg_dump or pg_restore of the server's major version (or newer): Debian's versioned directory first,
    then PATH. An older one cannot read the server (pg_dump refuses a newer server)."""
    candidates = [str(Path(f"/usr/lib/postgresql/{server_major}/bin/{name}"))]
    if found := shutil.which(name):
        candidates.append(found)
    seen = []
    for path in candidates:
        if os.access(path, os.X_OK):
            major = _tool_major(path)
            if major >= server_major:
                return path
            seen.append(f"{path} (PostgreSQL {major})")
    raise CommandError(f"No {name} of PostgreSQL {server_major} or newer"
                       + (f": found only {', '.join(seen)}" if seen else "")
                       + f". Install the client of the server's version (Debian: postgresql-client-{server_major}).")


def pg_run(args: list[str], params: dict[str, str], failure: str) -> str:
    """Run a PostgreSQL client program; its output, or CommandError with `failure` and what it said."""
    try:
        done = subprocess.run(args, env=pg_env(params), capture_output=True, text=True, check=False)
    except OSError as exc:
        raise CommandError(f"{failure}: {args[0]} could not be started ({exc.strerror}).") from exc
    if done.returncode != 0:
        said = "\n".join(done.stderr.strip().splitlines()[-8:])
        if done.returncode < 0:
            said = f"{said}\n{Path(args[0]).name} ended on signal {-done.returncode}".strip()
        raise CommandError(f"{failure}:\n{said}")
    return done.stdout


def pg_tables(conn: Any) -> list[tuple[str, str]]:
    """(name, quoted name) of every table the connection sees (the schemas of its search path), as Django's
    introspection lists them; schema-qualified outside public."""
    tables = conn.execute(
        "SELECT n.nspname, c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition AND pg_table_is_visible(c.oid) "
        "AND n.nspname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2").fetchall()
    return [(table if schema == "public" else f"{schema}.{table}", f"{_ident(schema)}.{_ident(table)}")
            for schema, table in tables]


def pg_table_counts(conn: Any) -> dict[str, int]:
    return {name: int(conn.execute(f"SELECT count(*) FROM {quoted}").fetchone()[0])
            for name, quoted in pg_tables(conn)}


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def pg_archive_tables(toc: str) -> set[str]:
    """The tables whose data a pg_restore --list table of contents holds, named as pg_table_counts names them."""
    tables = set()
    for schema, table in re.findall(r"^\d+; \d+ \d+ TABLE DATA (\S+) (\S+) ", toc, flags=re.MULTILINE):
        tables.add(table if schema == "public" else f"{schema}.{table}")
    return tables


def pg_archive_about(toc: str) -> str:
    """'of database X, made <when>, from PostgreSQL <version>', from the table of contents' header."""
    parts = []
    for pattern, label in ((r"^;\s+dbname: (.*)$", "of database {}"), (r"^; Archive created at (.*)$", "made {}"),
                           (r"^;\s+Dumped from database version: (\S+)", "from PostgreSQL {}")):
        if found := re.search(pattern, toc, flags=re.MULTILINE):
            parts.append(label.format(found.group(1).strip()))
    return ", ".join(parts)


# -- SQLite ---------------------------------------------------------------------------------------------------

def sqlite_path(settings_dict: dict[str, Any]) -> Path:
    name = str(settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or "mode=memory" in name:
        raise CommandError("The configured SQLite database lives in memory: there is no file to back up or restore.")
    return Path(name)


def sqlite_table_counts(con: sqlite3.Connection) -> dict[str, int]:
    tables = [row[0] for row in con.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {table: int(con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]) for table in tables}


def sqlite_open_checked(path: Path, *, problem: Callable[[str], str]) -> sqlite3.Connection:
    """Open a SQLite backup read-only and check it whole (PRAGMA quick_check) and that it is sakme's (it has
    Django's migrations table); CommandError with `problem(reason)` otherwise."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        result = [row[0] for row in con.execute("PRAGMA quick_check")]
        has_migrations = con.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'").fetchone()
    except sqlite3.Error as exc:
        raise CommandError(problem(str(exc))) from exc
    if result != ["ok"]:
        con.close()
        raise CommandError(problem("; ".join(result[:5])))
    if not has_migrations:
        con.close()
        raise CommandError(problem("it holds no django_migrations table, so it is not a sakme database"))
    return con
