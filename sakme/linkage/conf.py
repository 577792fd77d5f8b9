"""Per-deployment settings of linkage, read from Django settings with these defaults.

SAKME_LINKAGE_UPPER       links at or above this match probability are accepted automatically (0.95: with the
                          prior taken from the scores, every link it made was true on every benchmark in bench/;
                          the band below it is at most 2 % of the scored pairs there)
SAKME_LINKAGE_LOWER       pairs between this and the upper threshold go to review; below it they are dropped (0.5)
SAKME_LINKAGE_MAX_PAIRS   refuse a run whose blocking rules would make more candidate pairs than this
                          (30 million: about 3 GB at the peak of scoring on DuckDB)
SAKME_LINKAGE_U_PAIRS     random pairs sampled to estimate how often non-matches agree (1 million)
SAKME_LINKAGE_THREADS     DuckDB threads (default: all cores)
SAKME_LINKAGE_MEMORY      DuckDB memory limit, e.g. "3GB" (default: DuckDB's own, 80 % of RAM)
SAKME_LINKAGE_STALE_AFTER a running run that reported no progress for this many seconds lost its process and is
                          shown as interrupted (1800: the longest phase of a 1-million-record run takes 15 s; give
                          Spark runs on national data with phases of an hour more)
SAKME_LINKAGE_SPARK_MASTER    where the Spark engine runs (default "local[N]", N = SAKME_LINKAGE_THREADS or
                              every core: Spark inside the process); "spark://host:7077", "yarn", ... for a cluster
SAKME_LINKAGE_SPARK_MEMORY    the Spark driver's heap (default "2g"; in local mode it is the whole of Spark)
SAKME_LINKAGE_SPARK_DIR       where records travel to Spark and back as Parquet, and Spark checkpoints (default
                              var/linkage/spark); on a cluster, a folder every executor sees at the same path

The Spark settings may also come from the environment variables of the same names.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings


def upper_threshold() -> float:
    return float(getattr(settings, "SAKME_LINKAGE_UPPER", 0.95))


def lower_threshold() -> float:
    return float(getattr(settings, "SAKME_LINKAGE_LOWER", 0.5))


def max_pairs() -> int:
    return int(getattr(settings, "SAKME_LINKAGE_MAX_PAIRS", 30_000_000))


def u_pairs() -> int:
    return int(getattr(settings, "SAKME_LINKAGE_U_PAIRS", 1_000_000))


def threads() -> int | None:
    value = getattr(settings, "SAKME_LINKAGE_THREADS", None)
    return int(value) if value else None


def memory_limit() -> str | None:
    return getattr(settings, "SAKME_LINKAGE_MEMORY", None) or None


def stale_after() -> int:
    return int(getattr(settings, "SAKME_LINKAGE_STALE_AFTER", 1800))


def work_dir() -> Path:
    """Where linkage keeps its temporary files and the prepared records for incremental linking."""
    folder = Path(settings.VAR_DIR) / "linkage"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def spark_master() -> str:
    value = getattr(settings, "SAKME_LINKAGE_SPARK_MASTER", None) or os.environ.get("SAKME_LINKAGE_SPARK_MASTER")
    return str(value) if value else f"local[{threads() or '*'}]"


def spark_memory() -> str:
    value = getattr(settings, "SAKME_LINKAGE_SPARK_MEMORY", None) or os.environ.get("SAKME_LINKAGE_SPARK_MEMORY")
    return str(value) if value else "2g"


def spark_dir() -> Path:
    value = getattr(settings, "SAKME_LINKAGE_SPARK_DIR", None) or os.environ.get("SAKME_LINKAGE_SPARK_DIR")
    folder = Path(value) if value else work_dir() / "spark"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
