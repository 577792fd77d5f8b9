"""A figure's table as a download: CSV (UTF-8 with a BOM, so Excel shows Georgian) or XLSX, the same rows."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook

from sakme.common.errors import DomainError
from sakme.common.spreadsheets import inert

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


def _cell(value: Any) -> Any:
    return inert(value) if isinstance(value, str) else value


def table_response(name: str, fmt: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> HttpResponse:
    """The table as a file to download, named `name.fmt`."""
    if fmt not in FORMATS:
        raise DomainError(f"{fmt!r}: choose csv or xlsx.", code="invalid")
    if fmt == "csv":
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(header)
        writer.writerows([["" if v is None else _cell(v) for v in row] for row in rows])
        body: bytes = codecs.BOM_UTF8 + text.getvalue().encode()
    else:
        book = Workbook(write_only=True)
        sheet = book.create_sheet(name[:31])
        sheet.append(list(header))
        for row in rows:
            sheet.append([_cell(v) for v in row])
        out = io.BytesIO()
        book.save(out)
        body = out.getvalue()
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
