"""Column mappings: which column of the file feeds which field of sakme.

Given on the command line (`--map "piradi_nomeri=personal_number,saxeli=given_name"`) or as a TOML file:

    source = "ssa"
    delimiter = ";"            # optional; sniffed from the header when absent
    [columns]
    piradi_nomeri = "personal_number"
    [lenient]
    personal_number = "blank"  # an invalid value is left out with a warning instead of refusing the row
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _

from sakme.common.errors import DomainError

PERSON_FIELDS = (
    "source_key", "personal_number", "given_name", "family_name", "birth_date", "sex", "municipality",
    "address", "phone", "disability_status", "unit_code", "household_key", "relation_to_head",
    "rating_score", "assessment_date", "enrolment_status", "registered_at",
)  # fmt: skip
LENIENT_FIELDS = ("personal_number", "phone", "birth_date", "sex", "disability_status", "municipality")


@dataclass
class Mapping:
    columns: dict[str, str]  # file column (normalised) -> field
    lenient: set[str] = field(default_factory=set)
    source: str | None = None
    delimiter: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "lenient": sorted(self.lenient), "source": self.source,
                "delimiter": self.delimiter}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mapping:
        return cls(columns=dict(data.get("columns") or {}), lenient=set(data.get("lenient") or ()),
                   source=data.get("source"), delimiter=data.get("delimiter"))


def column_key(header: str) -> str:
    """How a header is compared: stripped, lower case, BOM and quotes removed."""
    return header.replace("\ufeff", "").strip().strip('"').strip().lower()


def _check(columns: dict[str, str], lenient: set[str]) -> None:
    unknown = sorted(set(columns.values()) - set(PERSON_FIELDS))
    if unknown:
        raise DomainError(_("Unknown field(s) in the mapping: %(f)s. Known fields: %(k)s.")
                          % {"f": ", ".join(unknown), "k": ", ".join(PERSON_FIELDS)}, code="mapping_invalid")
    targets = list(columns.values())
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise DomainError(_("Two columns map to the same field: %(f)s.") % {"f": ", ".join(twice)},
                          code="mapping_invalid")
    bad = sorted(lenient - set(LENIENT_FIELDS))
    if bad:
        raise DomainError(_("These fields cannot be lenient: %(f)s. Lenient fields: %(k)s.")
                          % {"f": ", ".join(bad), "k": ", ".join(LENIENT_FIELDS)}, code="mapping_invalid")


def parse_map_option(text: str) -> Mapping:
    """`col=field,col=field` -> Mapping."""
    columns: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        column, sep, target = part.partition("=")
        if not sep or not column.strip() or not target.strip():
            raise DomainError(_("Mapping entry “%(p)s” is not of the form column=field.") % {"p": part},
                              code="mapping_invalid")
        columns[column_key(column)] = target.strip()
    _check(columns, set())
    return Mapping(columns=columns)


def load_mapping_file(path: Path) -> Mapping:
    """Read a TOML mapping file (see the module docstring)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise DomainError(_("Mapping file %(p)s cannot be read: %(e)s") % {"p": path.name, "e": exc},
                          code="mapping_invalid") from exc
    columns = {column_key(k): str(v) for k, v in (data.get("columns") or {}).items()}
    lenient = {k for k, v in (data.get("lenient") or {}).items() if v}
    _check(columns, lenient)
    return Mapping(columns=columns, lenient=lenient, source=data.get("source"), delimiter=data.get("delimiter"))


def identity_mapping(headers: list[str]) -> Mapping:
    """When no mapping is given, columns named like sakme's fields map onto them."""
    return Mapping(columns={column_key(h): column_key(h) for h in headers if column_key(h) in PERSON_FIELDS})


# The column mappings shipped with sakme, one TOML file each, chosen by name on the import page, the API and the
# command line.
MAPPINGS_DIR = Path(__file__).parents[1] / "mappings"


def mapping_presets() -> list[str]:
    """The names of the column mappings shipped with sakme."""
    return [p.stem for p in sorted(MAPPINGS_DIR.glob("*.toml"))]


def mapping_preset(name: str) -> Mapping:
    """A shipped mapping by name (a name, never a path: anything else is refused)."""
    if name not in mapping_presets():
        raise DomainError(_("Unknown column mapping “%(m)s”. Known: %(k)s.")
                          % {"m": name, "k": ", ".join(mapping_presets())}, code="unknown_mapping")
    return load_mapping_file(MAPPINGS_DIR / f"{name}.toml")
