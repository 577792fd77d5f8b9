"""A value too long for a cell is never read whole: an 80 MB CSV line or an XLSX cell of 150 MB used to be held in
memory several times over by the worker. Such a row is refused with an error naming its column, the rest of the
file is read as usual, and memory stays flat (measured with tracemalloc, which sees every Python allocation).

No database: the reader and the row stage on their own (as in `test_import_rows`).
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from openpyxl.reader.strings import read_string_table

from sakme.registry.importing.bounds import CELL_MAX, LINE_MAX, OverlongRow, shared_strings
from sakme.registry.importing.lookups import Lookups, Reference
from sakme.registry.importing.mapping import parse_map_option
from sakme.registry.importing.outcome import Outcome
from sakme.registry.importing.reader import FileRefused, open_table
from sakme.registry.importing.rows import RowStage, locate_columns

BIG = 40 * 1024 * 1024  # characters of the over-long value: far beyond any bound, small enough to write fast
PEAK_MB = 12  # what reading such a file may take at most (before the bounds: several times BIG)
HEADER = ["chanaceris_id", "saxeli", "gvari", "misamarti"]
MAP = "chanaceris_id=source_key,saxeli=given_name,gvari=family_name,misamarti=address"


def peak_mb(read: Callable[[], Any]) -> tuple[Any, float]:
    tracemalloc.start()
    try:
        result = read()
        return result, tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def read_rows(path: Path) -> list[tuple[int, list[Any]]]:
    return list(open_table(path).rows)


def stage_problems(rows: list[tuple[int, list[Any]]]) -> list[tuple[int, str, str]]:
    """Each row through the row stage: (row, column, severity) of the problems."""
    stage = RowStage(headers=HEADER, columns=locate_columns(HEADER, parse_map_option(MAP), "f"),
                     lookups=Lookups(Reference(municipalities=[], units=[], districts=[])), outcome=Outcome())
    for line, cells in rows:
        stage.clean(line, cells)
    return [(row, column, severity) for row, column, _v, severity, _m, _e in stage.outcome.problems]


# -- CSV -------------------------------------------------------------------------------------------------------------

def test_a_csv_line_of_40_mb_is_refused_by_its_column_without_being_read(tmp_path):
    path = tmp_path / "ssa.csv"
    with path.open("w", encoding="utf-8") as out:
        out.write(";".join(HEADER) + "\n")
        out.write("K1;ნინო;ბერიძე;ქუთაისი\n")
        out.write("K2;გიორგი;" + "x" * BIG + ";ქუთაისი\n")  # one line, one cell of 40 MB
        out.write("K3;ნინო;ბერიძე;ქუთაისი\n")
    rows, peak = peak_mb(lambda: read_rows(path))
    assert peak < PEAK_MB, f"{peak:.0f} MB to read a file with a {BIG >> 20} MB line"
    assert [line for line, _ in rows] == [2, 3, 4]
    assert isinstance(rows[1][1], OverlongRow) and rows[1][1].over == [2]
    assert rows[2][1] == ["K3", "ნინო", "ბერიძე", "ქუთაისი"]  # the file goes on after it
    assert stage_problems(rows) == [(3, "gvari", "error")]


def test_a_csv_cell_over_the_cell_limit_on_a_line_that_fits_is_refused_too(tmp_path):
    path = tmp_path / "ssa.csv"
    path.write_text(";".join(HEADER) + "\n" + f"K1;ნინო;ბერიძე;{'ქ' * (CELL_MAX + 1)}\nK2;ნინო;ბერიძე;ქუთაისი\n",
                    encoding="utf-8")
    rows = read_rows(path)
    assert stage_problems(rows) == [(2, "misamarti", "error")]
    assert rows[1][1][0] == "K2"


def refusal(read: Callable[[], Any]) -> str:
    try:
        read()
    except FileRefused as refused:
        return str(refused)
    return ""


def test_a_csv_of_one_endless_line_is_refused_without_being_read(tmp_path):
    path = tmp_path / "ssa.csv"
    path.write_text("a;" * (BIG // 2), encoding="utf-8")
    message, peak = peak_mb(lambda: refusal(lambda: open_table(path)))
    assert "first line is longer than" in message
    assert peak < PEAK_MB


def test_a_csv_not_in_utf8_is_named_by_line_without_reading_a_line_whole(tmp_path):
    path = tmp_path / "ssa.csv"
    path.write_bytes(";".join(HEADER).encode() + b"\nK1;a;b;c\n" + b"y" * BIG + b"\xfc\n")
    message, peak = peak_mb(lambda: refusal(lambda: read_rows(path)))
    assert "line 3" in message and "0xfc" in message
    assert peak < PEAK_MB


# -- XLSX ------------------------------------------------------------------------------------------------------------

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.'
    'xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override '
    'PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.'
    'worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
    '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="http://schemas.'
    'openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="S" sheetId="1" r:id="rId1"/>'
    '</sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.'
    'org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>',
}


def workbook(path: Path, rows: list[list[str]], *, shared: bool = True, extra: str = "") -> Path:
    """A workbook written as Excel writes one (text in the shared strings), or with inline strings; built by hand,
    since openpyxl cuts what it writes at the cell limit."""
    strings: dict[str, int] = {}
    xml_rows = []
    for r, values in enumerate(rows, start=1):
        cells = []
        for c, value in enumerate(values):
            ref = f"{'ABCDEFGH'[c]}{r}"
            if shared:
                cells.append(f'<c r="{ref}" t="s"{extra if r == 3 and c == 2 else ""}>'
                             f'<v>{strings.setdefault(value, len(strings))}</v></c>')
            else:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>')
        xml_rows.append(f'<row r="{r}">{"".join(cells)}</row>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in PARTS.items():
            z.writestr(name, content)
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>'
                   f'<dimension ref="A1:D{len(rows)}"/><sheetData>{"".join(xml_rows)}</sheetData></worksheet>')
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}>'
                   + "".join(f"<si><t>{s}</t></si>" for s in strings) + "</sst>")
    return path


ROWS = [HEADER, ["K1", "ნინო", "ბერიძე", "ქუთაისი &amp; სხვა"], ["K2", "გიორგი", "x" * BIG, "ქუთაისი"],
        ["K3", "ნინო", "ბერიძე", "ქუთაისი"]]


@pytest.mark.parametrize("shared", [True, False], ids=["shared strings", "inline strings"])
def test_an_xlsx_cell_of_40_mb_is_refused_by_its_column_without_being_read(tmp_path, shared):
    path = workbook(tmp_path / "ssa.xlsx", ROWS, shared=shared)
    rows, peak = peak_mb(lambda: read_rows(path))
    assert peak < PEAK_MB, f"{peak:.0f} MB to read a workbook with a {BIG >> 20} MB cell"
    assert [line for line, _ in rows] == [2, 3, 4]
    assert rows[0][1] == ["K1", "ნინო", "ბერიძე", "ქუთაისი & სხვა"]
    assert rows[2][1] == ["K3", "ნინო", "ბერიძე", "ქუთაისი"]
    assert stage_problems(rows) == [(3, "gvari", "error")]


def test_an_xlsx_cell_tag_too_long_to_read_refuses_its_row_by_its_column(tmp_path):
    """Before: the whole workbook was refused there (and a partial import wrote nothing)."""
    path = workbook(tmp_path / "ssa.xlsx", [HEADER, ROWS[1], ["K2", "a", "b", "c"], ["K3", "a", "b", "c"]],
                    extra=f' x="{"z" * (BIG // 8)}"')
    rows, peak = peak_mb(lambda: read_rows(path))
    assert peak < PEAK_MB
    assert [line for line, _ in rows] == [2, 3, 4] and rows[2][1] == ["K3", "a", "b", "c"]
    assert stage_problems(rows) == [(3, "gvari", "error")]


@pytest.mark.parametrize("closes_itself", [False, True], ids=["cell with a value", "empty cell"])
def test_a_cell_tag_too_long_is_read_as_an_overlong_cell(tmp_path, closes_itself):
    tail = "/>" if closes_itself else "><v>0</v></c>"
    path = _sheet(tmp_path, f'<c r="B2" t="s" x="{"z" * (BIG // 8)}"{tail}')
    assert [(line, type(cells).__name__, cells.over) for line, cells in read_rows(path)] == [(2, "OverlongRow", [1])]


def test_a_row_tag_too_long_loses_only_its_attributes(tmp_path):
    path = _sheet(tmp_path, '<c r="B2" t="inlineStr"><is><t>b</t></is></c>', row_extra=f' x="{"z" * (BIG // 8)}"')
    assert read_rows(path) == [(2, ["K", "b"])]


def test_another_tag_too_long_to_read_refuses_the_file_naming_the_cell(tmp_path):
    path = _sheet(tmp_path, f'<c r="B2" t="inlineStr"><is><t x="{"z" * (BIG // 8)}">b</t></is></c>')
    with pytest.raises(FileRefused, match="row 2, column “B”"):  # (read while the header was: named by letter)
        read_rows(path)


def _sheet(tmp_path: Path, cell: str, row_extra: str = "") -> Path:
    """A workbook of a header and one row: a key in A2, and `cell` (written as given) after it."""
    def inline(ref: str, value: str) -> str:
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'

    rows = (f'<row r="1">{inline("A1", "chanaceris_id")}{inline("B1", "saxeli")}</row>'
            f'<row r="2"{row_extra}>{inline("A2", "K")}{cell}</row>')
    with zipfile.ZipFile(tmp_path / "ssa.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
        for name, content in PARTS.items():
            z.writestr(name, content)
        z.writestr("xl/worksheets/sheet1.xml", f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}>'
                   f"<sheetData>{rows}</sheetData></worksheet>")
        z.writestr("xl/sharedStrings.xml", f'<?xml version="1.0" encoding="UTF-8"?><sst {NS}><si><t>s</t></si></sst>')
    return tmp_path / "ssa.xlsx"


def test_shared_strings_read_as_openpyxl_reads_them():
    xml = ('<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><si><t '
           'xml:space="preserve"> a b </t></si><si><r><rPr><b/></rPr><t>bold</t></r><r><t> plain</t></r></si>'
           '<si><t>漢字</t><rPh sb="0" eb="1"><t>かんじ</t></rPh></si><si><t/></si><si><t>x005F_x000D_ &lt;&amp;'
           '</t></si><si><t>ერთი\nორი</t></si></sst>').encode()
    assert shared_strings(io.BytesIO(xml)) == read_string_table(io.BytesIO(xml))


def test_a_workbook_written_by_openpyxl_reads_as_before(tmp_path):
    book = openpyxl.Workbook()
    for cells in [HEADER, ["K1", "ნინო", "ბერიძე", "x" * 100], ["K2", "ა", "ბ", None]]:
        book.active.append(cells)
    book.save(tmp_path / "ssa.xlsx")
    assert read_rows(tmp_path / "ssa.xlsx") == [(2, ["K1", "ნინო", "ბერიძე", "x" * 100]), (3, ["K2", "ა", "ბ"])]


def test_the_line_bound_is_above_the_cell_bound():
    assert LINE_MAX > 4 * CELL_MAX  # a line holds several cells of the most a cell may hold
