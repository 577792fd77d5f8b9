"""Units or regions side by side: one horizontal bar each, in the caller's order, the value written at its end."""

from __future__ import annotations

from django.utils.safestring import SafeString

from sakme.indicators.charts.base import (
    GRID,
    INK,
    MUTED,
    Bar,
    axis_ticks,
    chart_id,
    decimals_of,
    done,
    esc,
    f,
    fit,
    fmt,
    marker,
    number,
    svg_open,
    text,
    text_width,
)

FONT = 12
ROW = 22
BAR = 14
GUTTER = 18  # between a label and its bar: room for the marker of a highlighted bar
BAR_FILL = "#6f93bd"
HIGHLIGHT_FILL = "#0b5cad"


def bar_chart(bars: list[Bar], *, title: str, summary: str, unit: str, target: float | None = None,
              width: int = 720, unit_label: str = "", target_label: str = "") -> SafeString:
    """Horizontal bars with labels on the left, values written at their ends, "—" without a bar for None."""
    cid = chart_id("bar", bars, title, summary, unit, target, width, unit_label, target_label)
    written = [b.text if b.text is not None else number(b.value, unit) for b in bars]
    ticks = axis_ticks((b.value for b in bars), target, unit=unit)
    tick_texts = [fmt(t, unit, decimals_of(ticks[1] - ticks[0])) for t in ticks]

    label_w = min(max((text_width(b.label, FONT, b.highlight) for b in bars), default=0.0), width * 0.4)
    value_w = max((text_width(w, FONT, b.highlight) for w, b in zip(written, bars, strict=True)), default=0.0)
    x0 = 6 + label_w + GUTTER
    x1 = max(width - value_w - 12, x0 + width * 0.25, x0 + 1)
    x1 = min(x1, width - text_width(tick_texts[-1], FONT) / 2 - 2)
    target_row = ROW if target is not None else 0
    top = 8 + target_row
    bottom = top + len(bars) * ROW
    height = bottom + 24 + (ROW if unit_label else 0)
    span = ticks[-1] - ticks[0]

    def xa(v: float) -> float:
        return x0 + (v - ticks[0]) / span * (x1 - x0)

    parts = [svg_open(cid, "bar", width, height, title, summary), '<g class="grid">']
    tick_w = max(text_width(t, FONT) for t in tick_texts)
    every = 1 if (x1 - x0) / (len(ticks) - 1) >= tick_w + 8 else 2
    for j, (t, label) in enumerate(zip(ticks, tick_texts, strict=True)):
        parts.append(f'<line x1="{f(xa(t))}" y1="{f(top - 4)}" x2="{f(xa(t))}" y2="{f(bottom)}" stroke="{GRID}"/>')
        if j % every == 0:
            parts.append(text(xa(t), bottom + 16, label, anchor="middle", cls="tick", fill=MUTED))
    parts.append("</g>")
    if unit_label:
        parts.append(text(x1, bottom + 16 + ROW, unit_label, anchor="end", cls="unit", fill=MUTED))

    values = ['<g class="values">']
    for i, (b, shown) in enumerate(zip(bars, written, strict=True)):
        mid = top + i * ROW + ROW / 2
        tip = f"<title>{esc(b.label)}: {esc(shown)}</title>"
        parts.append(f'<g class="row{" hl" if b.highlight else ""}">{tip}')
        label = fit(b.label, FONT, label_w, b.highlight)
        parts.append(text(6 + label_w, mid + 4, label, anchor="end", bold=b.highlight, cls="label"))
        if b.highlight:
            parts.append(marker("right", x0 - GUTTER / 2, mid, 4, "mark hl", INK))
        end = xa(0)
        if b.value is not None:
            left, end = sorted((xa(0), xa(b.value)))
            fill, edge = (HIGHLIGHT_FILL, f' stroke="{INK}" stroke-width="1.5"') if b.highlight else (BAR_FILL, "")
            parts.append(f'<rect class="bar{" hl" if b.highlight else ""}" x="{f(left)}" y="{f(mid - BAR / 2)}"'
                         f' width="{f(max(end - left, 1))}" height="{BAR}" fill="{fill}"{edge}/>')
        parts.append("</g>")
        values.append(text(end + 5, mid + 4, shown, cls="value", bold=b.highlight, halo=3.5, title=b.label))
    parts.append(f'<line class="axis" x1="{f(xa(0))}" y1="{f(top - 4)}" x2="{f(xa(0))}" y2="{f(bottom)}"'
                 f' stroke="{INK}"/>')
    if target is not None:
        parts.append(f'<line class="target" x1="{f(xa(target))}" y1="{f(top - 6)}" x2="{f(xa(target))}"'
                     f' y2="{f(bottom + 2)}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="6 4"/>')
    parts += [*values, "</g>"]

    if target is not None:
        x = xa(target)
        label = f"{target_label} {number(target, unit)}".strip()
        half = text_width(label, FONT, True) / 2
        anchor = "end" if x + half > width - 2 else "start" if x - half < 2 else "middle"
        parts.append(text(x, top - 10, label, anchor=anchor, cls="target-label", bold=True, halo=3.5))
    return done(parts)
