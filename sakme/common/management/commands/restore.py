"""`sakme restore FILE --yes`: the configured database becomes what a `sakme backup` file holds.

The file is checked before the database is touched: it must be a backup of the configured kind, readable and
whole (PostgreSQL: pg_restore reads its table of contents; SQLite: `PRAGMA quick_check`), and sakme's.

PostgreSQL: `pg_restore --clean --if-exists --no-owner --single-transaction`: every object of the backup is
dropped and created again in one transaction, so a restore that fails halfway (a damaged file, a lost
connection) changes nothing. A table of the database that the backup does not hold would survive such a restore
beside the restored ones (a backup of an older version): the restore is refused instead, so that the result is
exactly the backup.

SQLite: the sqlite3 backup API copies the backup into the live database file, page by page in one write
transaction under SQLite's own locks and journal (WAL here). Another process that has the database open sees the
old data or the restored data, never a mix, and a restore killed halfway leaves the old data. Replacing the file
by a rename would not be safe: a process that still has it open would go on with the old file, and a
write-ahead log beside it belongs to the old file.

Stop the web and the worker first: a restore waits for their locks, and they would hold cached state of the old
data.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from sakme.common.management import backups


class Command(BaseCommand):
    help = ("Replace the configured database's data with a backup made by `sakme backup` (asks for --yes). "
            "Stop the web and the worker first.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file to restore")
        parser.add_argument("--yes", action="store_true", help="yes, replace the data of the configured database")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        connection = connections[DEFAULT_DB_ALIAS]
        settings_dict = connection.settings_dict
        vendor = backups.vendor_of(settings_dict)
        backups.check_kind(path, vendor)
        target = (f"PostgreSQL database {settings_dict['NAME']}" if vendor == "postgresql"
                  else f"SQLite database {settings_dict['NAME']}")
        if not options["yes"]:
            raise CommandError(f"A restore replaces all the data of the {target} with the backup's. "
                               "Run it again with --yes to go ahead.")
        size = backups.human_size(path.stat().st_size)
        started = time.monotonic()
        connections.close_all()  # nothing of ours holds the database while it is replaced
        if vendor == "postgresql":
            counts, about = self._postgresql(settings_dict, path)
        else:
            counts, about = self._sqlite(settings_dict, path)
        self.stdout.write(f"restored {path} ({size}{', ' + about if about else ''}) into the {target}: "
                          f"{backups.summary(counts)}, in {time.monotonic() - started:.1f} s")
        if options["verbosity"] > 1:
            for line in backups.table_lines(counts):
                self.stdout.write(line)
        self._migrations_note()
        if note := backups.keyring_note():
            self.stdout.write(note)

    def _postgresql(self, settings_dict: dict[str, Any], path: Path) -> tuple[dict[str, int], str]:
        params = backups.pg_params(settings_dict)
        conn = backups.pg_connect(params)
        try:
            major, _version = backups.pg_server(conn)
            pg_restore = backups.pg_tool("pg_restore", major)
            toc = backups.pg_run([pg_restore, "--list", str(path)], params,
                                 f"{path} is damaged or not a pg_dump archive; nothing was changed")
            held = backups.pg_archive_tables(toc)
            if "django_migrations" not in held:
                raise CommandError(f"{path} is a PostgreSQL dump but not of a sakme database (it holds no "
                                   "django_migrations table). Nothing was changed.")
            extra = sorted({name for name, _ in backups.pg_tables(conn)} - held)
            if extra:
                raise CommandError(
                    f"The database has {len(extra)} table(s) the backup does not hold ({', '.join(extra[:8])}"
                    f"{', ...' if len(extra) > 8 else ''}): a backup of another version of sakme? A restore would "
                    "leave them beside the restored tables. Restore into a new, empty database instead "
                    "(createdb, then point DATABASE_URL at it). Nothing was changed.")
        finally:
            conn.close()
        backups.pg_run([pg_restore, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                        "--exit-on-error", "--no-password", f"--dbname={params['dbname']}", str(path)], params,
                       "pg_restore failed; nothing was changed (the restore is one transaction)")
        conn = backups.pg_connect(params)
        try:
            counts = backups.pg_table_counts(conn)
        finally:
            conn.close()
        return counts, backups.pg_archive_about(toc)

    def _sqlite(self, settings_dict: dict[str, Any], path: Path) -> tuple[dict[str, int], str]:
        live = backups.sqlite_path(settings_dict)
        if live.exists() and live.resolve() == path.resolve():
            raise CommandError("The backup is the configured database itself. Nothing was changed.")
        if not live.parent.is_dir():
            raise CommandError(f"{live.parent}: no such directory.")

        def problem(reason: str) -> str:
            return f"{path} is damaged or not a sakme backup ({reason}). Nothing was changed."

        src = backups.sqlite_open_checked(path, problem=problem)
        dst = sqlite3.connect(live, timeout=60)
        try:
            src.backup(dst)  # one write transaction on the live database: all of it, or nothing
            counts = backups.sqlite_table_counts(dst)
        except sqlite3.Error as exc:
            raise CommandError(f"The restore failed; nothing was changed: {exc}") from exc
        finally:
            dst.close()
            src.close()
        return counts, ""

    def _migrations_note(self) -> None:
        """Say when the backup's schema is not this code's (migrate, or the code of the backup's version)."""
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        unknown = set(executor.loader.applied_migrations) - set(executor.loader.disk_migrations)
        if pending:
            self.stdout.write(f"The backup predates {len(pending)} migration(s) of this code: run `sakme migrate` "
                              "before starting sakme.")
        if unknown:
            self.stdout.write(f"The backup has {len(unknown)} migration(s) this code does not know (it was made by "
                              "a newer version): run that version's code on it.")
        connection.close()
