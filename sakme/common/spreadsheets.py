"""Text bound for a spreadsheet: a cell that Excel would run as a formula is kept as text."""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(text: str) -> str:
    """The cell as text that no spreadsheet runs ("'" before a leading =, +, -, @, tab or carriage return)."""
    return "'" + text if text.startswith(FORMULA_START) else text
