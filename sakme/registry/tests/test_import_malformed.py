"""Malformed files: refused whole with a message a person can act on, and nothing written.

Every file is made by hand the way real exports go wrong. A refused batch must leave the registry exactly as
it was (an earlier good import is in place, so "unchanged" is not trivially "empty"), and its problems must
name the row as numbered in the file (header = row 1), the column as written in the header, the value, what
is wrong and what would be right.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from sakme.demo.generator import SSA_HEADER
from sakme.registry import services
from sakme.registry.importing.mapping import Mapping, load_mapping_file
from sakme.registry.models import (
    Enrolment,
    Household,
    ImportBatch,
    ImportProblem,
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
    return services.import_file(actor=None, source_code="ssa", path=path, mapping=mapping or ssa(), **kwargs)


def state() -> dict[str, list]:
    """Everything an import writes, row by row."""
    return {
        "persons": list(Person.objects.order_by("pk").values_list(
            "pk", "personal_number", "given_name_ka", "family_name_ka", "given_name_lat", "family_name_lat",
            "given_key", "family_key", "birth_date", "sex", "municipality_id", "unit_id", "address", "phone",
            "disability_status", "primary_source_id", "version")),
        "records": list(SourceRecord.objects.order_by("pk").values_list(
            "pk", "source_id", "key", "person_id", "batch_id", "row", "personal_number", "given_name", "birth_date")),
        "households": list(Household.objects.order_by("pk").values_list("pk", "key", "municipality_id", "address")),
        "memberships": list(Membership.objects.order_by("pk").values_list("pk", "household_id", "person_id",
                                                                          "relation")),
        "enrolments": list(Enrolment.objects.order_by("pk").values_list("pk", "household_id", "rating_score",
                                                                        "assessment_date", "status")),
    }


@pytest.fixture
def earlier(territory, tmp_path):
    """A good import already in the registry (rows SSA101..SSA103, one household of three)."""
    rows = [row(101, ojaxis_kodi="H100"), row(102, ojaxis_kodi="H100", saxeli="გიორგი", natesauri_kavshiri="მეუღლე"),
            row(103, ojaxis_kodi="H100", saxeli="მარიამ", natesauri_kavshiri="შვილი")]
    batch = run(write(tmp_path / "earlier.csv", rows))
    assert batch.status == ImportBatch.Status.SUCCEEDED and batch.created == 3, batch.message
    before = state()
    assert [len(v) for v in before.values()] == [3, 3, 1, 3, 1]
    return before


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


# -- files that cannot be read at all -----------------------------------------------------------------------


def _cp1251(tmp: Path) -> Path:
    text = csv_text([latin_row(1), latin_row(2, saxeli="Иван", gvari="Петров"), latin_row(3)])
    (tmp / "ssa.csv").write_bytes(text.encode("cp1251"))
    return tmp / "ssa.csv"


def _cp1252(tmp: Path) -> Path:
    text = csv_text([latin_row(1), latin_row(2), latin_row(3, gvari="Müller")])
    (tmp / "ssa.csv").write_bytes(text.encode("cp1252"))
    return tmp / "ssa.csv"


def _cp1252_far(tmp: Path) -> Path:
    """The bad byte far past the decoder's first read-ahead chunk: the line must still be the right one."""
    rows = [latin_row(n) for n in range(1, 601)]
    rows[499] = latin_row(500, gvari="Müller")  # line 501
    (tmp / "ssa.csv").write_bytes(csv_text(rows).encode("cp1252"))
    return tmp / "ssa.csv"


def _utf16(tmp: Path) -> Path:
    (tmp / "ssa.csv").write_bytes(csv_text([row(1), row(2)]).encode("utf-16"))  # with a BOM
    return tmp / "ssa.csv"


def _utf16_no_bom(tmp: Path) -> Path:
    (tmp / "ssa.csv").write_bytes(csv_text([row(1), row(2)]).encode("utf-16-le"))
    return tmp / "ssa.csv"


def _empty(tmp: Path) -> Path:
    (tmp / "ssa.csv").write_bytes(b"")
    return tmp / "ssa.csv"


def _header_only(tmp: Path) -> Path:
    return write(tmp / "ssa.csv", [])


def _header_and_blank_lines(tmp: Path) -> Path:
    (tmp / "ssa.csv").write_text(csv_text([]) + "\n\n  \n;;;;\n", encoding="utf-8")
    return tmp / "ssa.csv"


