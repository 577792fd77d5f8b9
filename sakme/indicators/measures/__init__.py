"""The measures definitions name: each reads the records set-based and returns a frame (`base.py`)."""

from sakme.indicators.measures import assistance, casework, delays, linkage, rollout, surveys  # noqa: F401
from sakme.indicators.measures.base import MEASURES, Context, Counts, Observations, Span

__all__ = ["MEASURES", "Context", "Counts", "Observations", "Span"]
