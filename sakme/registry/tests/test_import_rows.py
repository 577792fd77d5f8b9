"""The importer's row stage on its own: one row of a file in, the staging table's tuple and the row's problems out.

No database: the reference data is given as plain rows, and pytest-django refuses any query these tests would
make (none of them asks for the `db` fixture).
"""

from __future__ import annotations

import datetime as dt

import pytest

from sakme.common.georgian import fold
from sakme.registry.importing.fields import Notes, Problem
from sakme.registry.importing.lookups import Lookups, Reference
from sakme.registry.importing.mapping import Mapping, parse_map_option
from sakme.registry.importing.outcome import MAX_PROBLEMS_KEPT, Outcome
from sakme.registry.importing.problems import problem_text
from sakme.registry.importing.reader import FileRefused, Table
from sakme.registry.importing.rows import RowStage, locate_columns, memoized, staged_rows
from sakme.registry.importing.stage import STAGE_NAMES
from sakme.registry.personal_numbers import digest, masked, unseal

HEADERS = ["chanaceris_id", "piradi_nomeri", "saxeli", "gvari", "dabadebis_tarigi", "sqesi", "municipaliteti",
           "misamarti", "telefoni", "ojaxis_kodi", "sareitingo_qula"]
MAP = ("chanaceris_id=source_key,piradi_nomeri=personal_number,saxeli=given_name,gvari=family_name,"
       "dabadebis_tarigi=birth_date,sqesi=sex,municipaliteti=municipality,misamarti=address,telefoni=phone,"
       "ojaxis_kodi=household_key,sareitingo_qula=rating_score")
GOOD = ["SSA1", "01001012345", "ნინო", "ბერიძე", "17.05.1990", "ქ", "ქუთაისი", "ჭავჭავაძის ქ. 5", "599 12 34 56",
        "H1", "28 500"]
KUTAISI, TBILISI = 1, 2
KUTAISI_CENTRE, TBILISI_1, TBILISI_2 = 10, 11, 12
REFERENCE = Reference(
    municipalities=[(KUTAISI, "kutaisi", "Kutaisi", "ქუთაისი"), (TBILISI, "tbilisi", "Tbilisi", "თბილისი")],
    units=[(KUTAISI_CENTRE, "IM-KUT", KUTAISI, "regional_centre"), (TBILISI_1, "TB-1", TBILISI, "tbilisi_centre"),
           (TBILISI_2, "TB-2", TBILISI, "tbilisi_centre")],
    districts=[("საბურთალო", "Saburtalo", TBILISI_2), ("ვაკე", "Vake", TBILISI_1)],
)


def stage_for(headers: list[str] = HEADERS, mapping: str = MAP, *, lenient: set[str] | None = None,
              strict_width: bool = True, iso_dates: bool = False) -> RowStage:
    columns = locate_columns(headers, parse_map_option(mapping), "ssa.csv")
    return RowStage(headers=headers, columns=columns, lookups=Lookups(REFERENCE), outcome=Outcome(),
                    lenient=lenient or set(), strict_width=strict_width, iso_dates=iso_dates)


def staged(stage: RowStage, cells: list[str], line: int = 2) -> dict[str, object] | None:
    row = stage.clean(line, cells)
    return None if row is None else dict(zip(STAGE_NAMES, row, strict=True))


def problems(stage: RowStage) -> list[tuple[int, str, str, str]]:
    """(row, column as written, value, severity) of each problem recorded."""
    return [(row, column, value, severity) for row, column, value, severity, _m, _e in stage.outcome.problems]


def test_a_good_row_becomes_the_stage_tuple():
    stage = stage_for()
    row = staged(stage, GOOD)
    assert row is not None and len(row) == len(STAGE_NAMES)
    assert row["row"] == 2 and row["source_key"] == "SSA1" and row["pn_digest"] == digest("01001012345")
    assert unseal(row["pn_sealed"]) == "01001012345" and row["pn_tail"] == "345"  # never the number itself
    assert (row["given_name_ka"], row["family_name_ka"]) == ("ნინო", "ბერიძე")
    assert (row["given_name_lat"], row["family_name_lat"]) == ("Nino", "Beridze")
    assert (row["given_key"], row["family_key"]) == (fold("ნინო"), fold("ბერიძე"))
    assert (row["src_given"], row["src_family"]) == ("ნინო", "ბერიძე")  # what the source wrote, for its record
    assert row["birth_date"] == dt.date(1990, 5, 17) and row["sex"] == "F"
    assert row["municipality_id"] == KUTAISI and row["unit_id"] == KUTAISI_CENTRE
    assert row["phone"] == "599123456" and row["household_key"] == "H1" and row["rating_score"] == 28500
    assert stage.outcome.problems == [] and stage.outcome.skipped == 0


