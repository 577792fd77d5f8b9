"""What one cell and one line of an imported file may hold, so that memory stays flat whatever a file holds.

A cell holds at most CELL_MAX characters (Excel's own limit for a cell): a longer value is not read into memory,
and its row is refused with an error naming the column (the rest of the file is imported as usual). Without these
bounds an 80 MB CSV line, or an XLSX cell of 150 MB, was read whole, several times over, by the worker.

- CSV: `BoundedLines` hands the csv module physical lines of at most LINE_MAX characters; the rest of a longer line
  is skipped as it is read. A quoted value spanning lines stops at csv's field limit (the file is refused there).
- XLSX: the shared strings (where Excel and most writers put text) are read by `shared_strings`, which keeps at most
  CELL_MAX characters of each; a worksheet's XML goes through `SheetStream`, which replaces a text longer than a
  cell holds by a marker before openpyxl's parser would gather it, and a cell's tag as long by a cell holding the
  marker (its row is refused by that column, the file goes on); any other tag as long refuses the file
  (`CellTooLong`).
"""

from __future__ import annotations

import csv
import re
from typing import Any, BinaryIO
from xml.parsers import expat

CELL_MAX = 32_767
LINE_MAX = 1 << 20  # characters of one CSV line; also csv's field limit (a quoted value over several lines)
XML_RUN_MAX = 4 * CELL_MAX + 4096  # bytes of XML between two tags: a cell of CELL_MAX characters, escaped, fits
OVERLONG_TEXT = "\ue000sakme:overlong\ue000"  # what `SheetStream` leaves of a text too long (private-use marks)


class Overlong:
    """Stands in for a shared string longer than CELL_MAX characters."""

    __slots__ = ("length",)

    def __init__(self, length: int) -> None:
        self.length = length

    def __repr__(self) -> str:
        return f"Overlong({self.length})"


class OverlongRow(list[Any]):
    """A row with cells too long to read: the cells that were read ("" for the others) and the indexes of the
    over-long ones. The row stage refuses it (`rows.RowStage.clean`)."""

    def __init__(self, cells: list[Any], over: list[int]) -> None:
        super().__init__(cells)
        self.over = over


def overlong_row(cells: list[Any]) -> OverlongRow | None:
    """The row as an `OverlongRow` when a cell is over-long (an `Overlong`, the marker, or a text over CELL_MAX)."""
    over = [i for i, c in enumerate(cells)
            if type(c) is Overlong or (isinstance(c, str) and (len(c) > CELL_MAX or c == OVERLONG_TEXT))]
    if not over:
        return None
    return OverlongRow(["" if i in over else c for i, c in enumerate(cells)], over)


class CellTooLong(Exception):
    """An XML tag of a worksheet longer than any cell's: the workbook cannot be read past it."""

    def __init__(self, cell: str) -> None:
        super().__init__(cell)
        self.cell = cell  # its reference ("C7"), or "" when no cell was open


# -- CSV ------------------------------------------------------------------------------------------------------------

class BoundedLines:
    """The physical lines of a text stream for csv.reader, each at most LINE_MAX characters. The rest of a longer line
    is read and dropped; the line is given to csv as an empty one and its start is kept in `cut` for the row reader,
    which refuses that row. `long` says a line over CELL_MAX characters went by (so its cells are worth measuring)."""

    def __init__(self, text: Any, limit: int = LINE_MAX) -> None:
        self.readline = text.readline
        self.limit = limit
        self.cut: str | None = None
        self.long = False

    def __iter__(self) -> BoundedLines:
        return self

    def __next__(self) -> str:
        line: str = self.readline(self.limit)
        if not line:
            raise StopIteration
        if len(line) < self.limit or line[-1] in "\r\n":
            if len(line) > CELL_MAX:
                self.long = True
            return line
        self.cut = line
        while True:
            more = self.readline(self.limit)
            if not more or more[-1] in "\r\n":
                return "\n"


def cut_row(kept: str, delimiter: str) -> OverlongRow:
    """The row of a line cut at LINE_MAX: the cells of its start; the first cell over CELL_MAX (or the last one, which
    the cut ran through) is the over-long one."""
    try:
        cells = next(csv.reader([kept.rstrip("\r\n")], delimiter=delimiter), [""])
    except csv.Error:
        cells = [""]
    index = next((i for i, c in enumerate(cells) if len(c) > CELL_MAX), len(cells) - 1)
    return OverlongRow([("" if i >= index else c) for i, c in enumerate(cells)], [index])


# -- XLSX -----------------------------------------------------------------------------------------------------------

