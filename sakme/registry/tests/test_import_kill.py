"""An import killed with SIGKILL in the middle leaves the registry exactly as it was, and can be run again.

The import runs in a real separate process on the test database (its data committed, so the child sees it),
and is killed without warning: no exception handler, no `finally`, no rollback of ours runs. What protects the
registry is the single transaction around the whole write, which the database throws away.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from sakme.accounts.actors import SYSTEM
from sakme.demo.generator import generate
from sakme.registry import services
from sakme.registry.importing.mapping import load_mapping_file
from sakme.registry.importing.progress import STALE_AFTER_SECONDS, progress_path, progress_read
from sakme.registry.models import Enrolment, Household, ImportBatch, Membership, Person, SourceRecord

MAPPINGS = Path(__file__).resolve().parents[1] / "mappings"
HELPER = Path(__file__).with_name("import_until.py")
BASE_DIR = Path(__file__).resolve().parents[3]
CLI = [sys.executable, "-c", "import sys; from sakme.cli import main; sys.exit(main())"]
# transaction=True: the data must be committed for the child to see it (the database is flushed afterwards).
pytestmark = [pytest.mark.xdist_group("kill"), pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def sources(territory):
    """The source systems (gone if an earlier transactional test flushed the database)."""
    services.source_systems_load(actor=SYSTEM)


def database_url() -> str:
    """The test database (not the configured one) as a URL for the child process."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(db['NAME']).resolve()}"
    assert connection.vendor == "postgresql", connection.vendor
    user = quote(db["USER"] or "", safe="") + (f":{quote(db['PASSWORD'], safe='')}" if db["PASSWORD"] else "")
    host = quote(db["HOST"] or "localhost", safe="")  # a socket directory is written %2Fvar%2Frun%2F...
    return f"postgres://{user}@{host}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def spawn(args: list[str], var_dir: Path) -> subprocess.Popen:
    # SAKME_VAR_DIR puts the child's import folder (VAR_DIR/imports) where this test's settings put it.
    env = {**os.environ, "DATABASE_URL": database_url(), "SAKME_DEBUG": "1", "SAKME_VAR_DIR": str(var_dir),
           "DJANGO_SETTINGS_MODULE": "sakme.settings",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(BASE_DIR), os.environ.get("PYTHONPATH")]))}
    child = subprocess.Popen(args, cwd=BASE_DIR, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True)
    watchdog = threading.Timer(180, child.kill)  # a child that hangs must not hang the test run
    watchdog.daemon = True
    watchdog.start()
    return child


def state() -> dict[str, list]:
    return {
        "persons": list(Person.objects.order_by("pk").values_list(
            "pk", "personal_number_digest", "given_name_ka", "family_name_lat", "given_key", "birth_date", "unit_id",
            "address", "phone", "primary_source_id", "version")),
        "records": list(SourceRecord.objects.order_by("pk").values_list("pk", "source_id", "key", "person_id",
                                                                        "batch_id", "row")),
        "households": list(Household.objects.order_by("pk").values_list("pk", "key", "unit_id")),
        "memberships": list(Membership.objects.order_by("pk").values_list("pk", "household_id", "person_id")),
        "enrolments": list(Enrolment.objects.order_by("pk").values_list("pk", "household_id", "rating_score")),
    }


def earlier_import(tmp_path: Path) -> dict[str, list]:
    """A committed import the killed one must not disturb (a household of two)."""
    path = tmp_path / "earlier.csv"
    path.write_text(
        "\ufeffchanaceris_id;piradi_nomeri;saxeli;gvari;dabadebis_tarigi;ojaxis_kodi;sareitingo_qula;"
        "shefasebis_tarigi\n"
        "E1;99000000001;ნინო;ბერიძე;17.05.1990;EH1;28500;03.02.2024\n"
        "E2;99000000002;გიორგი;ბერიძე;01.11.1988;EH1;28500;03.02.2024\n", encoding="utf-8")
    batch = services.import_file(actor=SYSTEM, source_code="ssa", path=path, mapping=ssa())
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    before = state()
    assert [len(rows) for rows in before.values()] == [2, 2, 1, 2, 1]
    return before


