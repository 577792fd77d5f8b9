"""Files as real exports get them wrong, made by hand for the malformed-file tests, and what those tests check after
every refused import: the registry exactly as it was, and an error file that says where and what."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path

import openpyxl

from sakme.accounts.actors import SYSTEM
from sakme.demo.generator import SSA_HEADER
from sakme.registry import services
from sakme.registry.importing.bounds import XML_RUN_MAX
from sakme.registry.importing.mapping import Mapping, load_mapping_file
from sakme.registry.models import (
    Enrolment,
    Household,
    ImportBatch,
    Membership,
    Person,
    SourceRecord,
)

MAPPINGS = Path(__file__).resolve().parents[1] / "mappings"
HEADER = list(SSA_HEADER)
FAILED = ImportBatch.Status.FAILED


def ssa() -> Mapping:
    return load_mapping_file(MAPPINGS / "ssa.toml")


def row(n: int, **changes: str) -> list[str]:
    """A good SSA row (household H<n> of one), with some cells changed."""
    cells = {
        "chanaceris_id": f"SSA{n}", "piradi_nomeri": f"0100101{n:04d}", "saxeli": "ნინო", "gvari": "ბერიძე",
        "dabadebis_tarigi": "17.05.1990", "sqesi": "ქ", "municipaliteti": "ქუთაისი", "misamarti": "ჭავჭავაძის ქ. 5",
        "telefoni": "599 12 34 56", "shshm_statusi": "", "ojaxis_kodi": f"H{n}", "natesauri_kavshiri": "ოჯახის უფროსი",
        "sareitingo_qula": "28500", "shefasebis_tarigi": "03.02.2024", "statusi": "აქტიური",
    }  # fmt: skip
    assert set(changes) <= set(cells), changes
    cells.update(changes)
    return [cells[h] for h in HEADER]


def latin_row(n: int, **changes: str) -> list[str]:
    """A good row in Latin letters only (for files in a Windows code page, which has no Georgian)."""
    latin = {"saxeli": "Nino", "gvari": "Beridze", "sqesi": "F", "municipaliteti": "Kutaisi",
             "misamarti": "Rustaveli 5", "natesauri_kavshiri": "head", "statusi": "active"}
    return row(n, **{**latin, **changes})


def csv_text(rows: list[list[str]], header: list[str] = HEADER) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\n").writerows([header, *rows])
    return buffer.getvalue()


def write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    path.write_text("\ufeff" + csv_text(rows, header), encoding="utf-8")
    return path


def run(path: Path, mapping: Mapping | None = None, **kwargs) -> ImportBatch:
    return services.import_file(actor=SYSTEM, source_code="ssa", path=path, mapping=mapping or ssa(), **kwargs)


def state() -> dict[str, list]:
    """Everything an import writes, row by row."""
    return {
        "persons": list(Person.objects.order_by("pk").values_list(
            "pk", "personal_number_digest", "given_name_ka", "family_name_ka", "given_name_lat", "family_name_lat",
            "given_key", "family_key", "birth_date", "sex", "municipality_id", "unit_id", "address", "phone",
            "disability_status", "primary_source_id", "version")),
        "records": list(SourceRecord.objects.order_by("pk").values_list(
            "pk", "source_id", "key", "person_id", "batch_id", "row", "personal_number_digest", "given_name",
            "birth_date")),
        "households": list(Household.objects.order_by("pk").values_list("pk", "key", "municipality_id", "address")),
        "memberships": list(Membership.objects.order_by("pk").values_list("pk", "household_id", "person_id",
                                                                          "relation")),
        "enrolments": list(Enrolment.objects.order_by("pk").values_list("pk", "household_id", "rating_score",
                                                                        "assessment_date", "status")),
    }




def error_file(batch: ImportBatch) -> list[list[str]]:
    """The downloadable error file, checked for its form, as parsed rows (header first)."""
    text = "".join(services.import_problems_csv(batch=batch))
    assert text.startswith("\ufeff"), "Excel needs the BOM to show Georgian"
    lines = list(csv.reader(io.StringIO(text[1:])))
    assert lines[0] == list(services.ERROR_FILE_HEADER)
    assert len(lines) == len(text.splitlines()) == 1 + batch.problems.count()  # one line per problem
    return lines


def refused(path: Path, before: dict, mapping: Mapping | None = None) -> tuple[ImportBatch, list[tuple]]:
    """Import a file that must be refused; check nothing was written; return the batch and its problems."""
    batch = run(path, mapping)
    assert batch.status == FAILED, (batch.status, batch.message)
    assert state() == before, "a refused batch wrote something"
    assert (batch.created, batch.updated, batch.unchanged) == (0, 0, 0)
    problems = list(batch.problems.order_by("row", "id").values_list("row", "column", "value", "severity",
                                                                      "message", "expected"))
    lines = error_file(batch)
    assert [(int(r), *rest) for r, *rest in lines[1:]] == [(r, c, inert(v), s, m, e) for r, c, v, s, m, e in problems]
    return batch, problems


def inert(value: str) -> str:
    """How the error file writes a value Excel would otherwise run as a formula."""
    return "'" + value if value[:1] and value[:1] in "=+-@\t\r" else value


def utf16_tab(tmp: Path) -> Path:
    """What Excel writes as “Unicode text”: UTF-16 little-endian with a BOM, tab-separated."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t", lineterminator="\r\n").writerows([HEADER, row(1), row(2), row(3)])
    (tmp / "ssa.txt").write_bytes(b"\xff\xfe" + buffer.getvalue().encode("utf-16-le"))
    return tmp / "ssa.txt"


