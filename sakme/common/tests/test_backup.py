"""`sakme backup` and `sakme restore`: the restore drill, on the configured database (SQLite or PostgreSQL).

Data is made through the real import command, services and API; backed up; changed, deleted and added to; restored;
and every table must then hold exactly what it held at the backup, row for row. The backup runs in another
process (pg_dump) or another connection (SQLite's backup API), so the data must be committed: transactional
tests (the database is flushed afterwards). A restore goes into the test database itself: each xdist worker has a
database of its own, and the restore puts back the same schema it drops.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import Client

from sakme.demo.generator import generate
from sakme.tests.factories import open_case, sign_in, staff_of_every_role

pytestmark = pytest.mark.django_db(transaction=True)


def model(label: str) -> Any:
    return apps.get_model(label)


@pytest.fixture(autouse=True)
def reference(territory):
    """Territory, source systems and occupations (gone if an earlier transactional test flushed the database)."""
    call_command("reference", "load", stdout=io.StringIO())


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def state() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: what "exactly the data" means."""
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            found[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return found


def counts(snapshot: dict[str, list[tuple[Any, ...]]]) -> dict[str, int]:
    return {table: len(rows) for table, rows in snapshot.items()}


def import_persons(folder: Path, *, persons: int, seed: int) -> None:
    path = generate(folder, persons=persons, seed=seed, worknet=persons // 10)["ssa"]
    out = run("import", "persons", str(path), "--source", "ssa", "--mapping", "ssa")
    assert f"imported — rows {persons}, " in out, out


def session(client: Client, case_id: int, **payload: str) -> Any:
    """A session recorded through the API (over https, as behind the TLS proxy)."""
    return client.post(f"/api/v1/cases/{case_id}/sessions", json.dumps(payload), content_type="application/json",
                       secure=True)


def casework() -> tuple[list[int], Client]:
    """Three cases of a counsellor, with a session recorded through the API on each."""
    counsellor = staff_of_every_role()["counsellor"]
    client = sign_in(Client(), counsellor)
    cases = [open_case(counsellor=counsellor).pk for _ in range(3)]
    for case_id in cases:
        answer = session(client, case_id, held_on="2025-03-04", notes=f"before the backup {case_id}")
        assert answer.status_code == 200, answer.content
    return cases, client


def backup_file(tmp_path: Path) -> Path:
    return tmp_path / ("sakme.dump" if connection.vendor == "postgresql" else "sakme-backup.sqlite3")


def test_restore_drill_brings_back_every_row(tmp_path):
    import_persons(tmp_path / "first", persons=60, seed=7)
    cases, client = casework()
    before = state()
    rows = counts(before)
    assert rows["registry_person"] >= 60 and rows["casework_counsellingsession"] == 3
    assert rows["audit_auditevent"] > 0 and rows["geo_territorialunit"] == 70

    target = backup_file(tmp_path)
    said = run("backup", str(target))
    assert f"{len(rows)} tables, {sum(rows.values()):,} rows" in said, said
    assert target.stat().st_mode & 0o077 == 0, "a backup holds personal data: its owner's only"
    assert not list(tmp_path.glob(".*partial*"))

    # Changed, deleted and added after the backup.
    Person = model("registry.Person")
    first = Person.objects.order_by("pk").first()
    Person.objects.filter(pk=first.pk).update(given_name_ka="შეცვლილი", address="elsewhere")
    model("casework.CounsellingSession").objects.filter(case_id=cases[0]).delete()
    import_persons(tmp_path / "second", persons=30, seed=8)  # the same keys: 30 persons updated
    open_case()
    assert session(client, cases[1], held_on="2025-03-05", notes="after").status_code == 200
    changed = state()
    assert changed != before
    assert counts(changed)["registry_person"] > rows["registry_person"]

    said = run("restore", str(target), "--yes")
    assert f"into the {'PostgreSQL' if connection.vendor == 'postgresql' else 'SQLite'} database" in said, said
    assert f"{len(rows)} tables, {sum(rows.values()):,} rows" in said, said
    assert "migration" not in said  # the backup is of this code's schema

    after = state()
    assert counts(after) == rows
    assert after == before, [t for t in before if after.get(t) != before[t]]
    restored = Person.objects.get(pk=first.pk)
    assert (restored.given_name_ka, restored.address) == (first.given_name_ka, first.address)
    assert model("casework.CounsellingSession").objects.filter(case_id=cases[0]).get().notes == (
        f"before the backup {cases[0]}")

    # The restored database takes writes as before (its sequences came back with it).
    case = open_case()
    assert case.pk > max(cases)
    answer = session(client, case.pk, held_on=str(dt.date.today()))
    assert answer.status_code == 200, answer.content


def damage(good: Path, bad: Path) -> None:
    """A copy of a backup whose beginning (what the restore checks first) is whole and whose data is garbage:
    PostgreSQL, compressed data near the end (past the table of contents: the restore starts, then fails);
    SQLite, the persons table's first page."""
    data = bytearray(good.read_bytes())
    if connection.vendor == "postgresql":
        start = len(data) * 9 // 10
    else:
        con = sqlite3.connect(good)
        page_size = con.execute("PRAGMA page_size").fetchone()[0]
        root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'registry_person'").fetchone()[0]
        con.close()
        start = (root - 1) * page_size
    data[start:start + 4096] = bytes((b ^ 0x5A) for b in data[start:start + 4096])
    bad.write_bytes(bytes(data))


def test_a_damaged_or_cut_backup_changes_nothing(tmp_path):
    import_persons(tmp_path / "data", persons=40, seed=9)
    target = backup_file(tmp_path)
    run("backup", str(target))
    open_case()
    before = state()

    damaged, cut = tmp_path / "damaged", tmp_path / "cut"
    damage(target, damaged)
    cut.write_bytes(target.read_bytes()[: target.stat().st_size * 3 // 4])
    for bad in (damaged, cut):
        with pytest.raises(CommandError, match=r"(?i)nothing was changed") as refused:
            run("restore", str(bad), "--yes")
        assert state() == before, f"a failed restore of {bad.name} changed the database"
        if bad is damaged and connection.vendor == "postgresql":
            assert "pg_restore failed" in str(refused.value)  # it had begun: the one transaction was undone


def other_kind(tmp_path: Path) -> Path:
    """A backup of the other kind of database than the configured one."""
    if connection.vendor == "postgresql":
        path = tmp_path / "other.sqlite3"
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE django_migrations (id integer)")
        con.commit()
        con.close()
        return path
    path = tmp_path / "other.dump"
    path.write_bytes(b"PGDMP\x01\x0e\x00" + bytes(4096))
    return path


def test_refusals_say_why_and_change_nothing(tmp_path):
    import_persons(tmp_path / "data", persons=10, seed=10)
    target = backup_file(tmp_path)
    run("backup", str(target))
    before = state()
    garbage = tmp_path / "notes.txt"
    garbage.write_text("not a backup\n" * 100)
    kind = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    refusals = {
        ("restore", str(tmp_path / "missing.dump"), "--yes"): "no such file",
        ("restore", str(tmp_path), "--yes"): "not a file",
        ("restore", str(garbage), "--yes"): "is not a sakme backup",
        ("restore", str(other_kind(tmp_path)), "--yes"): f"but the configured database is {kind}",
        ("restore", str(target)): "--yes",
        ("backup", str(target)): "exists",
        ("backup", str(tmp_path / "no-such-folder" / "x.dump")): "no such directory",
    }
    for args, message in refusals.items():
        with pytest.raises(CommandError, match=message):
            run(*args)
    assert state() == before
    assert not list(tmp_path.glob(".*partial*"))
    # --force replaces an earlier backup file (never a folder).
    assert "tables" in run("backup", str(target), "--force")
    with pytest.raises(CommandError, match="exists"):
        run("backup", str(tmp_path), "--force")
