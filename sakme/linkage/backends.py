"""Where Splink runs: embedded DuckDB (the default) or Spark, with the same settings.

Preparation always happens in DuckDB; with Spark the prepared records travel as Parquet files to the Spark
session and the scored pairs come back the same way.
"""

from __future__ import annotations

import logging
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from splink import DuckDBAPI

from sakme.common.errors import DomainError
from sakme.linkage import conf
from sakme.linkage.models import Engine

SPLINK_LOG_LEVEL = logging.ERROR


def duckdb_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB that spills to the work folder, with the deployment's thread and memory limits."""
    con = duckdb.connect(config={"preserve_insertion_order": False})
    spill = conf.work_dir() / "spill"
    spill.mkdir(exist_ok=True)
    con.execute(f"SET temp_directory = '{spill}'")
    if conf.threads():
        con.execute(f"SET threads = {int(conf.threads() or 1)}")
    if conf.memory_limit():
        con.execute(f"SET memory_limit = '{conf.memory_limit()}'")
    return con


@dataclass
class Backend:
    """A Splink database API over the DuckDB connection holding the prepared records."""

    con: duckdb.DuckDBPyConnection
    engine: str = Engine.DUCKDB
    db_api: Any = None
    spark: Any = None
    folder: Path | None = None
    _registered: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def open(cls, con: duckdb.DuckDBPyConnection, engine: str = Engine.DUCKDB) -> Backend:
        if engine == Engine.SPARK:
            return cls._open_spark(con)
        return cls(con=con, engine=Engine.DUCKDB, db_api=DuckDBAPI(con))

    @classmethod
    def _open_spark(cls, con: duckdb.DuckDBPyConnection) -> Backend:
        try:
            from pyspark.sql import SparkSession
            from splink.backends.spark import SparkAPI, similarity_jar_location
        except ImportError as exc:
            raise DomainError("The Spark engine needs pyspark: install sakme with the 'spark' extra "
                              "(pip install 'sakme[spark]').") from exc
        # Local mode unless the environment points pyspark at a cluster (SPARK_REMOTE, spark-defaults.conf).
        spark = (SparkSession.builder.master("local[*]").appName("sakme-linkage")
                 .config("spark.jars", similarity_jar_location())
                 .config("spark.sql.shuffle.partitions", "8").getOrCreate())
        folder = conf.work_dir() / f"spark-{uuid.uuid4().hex}"
        folder.mkdir()
        return cls(con=con, engine=Engine.SPARK, db_api=SparkAPI(spark_session=spark), spark=spark, folder=folder)

    @property
    def dialect(self) -> str:
        return str(self.db_api.sql_dialect.sql_dialect_str)

    def register(self, duck_table: str, name: str) -> Any:
        """A DuckDB table as a Splink input named `name` (for Spark: copied over as Parquet)."""
        if self.engine == Engine.SPARK:
            assert self.folder is not None
            path = self.folder / f"{duck_table}.parquet"
            self.con.execute(f"COPY {duck_table} TO '{path}' (FORMAT PARQUET)")
            frame = self.spark.read.parquet(str(path))
            registered = self.db_api.register(frame, table_name=f"{name}_{uuid.uuid4().hex[:6]}",
                                              dataset_display_name=name)
        else:
            registered = self.db_api.register(duck_table, table_name=f"{name}_{uuid.uuid4().hex[:6]}",
                                              dataset_display_name=name)
        self._registered[name] = registered
        return registered

    def to_duckdb(self, splink_frame: Any, duck_table: str) -> None:
        """A Splink result as a DuckDB table."""
        if self.engine == Engine.SPARK:
            assert self.folder is not None
            path = self.folder / f"{duck_table}.parquet"
            splink_frame.as_spark_dataframe().write.mode("overwrite").parquet(str(path))
            self.con.execute(f"CREATE OR REPLACE TABLE {duck_table} AS SELECT * FROM read_parquet('{path}/*.parquet')")
        else:
            self.con.execute(f"CREATE OR REPLACE TABLE {duck_table} AS SELECT * FROM {splink_frame.physical_name}")

    def close(self) -> None:
        if self.folder is not None:
            shutil.rmtree(self.folder, ignore_errors=True)
