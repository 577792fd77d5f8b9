"""The prepared-records cache on disk holds personal numbers sealed, and opens them again when loaded."""

from __future__ import annotations

import duckdb
import pytest

from sakme.linkage.cache import cache_load, cache_save
from sakme.linkage.conf import work_dir

pytestmark = pytest.mark.django_db


def test_the_cache_file_holds_no_number_and_loads_them_back():
    con = duckdb.connect()
    con.execute("CREATE TABLE prepared AS SELECT * FROM (VALUES (1, '01001012345', 'nino'), (2, NULL, 'eka')) "
                "AS t(unique_id, personal_number, given_name)")
    cache_save(con, "test-numbers", "prepared", {7})
    data = (work_dir() / "prepared-test-numbers.parquet").read_bytes()
    assert b"01001012345" not in data and b"nino" in data
    fresh = duckdb.connect()
    assert cache_load(fresh, "test-numbers", "loaded") == {7}
    assert fresh.execute("SELECT unique_id, personal_number FROM loaded ORDER BY 1").fetchall() == [
        (1, "01001012345"), (2, None)]
    assert con.execute("SELECT personal_number FROM prepared WHERE unique_id = 1").fetchone() == ("01001012345",)
