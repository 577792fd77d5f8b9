"""The annual report as PDF: the composed blocks through an HTML template, laid out by WeasyPrint.

Nothing is fetched from the network: the font comes from the vendored files, the charts are inline `data:` images,
and the URL fetcher refuses every other address.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from sakme.indicators.report import Composed, Field, Heading, Items, Note, Paragraph, Picture, Table, Title
from sakme.indicators.report.chart import BOLD, FONT_DIR, REGULAR

TEMPLATE = "indicators/report/annual.html"
TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates" / "indicators" / "report"


class LocalFetcher(URLFetcher):
    """Serves `data:` URLs and the files under the given folders; anything else is an error that stops the PDF."""

    def __init__(self, *folders: Path) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False, fail_on_errors=True)
        self.folders = [f.resolve() for f in folders]

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith("file:"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(folder) for folder in self.folders) and path.is_file():
                return URLFetcherResponse(url, path.read_bytes())
        raise ValueError(f"the report fetches local files of its own only, not {url}")


def _kind(block: object) -> str:
    kinds = {Title: "title", Heading: "heading", Field: "field", Paragraph: "paragraph", Items: "items",
             Table: "table", Picture: "picture", Note: "note"}
    return kinds[type(block)]


def _context(composed: Composed) -> dict[str, Any]:
    blocks = []
    for block in composed.blocks:
        item: dict[str, Any] = {"kind": _kind(block), "block": block}
        if isinstance(block, Picture):
            item["src"] = "data:image/png;base64," + base64.b64encode(block.png).decode()
        if isinstance(block, Items):
            item["rows"] = list(zip(block.markers or [""] * len(block.items), block.items, strict=True))
        if isinstance(block, Table):
            total = sum(block.widths)
            item["columns"] = [{"width": round(100 * w / total, 2), "numeric": i in block.numeric}
                               for i, w in enumerate(block.widths)]
            item["rows"] = [[(text, i in block.numeric) for i, text in enumerate(row)] for row in block.rows]
        blocks.append(item)
    return {"title": composed.title, "language": composed.language, "blocks": blocks,
            "regular": REGULAR.as_uri(), "bold": BOLD.as_uri()}


def write_pdf(composed: Composed) -> bytes:
    """The composed report as PDF bytes."""
    html = render_to_string(TEMPLATE, _context(composed))
    document = HTML(string=html, base_url=TEMPLATE_DIR.as_uri() + "/",
                    url_fetcher=LocalFetcher(FONT_DIR, TEMPLATE_DIR))
    return document.write_pdf(pdf_identifier=None) or b""
