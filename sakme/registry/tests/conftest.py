"""Fixtures of the registry's tests."""

from __future__ import annotations

import pytest

from sakme.registry.models import ImportBatch
from sakme.registry.tests.malformed import row, run, state, write


@pytest.fixture
def earlier(territory, tmp_path):
    """A good import already in the registry (rows SSA101..SSA103, one household of three)."""
    rows = [row(101, ojaxis_kodi="H100"), row(102, ojaxis_kodi="H100", saxeli="გიორგი", natesauri_kavshiri="მეუღლე"),
            row(103, ojaxis_kodi="H100", saxeli="მარიამ", natesauri_kavshiri="შვილი")]
    batch = run(write(tmp_path / "earlier.csv", rows))
    assert batch.status == ImportBatch.Status.SUCCEEDED and batch.created == 3, batch.message
    before = state()
    assert [len(v) for v in before.values()] == [3, 3, 1, 3, 1]
    return before
