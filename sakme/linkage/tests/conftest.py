"""Small generated populations imported through the real importer, and fast linkage settings for tests."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from sakme.accounts.actors import SYSTEM
from sakme.demo.generator import generate
from sakme.registry import services as registry
from sakme.registry.importing.mapping import load_mapping_file
from sakme.registry.models import ImportBatch

MAPPINGS = Path(__file__).resolve().parents[2] / "registry" / "mappings"
PERSONS = 3000


@pytest.fixture(autouse=True)
def _linkage_settings(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"  # the prepared-records cache and DuckDB's spill files: one per test
    settings.SAKME_LINKAGE_U_PAIRS = 200_000  # the sample is the cost of training; small data needs few pairs
    settings.SAKME_LINKAGE_THREADS = 2


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict[str, Path]:
    """The generator's SSA/Worknet pair: 3,000 SSA persons, 300 Worknet job seekers, 70 % of them in SSA."""
    return generate(tmp_path_factory.mktemp("population"), persons=PERSONS, seed=7)


@pytest.fixture(scope="session")
def disjoint(tmp_path_factory) -> dict[str, Path]:
    """Two sources with no person in common."""
    return generate(tmp_path_factory.mktemp("disjoint"), persons=PERSONS, seed=8, overlap=0.0)


def import_file(path: Path, source: str) -> ImportBatch:
    batch = registry.import_file(actor=SYSTEM, source_code=source, path=path,
                                 mapping=load_mapping_file(MAPPINGS / f"{source}.toml"), all_or_nothing=False)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    return batch


def rewrite(path: Path, out: Path, *, rows: slice | None = None, blank: tuple[str, ...] = ()) -> Path:
    """A copy of a generated CSV with some rows only and some columns emptied."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        text = handle.read()
    delimiter = ";" if text.split("\n", 1)[0].count(";") else ","
    lines = list(csv.reader(text.splitlines(), delimiter=delimiter))
    header, body = lines[0], lines[1:]
    if rows is not None:
        body = body[rows]
    for column in blank:
        at = header.index(column)
        for row in body:
            row[at] = ""
    with out.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, delimiter=delimiter).writerows([header, *body])
    return out


@pytest.fixture
def both(territory, generated) -> dict[str, ImportBatch]:
    """The SSA registry and the Worknet export imported."""
    return {"ssa": import_file(generated["ssa"], "ssa"), "worknet": import_file(generated["worknet"], "worknet")}
