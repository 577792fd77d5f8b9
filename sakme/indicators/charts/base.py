"""What every chart shares: the data types, number formatting, nice ticks, text widths and SVG pieces.

Everything here writes markup as plain strings; each text value and attribute passes through `escape` (`esc`).
The colours are presentation attributes, so a chart still reads without `static/css/charts.css` (in a PDF, say);
the stylesheet's classes override them. No `style` attribute and no `<style>` element: the CSP forbids both.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString

NONE = "—"
NBSP = "\u00a0"
THOUSANDS = "\u202f"  # narrow no-break space: the SI digit grouping, right in Georgian and English text alike
PERCENT = ("percent", "%")
ONE_DECIMAL = ("ratio", "working_days")

INK = "#1d2430"
MUTED = "#5b6472"
GRID = "#d9dee5"
HALO = "#ffffff"
# Okabe–Ito hues, darkened to 4.5:1 on white so that the values written in them are readable text too.
SERIES_COLOURS = ("#0072b2", "#b84a00", "#007a5a", "#a3397e", "#1d2430", "#9a6700")
DASHES = ("", "7 3", "2 3", "10 3 2 3", "4 2 4 6", "12 3 2 3 2 3")
MARKERS = ("circle", "square", "triangle", "diamond", "down", "plus")


@dataclass(frozen=True)
class Series:
    """One line of a line chart: a name for the legend and one value per x label (None: no figure)."""

    name: str
    values: list[float | None]


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value (None: no figure), whether to stress it and a text written instead of the value."""

    label: str
    value: float | None
    highlight: bool = False
    text: str | None = None


def esc(value: object) -> str:
    """Escaped text for an element or an attribute."""
    return str(escape(str(value)))


def f(x: float) -> str:
    """A coordinate, one decimal at most."""
    written = f"{x:.1f}"
    return written[:-2] if written.endswith(".0") else written


def fmt(value: float, unit: str, decimals: int) -> str:
    """`value` with `decimals` decimals, digits grouped, a per cent sign for percentages."""
    value = round(value, decimals) or 0.0  # no "-0.0"
    written = f"{value:,.{decimals}f}".replace(",", THOUSANDS).replace("-", "−")
    return f"{written}{NBSP}%" if unit in PERCENT else written


def number(value: float | None, unit: str) -> str:
    """A written value: 1 decimal for percent and ratios, digits grouped for counts, "—" for None."""
    if value is None or math.isnan(value):
        return NONE
    if unit in PERCENT or unit in ONE_DECIMAL:
        return fmt(value, unit, 1)
    if unit == "count" or float(value).is_integer():
        return fmt(round(value), unit, 0)
    return fmt(value, unit, 1)


def decimals_of(step: float) -> int:
    """How many decimals the tick labels of a scale with this step need."""
    for d in range(6):
        if abs(round(step, d) - step) < 1e-9 * max(1.0, abs(step)):
            return d
    return 6


def nice_step(raw: float) -> float:
    """The smallest step of 1, 2, 2.5 or 5 times a power of ten that is at least `raw`."""
    if raw <= 0 or math.isnan(raw):
        return 1.0
    power = 10.0 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Round tick values covering lo..hi in about `n` steps (1, 2, 2.5 or 5 times a power of ten)."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(lo) / 10
        lo, hi = (0.0, 1.0) if lo == 0 else (lo - pad, hi + pad)
    step = nice_step((hi - lo) / max(1, n))
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    d = decimals_of(step)
    return [round(i * step, d) or 0.0 for i in range(first, last + 1)]


def value_range(values: Iterable[float | None], *extra: float | None) -> tuple[float, float]:
    """The span of the values and the extra ones (a target), always holding zero."""
    known = [v for v in (*values, *extra) if v is not None and not math.isnan(v)]
    return min([0.0, *known]), max([0.0, *known])


def axis_ticks(values: Iterable[float | None], *extra: float | None, unit: str) -> list[float]:
    """Nice ticks from zero (or the lowest value below it) past the highest value; whole numbers for counts."""
    lo, hi = value_range(values, *extra)
    ticks = nice_ticks(lo, hi)
    if unit == "count" and ticks[1] - ticks[0] < 1:
        return [float(i) for i in range(math.floor(lo), max(math.ceil(hi), math.floor(lo) + 1) + 1)]
    return ticks


_NARROW = set(" .,:;!|'ilIjtf()[]/−-")
_WIDE = set("MWmw%—@")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """About how wide `text` is drawn at `size` in a sans-serif font (Georgian letters run wide)."""
    em = 0.0
    for ch in text:
        if ch in _NARROW:
            em += 0.3
        elif ch in _WIDE:
            em += 0.85
        elif "\u10a0" <= ch <= "\u10ff" or "\u1c90" <= ch <= "\u1cbf":
            em += 0.68
        elif ch.isupper():
            em += 0.66
        else:
            em += 0.56
    return em * size * (1.07 if bold else 1.0)


