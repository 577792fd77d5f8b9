"""Rows with errors in a readable file: every problem reported with its row, column, value and what would be right,
nothing written (or, for a partial import, only the good rows); the error file for Excel; the command line."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from sakme.registry import services
from sakme.registry.models import (
    Enrolment,
    Household,
    ImportBatch,
    ImportProblem,
    Person,
    SourceRecord,
)
from sakme.registry.personal_numbers import masked
from sakme.registry.tests.malformed import (
    FAILED,
    HEADER,
    csv_text,
    empty_file,
    error_file,
    refused,
    row,
    run,
    state,
    unclosed_quote,
    write,
)

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
    assert [p[:4] for p in problems] == [(4, "piradi_nomeri", masked("001"), "error")]
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
    assert [p[:4] for p in problems] == [(4, "piradi_nomeri", masked("002"), "error")]
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
    errors = [p for p in problems if p[3] == "error"]
    assert [p[:4] for p in errors] == [(3, "shefasebis_tarigi", "2024-02-04", "error")]
    assert "assessment date differs from row 2" in errors[0][4]
    # Row 2 has no score: its date and status could not be stored with it, and it says so.
    assert [p[:4] for p in problems if p[3] == "warning"] == [(2, "shefasebis_tarigi", "03.02.2024", "warning"),
                                                              (2, "statusi", "აქტიური", "warning")]


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


def test_an_xlsx_whose_stored_size_is_wrong_imports_every_row(earlier, tmp_path):
    """Some writers store a wrong dimension (`<dimension ref="A1:O2"/>` for five rows); every row still counts."""
    book = openpyxl.Workbook()
    sheet = book.active
    for cells in [HEADER, *(row(n) for n in range(1, 6))]:
        sheet.append(cells)
    book.save(tmp_path / "right.xlsx")
    with zipfile.ZipFile(tmp_path / "right.xlsx") as src, zipfile.ZipFile(tmp_path / "ssa.xlsx", "w") as out:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+" ?/>', b'<dimension ref="A1:O2"/>', data)
                assert b'ref="A1:O2"' in data
            out.writestr(item, data)
    batch = run(tmp_path / "ssa.xlsx")
    assert batch.status == ImportBatch.Status.SUCCEEDED and batch.created == 5, batch.message


def test_an_address_longer_than_its_column_is_kept_with_a_warning(earlier, tmp_path):
    long = "ჭავჭავაძის ქ. " + "5" * 320
    batch = run(write(tmp_path / "ssa.csv", [row(1, misamarti=long)]))
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert Person.objects.get(source_records__key="SSA1").address == long[:300]
    warning = batch.problems.get(column="misamarti")
    assert warning.severity == "warning" and "only the first 300" in warning.message


def test_the_error_file_keeps_every_cell_from_running_as_a_formula(earlier, tmp_path):
    batch = run(write(tmp_path / "ssa.csv", [row(1, sqesi="=1+1")]))
    # (as stored before codes: the text is shown as it was written)
    ImportProblem.objects.filter(batch=batch).update(code="", expected="=HYPERLINK(\"http://x\")", message="+cmd")
    lines = error_file(batch)
    assert lines[1][2:] == ["'=1+1", "error", "'+cmd", "'=HYPERLINK(\"http://x\")"]


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
    # A number in a value or a suggestion keeps its last three digits only: the row says where to look.
    assert lines[1] == ["2", "piradi_nomeri", masked("001"), "warning", "10 digits: the leading zero was restored",
                        masked("001")]
    # A value from the file never runs as a formula when the steward opens the error file in Excel.
    assert lines[2][:3] == ["3", "saxeli", "'=HYPERLINK(1)"]
    assert lines[3] == ["4", "sqesi", "?", "error", "unknown sex", "M or F (მ or ქ, male or female)"]
    assert lines[4][:3] == ["5", "piradi_nomeri", masked("001")] and "row 2" in lines[4][4]  # the repaired number


def test_the_error_file_of_an_unreadable_file_has_its_header(earlier, tmp_path):
    batch, _problems = refused(empty_file(tmp_path), earlier)
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
    batch = run(unclosed_quote(tmp_path), all_or_nothing=False)
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
