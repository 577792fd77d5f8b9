"""The measures definitions name: each reads the records set-based and returns a frame (`base.py`)."""

from sakme.indicators.measures import assistance, casework, delays, linkage, rollout  # noqa: F401  (they register themselves)
from sakme.indicators.measures.base import MEASURES, Context, Counts, Observations, Span

__all__ = ["MEASURES", "Context", "Counts", "Observations", "Span"]
