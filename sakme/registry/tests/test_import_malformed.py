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
    SourceRecord,
)
from sakme.registry.tests.malformed import (
    HEADER,
    csv_text,
    empty_file,
    latin_row,
    refused,
    row,
    unclosed_quote,
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


def _utf16(tmp: Path) -> Path:
    (tmp / "ssa.csv").write_bytes(csv_text([row(1), row(2)]).encode("utf-16"))  # with a BOM
    return tmp / "ssa.csv"


def _utf16_no_bom(tmp: Path) -> Path:
    (tmp / "ssa.csv").write_bytes(csv_text([row(1), row(2)]).encode("utf-16-le"))
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
    "utf-16 with bom": (_utf16, ["ssa.csv", "UTF-16", "CSV UTF-8"]),
    "utf-16 without bom": (_utf16_no_bom, ["ssa.csv", "UTF-16", "CSV UTF-8"]),
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
