"""A choropleth of Georgia's regions: five classes of a sequential palette, values written on the map.

The outlines are `sakme/geo/data/regions-map.json` (Natural Earth; see the README next to it). Coordinates are the
file's viewBox units (1000 wide); the map is drawn `width` pixels wide, so sizes here are divided by its scale.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from functools import cache
from importlib.resources import files
from typing import Any

from django.utils.safestring import SafeString

from sakme.indicators.charts.base import (
    INK,
    MUTED,
    NONE,
    chart_id,
    decimals_of,
    done,
    esc,
    f,
    fmt,
    hatch,
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
BORDER = "#5b6472"  # grey, not white: two light neighbours of one class stay apart
ATTRIBUTION_BAND = 24
# Where a label goes when the region is smaller than its text, and the empty corner north-east of the country
# (x0, y0, x1, y1) that holds the legend when it fits; map units.
CALLOUTS = {"TB": (728.0, 338.0)}
FREE = (600.0, 10.0, 990.0, 165.0)


@cache
def regions_map() -> dict[str, Any]:
    """The region outlines, label points, viewBox and attribution (read once)."""
    data: dict[str, Any] = json.loads(files("sakme.geo").joinpath("data/regions-map.json").read_text("utf-8"))
    return data


def _steps(raw: float) -> Iterator[float]:
    """Round class widths (1, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten) of at least `raw`, smallest first."""
    power = 10.0 ** math.floor(math.log10(raw))
    while True:
        yield from (m * power for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8) if m * power >= raw * (1 - 1e-9))
        power *= 10


def classes(values: list[float]) -> tuple[float, float]:
    """The start and width of five equal classes with round limits that hold all the values."""
    lo, hi = min(values), max(values)
    for step in _steps((hi - lo) / CLASSES if hi > lo else abs(hi) / CLASSES or 1):
        start = round(math.floor(lo / step + 1e-9) * step, decimals_of(step))
        if start + CLASSES * step >= hi - 1e-9 * step:
            return start, step
    raise AssertionError  # unreachable: the widths grow without end


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
    size = (13 if width >= 600 else 11) * px
    height = h + ATTRIBUTION_BAND * px
    known = {code: v for code, v in values.items() if code in geo["regions"] and v is not None and not math.isnan(v)}
    start, step = classes(list(known.values())) if known else (0.0, 1.0)

    items = legend_items(start, step, unit, cid, shaded=bool(known), missing=len(known) < len(geo["regions"]))
    columns = 2
    lw, lh = legend_size(items, unit_label, px, columns=columns)
    if lw <= FREE[2] - FREE[0] and lh <= FREE[3] - FREE[1]:  # in the empty corner north-east of the country
        lx, ly = FREE[2] - lw, FREE[1] + 6 * px
    else:  # below the map, as many columns as fit
        columns = max(1, min(len(items), int((w - 20) // max(1.0, legend_size(items, "", px, columns=1)[0]))))
        lw, lh = legend_size(items, unit_label, px, columns=columns)
        lx, ly, height = 10, h + 4 * px, height + lh + 8 * px
    parts = [svg_open(cid, "map", w, height, title, summary, scale=scale, font_size=size),
             "<defs>", hatch(f"{cid}-none", background=NO_DATA[0], line=NO_DATA[1], cls="hatch"),
             hatch(f"{cid}-other", background=OTHER[0], line=OTHER[1], cls="hatch other"), "</defs>"]
    for code, shape in geo["other"].items():
        name = f"<title>{esc(names[code])}</title>" if names.get(code) else ""
        parts.append(f'<path class="region other" d="{esc(shape["path"])}" fill="url(#{cid}-other)" stroke="{BORDER}"'
                     f' stroke-width="{f(0.8 * px)}">{name}</path>')
    labels = []
    for code, shape in geo["regions"].items():
        value = known.get(code)
        shown = texts.get(code) or number(value, unit)
        if value is None:
            cls, fill = "region nodata", f"url(#{cid}-none)"
        else:
            c = class_of(value, start, step)
            cls, fill = f"region c{c}", PALETTE[c]
        parts.append(f'<path class="{cls}" d="{esc(shape["path"])}" fill="{fill}" stroke="{BORDER}"'
                     f' stroke-width="{f(0.8 * px)}"><title>{esc(names.get(code, code))}: {esc(shown)}</title></path>')
        x, y = shape["label"]
        if code in CALLOUTS:  # too small to hold its label without hiding its colour: write it beside, with a leader
            tx, ty = CALLOUTS[code]
            labels.append(f'<line class="leader" x1="{f(x)}" y1="{f(y)}" x2="{f(tx)}" y2="{f(ty + size * 0.5)}"'
                          f' stroke="{INK}" stroke-width="{f(px)}"/><circle cx="{f(x)}" cy="{f(y)}" r="{f(2 * px)}"'
                          f' fill="{INK}"/>')
            x, y = tx, ty
        labels.append(text(x, y + size * 0.35, shown, anchor="middle", bold=True, cls="value", halo=4 * px))
    parts += ['<g class="values">', *labels, "</g>"]

    parts += legend(items, unit_label, px, x=lx, y=ly, columns=columns)
    parts.append(text(10, height - 8 * px, geo["attribution"], cls="attribution", size=10 * px, fill=MUTED))
    return done(parts)


Item = tuple[str, str, str]  # class, fill, text


def legend_items(start: float, step: float, unit: str, cid: str, *, shaded: bool, missing: bool) -> list[Item]:
    """The legend's entries: the five class ranges, and "—" (hatched) when a region has no value."""
    d = decimals_of(step)
    items = [(f"c{c} swatch", PALETTE[c], f"{fmt(start + c * step, '', d)}–{fmt(start + (c + 1) * step, unit, d)}")
             for c in range(CLASSES)] if shaded else []
    return [*items, ("swatch nodata", f"url(#{cid}-none)", NONE)] if missing else items


def _metrics(items: list[Item], px: float) -> tuple[float, float, float, float]:
    size, row, box = 12 * px, 20 * px, 14 * px
    return size, row, box, max((text_width(label, size) for *_, label in items), default=0.0) + box * 1.6 + 20 * px


def legend_size(items: list[Item], unit_label: str, px: float, *, columns: int) -> tuple[float, float]:
    """How wide and high the legend is (map units) in that many columns."""
    size, row, _box, col = _metrics(items, px)
    rows = math.ceil(len(items) / columns)
    return max(col * min(columns, len(items)), text_width(unit_label, size)), row * (rows + (1 if unit_label else 0))


def legend(items: list[Item], unit_label: str, px: float, *, x: float, y: float, columns: int) -> list[str]:
    """The legend drawn from (x, y): an optional heading, then swatches and ranges filled column by column."""
    size, row, box, col = _metrics(items, px)
    rows = max(1, math.ceil(len(items) / columns))
    parts = ['<g class="legend">']
    if unit_label:
        parts.append(text(x, y + size * 0.8, unit_label, cls="unit", size=size, fill=MUTED))
        y += row
    for i, (cls, fill, label) in enumerate(items):
        cx, cy = x + (i // rows) * col, y + (i % rows) * row
        parts.append(f'<rect class="{cls}" x="{f(cx)}" y="{f(cy)}" width="{f(box * 1.6)}" height="{f(box)}"'
                     f' fill="{fill}" stroke="{MUTED}" stroke-width="{f(px)}"/>')
        parts.append(text(cx + box * 1.6 + 6 * px, cy + box * 0.85, label, size=size))
    parts.append("</g>")
    return parts
