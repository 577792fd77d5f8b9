"""Malformed files: refused whole with a message a person can act on, and nothing written.

Every file is made by hand the way real exports go wrong. A refused batch must leave the registry exactly as
it was (an earlier good import is in place, so "unchanged" is not trivially "empty"), and its problems must
name the row as numbered in the file (header = row 1), the column as written in the header, the value, what
is wrong and what would be right.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from sakme.registry.models import (
    ImportBatch,
    Person,
    SourceRecord,
)
from sakme.registry.tests.malformed import (
    HEADER,
    cell_tag_too_long,
    csv_text,
    empty_file,
    latin_row,
    mojibake_names,
    refused,
    row,
    run,
    state,
    title_above_header,
    unclosed_quote,
    utf16_tab,
    write,
)

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


def _utf16_broken(tmp: Path) -> Path:
    """UTF-16 with half a letter on line 3 (a surrogate without its pair): not text."""
    data = csv_text([row(1), row(2), row(3)]).encode("utf-16-le")
    lines = data.split("\n".encode("utf-16-le"))
    lines[2] = lines[2][:8] + b"\x00\xd8" + lines[2][8:]
    (tmp / "ssa.csv").write_bytes(b"\xff\xfe" + "\n".encode("utf-16-le").join(lines))
    return tmp / "ssa.csv"


def _nul_bytes(tmp: Path) -> Path:
    """NUL bytes that are no UTF-16 text either (a binary file named .csv)."""
    (tmp / "ssa.csv").write_bytes(b"PQ\x00\x00\x01\x02" * 2000)
    return tmp / "ssa.csv"




def _header_only(tmp: Path) -> Path:
    return write(tmp / "ssa.csv", [])


def _header_and_blank_lines(tmp: Path) -> Path:
    (tmp / "ssa.csv").write_text(csv_text([]) + "\n\n  \n;;;;\n", encoding="utf-8")
    return tmp / "ssa.csv"


def _blank_lines(tmp: Path) -> Path:
    (tmp / "ssa.csv").write_bytes(b"\r\n\r\n\n")
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
    "utf-16 broken": (_utf16_broken, ["ssa.csv", "not valid UTF-16", "line 3", "Unicode text"]),
    "nul bytes": (_nul_bytes, ["ssa.csv", "not a text file", "CSV UTF-8"]),
    "empty": (empty_file, ["ssa.csv", "is empty"]),
    "header only": (_header_only, ["ssa.csv", "header but no rows"]),
    "header and blank lines": (_header_and_blank_lines, ["ssa.csv", "header but no rows"]),
    "blank lines only": (_blank_lines, ["ssa.csv", "empty first line", "name the columns"]),
    "unclosed quote": (unclosed_quote, ["ssa.csv", "line 3", "quotes"]),
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


# -- files as real exports write them, read all the same --------------------------------------------------------------


def _utf16_no_bom(tmp: Path) -> Path:
    (tmp / "ssa.csv").write_bytes(csv_text([row(1), row(2), row(3)]).encode("utf-16-le"))
    return tmp / "ssa.csv"


def _xlsx_title_above_header(tmp: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["რეესტრის ამონაწერი, 01.03.2024"])
    sheet.append([])
    for cells in [HEADER, row(1), row(2, sqesi="X"), row(3)]:
        sheet.append(cells)
    book.save(tmp / "ssa.xlsx")
    return tmp / "ssa.xlsx"


READ = {
    # name: (file, the rows numbered as in the file: (row with an error, its column) or None)
    "utf-16 as Excel's Unicode text": (utf16_tab, None),
    "utf-16 without bom": (_utf16_no_bom, None),
    "csv with a title above the header": (title_above_header, (5, "sqesi")),
    "xlsx with a title above the header": (_xlsx_title_above_header, (5, "sqesi")),
}


@pytest.mark.parametrize("build,error", READ.values(), ids=READ.keys())
def test_a_file_as_exports_write_it_is_read_with_its_rows_numbered_as_in_the_file(earlier, tmp_path, build, error):
    batch = run(build(tmp_path), all_or_nothing=False)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert (batch.rows_total, batch.created + batch.updated) == (3, 3 if error is None else 2)
    assert [(p.row, p.column) for p in batch.problems.filter(severity="error")] == ([error] if error else [])
    assert Person.objects.filter(source_records__key="SSA1", given_name_ka="ნინო", family_name_ka="ბერიძე").exists()


def test_mojibake_names_are_said_as_such_with_the_names_they_were(earlier, tmp_path):
    batch, problems = refused(mojibake_names(tmp_path), earlier)
    assert [(r, c, s) for r, c, _v, s, *_ in problems] == [(3, "saxeli", "error"), (3, "gvari", "error")]
    assert [(p.code, p.params, p.expected) for p in batch.problems.order_by("id")] == [
        ("text_garbled", {"repaired": "გიორგი"}, "გიორგი"), ("text_garbled", {"repaired": "ბერიძე"}, "ბერიძე")]
    assert "UTF-8 read as Windows-1252" in problems[0][4] and problems[0][2].startswith("áƒ")


def test_an_oversized_cell_in_a_partial_import_is_a_problem_of_its_row(earlier, tmp_path):
    """Before: the workbook was refused whole at the cell's tag, and no row was written."""
    batch = run(cell_tag_too_long(tmp_path), all_or_nothing=False)
    assert batch.status == ImportBatch.Status.SUCCEEDED, batch.message
    assert [(p.row, p.column, p.code) for p in batch.problems.all()] == [(3, "gvari", "cell_too_long")]
    assert sorted(SourceRecord.objects.filter(batch=batch).values_list("key", flat=True)) == ["SSA1", "SSA3"]


def test_an_oversized_cell_refuses_an_all_or_nothing_import_by_its_row(earlier, tmp_path):
    _batch, problems = refused(cell_tag_too_long(tmp_path), earlier)
    assert [(r, c, s) for r, c, _v, s, *_ in problems] == [(3, "gvari", "error")]
    assert state() == earlier