def test_latin_names_have_no_georgian_spelling_and_the_source_keeps_the_latin():
    row = staged(stage_for(), ["SSA1", "01001012345", "NINO", "beridze", *GOOD[4:]])
    assert row is not None
    assert (row["given_name_ka"], row["family_name_ka"]) == (None, None)
    assert (row["given_name_lat"], row["family_name_lat"]) == ("Nino", "Beridze")
    assert (row["src_given"], row["src_family"]) == ("Nino", "Beridze")
    assert (row["given_key"], row["family_key"]) == (fold("ნინო"), fold("ბერიძე"))  # found by either script


def test_sqlite_gets_dates_as_iso_text():
    row = staged(stage_for(iso_dates=True), GOOD)
    assert row is not None and row["birth_date"] == "1990-05-17"


def test_a_repaired_value_is_kept_with_a_warning():
    stage = stage_for()
    row = staged(stage, [GOOD[0], "1001012345", *GOOD[2:]])
    assert row is not None and row["pn_digest"] == digest("01001012345")
    assert problems(stage) == [(2, "piradi_nomeri", masked("345"), "warning")]  # a number is kept masked
    assert stage.outcome.warnings == 1 and stage.outcome.errors == 0


def test_a_bad_value_refuses_the_row_and_names_its_column():
    stage = stage_for()
    assert staged(stage, [*GOOD[:4], "31.02.1990", *GOOD[5:]], line=7) is None
    assert problems(stage) == [(7, "dabadebis_tarigi", "31.02.1990", "error")]
    assert stage.outcome.skipped == 1 and stage.outcome.errors == 1
    _row, _column, _value, _severity, code, params = stage.outcome.problems[0]
    message, expected = problem_text(code, params)
    assert (code, message, expected) == ("date_invalid", "not a date", "DD.MM.YYYY or YYYY-MM-DD, e.g. 25.03.1987")


def test_every_problem_of_a_row_is_reported_not_only_the_first():
    stage = stage_for()
    assert staged(stage, [GOOD[0], "12", "ნინო2", *GOOD[3:6], "Atlantis", *GOOD[7:]]) is None
    assert [column for _r, column, _v, _s in problems(stage)] == ["piradi_nomeri", "municipaliteti", "saxeli"]


def test_a_lenient_field_is_left_out_with_a_warning():
    stage = stage_for(lenient={"phone"})
    row = staged(stage, [*GOOD[:8], "12345", *GOOD[9:]])
    assert row is not None and row["phone"] is None
    assert problems(stage) == [(2, "telefoni", "12345", "warning")]
    _row, _column, _value, _severity, code, params = stage.outcome.problems[0]
    assert problem_text(code, params)[0] == "a Georgian phone number has 9 digits after +995 (left out)"


def test_a_row_needs_a_source_key_or_a_personal_number():
    stage = stage_for()
    assert staged(stage, ["", "", *GOOD[2:]]) is None
    assert problems(stage) == [(2, "chanaceris_id", "", "error")]
    keyed_by_number = staged(stage_for(), ["", *GOOD[1:]])
    # Keyed by the number: the source record's key is the number's hash, so no record holds the number itself.
    assert keyed_by_number is not None and keyed_by_number["source_key"] == f"#{digest('01001012345')}"


def test_a_row_with_a_cell_too_many_or_too_few_is_refused_whole():
    stage = stage_for()
    assert staged(stage, [*GOOD, "extra"]) is None
    assert staged(stage, GOOD[:-1]) is None
    assert problems(stage) == [(2, "sareitingo_qula", "extra", "error"), (2, "sareitingo_qula", "", "error")]
    assert stage.outcome.skipped == 2


def test_an_xlsx_row_may_end_at_its_last_filled_cell():
    row = staged(stage_for(strict_width=False), GOOD[:-2])
    assert row is not None and row["household_key"] is None and row["rating_score"] is None


