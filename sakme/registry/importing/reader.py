"""Streaming rows out of CSV (UTF-8 with or without BOM; comma, semicolon or tab) and XLSX files.

Never loads a whole file: memory stays flat whatever its size.
"""

from __future__ import annotations

import codecs
import csv
import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree.ElementTree import ParseError
from zipfile import BadZipFile

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from sakme.common.errors import DomainError

csv.field_size_limit(1 << 20)
DELIMITERS = (",", ";", "\t")


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


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header into the most columns."""
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in DELIMITERS}
    return max(DELIMITERS, key=lambda d: (counts[d], -DELIMITERS.index(d)))


def open_table(path: Path, *, delimiter: str | None = None, display_name: str | None = None) -> Table:
    """Open a CSV or XLSX file for streaming; refuse it with a clear message when it cannot be read."""
    name = display_name or path.name
    size = path.stat().st_size
    if size == 0:
        raise FileRefused(_("%(f)s is empty: it has no header and no rows.") % {"f": name})
    with path.open("rb") as fh:
        start = fh.read(4096)
    magic = start[:4]
    if magic == b"PK\x03\x04":
        return _open_xlsx(path, name, size)
    if path.suffix.lower() in (".xlsx", ".xlsm") or magic == b"\xd0\xcf\x11\xe0":
        raise FileRefused(_("%(f)s is not a readable XLSX workbook (an old .xls file, or damaged). Save it as "
                            "“Excel Workbook (.xlsx)” or “CSV UTF-8” and import it again.") % {"f": name})
    if magic[:2] in (b"\xff\xfe", b"\xfe\xff") or start.count(b"\x00") > len(start) // 8:
        # UTF-16 without a BOM: NUL bytes between the letters (a stray NUL in text is dropped by the cleaners).
        raise FileRefused(_("%(f)s is saved as UTF-16. Save it as “CSV UTF-8” and import it again.") % {"f": name})
    return _open_csv(path, name, size, delimiter)


def _open_csv(path: Path, name: str, size: int, delimiter: str | None) -> Table:
    raw: BinaryIO = path.open("rb")
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")
    try:
        header_line = text.readline()
    except UnicodeDecodeError as exc:
        raw.close()
        raise _not_utf8(path, name, exc) from exc
    if not header_line.strip():
        raw.close()
        raise FileRefused(_("%(f)s has an empty first line; the first line must name the columns.") % {"f": name})
    header_line = header_line.replace("\x00", "")
    delimiter = delimiter or sniff_delimiter(header_line)
    headers = next(csv.reader([header_line], delimiter=delimiter))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        # strict: a quote that is never closed is an error, not the rest of the file swallowed into one cell.
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        line = 1
        try:
            for line, cells in enumerate(reader, start=2):
                if cells and any(c.strip() for c in cells):
                    yield line, cells
        except UnicodeDecodeError as exc:
            raise _not_utf8(path, name, exc) from exc
        except csv.Error as exc:
            raise FileRefused(_("%(f)s, line %(l)d: %(e)s. Check the quotes on that line.")
                              % {"f": name, "l": line + 1, "e": exc}) from exc
        finally:
            raw.close()

    return Table(headers=headers, rows=rows(), size=size, position=raw.tell, strict_width=True)


def _not_utf8(path: Path, name: str, exc: UnicodeDecodeError) -> FileRefused:
    """Name the line of the first byte that is not UTF-8 (the decoder only knows its read-ahead chunk)."""
    line, bad = 1, exc.object[exc.start:exc.end + 3]
    with path.open("rb") as fh:
        for number, raw_line in enumerate(fh, start=1):
            try:
                raw_line.decode("utf-8")
            except UnicodeDecodeError as found:
                line, bad = number, raw_line[found.start:found.end + 3]
                break
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
                zlib.error, ParseError)


def _open_xlsx(path: Path, name: str, size: int) -> Table:
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        # The size the workbook says it has is only an estimate of progress: read-only mode would otherwise stop
        # at it, and a workbook whose writer stored a wrong one would lose its other rows without a word.
        total = sheet.max_row or 1
        sheet.reset_dimensions()
        it = sheet.iter_rows(values_only=True)
        first = next(it, None)
    except _XLSX_ERRORS as exc:
        raise FileRefused(_("%(f)s is not a readable XLSX workbook: %(e)s") % {"f": name, "e": exc}) from exc
    if first is None or not any(c not in (None, "") for c in first):
        book.close()
        raise FileRefused(_("%(f)s: the first sheet has no header row.") % {"f": name})
    headers = ["" if c is None else str(c) for c in first]
    done = {"rows": 0}

    def rows() -> Iterator[tuple[int, list[Any]]]:
        line = 1
        try:
            for line, cells in enumerate(it, start=2):
                done["rows"] = line
                if any(c not in (None, "") for c in cells):
                    yield line, list(cells)
        except _XLSX_ERRORS as exc:
            raise FileRefused(_("%(f)s is not a readable XLSX workbook (after row %(l)d): %(e)s")
                              % {"f": name, "l": line, "e": exc}) from exc
        finally:
            book.close()

    return Table(headers=headers, rows=rows(), size=total, position=lambda: done["rows"])