def shared_strings(source: BinaryIO) -> list[Any]:
    """A workbook's shared strings as openpyxl reads them (each <si>'s text: its <t>, or the <t> of its runs; phonetic
    runs left out; "x005F_" dropped), except that one over CELL_MAX characters is an `Overlong`, never held whole."""
    strings: list[Any] = []
    path: list[str] = []
    parts: list[str] = []
    size = 0

    def start(name: str, attributes: Any) -> None:
        nonlocal size
        local = name.rpartition("}")[2]
        if local == "si":
            parts.clear()
            size = 0
        path.append(local)

    def end(name: str) -> None:
        local = path.pop()
        if local == "si":
            strings.append(Overlong(size) if size > CELL_MAX else "".join(parts).replace("x005F_", ""))

    def text(data: str) -> None:
        nonlocal size
        if len(path) >= 2 and path[-1] == "t" and (path[-2] == "si" or (path[-2] == "r" and path[-3:-2] == ["si"])):
            size += len(data)
            if size <= CELL_MAX:
                parts.append(data)
            elif parts:
                parts.clear()

    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True  # text comes in pieces of at most buffer_size, never gathered whole
    parser.buffer_size = 1 << 16
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    while chunk := source.read(1 << 16):
        parser.Parse(chunk, False)
    parser.Parse(b"", True)
    return strings


_DELIMITER = re.compile(rb"[<>]")
_CELL_REF = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3}\d+)"')
_TAG_START = re.compile(rb'^((?:[\w.-]+:)?)(c|row)\s[^>]*?\br="([A-Z]{0,3}\d+)"')


def _tag_stand_in(start: bytes) -> tuple[bytes, bytes] | None:
    """What a tag too long to read is passed on as (the text between its < and >, as an opening tag and as one that
    closes itself), when its start names a cell or a row: a cell holding the marker (an inline string, whatever its
    type was), or the row without its other attributes. None for any other tag."""
    found = _TAG_START.match(start)
    if found is None:
        return None
    prefix, name, ref = found.groups()
    if name == b"row":
        return b'%srow r="%s"' % (prefix, ref), b'%srow r="%s"/' % (prefix, ref)
    opened = b'%sc r="%s" t="inlineStr"><%sis><%st>%s</%st></%sis' % (
        prefix, ref, prefix, prefix, OVERLONG_TEXT.encode(), prefix, prefix)
    return opened, opened + b"></%sc" % prefix
CHUNK = 1 << 16  # < XML_RUN_MAX: a run over the limit spans chunks, so only a chunk's first and last runs can be


class SheetStream:
    """A worksheet's XML as openpyxl reads it, with every text over XML_RUN_MAX bytes replaced by OVERLONG_TEXT (read
    and dropped, never held), a cell's or a row's tag as long by its stand-in (`_tag_stand_in`), and any other tag as
    long refused (`CellTooLong`). The run that may still grow at the end of what was read is held back (at most
    XML_RUN_MAX bytes) until it ends, so a replaced one was never passed on."""

    def __init__(self, raw: BinaryIO, limit: int = XML_RUN_MAX) -> None:
        self.raw = raw
        self.limit = limit
        self.pending = b""  # the current run, not yet passed on
        self.in_tag = False  # the current run is inside a tag (after "<") rather than text (after ">")
        # the current run is over the limit: dropped; its stand-in (opening, closing itself) goes out when it ends
        self.skipping: tuple[bytes, bytes] | None = None
        self.ending = b""  # the last byte dropped: "/" when a tag replaced closes itself
        self.context = b""  # the end of what was passed on: names the cell of a tag too long
        self.replaced = 0

    def read(self, size: int = -1) -> bytes:
        while True:
            chunk = self.raw.read(CHUNK if size is None or size < 0 or size > CHUNK else size)
            if not chunk:
                out, self.pending = self.pending, b""
                return out
            out = self._filter(chunk)
            if out:
                self.context = (self.context + out)[-512:]
                return out

    def _filter(self, chunk: bytes) -> bytes:
        found = _DELIMITER.search(chunk)
        if found is None:  # the whole chunk continues the current run
            if self.skipping is None:
                self.pending += chunk
                self._check()
            else:
                self.ending = chunk[-1:]
            return b""
        first = found.start()
        head = b""
        if self.skipping is None:
            head = self.pending + chunk[:first]
            if len(head) > self.limit:
                self.pending = head
                self._check()  # a text or a cell's tag gets its stand-in; another tag raises
        elif first:
            self.ending = chunk[first - 1:first]
        if self.skipping is not None:
            opening, closed = self.skipping
            head = closed if self.ending == b"/" else opening
            self.skipping = None
            self.replaced += 1
        last = max(chunk.rfind(b"<"), chunk.rfind(b">"))
        self.pending = chunk[last + 1:]
        self.in_tag = chunk[last:last + 1] == b"<"
        return head + chunk[first:last + 1]

    def _check(self) -> None:
        if len(self.pending) <= self.limit:
            return
        marker = OVERLONG_TEXT.encode()
        stand_in: tuple[bytes, bytes] | None = (marker, marker)
        if self.in_tag:
            stand_in = _tag_stand_in(self.pending[:4096])
            if stand_in is None:
                refs = _CELL_REF.findall(self.context + self.pending[:4096])
                raise CellTooLong(refs[-1].decode() if refs else "")
        self.ending = self.pending[-1:]
        self.pending = b""
        self.skipping = stand_in

    def close(self) -> None:
        self.raw.close()

    def __enter__(self) -> SheetStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