def _blank_lines(tmp: Path) -> Path:
    (tmp / "ssa.csv").write_bytes(b"\r\n\r\n\n")
    return tmp / "ssa.csv"


def _unclosed_quote(tmp: Path) -> Path:
    lines = csv_text([row(1), row(2), row(3), row(4)]).splitlines(keepends=True)
    lines[2] = lines[2].replace("ჭავჭავაძის", '"ჭავჭავაძის')  # opened on line 3, never closed
    (tmp / "ssa.csv").write_text("".join(lines), encoding="utf-8")
    return tmp / "ssa.csv"


def _text_after_quote(tmp: Path) -> Path:
    lines = csv_text([row(1), row(2), row(3)]).splitlines(keepends=True)
    lines[3] = lines[3].replace("ჭავჭავაძის ქ. 5", '"ჭავჭავაძის" ქ. 5')
    (tmp / "ssa.csv").write_text("".join(lines), encoding="utf-8")
    return tmp / "ssa.csv"


def _good_xlsx(tmp: Path, name: str = "good.xlsx") -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    for cells in [HEADER, row(1), row(2), row(3)]:
        sheet.append(cells)
    book.save(tmp / name)
    return tmp / name


def _xlsx_not_a_zip(tmp: Path) -> Path:
    (tmp / "ssa.xlsx").write_text(csv_text([row(1)]), encoding="utf-8")  # a CSV someone renamed
    return tmp / "ssa.xlsx"


def _xlsx_garbage(tmp: Path) -> Path:
    (tmp / "ssa.xlsx").write_bytes(b"PK\x03\x04" + bytes(range(256)) * 8)
    return tmp / "ssa.xlsx"


