"""Streaming rows out of CSV (UTF-8 with or without BOM, or UTF-16 as Excel saves “Unicode text”; comma, semicolon
or tab) and XLSX files.

The header is the first row of the file, or, under a title or blank rows, the first of the first HEADER_SCAN rows that
names the columns the mapping requires (`is_header`), or the row the caller names (`header_row`). Rows are numbered
as in the file whatever is above the header.

Never loads a whole file, nor a whole line or cell past what a cell may hold (`bounds`): memory stays flat whatever
the file holds.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree.ElementTree import ParseError
from xml.parsers.expat import ExpatError
from zipfile import BadZipFile

from django.utils.translation import gettext as _
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.utils.cell import column_index_from_string, coordinate_from_string
from openpyxl.utils.exceptions import InvalidFileException

from sakme.common.errors import DomainError
from sakme.registry.importing.bounds import (
    CELL_MAX,
    LINE_MAX,
    BoundedLines,
    CellTooLong,
    SheetStream,
    cut_row,
    overlong_row,
    shared_strings,
)

csv.field_size_limit(LINE_MAX)
DELIMITERS = (",", ";", "\t")
HEADER_SCAN = 20  # rows looked at for the header under a title
IsHeader = Callable[[Sequence[Any]], bool]


class FileRefused(DomainError):
    """The file as a whole cannot be read; the message names the file, the line and what would be right."""


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[Any]]]  # (row number in the file, counting the header as 1; cells)
    size: int
    position: Any  # callable -> bytes read so far, for progress
    # CSV: a row with fewer or more cells than the header is broken (a line break or delimiter in an unquoted
    # value), not short; XLSX rows simply end at their last filled cell.
    strict_width: bool = False
    header_row: int = 1  # the header's row in the file


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most columns."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def text_encoding(start: bytes) -> tuple[str, int] | None:
    """(encoding, length of its byte order mark) of a text file from its first bytes: UTF-8, with or without BOM, or
    UTF-16 in either byte order, with a BOM (Excel's “Unicode text”) or without (told by where the NUL bytes of its
    ASCII characters fall). None: NUL bytes that are no UTF-16 text."""
    if start[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return ("utf-16-le" if start[:2] == b"\xff\xfe" else "utf-16-be"), 2
    nuls = start.count(b"\x00")
    if nuls <= len(start) // 8:
        return "utf-8-sig", 0  # (a stray NUL in text is dropped by the cleaners)
    odd = start[1::2].count(b"\x00")
    if odd >= nuls * 0.9:
        return "utf-16-le", 0
    if odd <= nuls * 0.1:
        return "utf-16-be", 0
    return None


def open_table(path: Path, *, delimiter: str | None = None, display_name: str | None = None,
               header_row: int | None = None, is_header: IsHeader | None = None) -> Table:
    """Open a CSV or XLSX file for streaming; refuse it with a clear message when it cannot be read.

    `header_row`: the row that names the columns (1 = the first); without it, the first of the first HEADER_SCAN
    rows for which `is_header` holds, else the first row with text."""
    name = display_name or path.name
    size = path.stat().st_size
    if size == 0:
        raise FileRefused(_("%(f)s is empty: it has no header and no rows.") % {"f": name})
    with path.open("rb") as fh:
        start = fh.read(4096)
    magic = start[:4]
    if magic == b"PK\x03\x04":
        return _open_xlsx(path, name, size, header_row, is_header)
    if path.suffix.lower() in (".xlsx", ".xlsm") or magic == b"\xd0\xcf\x11\xe0":
        raise FileRefused(_("%(f)s is not a readable XLSX workbook (an old .xls file, or damaged). Save it as "
                            "“Excel Workbook (.xlsx)” or “CSV UTF-8” and import it again.") % {"f": name})
    encoding = text_encoding(start)
    if encoding is None:
        raise FileRefused(_("%(f)s is not a text file: it holds NUL bytes. Save it as “CSV UTF-8” and import it "
                            "again.") % {"f": name})
    return _open_csv(path, name, size, delimiter, encoding, header_row, is_header)


def _header_delimiter(line: str, delimiter: str | None) -> str:
    """The mapping's delimiter, unless it leaves the header one column and another would not (Excel's “Unicode
    text” is tab-separated whatever the export it was saved from)."""
    if delimiter and len(next(csv.reader([line], delimiter=delimiter))) > 1:
        return delimiter
    return sniff_delimiter(line)


def _csv_header(text: io.TextIOWrapper, name: str, delimiter: str | None, header_row: int | None,
                is_header: IsHeader | None) -> tuple[int, str, int]:
    """(row number, line, position after it) of the header line (see `open_table`); the stream is left anywhere."""
    first: tuple[int, str, int] | None = None
    for number in range(1, (header_row or HEADER_SCAN) + 1):
        line = text.readline(LINE_MAX)
        if not line:
            break
        if len(line) == LINE_MAX and line[-1] not in "\r\n":
            if first is None and (header_row is None or number == header_row):
                raise FileRefused(_("%(f)s: the first line is longer than %(n)s characters; it must name the "
                                    "columns, one per cell.") % {"f": name, "n": f"{LINE_MAX:,}"})
            break
        line = line.replace("\x00", "")
        if header_row is not None:
            if number == header_row:
                return number, line, text.tell()
            continue
        if not line.strip():
            continue
        here = (number, line, text.tell())
        first = first or here
        if is_header is None or is_header(next(csv.reader([line], delimiter=_header_delimiter(line, delimiter)))):
            return here
    if header_row is not None:
        raise FileRefused(_("%(f)s has no row %(n)d to name the columns.") % {"f": name, "n": header_row})
    if first is None:
        raise FileRefused(_("%(f)s has an empty first line; the first line must name the columns.") % {"f": name})
    return first


def _open_csv(path: Path, name: str, size: int, delimiter: str | None, encoding: tuple[str, int],
              header_row: int | None, is_header: IsHeader | None) -> Table:
    codec, bom = encoding
    raw: BinaryIO = path.open("rb")
    raw.seek(bom)
    text = io.TextIOWrapper(raw, encoding=codec, errors="strict", newline="")
    try:
        header_line_number, header_line, after = _csv_header(text, name, delimiter, header_row, is_header)
        text.seek(after)
    except UnicodeDecodeError as exc:
        raw.close()
        raise _undecodable(path, name, encoding, exc) from exc
    except FileRefused:
        raw.close()
        raise
    if not header_line.strip():
        raw.close()
        raise FileRefused(_("%(f)s: row %(n)d, given as the header, is empty; it must name the columns.")
                          % {"f": name, "n": header_line_number})
    delimiter = _header_delimiter(header_line, delimiter)
    headers = next(csv.reader([header_line], delimiter=delimiter))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        # strict: a quote that is never closed is an error, not the rest of the file swallowed into one cell.
        lines = BoundedLines(text)
        reader = csv.reader(lines, delimiter=delimiter, strict=True)
        line = header_line_number
        try:
            for line, cells in enumerate(reader, start=header_line_number + 1):
                if lines.cut is not None:  # a line too long to read: refused, with the column it was cut in
                    yield line, cut_row(lines.cut, delimiter)
                    lines.cut = None
                    continue
                if lines.long:  # a line longer than a cell may be: measure its cells
                    lines.long = False
                    over = overlong_row(cells)
                    if over is not None:
                        yield line, over
                        continue
                if cells and any(c.strip() for c in cells):
                    yield line, cells
        except UnicodeDecodeError as exc:
            raise _undecodable(path, name, encoding, exc) from exc
        except csv.Error as exc:
            raise FileRefused(_("%(f)s, line %(l)d: %(e)s. Check the quotes on that line.")
                              % {"f": name, "l": line + 1, "e": exc}) from exc
        finally:
            raw.close()

    return Table(headers=headers, rows=rows(), size=size, position=raw.tell, strict_width=True,
                 header_row=header_line_number)


def _undecodable(path: Path, name: str, encoding: tuple[str, int], exc: UnicodeDecodeError) -> FileRefused:
    """Name the line of the first bytes that are not text in the file's encoding (the decoder only knows its
    read-ahead chunk). Read in chunks, not lines: a file of one endless line must not be held whole to say so."""
    codec, bom = encoding
    line, bad = 1, exc.object[exc.start:exc.end + 3]
    decoder = codecs.getincrementaldecoder(codec)()
    newlines = 0
    with path.open("rb") as fh:
        fh.seek(bom)
        while True:
            chunk = fh.read(1 << 20)
            try:
                newlines += decoder.decode(chunk, final=not chunk).count("\n")
            except UnicodeDecodeError as found:
                # The error is over what the decoder held back of the chunk before (no line break) and this one.
                held = found.object
                line = newlines + codecs.decode(held[:found.start], codec).count("\n") + 1
                bad = held[found.start:found.end + 3]
                break
            if not chunk:
                break
    if codec != "utf-8-sig":
        return FileRefused(_("%(f)s is not valid UTF-16 (line %(l)d). Save it again as “Unicode text” or “CSV "
                             "UTF-8” and import it again.") % {"f": name, "l": line})
    guess = ""
    try:
        codecs.decode(bad, "cp1251")
        guess = _(" It may be in a Windows code page.")
    except (UnicodeDecodeError, LookupError):
        pass
    return FileRefused(
        _("%(f)s is not UTF-8 (line %(l)d, byte 0x%(b)02x).%(g)s Save it as “CSV UTF-8” and import it again.")
        % {"f": name, "l": line, "b": bad[0], "g": guess}
    )


# What a damaged workbook raises, on opening or (read-only mode parses lazily) while its rows are read.
_XLSX_ERRORS = (InvalidFileException, BadZipFile, KeyError, IndexError, OSError, EOFError, ValueError, OverflowError,
                zlib.error, ParseError, ExpatError)
_WORKSHEET = re.compile(r"^/?xl/worksheets/[^/]+\.xml$")


class _BoundedReader(ExcelReader):
    """openpyxl's reader in read-only mode, with the bounds of `bounds` on the shared strings and the worksheets."""

    def __init__(self, path: Path) -> None:
        super().__init__(path, read_only=True, data_only=True)
        archive = self.archive
        self.plain_open = plain_open = archive.open

        def open_part(part: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
            stream = plain_open(part, mode, *args, **kwargs)
            return SheetStream(stream) if isinstance(part, str) and _WORKSHEET.match(part) else stream

        setattr(archive, "open", open_part)  # noqa: B010 (an instance's method replaced: mypy refuses the assignment)

    def read_strings(self) -> None:
        content_type = self.package.find(SHARED_STRINGS)
        if content_type is not None:
            with self.plain_open(content_type.PartName[1:]) as source:
                self.shared_strings = shared_strings(source)


def _too_long(name: str, headers: list[str], cell: str) -> FileRefused:
    """A workbook whose XML holds a tag too long to read (`bounds.CellTooLong`), named by its cell when known."""
    where = ""
    if cell:
        letters, row = coordinate_from_string(cell)
        index = column_index_from_string(letters) - 1
        column = headers[index] if index < len(headers) and headers[index] else letters
        where = _(", row %(r)d, column “%(c)s”") % {"r": row, "c": column}
    return FileRefused(_("%(f)s%(w)s: the workbook holds more there than a cell may (%(n)s characters) and cannot "
                         "be read past it. Shorten that cell and import again.")
                       % {"f": name, "w": where, "n": f"{CELL_MAX:,}"})


def _filled(cells: Sequence[Any]) -> bool:
    return any(c not in (None, "") for c in cells)


def _xlsx_header(it: Iterator[tuple[Any, ...]], header_row: int | None,
                 is_header: IsHeader | None) -> tuple[int, tuple[Any, ...] | None, list[tuple[int, tuple[Any, ...]]]]:
    """(row number, cells) of the header row (see `open_table`; None when the sheet has none) and the rows read past
    it while looking, to be read again."""
    scanned: list[tuple[int, tuple[Any, ...]]] = []
    for number, cells in enumerate(it, start=1):
        scanned.append((number, cells))
        if header_row is not None:
            if number == header_row:
                return number, cells, []
        elif _filled(cells) and (is_header is None or is_header(cells)):
            return number, cells, []
        if number == (header_row or HEADER_SCAN):
            break
    if header_row is not None:
        return header_row, None, []
    first = next((i for i, (_n, cells) in enumerate(scanned) if _filled(cells)), None)
    if first is None:
        return 1, None, []
    return scanned[first][0], scanned[first][1], scanned[first + 1:]


def _open_xlsx(path: Path, name: str, size: int, header_row: int | None, is_header: IsHeader | None) -> Table:
    try:
        reader = _BoundedReader(path)
        reader.read()
        book = reader.wb
        sheet = book.worksheets[0]
        # The size the workbook says it has is only an estimate of progress: read-only mode would otherwise stop
        # at it, and a workbook whose writer stored a wrong one would lose its other rows without a word.
        total = sheet.max_row or 1
        sheet.reset_dimensions()
        it = sheet.iter_rows(values_only=True)
        header_line, first, again = _xlsx_header(it, header_row, is_header)
    except CellTooLong as exc:
        raise _too_long(name, [], exc.cell) from exc
    except _XLSX_ERRORS as exc:
        raise FileRefused(_("%(f)s is not a readable XLSX workbook: %(e)s") % {"f": name, "e": exc}) from exc
    if first is None or not _filled(first):
        book.close()
        if header_row is not None:
            raise FileRefused(_("%(f)s: row %(n)d, given as the header, is empty; it must name the columns.")
                              % {"f": name, "n": header_row})
        raise FileRefused(_("%(f)s: the first sheet has no header row.") % {"f": name})
    if overlong_row(list(first)) is not None:
        book.close()
        raise FileRefused(_("%(f)s: a column name in the first row is longer than %(n)s characters.")
                          % {"f": name, "n": f"{CELL_MAX:,}"})
    headers = ["" if c is None else str(c) for c in first]
    done = {"rows": 0}

    def rows() -> Iterator[tuple[int, list[Any]]]:
        line = header_line
        try:
            for line, cells in chain(again, enumerate(it, start=header_line + len(again) + 1)):
                done["rows"] = line
                if _filled(cells):
                    row = list(cells)
                    over = overlong_row(row)
                    yield line, row if over is None else over
        except CellTooLong as exc:
            raise _too_long(name, headers, exc.cell) from exc
        except _XLSX_ERRORS as exc:
            raise FileRefused(_("%(f)s is not a readable XLSX workbook (after row %(l)d): %(e)s")
                              % {"f": name, "l": line, "e": exc}) from exc
        finally:
            book.close()

    return Table(headers=headers, rows=rows(), size=total, position=lambda: done["rows"], header_row=header_line)