def title_above_header(tmp: Path) -> Path:
    """An export with its title and a blank line above the header (row 3); row 5 holds an unknown sex."""
    title = "სოციალური მომსახურების სააგენტო — რეესტრის ამონაწერი, 01.03.2024;;;\n;;;;\n"
    text = csv_text([row(1), row(2, sqesi="X"), row(3)])
    (tmp / "ssa.csv").write_text("\ufeff" + title + text, encoding="utf-8")
    return tmp / "ssa.csv"


def garble(text: str) -> str:
    """UTF-8 read as Windows-1252 and saved again, as Excel does it (the five bytes that code page lacks become the
    control characters of the same number)."""
    return "".join(chr(b) if 0x80 <= b <= 0x9f and b in (0x81, 0x8d, 0x8f, 0x90, 0x9d) else bytes([b]).decode("cp1252")
                   for b in text.encode("utf-8"))


def mojibake_names(tmp: Path) -> Path:
    """Row 3's names were UTF-8 read as Windows-1252: “áƒ’áƒ˜áƒ...” for გიორგი."""
    return write(tmp / "ssa.csv", [row(1), row(2, saxeli=garble("გიორგი"), gvari=garble("ბერიძე")), row(3)])


def cell_tag_too_long(tmp: Path) -> Path:
    """A workbook whose cell D3 (the family name of row 3) has a tag longer than any cell may be: it cannot be read,
    but the rows after it can."""
    book = openpyxl.Workbook()
    for cells in [HEADER, row(1), row(2), row(3)]:
        book.active.append(cells)
    book.save(tmp / "ssa.xlsx")
    source = zipfile.ZipFile(tmp / "ssa.xlsx")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(rb'<c r="D3"', b'<c r="D3" x="' + b"z" * (XML_RUN_MAX + 10) + b'"', content)
            target.writestr(item, content)
    (tmp / "ssa.xlsx").write_bytes(out.getvalue())
    return tmp / "ssa.xlsx"


def empty_file(tmp: Path) -> Path:
    (tmp / "ssa.csv").write_bytes(b"")
    return tmp / "ssa.csv"


def unclosed_quote(tmp: Path) -> Path:
    lines = csv_text([row(1), row(2), row(3), row(4)]).splitlines(keepends=True)
    lines[2] = lines[2].replace("ჭავჭავაძის", '"ჭავჭავაძის')  # opened on line 3, never closed
    (tmp / "ssa.csv").write_text("".join(lines), encoding="utf-8")
    return tmp / "ssa.csv"
