"""The permission matrix's rows for this app: its routes, the records they act on in each unit, their addresses."""

from __future__ import annotations

from typing import Any

from tests.matrix_rules import allowed  # noqa: F401

# url name -> (method, kwargs kind, rule), as in tests/test_permission_matrix.py
ROWS: dict[str, tuple[str, str | None, dict[str, object]]] = {}
KINDS: tuple[str, ...] = ()  # the kinds url() answers for
SCOPED_KINDS: tuple[str, ...] = ()  # kinds also tried on another unit's record (404 for scoped roles)


def objects(person: Any, household: Any) -> dict[str, int]:
    """The records this app's routes act on, made in the person's unit (the matrix makes one set per unit)."""
    return {}


def url(name: str, kind: str, target: dict[str, Any]) -> str:
    raise AssertionError(f"no address for {name} ({kind})")
