"""Monthly trends: up to six lines, each with its own colour, dash pattern and marker shape."""

from __future__ import annotations

from itertools import chain

from django.utils.safestring import SafeString

from sakme.indicators.charts.base import (
    DASHES,
    GRID,
    INK,
    MARKERS,
    MUTED,
    SERIES_COLOURS,
    Series,
    axis_ticks,
    chart_id,
    decimals_of,
    done,
    f,
    fmt,
    marker,
    number,
    svg_open,
    text,
    text_width,
    tick_step,
)

FONT = 12
ROW = 18


def _style(k: int) -> tuple[str, str, str, str]:
    """The class, colour, dash pattern and marker shape of the k-th series."""
    i = k % len(SERIES_COLOURS)
    return f"s{i}", SERIES_COLOURS[i], DASHES[i], MARKERS[i]


def legend(series: list[Series], *, x: float, y: float, room: float) -> tuple[list[str], float]:
    """The legend of a line chart, wrapped into rows `room` wide; its markup and height."""
    parts, cx, cy = ['<g class="legend">'], x, y
    for k, s in enumerate(series):
        cls, colour, dash, shape = _style(k)
        item = 34 + text_width(s.name, FONT) + 18
        if cx > x and cx + item > x + room:
            cx, cy = x, cy + ROW
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<line class="line {cls}" x1="{f(cx)}" y1="{f(cy)}" x2="{f(cx + 28)}" y2="{f(cy)}"'
                     f' stroke="{colour}" stroke-width="2.25"{dashing}/>')
        parts.append(marker(shape, cx + 14, cy, 4, f"mark {cls}", colour))
        parts.append(text(cx + 34, cy + 4, s.name))
        cx += item
    parts.append("</g>")
    return parts, (cy - y + ROW if series else 0)


def _spread(ys: list[float], gap: float, lo: float, hi: float) -> list[float]:
    """Move label positions apart by at least `gap`, keeping them between lo and hi."""
    order = sorted(range(len(ys)), key=lambda i: ys[i])
    placed = [ys[i] for i in order]
    for j in range(1, len(placed)):
        placed[j] = max(placed[j], placed[j - 1] + gap)
    if placed and placed[-1] > hi:
        placed[-1] = hi
        for j in range(len(placed) - 2, -1, -1):
            placed[j] = min(placed[j], placed[j + 1] - gap)
    out = [0.0] * len(ys)
    for j, i in enumerate(order):
        out[i] = max(lo, placed[j])
    return out


