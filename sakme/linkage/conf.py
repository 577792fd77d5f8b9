"""Per-deployment settings of linkage, read from Django settings with these defaults.

SAKME_LINKAGE_UPPER       links at or above this match probability are accepted automatically (0.99)
SAKME_LINKAGE_LOWER       pairs between this and the upper threshold go to review; below it they are dropped (0.5)
SAKME_LINKAGE_MAX_PAIRS   refuse a run whose blocking rules would make more candidate pairs than this
                          (30 million: about 3 GB at the peak of scoring on DuckDB)
SAKME_LINKAGE_U_PAIRS     random pairs sampled to estimate how often non-matches agree (1 million)
SAKME_LINKAGE_THREADS     DuckDB threads (default: all cores)
SAKME_LINKAGE_MEMORY      DuckDB memory limit, e.g. "3GB" (default: DuckDB's own, 80 % of RAM)
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings


def upper_threshold() -> float:
    return float(getattr(settings, "SAKME_LINKAGE_UPPER", 0.99))


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


def work_dir() -> Path:
    """Where linkage keeps its temporary files and the prepared records for incremental linking."""
    folder = Path(settings.VAR_DIR) / "linkage"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
