"""Column mappings: which column of the file feeds which field of sakme.

Given on the command line (`--map "piradi_nomeri=personal_number,saxeli=given_name"`) or as a TOML file:

    source = "ssa"
    delimiter = ";"            # optional; sniffed from the header when absent
    required = ["family_name"] # optional: the fields every row must have (given and family name when absent);
                               # a row without a name that is not required is kept for linkage, with a warning
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
# What every row must have when the mapping does not say (besides a source key or a personal number, which every row
# needs whatever the mapping says: a record without either cannot be found again).
REQUIRED_FIELDS = ("given_name", "family_name")
NAME_FIELDS = ("given_name", "family_name")


@dataclass
class Mapping:
    columns: dict[str, str]  # file column (normalised) -> field
    lenient: set[str] = field(default_factory=set)
    source: str | None = None
    delimiter: str | None = None
    required: tuple[str, ...] = REQUIRED_FIELDS  # the fields every row must have
    header_row: int | None = None  # the row of the file that names the columns; found from `required` when None

    def to_json(self) -> dict[str, Any]:
        return {"columns": self.columns, "lenient": sorted(self.lenient), "source": self.source,
                "delimiter": self.delimiter, "required": list(self.required), "header_row": self.header_row}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Mapping:
        required = data.get("required")
        return cls(columns=dict(data.get("columns") or {}), lenient=set(data.get("lenient") or ()),
                   source=data.get("source"), delimiter=data.get("delimiter"),
                   required=REQUIRED_FIELDS if required is None else tuple(required),
                   header_row=data.get("header_row"))


def column_key(header: str) -> str:
    """How a header is compared: stripped, lower case, BOM and quotes removed."""
    return header.replace("\ufeff", "").strip().strip('"').strip().lower()


def _check(columns: dict[str, str], lenient: set[str], required: tuple[str, ...] = REQUIRED_FIELDS) -> None:
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
    unknown = sorted(set(required) - set(PERSON_FIELDS))
    if unknown:
        raise DomainError(_("Unknown field(s) in the mapping's required list: %(f)s. Known fields: %(k)s.")
                          % {"f": ", ".join(unknown), "k": ", ".join(PERSON_FIELDS)}, code="mapping_invalid")
    both = sorted(set(required) & lenient)
    if both:
        raise DomainError(_("A field cannot be both required and lenient: %(f)s.") % {"f": ", ".join(both)},
                          code="mapping_invalid")


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
    listed = data.get("required", REQUIRED_FIELDS)
    if not isinstance(listed, (list, tuple)) or not all(isinstance(f, str) for f in listed):
        raise DomainError(_("Mapping file %(p)s: “required” is a list of fields, e.g. required = [\"family_name\"].")
                          % {"p": path.name}, code="mapping_invalid")
    required = tuple(listed)
    _check(columns, lenient, required)
    return Mapping(columns=columns, lenient=lenient, source=data.get("source"), delimiter=data.get("delimiter"),
                   required=required)


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
