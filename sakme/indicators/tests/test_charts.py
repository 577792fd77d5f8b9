"""The SVG charts of the dashboards: well-formed, accessible, escaped, honest about missing figures (no database)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.utils.safestring import SafeString

from sakme.indicators.charts import Bar, Series, bar_chart, line_chart, nice_ticks, number, region_map
from sakme.indicators.charts.regions import PALETTE, classes, regions_map

NS = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert(1)</script> & co"
REGIONS = ("TB", "AJ", "GU", "IM", "KA", "MM", "RL", "SZ", "SJ", "KK", "SK")
NAMES = {code: f"Region {code}" for code in REGIONS} | {"ABKHAZIA": "Abkhazia"}
MONTHS = [f"{2020 + i // 12}-{i % 12 + 1:02d}" for i in range(120)]


def parse(svg: SafeString) -> ET.Element:
    assert isinstance(svg, SafeString)
    assert "style=" not in svg and "<style" not in svg and "<script" not in svg
    root = ET.fromstring(str(svg))
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    return root


def visible(t: ET.Element) -> str:
    """What a `<text>` shows (not the hover `<title>` inside it)."""
    return (t.text or "") + "".join(c.tail or "" for c in t)


def texts(root: ET.Element) -> list[str]:
    """The visible texts (not the halo copies under them)."""
    return [visible(t) for t in root.iter(f"{NS}text") if t.get("class") != "halo"]


def accessible(root: ET.Element, title: str, summary: str) -> None:
    title_id, desc_id = root.get("aria-labelledby", "").split()
    by_id = {el.get("id"): el for el in root.iter() if el.get("id")}
    assert by_id[title_id].tag == f"{NS}title" and by_id[title_id].text == title
    assert by_id[desc_id].tag == f"{NS}desc" and by_id[desc_id].text == summary


# number and nice_ticks


@pytest.mark.parametrize(("value", "unit", "written"), [
    (30, "percent", "30.0\u00a0%"), (21.44, "percent", "21.4\u00a0%"), (0, "percent", "0.0\u00a0%"),
    (12345, "count", "12\u202f345"), (7.0, "count", "7"), (1234567.4, "count", "1\u202f234\u202f567"),
    (1.25, "ratio", "1.2"), (3, "working_days", "3.0"), (-0.01, "ratio", "0.0"), (-2.5, "ratio", "−2.5"),
    (None, "percent", "—"), (None, "count", "—"), (float("nan"), "count", "—"),
])
def test_number_is_locale_neutral(value, unit, written):
    assert number(value, unit) == written


@pytest.mark.parametrize(("lo", "hi", "ticks"), [
    (0, 37, [0, 10, 20, 30, 40]), (0, 100, [0, 20, 40, 60, 80, 100]), (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
    (0, 0.37, [0, 0.1, 0.2, 0.3, 0.4]), (-12, 30, [-20, -10, 0, 10, 20, 30]), (0, 13571, [0, 5000, 10000, 15000]),
])
def test_nice_ticks(lo, hi, ticks):
    assert nice_ticks(lo, hi) == ticks


def test_nice_ticks_cover_the_range_in_round_steps():
    for lo, hi in [(0, 1), (0, 7.3), (3, 97), (0, 1234), (-5, 5), (0.5, 0.51)]:
        ticks = nice_ticks(lo, hi)
        assert ticks[0] <= lo and ticks[-1] >= hi and 2 <= len(ticks) <= 11


# line chart


def test_line_chart_is_accessible_and_escapes_text():
    svg = line_chart([Series(EVIL, [10.0, 20.0, 30.0]), Series("country", [5.0, 6.0, 7.0])], ["1", "2", "3 & 4"],
                     title=f"Title {EVIL}", summary="Highest: Tbilisi 30.0 %", unit="percent")
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "&amp; co" in svg
    root = parse(svg)
    accessible(root, f"Title {EVIL}", "Highest: Tbilisi 30.0 %")
    assert EVIL in texts(root) and "3 & 4" in texts(root)
    assert "30.0\u00a0%" in texts(root) and "7.0\u00a0%" in texts(root)  # the last values, written at the ends


def test_line_chart_leaves_gaps_for_missing_months():
    root = parse(line_chart([Series("a", [1.0, 2.0, None, None, 3.0, 4.0, None, 5.0])], MONTHS[:8],
                            title="t", summary="s", unit="count"))
    (line,) = [p for p in root.iter(f"{NS}path") if "line" in p.get("class", "")]
    assert line.get("d", "").count("M") == 3  # three runs of figures
    marks = [m for m in root.iter() if "mark" in m.get("class", "") and m.tag != f"{NS}line"]
    assert len(marks) >= 5 + 1  # every figure (the lone last one too) and the end label's marker


def test_line_chart_series_differ_by_dash_and_marker_not_colour_alone():
    series = [Series(f"s{k}", [float(k), float(k + 1)]) for k in range(6)]
    root = parse(line_chart(series, ["a", "b"], title="t", summary="s", unit="ratio"))
    lines = [p for p in root.iter(f"{NS}path") if "line" in p.get("class", "")]
    assert len({p.get("stroke-dasharray") for p in lines}) == 6
    legend = next(g for g in root.iter(f"{NS}g") if g.get("class") == "legend")
    def shape(m: ET.Element) -> tuple[str, ...]:
        points = [tuple(float(v) for v in p.split(",")) for p in m.get("points", "").split()]
        x, y = min(p[0] for p in points or [(0, 0)]), min(p[1] for p in points or [(0, 0)])
        return (m.tag, *(f"{px - x:.1f},{py - y:.1f}" for px, py in points))

    assert len({shape(m) for m in legend if "mark" in m.get("class", "")}) == 6
    assert [t for t in texts(legend) if t.startswith("s")] == [s.name for s in series]


def test_line_chart_target_line_is_drawn_and_labelled():
    svg = line_chart([Series("a", [10.0, 20.0])], ["a", "b"], title="t", summary="s", unit="percent", target=80,
                     target_label="target")
    root = parse(svg)
    (target,) = [el for el in root.iter(f"{NS}line") if el.get("class") == "target"]
    assert target.get("stroke-dasharray")
    assert "target 80.0\u00a0%" in texts(root)
    ticks = [t for t in texts(root) if t.endswith("%") and not t.startswith("target")]
    assert "80\u00a0%" in ticks or "100\u00a0%" in ticks  # the axis reaches the target
    assert not [el for el in parse(line_chart([Series("a", [1.0])], ["a"], title="t", summary="s",
                                              unit="percent")).iter() if el.get("class") == "target"]


def test_line_chart_thins_the_labels_of_many_months():
    for months in (36, 120):
        root = parse(line_chart([Series("a", [float(i) for i in range(months)])], MONTHS[:months], title="t",
                                summary="s", unit="count"))
        shown = [t for t in texts(root) if t in MONTHS]
        assert 3 <= len(shown) < months // 2 and shown[0] == MONTHS[0]
    few = parse(line_chart([Series("a", [1.0] * 6)], MONTHS[:6], title="t", summary="s", unit="count"))
    assert [t for t in texts(few) if t in MONTHS] == MONTHS[:6]


def test_line_chart_counts_have_whole_ticks_and_an_empty_chart_still_draws():
    root = parse(line_chart([Series("a", [None, None])], ["a", "b"], title="t", summary="s", unit="count"))
    assert [t for t in texts(root) if t.isdigit()] == ["0", "1"]


# bar chart


def test_bar_chart_writes_values_highlights_and_dashes_for_none():
    bars = [Bar("Tbilisi", 30.0, highlight=True, text="21/70 (30.0 %)"), Bar(EVIL, 12.5), Bar("Guria", None),
            Bar("Imereti", 0.0)]
    svg = bar_chart(bars, title="Units", summary="Highest: Tbilisi", unit="percent", target=25)
    assert "&lt;script&gt;" in svg and "<script>" not in svg
    root = parse(svg)
    accessible(root, "Units", "Highest: Tbilisi")
    shown = texts(root)
    assert {"21/70 (30.0 %)", "12.5\u00a0%", "—", "0.0\u00a0%", "Tbilisi", EVIL} <= set(shown)
    assert "30.0\u00a0%" not in shown  # the caller's text replaces the value
    rects = [r for r in root.iter(f"{NS}rect") if "bar" in r.get("class", "")]
    assert len(rects) == 3  # none for Guria
    (hl,) = [r for r in rects if r.get("class") == "bar hl"]
    assert hl.get("stroke")  # outlined, not only darker
    (label,) = [t for t in root.iter(f"{NS}text") if visible(t) == "Tbilisi"]
    assert label.get("font-weight") == "bold"
    assert [m for m in root.iter() if m.get("class") == "mark hl"]
    assert [el for el in root.iter(f"{NS}line") if el.get("class") == "target"]
    assert "25.0\u00a0%" in shown


def test_bar_chart_grows_with_the_bars_and_shortens_long_labels():
    def height(n: int) -> float:
        svg = bar_chart([Bar(f"unit {i}", float(i)) for i in range(n)], title="t", summary="s", unit="count")
        return float(parse(svg).get("height", 0))

    assert height(20) - height(10) == pytest.approx(10 * 22)
    long = "a very long name of a territorial unit " * 4
    root = parse(bar_chart([Bar(long, 3.0)], title="t", summary="s", unit="count", width=400))
    (label,) = [t for t in root.iter(f"{NS}text") if t.get("class") == "label"]
    assert visible(label).endswith("…")
    assert any(long in (el.text or "") for el in root.iter(f"{NS}title"))  # the full name on hover


# region map


def test_region_map_draws_every_region_and_abkhazia_with_values():
    values = {code: float(i * 3) for i, code in enumerate(REGIONS)} | {"RL": None}
    svg = region_map(values, names=NAMES, title="Map", summary="Highest: SK 30.0 %", unit="percent",
                     texts={"TB": "21/70 (30.0 %)"}, unit_label="share, %")
    root = parse(svg)
    accessible(root, "Map", "Highest: SK 30.0 %")
    paths = [p for p in root.iter(f"{NS}path") if "region" in p.get("class", "")]
    assert len(paths) == len(REGIONS) + 1
    tips = {"".join(p.find(f"{NS}title").itertext()) for p in paths if p.find(f"{NS}title") is not None}
    assert {"Region TB: 21/70 (30.0 %)", "Region GU: 6.0\u00a0%", "Region RL: —", "Abkhazia"} <= tips
    shown = texts(root)
    assert {"21/70 (30.0 %)", "6.0\u00a0%", "30.0\u00a0%", "—", "share, %"} <= set(shown)
    legend = texts(next(g for g in root.iter(f"{NS}g") if g.get("class") == "legend"))
    assert legend == ["share, %", "0–6\u00a0%", "6–12\u00a0%", "12–18\u00a0%", "18–24\u00a0%", "24–30\u00a0%", "—"]
    (other,) = [p for p in paths if "other" in p.get("class", "")]
    (nodata,) = [p for p in paths if "nodata" in p.get("class", "")]
    patterns = {p.get("id") for p in root.iter(f"{NS}pattern")}
    assert other.get("fill", "")[5:-1] in patterns and nodata.get("fill", "")[5:-1] in patterns
    assert {p.get("class").split()[1] for p in paths if p not in (other, nodata)} == {f"c{i}" for i in range(5)}
    assert regions_map()["attribution"] in shown


def test_region_map_escapes_names_and_texts_and_handles_no_data():
    root = parse(region_map({}, names={"TB": EVIL}, title=EVIL, summary=EVIL, unit="count", texts={"TB": EVIL},
                            width=400))
    accessible(root, EVIL, EVIL)
    assert EVIL in texts(root)
    assert not [p for p in root.iter(f"{NS}path") if p.get("class", "").startswith("region c")]
    legend = next(g for g in root.iter(f"{NS}g") if g.get("class") == "legend")
    assert texts(legend) == ["—"]


def test_map_classes_hold_every_value_in_five_round_steps():
    for values in ([0.0, 30.0], [12.5, 13.0, 30.0], [1000.0], [0.0], [3.0, 3.0], [0.2, 0.9]):
        start, step = classes(values)
        assert start <= min(values) and start + len(PALETTE) * step >= max(values) and step > 0


def test_charts_are_the_same_each_time_and_ids_differ_between_charts():
    one = line_chart([Series("a", [1.0, 2.0])], ["a", "b"], title="one", summary="s", unit="count")
    assert one == line_chart([Series("a", [1.0, 2.0])], ["a", "b"], title="one", summary="s", unit="count")
    two = line_chart([Series("a", [1.0, 2.0])], ["a", "b"], title="two", summary="s", unit="count")
    assert parse(one).get("aria-labelledby") != parse(two).get("aria-labelledby")
