"""What one import came to: counts, and the problems of its rows (kept up to a bound, counted all)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sakme.registry.importing import fields as clean
from sakme.registry.models import ImportProblem
from sakme.registry.personal_numbers import mask_text

# Memory holds at most this many problem records; a file with more still counts them all.
MAX_PROBLEMS_KEPT = 100_000


@dataclass
class Outcome:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: int = 0
    warnings: int = 0
    households: int = 0
    enrolments: int = 0
    # (row, column, value, severity, code, params): the code's words are in `problems.CATALOGUE`
    problems: list[tuple[int, str, str, str, str, dict[str, Any]]] = field(default_factory=list)

    def problem(self, row: int, column: str, value: Any, severity: str, code: str, **params: Any) -> None:
        """Count a problem of one row and keep it (cut to what the ImportProblem columns hold)."""
        if severity == ImportProblem.Severity.ERROR:
            self.errors += 1
        else:
            self.warnings += 1
        if len(self.problems) < MAX_PROBLEMS_KEPT:
            # Kept and shown for weeks: a personal number in a value or a parameter (a repaired number) keeps its
            # tail only.
            kept = {k: mask_text(v)[:300] if isinstance(v, str) else v for k, v in params.items()}
            self.problems.append((row, column[:100], mask_text(clean.text(value))[:300], severity, code[:60], kept))
