"""A choropleth of Georgia's regions: five classes of a sequential palette, values written on the map.

The outlines are `sakme/geo/data/regions-map.json` (Natural Earth; see the README next to it). Coordinates are the
file's viewBox units (1000 wide); the map is drawn `width` pixels wide, so sizes here are divided by its scale.
"""

from __future__ import annotations

import json
import math
from functools import cache
from importlib.resources import files
from typing import Any

from django.utils.safestring import SafeString

from sakme.indicators.charts.base import (
    MUTED,
    NONE,
    chart_id,
    decimals_of,
    done,
    esc,
    f,
    fmt,
    hatch,
    nice_step,
    number,
    svg_open,
    text,
    text_width,
)

# ColorBrewer YlGnBu, 5 classes: safe for colour-blind readers, lightness falls steadily (reads in greyscale).
PALETTE = ("#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494")
CLASSES = len(PALETTE)
NO_DATA = ("#ffffff", "#8a94a3")  # background, lines of the hatching
OTHER = ("#dfe3e8", "#aab2bd")  # Abkhazia: occupied, not served by the agency
BORDER = "#ffffff"
ATTRIBUTION_BAND = 24


@cache
def regions_map() -> dict[str, Any]:
    """The region outlines, label points, viewBox and attribution (read once)."""
    data: dict[str, Any] = json.loads(files("sakme.geo").joinpath("data/regions-map.json").read_text("utf-8"))
    return data


def classes(values: list[float]) -> tuple[float, float]:
    """The start and width of five equal classes with round limits that hold all the values."""
    lo, hi = min(values), max(values)
    step = nice_step((hi - lo) / CLASSES if hi > lo else abs(hi) / CLASSES or 1)
    while True:
        start = math.floor(lo / step + 1e-9) * step
        if start + CLASSES * step > hi or (hi == lo and start + CLASSES * step >= hi):
            return start, step
        step = nice_step(step * 1.001)


def class_of(value: float, start: float, step: float) -> int:
    """The class (0..4) a value falls in: a limit belongs to the class above it, the top one holds the rest."""
    return max(0, min(CLASSES - 1, math.floor((value - start) / step + 1e-9)))


def region_map(values: dict[str, float | None], *, names: dict[str, str], title: str, summary: str, unit: str,
               texts: dict[str, str] | None = None, width: int = 720, unit_label: str = "") -> SafeString:
    """A map of the regions shaded in five classes, each region's value written on it, with a legend."""
    geo = regions_map()
    texts = texts or {}
    cid = chart_id("map", sorted(values.items()), sorted(names.items()), title, summary, unit,
                   sorted(texts.items()), width, unit_label)
    _, _, w, h = (float(v) for v in geo["viewBox"].split())
    scale = width / w
    px = 1 / scale  # one screen pixel in map units
    size = 13 * px
    height = h + ATTRIBUTION_BAND * px
    known = {code: v for code, v in values.items() if code in geo["regions"] and v is not None and not math.isnan(v)}
    start, step = classes(list(known.values())) if known else (0.0, 1.0)

    parts = [svg_open(cid, "map", w, height, title, summary, scale=scale, font_size=size),
             "<defs>", hatch(f"{cid}-none", background=NO_DATA[0], line=NO_DATA[1], cls="hatch"),
             hatch(f"{cid}-other", background=OTHER[0], line=OTHER[1], cls="hatch other"), "</defs>"]
    for code, shape in geo["other"].items():
        name = f"<title>{esc(names[code])}</title>" if names.get(code) else ""
        parts.append(f'<path class="region other" d="{shape["path"]}" fill="url(#{cid}-other)" stroke="{BORDER}"'
                     f' stroke-width="{f(1.5 * px)}">{name}</path>')
    labels = []
    for code, shape in geo["regions"].items():
        value = known.get(code)
        shown = texts.get(code) or number(value, unit)
        if value is None:
            cls, fill = "region nodata", f"url(#{cid}-none)"
        else:
            c = class_of(value, start, step)
            cls, fill = f"region c{c}", PALETTE[c]
        parts.append(f'<path class="{cls}" d="{shape["path"]}" fill="{fill}" stroke="{BORDER}"'
                     f' stroke-width="{f(1.5 * px)}"><title>{esc(names.get(code, code))}: {esc(shown)}</title></path>')
        x, y = shape["label"]
        labels.append(text(x, y + size * 0.35, shown, anchor="middle", bold=True, cls="value", halo=4 * px))
    parts += ['<g class="values">', *labels, "</g>"]
    parts += legend(start, step, unit, unit_label, bool(known), len(known) < len(geo["regions"]),
                    cid=cid, px=px, x=w - 10, y=16 * px)
    parts.append(text(10, height - 8 * px, geo["attribution"], cls="attribution", size=10 * px, fill=MUTED))
    return done(parts)


def legend(start: float, step: float, unit: str, unit_label: str, shaded: bool, missing: bool, *, cid: str,
           px: float, x: float, y: float) -> list[str]:
    """The class ranges (two columns, right-aligned at x) with swatches, and "—" for regions without a value."""
    d = decimals_of(step)
    items = [(f"c{c} swatch", PALETTE[c], f"{fmt(start + c * step, '', d)}–{fmt(start + (c + 1) * step, unit, d)}")
             for c in range(CLASSES)] if shaded else []
    if missing:
        items.append(("swatch nodata", f"url(#{cid}-none)", NONE))
    size, row, box = 12 * px, 20 * px, 14 * px
    rows = math.ceil(len(items) / 2)
    col = max((text_width(label, size) for *_, label in items), default=0.0) + box + 20 * px
    left = x - col * (2 if len(items) > 1 else 1)
    parts = ['<g class="legend">']
    if unit_label:
        parts.append(text(left, y + size * 0.8, unit_label, cls="unit", size=size, fill=MUTED))
        y += row
    for i, (cls, fill, label) in enumerate(items):
        cx, cy = left + (i // rows) * col, y + (i % rows) * row
        parts.append(f'<rect class="{cls}" x="{f(cx)}" y="{f(cy)}" width="{f(box * 1.6)}" height="{f(box)}"'
                     f' fill="{fill}" stroke="{MUTED}" stroke-width="{f(px)}"/>')
        parts.append(text(cx + box * 1.6 + 6 * px, cy + box * 0.85, label, size=size))
    parts.append("</g>")
    return parts
