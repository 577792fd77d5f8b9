"""`sakme backup FILE`: a consistent copy of the configured database while sakme runs.

PostgreSQL: `pg_dump --format=custom` in the snapshot the rows were counted in, so the counts printed are the
counts in the file. SQLite: the sqlite3 backup API (a consistent copy under SQLite's own locks, WAL included),
written as a single self-contained file. Either way the file is written beside FILE under another name, readable
by its owner only, and renamed to FILE when whole: a backup cut short never has the name of a finished one.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connections

from sakme.common.management import backups


class Command(BaseCommand):
    help = ("Back up the configured database to FILE: pg_dump's custom format for PostgreSQL, a SQLite database "
            "file for SQLite. Restore it with `sakme restore FILE --yes`.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path, help="the backup file to write")
        parser.add_argument("--force", action="store_true", help="replace FILE if it exists")

    def handle(self, *args: Any, **options: Any) -> None:
        target: Path = options["file"]
        if target.exists() and not (options["force"] and target.is_file()):
            raise CommandError(f"{target} exists: choose a new name (or --force to replace the file).")
        settings_dict = connections[DEFAULT_DB_ALIAS].settings_dict
        vendor = backups.vendor_of(settings_dict)
        started = time.monotonic()
        if vendor == "postgresql":
            counts, about = self._postgresql(settings_dict, target)
        else:
            counts, about = self._sqlite(settings_dict, target)
        self.stdout.write(f"{about} to {target}: {backups.human_size(target.stat().st_size)}, "
                          f"{backups.summary(counts)}, in {time.monotonic() - started:.1f} s")
        if options["verbosity"] > 1:
            for line in backups.table_lines(counts):
                self.stdout.write(line)
        if note := backups.keyring_note():
            self.stdout.write(note)

    def _postgresql(self, settings_dict: dict[str, Any], target: Path) -> tuple[dict[str, int], str]:
        params = backups.pg_params(settings_dict)
        conn = backups.pg_connect(params)
        try:
            major, version = backups.pg_server(conn)
            pg_dump = backups.pg_tool("pg_dump", major)
            # One snapshot for the counts and the dump: exported by a transaction held open until pg_dump is done.
            conn.autocommit = False
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            counts = backups.pg_table_counts(conn)
            with backups.private_partial(target) as partial:
                backups.pg_run([pg_dump, "--format=custom", f"--file={partial}", f"--snapshot={snapshot}",
                                "--no-password"], params, "pg_dump failed; no backup was written")
                toc = backups.pg_run([backups.pg_tool("pg_restore", major), "--list", str(partial)], params,
                                     "The new backup cannot be read back; it was not kept")
                missing = set(counts) - backups.pg_archive_tables(toc)
                if missing:
                    raise CommandError(f"The new backup lacks the data of {', '.join(sorted(missing))}; "
                                       "it was not kept.")
        finally:
            conn.close()
        return counts, f"backed up PostgreSQL {version} database {params.get('dbname')} (pg_dump custom format)"

    def _sqlite(self, settings_dict: dict[str, Any], target: Path) -> tuple[dict[str, int], str]:
        source = backups.sqlite_path(settings_dict)
        if not source.is_file():
            raise CommandError(f"The configured SQLite database {source} does not exist.")
        if source.resolve() == target.resolve():
            raise CommandError("The backup cannot replace the database it copies.")
        with backups.private_partial(target) as partial:
            src = sqlite3.connect(source, timeout=60)
            dst = sqlite3.connect(partial)
            try:
                src.backup(dst)
                # A file of its own: no write-ahead log beside it (the live database's mode was copied with it).
                dst.execute("PRAGMA journal_mode=DELETE")
                counts = backups.sqlite_table_counts(dst)
            except sqlite3.Error as exc:
                raise CommandError(f"The SQLite backup failed; no backup was written: {exc}") from exc
            finally:
                dst.close()
                src.close()
        return counts, f"backed up SQLite database {source} (sqlite3 backup API)"
