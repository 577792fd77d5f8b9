"""Where Splink runs: embedded DuckDB (the default) or Spark, with the same settings.

Preparation always happens in DuckDB; with Spark the prepared records travel as Parquet files to the Spark
session and the scored pairs come back the same way.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
from django.utils.translation import gettext as _
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
            from splink.backends.spark import SparkAPI
        except ImportError as exc:
            raise DomainError(_("The Spark engine needs pyspark: install sakme with the 'spark' extra "
                                "(pip install 'sakme[spark]').")) from exc
        spark = spark_session()
        folder = conf.spark_dir() / f"run-{uuid.uuid4().hex}"
        folder.mkdir()
        # Splink writes its intermediate tables (blocked pairs, comparison vectors, predictions) as Parquet under
        # the checkpoint folder: removed with the run's folder, nothing of a run stays in the JVM after it.
        spark.sparkContext.setCheckpointDir(str(folder / "checkpoints"))
        local = conf.spark_master().startswith("local")
        db_api = SparkAPI(spark_session=spark, break_lineage_method="persist" if local else "parquet")
        return cls(con=con, engine=Engine.SPARK, db_api=db_api, spark=spark, folder=folder)

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
        """Let go of the run's Spark tables (and, in local mode, of Spark itself) and remove the run's folder."""
        try:
            if self.spark is not None:
                spark, self.spark = self.spark, None
                if conf.spark_master().startswith("local"):
                    spark_stop(spark)
                else:
                    for table in spark.catalog.listTables():
                        if table.isTemporary:
                            spark.catalog.dropTempView(table.name)
                    spark.catalog.clearCache()
        finally:
            if self.folder is not None:
                shutil.rmtree(self.folder, ignore_errors=True)


def spark_session() -> Any:
    """The Spark session of the deployment's settings (local mode unless SAKME_LINKAGE_SPARK_MASTER says).

    In local mode Spark runs in one JVM beside the worker, on the deployment's threads, with the driver's heap
    as its memory and its scratch files (shuffle, spill, warehouse, JVM temp) under the Spark folder.
    """
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    master, scratch = conf.spark_master(), conf.spark_dir()
    for part in ("local", "warehouse", "tmp"):
        (scratch / part).mkdir(exist_ok=True)
    builder = (SparkSession.builder.master(master).appName("sakme-linkage")
               .config("spark.jars", similarity_jar_location())  # Splink's jaro_winkler, damerau_levenshtein
               .config("spark.driver.memory", conf.spark_memory())
               .config("spark.local.dir", str(scratch / "local"))
               .config("spark.sql.warehouse.dir", str(scratch / "warehouse"))
               .config("spark.driver.extraJavaOptions", f"-Djava.io.tmpdir={scratch / 'tmp'}")
               .config("spark.sql.session.timeZone", "UTC")
               .config("spark.log.level", "ERROR")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false"))
    if master.startswith("local"):
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # read by the JVM as it starts
        builder = (builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1")
                   .config("spark.sql.shuffle.partitions", str(4 * (conf.threads() or os.cpu_count() or 2))))
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel("ERROR")
    return spark


def spark_stop(spark: Any) -> None:
    """Stop a local Spark and its JVM, so that the worker holds no Spark memory between runs.

    pyspark's stop() leaves the JVM it launched running for the next session; the JVM exits when its standard
    input closes, and the next run launches a fresh one (a few seconds, against the minutes a Spark run takes).
    """
    from pyspark import SparkContext

    spark.stop()
    gateway = SparkContext._gateway
    if gateway is None:
        return
    process = getattr(gateway, "proc", None)
    gateway.shutdown()
    if process is not None:
        if process.stdin:
            process.stdin.close()
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    SparkContext._gateway = None
    SparkContext._jvm = None