def ssa():
    return load_mapping_file(MAPPINGS / "ssa.toml")


def running_batch(child: subprocess.Popen, deadline: float) -> ImportBatch:
    while time.monotonic() < deadline:
        batch = ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING).first()
        if batch is not None:
            return batch
        assert child.poll() is None, f"the import ended before it was killed:\n{child.stdout.read()}"
        time.sleep(0.02)
    raise AssertionError("the child never started its import")


def kill(child: subprocess.Popen) -> None:
    os.kill(child.pid, signal.SIGKILL)
    assert child.wait(timeout=30) == -signal.SIGKILL


def after_the_kill(batch: ImportBatch, before: dict, path: Path, rows: int) -> None:
    """Nothing written; the batch is seen as interrupted once its progress goes stale; a new run lands whole."""
    assert state() == before, "the killed import left rows behind"
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.RUNNING and batch.finished_at is None
    assert batch.problems.count() == 0

    # Its progress is fresh: to anyone looking, the import might still be running.
    assert services.import_batches_mark_interrupted() == 0
    # Two minutes later with no word from it, it is not.
    stale = progress_read(batch.pk)
    stale["at"] = time.time() - STALE_AFTER_SECONDS - 1
    progress_path(batch.pk).write_text(json.dumps(stale))
    assert services.import_batches_mark_interrupted() == 1
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.INTERRUPTED and batch.finished_at is not None

    again = services.import_file(actor=SYSTEM, source_code="ssa", path=path, mapping=ssa())
    assert again.status == ImportBatch.Status.SUCCEEDED, again.message
    assert (again.rows_total, again.created, again.error_count) == (rows, rows, 0)
    assert Person.objects.count() == 2 + rows and SourceRecord.objects.count() == 2 + rows
    assert state()["persons"][:2] == before["persons"]  # the earlier import's persons untouched
    assert Household.objects.filter(key="EH1").get().memberships.count() == 2


def test_an_import_killed_midway_leaves_nothing_behind(territory, tmp_path):
    """The command line, killed as soon as it reports progress: while it streams a big file into its staging
    table (on a machine fast enough to read the file within one progress interval: while it writes)."""
    before = earlier_import(tmp_path)
    rows = 30_000
    path = generate(tmp_path / "data", persons=rows, seed=3, worknet=1)["ssa"]
    child = spawn([*CLI, "import", "persons", str(path), "--source", "ssa", "--mapping", "ssa"], tmp_path)
    try:
        deadline = time.monotonic() + 120
        batch = running_batch(child, deadline)
        while True:
            progress = progress_read(batch.pk) or {}
            if progress.get("done", 0) > 0:
                break
            assert child.poll() is None, f"the import ended before it was killed:\n{child.stdout.read()}"
            assert time.monotonic() < deadline, "no progress reported"
            time.sleep(0.02)
        assert child.poll() is None
        kill(child)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
    assert progress["phase"] in ("reading", "writing") and 0 < progress["done"] < progress["total"], progress
    after_the_kill(batch, before, path, rows)


def test_an_import_killed_after_writing_persons_leaves_nothing_behind(territory, tmp_path):
    """Killed after persons and source records were inserted, before the commit: the database drops them."""
    before = earlier_import(tmp_path)
    rows = 3_000
    path = generate(tmp_path / "data", persons=rows, seed=5, worknet=1)["ssa"]
    child = spawn([sys.executable, str(HELPER), str(path), "ssa", str(MAPPINGS / "ssa.toml"), "writing", "3"],
                  tmp_path)
    try:
        output = []
        for line in child.stdout:  # blocks until the child reports; it never ends by itself
            output.append(line)
            if line.strip() == "holding":
                break
        assert output and output[-1].strip() == "holding", "".join(output)
        assert "progress writing 2/4" in "".join(output)  # persons were inserted
        batch = ImportBatch.objects.get(status=ImportBatch.Status.RUNNING)
        assert state() == before, "uncommitted rows are visible to others"
        kill(child)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
    after_the_kill(batch, before, path, rows)
