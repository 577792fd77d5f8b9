"""The report's charts as PNG, drawn with Pillow in the vendored Noto Sans Georgian (Georgian and Latin alike).

Readable without colour: every bar carries its figure, the target is a dashed line with its own label, and the part
of a region's units not on the model is an outline, not a second colour. Drawn at twice the size they are shown.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

FONT_DIR = Path(settings.BASE_DIR) / "static" / "vendor" / "noto-sans-georgian-5.3.0"
REGULAR = FONT_DIR / "NotoSansGeorgian-Regular.ttf"
BOLD = FONT_DIR / "NotoSansGeorgian-Bold.ttf"

WIDTH = 1600  # px, shown 16 cm wide
INK = (33, 37, 41)
BAR = (31, 78, 121)
GRID = (222, 226, 230)
MUTED = (90, 98, 106)
TARGET = (176, 42, 55)


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


@dataclass(frozen=True)
class Bar:
    label: str  # under the bar: the year
    value: float  # its height
    text: str  # over the bar: "21 (30.0 %)"


def _png(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True, dpi=(254, 254))
    return out.getvalue()


def _nice_step(top: float) -> int:
    raw = max(top / 5, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    return int(next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw))


def _dashed(draw: ImageDraw.ImageDraw, x0: int, x1: int, y: int) -> None:
    for x in range(x0, x1, 28):
        draw.line([(x, y), (min(x + 16, x1), y)], fill=TARGET, width=5)


def years_chart(*, axis: str, bars: list[Bar], target: float | None, target_text: str) -> bytes:
    """Vertical bars, one per year, with the figure written over each and the target as a dashed line labelled in
    the right margin (clear of the bars' figures)."""
    height = 620
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    small, label_face = font(28), font(28, bold=True)
    margin = draw.textlength(target_text, font=label_face) + 40 if target is not None else 0
    top, left, right, bottom = 90, 110, round(WIDTH - 40 - margin), height - 80
    peak = max([b.value for b in bars] + [target or 0, 1]) * 1.15
    step = _nice_step(peak)
    scale_top = math.ceil(peak / step) * step

    def y_of(v: float) -> int:
        return round(bottom - (bottom - top) * v / scale_top)

    for tick in range(0, scale_top + 1, step):
        y = y_of(tick)
        draw.line([(left, y), (right, y)], fill=GRID, width=2)
        draw.text((left - 16, y), str(tick), font=small, fill=MUTED, anchor="rm")
    draw.text((left - 70, top - 40), axis, font=small, fill=MUTED, anchor="ls")
    slot = (right - left) / max(len(bars), 1)
    width = min(slot * 0.55, 220)
    for i, bar in enumerate(bars):
        cx = left + slot * (i + 0.5)
        draw.rectangle([cx - width / 2, y_of(bar.value), cx + width / 2, bottom], fill=BAR)
        draw.text((cx, y_of(bar.value) - 12), bar.text, font=font(30, bold=True), fill=INK, anchor="ms")
        draw.text((cx, bottom + 16), bar.label, font=font(30), fill=INK, anchor="mt")
    draw.line([(left, bottom), (right, bottom)], fill=INK, width=3)
    if target is not None:
        y = y_of(target)
        _dashed(draw, left, right + 16, y)
        draw.text((right + 28, y), target_text, font=label_face, fill=TARGET, anchor="lm")
    return _png(image)


@dataclass(frozen=True)
class Share:
    label: str  # the region
    on: int
    total: int
    text: str  # after the bar: "7 of 14"


def regions_chart(*, shares: list[Share]) -> bytes:
    """Horizontal bars per region: the units on the model filled, the region's other units as an outline."""
    row = 50
    height = 40 + row * len(shares)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    label_face, text_face = font(28), font(28, bold=True)
    label_width = min(max((draw.textlength(s.label, font=label_face) for s in shares), default=0), WIDTH * 0.42)
    text_width = max((draw.textlength(s.text, font=text_face) for s in shares), default=0)
    left = 40 + label_width + 24
    right = WIDTH - 40 - text_width - 20
    most = max((s.total for s in shares), default=1) or 1
    unit = (right - left) / most
    for i, share in enumerate(shares):
        y = 20 + i * row
        mid = y + row / 2
        label = share.label
        while draw.textlength(label, font=label_face) > label_width and len(label) > 2:
            label = label[:-2] + "…"
        draw.text((left - 24, mid), label, font=label_face, fill=INK, anchor="rm")
        x_total = left + unit * share.total
        draw.rectangle([left, y + 10, x_total, y + row - 10], outline=MUTED, width=2)
        if share.on:
            draw.rectangle([left, y + 10, left + unit * share.on, y + row - 10], fill=BAR)
        draw.text((x_total + 16, mid), share.text, font=text_face, fill=INK, anchor="lm")
    return _png(image)