def line_chart(series: list[Series], x_labels: list[str], *, title: str, summary: str, unit: str,
               target: float | None = None, width: int = 720, height: int = 260, unit_label: str = "",
               target_label: str = "") -> SafeString:
    """A line chart of monthly figures: gaps for None, a legend, nice 0-based ticks, an optional target line."""
    cid = chart_id("line", series, x_labels, title, summary, unit, target, width, height, unit_label, target_label)
    n = len(x_labels)
    rows = [[s.values[i] if i < len(s.values) else None for i in range(n)] for s in series]
    ticks = axis_ticks(chain.from_iterable(rows), target, unit=unit)
    tick_texts = [fmt(t, unit, decimals_of(ticks[1] - ticks[0])) for t in ticks]
    lasts = [max((i for i, v in enumerate(r) if v is not None), default=None) for r in rows]
    ends = [number(r[i], unit) if i is not None else "" for r, i in zip(rows, lasts, strict=True)]
    label_w = max((text_width(s, FONT) for s in x_labels), default=0.0)

    right = max(label_w / 2 + 4, max((text_width(e, FONT, True) for e in ends), default=0.0) + 26)
    legend_parts, legend_h = legend(series, x=8, y=10, room=width - 16) if any(s.name for s in series) else ([], 0)
    top = 8 + legend_h + (ROW if unit_label else 0) + 8
    left = max(max(text_width(t, FONT) for t in tick_texts) + 12, label_w / 2 + 4)
    x0, x1, y0, y1 = left, width - right, top, height - 24
    span = ticks[-1] - ticks[0]

    def xa(i: int) -> float:
        return (x0 + x1) / 2 if n == 1 else x0 + i * (x1 - x0) / (n - 1)

    def ya(v: float) -> float:
        return y1 - (v - ticks[0]) / span * (y1 - y0)

    parts = [svg_open(cid, "line", width, height, title, summary), *legend_parts]
    if unit_label:
        parts.append(text(4, y0 - 10, unit_label, cls="unit", fill=MUTED))
    parts.append('<g class="grid">')
    for t, label in zip(ticks, tick_texts, strict=True):
        parts.append(f'<line x1="{f(x0)}" y1="{f(ya(t))}" x2="{f(x1)}" y2="{f(ya(t))}" stroke="{GRID}"/>')
        parts.append(text(x0 - 6, ya(t) + 4, label, anchor="end", cls="tick", fill=MUTED))
    parts.append("</g>")

    step = tick_step(n, x1 - x0, label_w)
    axis = [f'<line x1="{f(x0)}" y1="{f(ya(0))}" x2="{f(x1)}" y2="{f(ya(0))}" stroke="{INK}"/>']
    minor = n > 1 and (x1 - x0) / (n - 1) >= 4
    for i, label in enumerate(x_labels):
        if i % step == 0:
            axis.append(f'<line x1="{f(xa(i))}" y1="{f(y1)}" x2="{f(xa(i))}" y2="{f(y1 + 5)}" stroke="{INK}"/>')
            axis.append(text(xa(i), y1 + 17, label, anchor="middle", cls="tick", fill=MUTED))
        elif minor:
            axis.append(f'<line x1="{f(xa(i))}" y1="{f(y1)}" x2="{f(xa(i))}" y2="{f(y1 + 3)}" stroke="{MUTED}"/>')
    parts += ['<g class="axis">', *axis, "</g>"]

    if target is not None:
        parts.append(f'<line class="target" x1="{f(x0)}" y1="{f(ya(target))}" x2="{f(x1)}" y2="{f(ya(target))}"'
                     f' stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>')

    every = n <= 24 and (n < 2 or (x1 - x0) / (n - 1) >= 12)
    end_marks: list[tuple[int, float]] = []
    for k, row in enumerate(rows):
        cls, colour, dash, shape = _style(k)
        d, pen = [], False
        for i, v in enumerate(row):
            if v is None:
                pen = False
                continue
            d.append(f"{'L' if pen else 'M'}{f(xa(i))},{f(ya(v))}")
            pen = True
        dashing = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="series {cls}"><path class="line {cls}" d="{" ".join(d)}" fill="none"'
                     f' stroke="{colour}" stroke-width="2.25" stroke-linejoin="round"{dashing}/>')
        offset = max(1, step // max(1, len(rows))) * k
        for i, v in enumerate(row):
            alone = (i == 0 or row[i - 1] is None) and (i == n - 1 or row[i + 1] is None)
            if v is not None and (every or (i - offset) % step == 0 or i == lasts[k] or alone):
                parts.append(marker(shape, xa(i), ya(v), 3.5, f"mark {cls}", colour))
        parts.append("</g>")
        last = lasts[k]
        end = row[last] if last is not None else None
        if end is not None:
            end_marks.append((k, ya(end)))

    for (k, _), y in zip(end_marks, _spread([y for _, y in end_marks], 14, y0, y1), strict=True):
        cls, colour, _dash, shape = _style(k)
        x = x1 + 12 if lasts[k] == n - 1 else xa(lasts[k] or 0) + 12
        parts.append(marker(shape, x, y, 3.5, f"mark {cls}", colour))
        parts.append(text(x + 7, y + 4, ends[k], cls=f"value {cls}", fill=colour, bold=True, halo=3.5))

    if target is not None:
        label = f"{target_label} {number(target, unit)}".strip()
        parts.append(text(x1 - 2, ya(target) - 5, label, anchor="end", cls="target-label", bold=True, halo=3.5))
    return done(parts)
