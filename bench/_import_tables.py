"""The tables the importer writes, and emptying them between measurements (shared by import_persons.py and its
baselines)."""

from __future__ import annotations

CHUNK = 20_000
TABLES = ("registry_person", "registry_sourcerecord", "registry_household", "registry_membership",
          "registry_enrolment")
NARROW = ("registry_person", "registry_sourcerecord")


# Worker side: a subprocess with Django set up and DATABASE_URL set.

def empty_tables() -> None:
    """Empty what the importer writes (and the problems), then let the database settle."""
    from django.db import connection

    from sakme.registry.models import ImportProblem

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        else:
            for name in reversed(TABLES):
                cursor.execute(f"DELETE FROM {name}")
            cursor.execute("DELETE FROM sqlite_sequence WHERE name IN (%s)" % ", ".join(f"'{t}'" for t in TABLES))
    ImportProblem.objects.all().delete()
    settle()


def settle() -> None:
    """Start each measurement from the same point: no pending checkpoint (PG), no WAL to fold in (SQLite)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("CHECKPOINT")
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