def test_the_unit_comes_from_the_file_or_from_the_municipality_and_tbilisi_district():
    headers, mapping = [*HEADERS, "ganyofileba"], MAP + ",ganyofileba=unit_code"
    in_saburtalo = [*GOOD[:6], "თბილისი", "საბურთალო, ვაჟა-ფშაველას 12", *GOOD[8:]]
    assert staged(stage_for(headers, mapping), [*in_saburtalo, ""])["unit_id"] == TBILISI_2  # type: ignore[index]
    assert staged(stage_for(headers, mapping), [*in_saburtalo, "tb-1"])["unit_id"] == TBILISI_1  # type: ignore[index]
    nowhere_in_tbilisi = [*GOOD[:6], "Tbilisi", "somewhere", *GOOD[8:], ""]
    assert staged(stage_for(headers, mapping), nowhere_in_tbilisi)["unit_id"] is None  # type: ignore[index]


def test_a_municipality_is_found_by_any_of_its_spellings():
    lookups = Lookups(REFERENCE)
    for spelling in ("ქუთაისი", "Kutaisi", "KUTAISI", "kutaisi", "ქ. ქუთაისი", "Kutaisi municipality"):
        assert lookups.municipality(spelling, Notes(), "municipality") == KUTAISI, spelling
    assert lookups.municipality("", Notes(), "municipality") is None
    with pytest.raises(Problem) as refused:
        lookups.municipality("Atlantis", Notes(), "municipality")
    assert "Kutaisi, Tbilisi" in problem_text(refused.value.code, refused.value.params)[1]


def test_columns_are_found_by_header_and_missing_ones_refuse_the_file():
    columns = locate_columns([" Saxeli ", "gvari", "piradi_nomeri"],
                             parse_map_option("saxeli=given_name,gvari=family_name,piradi_nomeri=personal_number"),
                             "ssa.csv")
    assert columns == {"given_name": (0, "Saxeli"), "family_name": (1, "gvari"),
                       "personal_number": (2, "piradi_nomeri")}
    with pytest.raises(FileRefused) as refused:
        locate_columns(["saxeli", "misamarti"], parse_map_option(MAP), "ssa.csv")
    assert "ssa.csv" in str(refused.value) and "gvari" in str(refused.value)


def test_without_a_mapping_columns_named_like_the_fields_are_used():
    mapping = Mapping(columns={})
    columns = locate_columns(["given_name", "family_name", "personal_number", "shoe_size"], mapping, "f.csv")
    assert set(columns) == {"given_name", "family_name", "personal_number"}
    assert "shoe_size" not in mapping.columns


def test_staged_rows_counts_every_row_and_yields_the_good_ones():
    stage = stage_for()
    rows = iter([(2, GOOD), (3, [*GOOD[:4], "not a date", *GOOD[5:]]), (4, ["SSA2", "", *GOOD[2:]])])
    table = Table(headers=HEADERS, rows=rows, size=3, position=lambda: 0, strict_width=True)
    out = list(staged_rows(table, stage))
    assert [row[0] for row in out] == [2, 4]
    assert (stage.outcome.rows, stage.outcome.skipped, stage.outcome.errors) == (3, 1, 1)


def test_memoized_keeps_only_clean_results():
    calls: list[str] = []

    def cleaner(cell: str, notes: Notes, target: str) -> str:
        calls.append(cell)
        if cell.startswith("~"):
            notes.warn(target, cell, "repaired")
        return cell.strip("~")

    remembered = memoized(cleaner)
    for cell in ("a", "a", "~b", "~b"):
        notes = Notes()
        assert remembered(cell, notes, "x") == cell.strip("~")
        assert len(notes.warnings) == cell.count("~")  # a repaired value warns on every row, not the first only
    assert calls == ["a", "~b", "~b"]


def test_the_outcome_counts_every_problem_but_keeps_a_bounded_number():
    outcome = Outcome()
    for row in range(MAX_PROBLEMS_KEPT + 5):
        outcome.problem(row, "c" * 200, "v", "warning", "m")
    assert outcome.warnings == MAX_PROBLEMS_KEPT + 5 and len(outcome.problems) == MAX_PROBLEMS_KEPT
    assert len(outcome.problems[0][1]) == 100  # what the ImportProblem column holds