def _xlsx_truncated(tmp: Path) -> Path:
    data = _good_xlsx(tmp).read_bytes()
    (tmp / "ssa.xlsx").write_bytes(data[: len(data) // 2])  # a download cut short
    return tmp / "ssa.xlsx"


def _xlsx_broken_sheet(tmp: Path) -> Path:
    """A valid zip whose sheet XML is cut off: read-only openpyxl only notices while reading the rows."""
    source = zipfile.ZipFile(_good_xlsx(tmp))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                content = content[: len(content) - 60]
            target.writestr(item, content)
    (tmp / "ssa.xlsx").write_bytes(out.getvalue())
    return tmp / "ssa.xlsx"


def _old_xls(tmp: Path) -> Path:
    (tmp / "ssa.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00\xff" * 300)
    return tmp / "ssa.xls"


def _xlsx_first_sheet_empty(tmp: Path) -> Path:
    book = openpyxl.Workbook()
    book.active.title = "notes"
    data = book.create_sheet("persons")
    for cells in [HEADER, row(1)]:
        data.append(cells)
    book.save(tmp / "ssa.xlsx")
    return tmp / "ssa.xlsx"


def _without(*columns: str):
    def build(tmp: Path) -> Path:
        keep = [i for i, h in enumerate(HEADER) if h not in columns]
        return write(tmp / "ssa.csv", [[r[i] for i in keep] for r in (row(1), row(2))], [HEADER[i] for i in keep])

    return build


UNREADABLE = {
    "cp1251": (_cp1251, ["ssa.csv", "not UTF-8", "line 3", "Windows code page", "CSV UTF-8"]),
    "windows-1252": (_cp1252, ["ssa.csv", "not UTF-8", "line 4", "0xfc"]),
    "windows-1252 far down": (_cp1252_far, ["ssa.csv", "not UTF-8", "line 501"]),
    "utf-16 with bom": (_utf16, ["ssa.csv", "UTF-16", "CSV UTF-8"]),
    "utf-16 without bom": (_utf16_no_bom, ["ssa.csv", "UTF-16", "CSV UTF-8"]),
    "empty": (_empty, ["ssa.csv", "is empty"]),
    "header only": (_header_only, ["ssa.csv", "header but no rows"]),
    "header and blank lines": (_header_and_blank_lines, ["ssa.csv", "header but no rows"]),
    "blank lines only": (_blank_lines, ["ssa.csv", "empty first line", "name the columns"]),
    "unclosed quote": (_unclosed_quote, ["ssa.csv", "line 3", "quotes"]),
    "text after a closing quote": (_text_after_quote, ["ssa.csv", "line 4", "quotes"]),
    "xlsx that is a csv": (_xlsx_not_a_zip, ["ssa.xlsx", "not a readable XLSX"]),
    "xlsx of garbage": (_xlsx_garbage, ["ssa.xlsx", "not a readable XLSX"]),
    "xlsx cut short": (_xlsx_truncated, ["ssa.xlsx", "not a readable XLSX"]),
    "xlsx with a broken sheet": (_xlsx_broken_sheet, ["ssa.xlsx", "not a readable XLSX"]),
    "old xls": (_old_xls, ["ssa.xls", "not a readable XLSX", ".xls"]),
    "xlsx first sheet empty": (_xlsx_first_sheet_empty, ["ssa.xlsx", "first sheet has no header row"]),
    "no given name": (_without("saxeli"), [
        "ssa.csv", "given_name", "“saxeli”",
        "Its columns are: chanaceris_id, piradi_nomeri, gvari, dabadebis_tarigi, sqesi, municipaliteti"]),
    "no family name": (_without("gvari"), ["ssa.csv", "family_name", "“gvari”", "Its columns are: chanaceris_id"]),
    "no key at all": (_without("chanaceris_id", "piradi_nomeri"), [
        "ssa.csv", "source_key / personal_number", "Its columns are: saxeli, gvari, dabadebis_tarigi"]),
}


@pytest.mark.parametrize("build,says", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_file_is_refused_with_a_message_that_names_it(earlier, tmp_path, build, says):
    batch, problems = refused(build(tmp_path), earlier)
    for part in says:
        assert part in batch.message, (part, batch.message)
    assert "\x00" not in batch.message
    assert batch.message and problems == []  # the file as a whole: said once, in the batch's message


def test_an_unclosed_quote_never_swallows_the_rows_after_it(earlier, tmp_path):
    """Before: the rest of the file became one address and the batch "succeeded" with rows missing."""
    lines = csv_text([row(1), row(2), row(3), row(4)]).splitlines(keepends=True)
    lines[2] = lines[2].replace("ჭავჭავაძის", '"ჭავჭავაძის')
    path = tmp_path / "ssa.csv"
    path.write_text("".join(lines), encoding="utf-8")
    refused(path, earlier)
    assert not SourceRecord.objects.filter(key__in=["SSA1", "SSA2", "SSA3", "SSA4"]).exists()


# -- rows with errors: every problem reported, nothing written ---------------------------------------------------

FUTURE = (dt.date.today() + dt.timedelta(days=40)).strftime("%d.%m.%Y")

# name: (the bad row's changes, (column, value, in the message, in "what would be right"))
BAD_CELLS = {
    "31 February": ({"dabadebis_tarigi": "31.02.1990"}, ("dabadebis_tarigi", "31.02.1990", "not a date", "DD.MM.YYYY")),
    "year-day-month": ({"dabadebis_tarigi": "1990-13-01"},
                       ("dabadebis_tarigi", "1990-13-01", "month 13 does not exist: month and day seem swapped",
                        "YYYY-MM-DD")),
    "month-day-year": ({"dabadebis_tarigi": "05.17.1990"},
                       ("dabadebis_tarigi", "05.17.1990", "month and day seem swapped", "DD.MM.YYYY")),
    "future birth": ({"dabadebis_tarigi": FUTURE}, ("dabadebis_tarigi", FUTURE, "in the future", "not after today")),
    "future assessment": ({"shefasebis_tarigi": FUTURE},
                          ("shefasebis_tarigi", FUTURE, "in the future", "not after today")),
    "a year alone": ({"dabadebis_tarigi": "1990"}, ("dabadebis_tarigi", "1990", "only a year", "DD.MM.YYYY")),
    "scientific notation": ({"piradi_nomeri": "1.00101E+10"},
                            ("piradi_nomeri", "1.00101E+10", "scientific notation", "11 digits stored as text")),
    "nine digits": ({"piradi_nomeri": "010010123"}, ("piradi_nomeri", "010010123", "has 9", "11 digits")),
    "unknown municipality": ({"municipaliteti": "ატლანტიდა"},
                             ("municipaliteti", "ატლანტიდა", "unknown municipality", "in Georgian or English")),
    "unknown sex": ({"sqesi": "X"}, ("sqesi", "X", "unknown sex", "M or F")),
    "phone of 7 digits": ({"telefoni": "599 12 34"}, ("telefoni", "599 12 34", "9 digits", "599123456")),
    "name with digits": ({"saxeli": "ნინო2"}, ("saxeli", "ნინო2", "not letters: 2", "Georgian or Latin letters")),
    "name in two scripts": ({"gvari": "Berიძე"}, ("gvari", "Berიძე", "mixes Georgian and Latin", "one script")),
    "name that is a dash": ({"saxeli": "-"}, ("saxeli", "-", "no letters", "Georgian or Latin letters")),
    "name too long": ({"gvari": "ბერიძე" * 20}, ("gvari", "ბერიძე" * 20, "too long", "name alone")),
    "empty name": ({"saxeli": " "}, ("saxeli", "", "the name is empty", "Georgian or Latin")),
    "source key too long": ({"chanaceris_id": "S" * 70}, ("chanaceris_id", "S" * 70, "longer than 64", "at most 64")),
    "household code too long": ({"ojaxis_kodi": "H" * 41}, ("ojaxis_kodi", "H" * 41, "longer than 40", "at most 40")),
    "unknown relation": ({"natesauri_kavshiri": "მეზობელი"},
                         ("natesauri_kavshiri", "მეზობელი", "unknown relation", "head, spouse")),
    "score not a number": ({"sareitingo_qula": "ბევრი"}, ("sareitingo_qula", "ბევრი", "not a number", "28500")),
    "score out of range": ({"sareitingo_qula": "700000"}, ("sareitingo_qula", "700000", "0 to 500000", "28500")),
}


@pytest.mark.parametrize("changes,problem", BAD_CELLS.values(), ids=BAD_CELLS.keys())
def test_a_bad_cell_refuses_the_batch_and_says_where(earlier, tmp_path, changes, problem):
    path = write(tmp_path / "ssa.csv", [row(1), row(2), row(3, **changes), row(4)])
    batch, problems = refused(path, earlier)
    column, value, message, expected = problem
    assert [(r, c, v, s) for r, c, v, s, _m, _e in problems] == [(4, column, value, "error")]
    assert message in problems[0][4] and expected in problems[0][5], problems[0]
    assert (batch.rows_total, batch.error_count, batch.skipped) == (4, 1, 4)
    assert "Nothing was written" in batch.message


def test_every_bad_row_is_reported_not_only_the_first(earlier, tmp_path):
    rows = [row(1, sqesi="?"), row(2), row(3, saxeli="4", telefoni="12"), row(4), row(5, dabadebis_tarigi="x")]
    batch, problems = refused(write(tmp_path / "ssa.csv", rows), earlier)
    assert [(r, c) for r, c, *_ in problems] == [(2, "sqesi"), (4, "telefoni"), (4, "saxeli"),
                                                (6, "dabadebis_tarigi")]
    assert batch.error_count == 4


def test_a_personal_number_twice_names_both_rows(earlier, tmp_path):
    rows = [row(1), row(2), row(3, piradi_nomeri=row(1)[1])]
    _batch, problems = refused(write(tmp_path / "ssa.csv", rows), earlier)
    assert [p[:4] for p in problems] == [(4, "piradi_nomeri", "01001010001", "error")]
    assert "row 2" in problems[0][4] and problems[0][5]


def test_a_source_key_twice_names_both_rows(earlier, tmp_path):
    rows = [row(1), row(2), row(3), row(4, chanaceris_id="SSA2")]
    _batch, problems = refused(write(tmp_path / "ssa.csv", rows), earlier)
    assert [p[:4] for p in problems] == [(5, "chanaceris_id", "SSA2", "error")]
    assert "row 3" in problems[0][4]


def test_a_personal_number_twice_without_source_keys(earlier, tmp_path):
    header = [h for h in HEADER if h != "chanaceris_id"]
    rows = [r[1:] for r in (row(1), row(2), row(3, piradi_nomeri="01001010002"))]
    _batch, problems = refused(write(tmp_path / "ssa.csv", rows, header), earlier)
    assert [p[:4] for p in problems] == [(4, "piradi_nomeri", "01001010002", "error")]
    assert "row 3" in problems[0][4]


def test_two_rows_that_are_one_known_person_are_refused(earlier, tmp_path):
    """SSA101 is known; a second row with another key but SSA101's personal number is the same person."""
    rows = [row(101, ojaxis_kodi="H100", piradi_nomeri="01001019999"), row(999, piradi_nomeri=row(101)[1])]
    _batch, problems = refused(write(tmp_path / "ssa.csv", rows), earlier)
    assert [p[:4] for p in problems] == [(3, "chanaceris_id", "SSA999", "error")]
    assert "same person as row 2" in problems[0][4]


def test_household_members_that_disagree_on_the_score(earlier, tmp_path):
    """Only the member whose score differs is blamed, and the row it differs from is named."""
    rows = [row(1), row(2, ojaxis_kodi="H1", natesauri_kavshiri="მეუღლე"),
            row(3, ojaxis_kodi="H1", natesauri_kavshiri="შვილი", sareitingo_qula="30000"), row(4)]
    _batch, problems = refused(write(tmp_path / "ssa.csv", rows), earlier)
    assert [p[:4] for p in problems] == [(4, "sareitingo_qula", "30000", "error")]
    assert "rating score differs from row 2" in problems[0][4] and "every member" in problems[0][5]


def test_household_members_that_disagree_on_the_assessment_date(earlier, tmp_path):
    rows = [row(1, sareitingo_qula=""), row(2, ojaxis_kodi="H1", shefasebis_tarigi="04.02.2024")]
    _batch, problems = refused(write(tmp_path / "ssa.csv", rows), earlier)
    assert [p[:4] for p in problems] == [(3, "shefasebis_tarigi", "2024-02-04", "error")]
    assert "assessment date differs from row 2" in problems[0][4]


def test_a_row_with_too_few_cells(earlier, tmp_path):
    rows = [row(1), row(2)[:8], row(3)]
    _batch, problems = refused(write(tmp_path / "ssa.csv", rows), earlier)
    assert [p[:4] for p in problems] == [(3, "telefoni", "", "error")]
    assert "8 cells but the header has 15" in problems[0][4] and "quotes" in problems[0][5]


def test_a_row_with_a_cell_too_many(earlier, tmp_path):
    """An unquoted delimiter inside a value shifts every later cell into the wrong column."""
    rows = [row(1), [*row(2), "აქტიური"], [*row(3), "", ""]]  # row 4: empty cells at the end are harmless
    _batch, problems = refused(write(tmp_path / "ssa.csv", rows), earlier)
    assert [p[:4] for p in problems] == [(3, "statusi", "აქტიური", "error")]
    assert "16 cells but the header has 15" in problems[0][4]


def test_a_line_break_in_an_unquoted_address(earlier, tmp_path):
    lines = csv_text([row(1), row(2), row(3)]).splitlines(keepends=True)
    lines[2] = lines[2].replace("ჭავჭავაძის ქ. 5", "ჭავჭავაძის ქ.\n5")
    path = tmp_path / "ssa.csv"
    path.write_text("".join(lines), encoding="utf-8")
    _batch, problems = refused(path, earlier)
    assert [(r, c) for r, c, *_ in problems] == [(3, "telefoni"), (4, "telefoni")]


def test_problems_name_the_column_as_written_in_the_header(earlier, tmp_path):
    header = [h.upper() if h in ("piradi_nomeri", "sqesi") else h for h in HEADER]
    header[0] = " Chanaceris_ID "
    rows = [row(1), row(2, sqesi="X"), row(3, piradi_nomeri=row(1)[1]), row(4, chanaceris_id="SSA1")]
    _batch, problems = refused(write(tmp_path / "ssa.csv", rows, header), earlier)
    assert [(r, c) for r, c, *_ in problems] == [(3, "SQESI"), (4, "PIRADI_NOMERI"), (5, "Chanaceris_ID")]


def test_xlsx_rows_are_numbered_as_excel_shows_them(earlier, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    for cells in [HEADER, row(1), [None] * len(HEADER), row(2, sqesi="X")]:
        sheet.append(cells)
    book.save(tmp_path / "ssa.xlsx")
    _batch, problems = refused(tmp_path / "ssa.xlsx", earlier)
    assert [p[:4] for p in problems] == [(4, "sqesi", "X", "error")]


def test_a_stray_nul_character_is_dropped_not_fatal(earlier, tmp_path):
    """PostgreSQL cannot store NUL; one in a cell used to stop the whole import with a database error."""
    filler = [row(n) for n in range(1, 60)]  # the NUL lies past the part the UTF-16 check looks at
    path = write(tmp_path / "ssa.csv", [*filler, row(60, saxeli="ნი\x00ნო", misamarti="ქ.\x00 5")])
    batch = run(path)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    person = Person.objects.get(source_records__key="SSA60")
    assert (person.given_name_ka, person.address) == ("ნინო", "ქ. 5")


# -- the error file ---------------------------------------------------------------------------------------------


def test_the_error_file_lists_every_problem_for_excel(earlier, tmp_path):
    rows = [row(1, piradi_nomeri="1001010001"), row(2, saxeli="=HYPERLINK(1)"), row(3, sqesi="?"),
            row(4, piradi_nomeri="01001010001")]
    batch, problems = refused(write(tmp_path / "ssa.csv", rows), earlier)
    assert [(r, s) for r, _c, _v, s, *_ in problems] == [(2, "warning"), (3, "error"), (4, "error"), (5, "error")]
    lines = error_file(batch)
    assert lines[1] == ["2", "piradi_nomeri", "1001010001", "warning", "10 digits: the leading zero was restored",
                        "01001010001"]
    # A value from the file never runs as a formula when the steward opens the error file in Excel.
    assert lines[2][:3] == ["3", "saxeli", "'=HYPERLINK(1)"]
    assert lines[3] == ["4", "sqesi", "?", "error", "unknown sex", "M or F (მ or ქ, male or female)"]
    assert lines[4][:3] == ["5", "piradi_nomeri", "01001010001"] and "row 2" in lines[4][4]  # the repaired number


def test_the_error_file_of_an_unreadable_file_has_its_header(earlier, tmp_path):
    batch, _problems = refused(_empty(tmp_path), earlier)
    assert error_file(batch) == [list(services.ERROR_FILE_HEADER)]


# -- partial imports: the good rows land, the bad rows do not, every problem is reported -----------------------


def test_partial_import_writes_the_good_rows_only(earlier, tmp_path):
    rows = [row(1), row(2, saxeli="ნინო2"), row(3), row(4, piradi_nomeri=row(1)[1]), row(5, dabadebis_tarigi="1990"),
            row(6), row(7, ojaxis_kodi="H6", sareitingo_qula="1")]
    batch = run(write(tmp_path / "ssa.csv", rows), all_or_nothing=False)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert (batch.rows_total, batch.created, batch.skipped, batch.error_count) == (7, 3, 4, 4)
    assert sorted(SourceRecord.objects.filter(batch=batch).values_list("key", flat=True)) == ["SSA1", "SSA3", "SSA6"]
    assert not Person.objects.filter(source_records__key__in=["SSA2", "SSA4", "SSA5", "SSA7"]).exists()
    assert Person.objects.count() == 3 + 3
    assert list(batch.problems.values_list("row", "column")) == [(3, "saxeli"), (5, "piradi_nomeri"),
                                                                (6, "dabadebis_tarigi"), (8, "sareitingo_qula")]
    assert Enrolment.objects.get(household__key="H6").rating_score == 28500
    assert error_file(batch)[1][:2] == ["3", "saxeli"]


def test_partial_import_keeps_the_household_members_that_agree(earlier, tmp_path):
    rows = [row(1), row(2, ojaxis_kodi="H1"), row(3, ojaxis_kodi="H1", sareitingo_qula="1")]
    batch = run(write(tmp_path / "ssa.csv", rows), all_or_nothing=False)
    assert (batch.status, batch.created, batch.error_count) == (ImportBatch.Status.SUCCEEDED, 2, 1)
    assert sorted(Household.objects.get(key="H1").memberships.values_list("person__source_records__key",
                                                                          flat=True)) == ["SSA1", "SSA2"]
    assert ImportProblem.objects.get(batch=batch).row == 4


def test_partial_import_of_an_unreadable_file_writes_nothing(earlier, tmp_path):
    batch = run(_unclosed_quote(tmp_path), all_or_nothing=False)
    assert batch.status == FAILED and state() == earlier


def test_the_command_line_refuses_or_with_partial_writes_the_good_rows(earlier, tmp_path):
    path = write(tmp_path / "ssa.csv", [row(1), row(2, sqesi="X"), row(3)])
    with pytest.raises(CommandError, match="Nothing was written"):
        call_command("import", "persons", str(path), "--source", "ssa", "--mapping", "ssa", stdout=io.StringIO())
    assert state() == earlier
    out = io.StringIO()
    call_command("import", "persons", str(path), "--mapping", "ssa", "--partial", stdout=out)
    assert "created 2" in out.getvalue() and "errors 1" in out.getvalue()
    assert "row 3, sqesi = 'X': unknown sex" in out.getvalue()
    assert sorted(SourceRecord.objects.exclude(key__startswith="SSA10").values_list("key", flat=True)) == ["SSA1",
                                                                                                          "SSA3"]