def fit(text: str, size: float, room: float, bold: bool = False) -> str:
    """`text` shortened with an ellipsis so that it fits `room`."""
    if text_width(text, size, bold) <= room:
        return text
    while text and text_width(text + "…", size, bold) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def chart_id(kind: str, *parts: object) -> str:
    """An id prefix for one chart, the same for the same figures (so a page of charts renders the same each time)."""
    return f"{kind}-" + hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:10]


def svg_open(cid: str, kind: str, width: float, height: float, title: str, summary: str, *, scale: float = 1,
             font_size: float = 12) -> str:
    """The root element with its role, accessible name and description; drawn `scale` times its viewBox size."""
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{kind}" viewBox="0 0 {f(width)} {f(height)}"'
            f' width="{f(width * scale)}" height="{f(height * scale)}" role="img" aria-labelledby="{cid}-t {cid}-d"'
            f' font-size="{f(font_size)}" fill="{INK}">'
            f'<title id="{cid}-t">{esc(title)}</title><desc id="{cid}-d">{esc(summary)}</desc>')


def done(parts: list[str]) -> SafeString:
    """The markup, closed and marked safe (every text in it went through `esc`)."""
    return SafeString("".join([*parts, "</svg>"]))


def text(x: float, y: float, content: str, *, cls: str = "", anchor: str = "start", size: float | None = None,
         bold: bool = False, fill: str | None = None, halo: float = 0, title: str | None = None) -> str:
    """A `<text>`, on a white halo `halo` wide (a stroked copy under it) when it sits on lines or colour."""
    attrs = f'x="{f(x)}" y="{f(y)}"' + (f' text-anchor="{anchor}"' if anchor != "start" else "")
    attrs += f' font-size="{f(size)}"' if size else ""
    attrs += ' font-weight="bold"' if bold else ""
    body = esc(content)
    under = (f'<text class="halo" {attrs} fill="{HALO}" stroke="{HALO}" stroke-width="{f(halo)}"'
             f' stroke-linejoin="round" aria-hidden="true">{body}</text>') if halo else ""
    tip = f"<title>{esc(title)}</title>" if title else ""
    klass = f' class="{cls}"' if cls else ""
    paint = f' fill="{fill}"' if fill else ""
    return f"{under}<text{klass} {attrs}{paint}>{tip}{body}</text>"


def marker(shape: str, x: float, y: float, r: float, cls: str, colour: str) -> str:
    """A filled marker of one of MARKERS, outlined in white so that touching markers stay apart."""
    paint = f'class="{cls}" fill="{colour}" stroke="{HALO}" stroke-width="1"'
    if shape == "circle":
        return f'<circle cx="{f(x)}" cy="{f(y)}" r="{f(r)}" {paint}/>'
    h = r * 1.25
    t = r * 0.45
    points = {
        "square": [(-r, -r), (r, -r), (r, r), (-r, r)],
        "triangle": [(0, -h), (h, r), (-h, r)],
        "down": [(0, h), (h, -r), (-h, -r)],
        "diamond": [(0, -h), (h, 0), (0, h), (-h, 0)],
        "right": [(h, 0), (-r, -h), (-r, h)],
        "plus": [(-t, -h), (t, -h), (t, -t), (h, -t), (h, t), (t, t), (t, h), (-t, h), (-t, t), (-h, t), (-h, -t),
                 (-t, -t)],
    }[shape]
    return f'<polygon points="{" ".join(f"{f(x + dx)},{f(y + dy)}" for dx, dy in points)}" {paint}/>'


def hatch(pid: str, *, background: str, line: str, cls: str) -> str:
    """A pattern of diagonal lines, for areas without a figure."""
    return (f'<pattern id="{pid}" class="{cls}" patternUnits="userSpaceOnUse" width="7" height="7"'
            f' patternTransform="rotate(45)"><rect width="7" height="7" fill="{background}"/>'
            f'<line x1="0" y1="0" x2="0" y2="7" stroke="{line}" stroke-width="2.5"/></pattern>')


def tick_step(count: int, room: float, label_width: float) -> int:
    """Label every n-th of `count` evenly spaced positions so that labels `label_width` wide fit in `room`."""
    if count <= 1:
        return 1
    need = (count - 1) * (label_width + 10) / max(room, 1.0)
    for step in (1, 2, 3, 4, 6, 12, 24, 36, 48, 60, 120):
        if step >= need:
            return step
    return math.ceil(need / 12) * 12
