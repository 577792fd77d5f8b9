"""Keyset paging of the API's lists: a page is `size` rows after a cursor (the last id of the page before), read
through an index on the primary key, so the thousandth page costs what the first does."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from ninja import Schema

M = TypeVar("M", bound=Model)
PAGE_SIZE = 50


class PageQuery(Schema):
    after: str = ""


def keyset_page(rows: QuerySet[M], *, after: str, size: int = PAGE_SIZE,
                newest_first: bool = False) -> tuple[list[M], str | None]:
    """The rows of one page, in id order (newest first on request), and the cursor of the next page (None on the
    last). A cursor that is not an id starts from the first page."""
    cursor = int(after) if after.isascii() and after.isdigit() and len(after) < 19 else None
    if cursor is not None:
        rows = rows.filter(pk__lt=cursor) if newest_first else rows.filter(pk__gt=cursor)
    items = list(rows.order_by("-pk" if newest_first else "pk")[: size + 1])
    more = len(items) > size
    items = items[:size]
    return items, (str(items[-1].pk) if more and items else None)


def page_out(items: list[Any], after: str | None) -> dict[str, Any]:
    """The body of a `Page`."""
    return {"items": items, "next": after}
