"""Server-rendered SVG charts for the indicator dashboards: trend lines, compared bars and a map of the regions.

No JavaScript and nothing inline that the CSP forbids (no `style` attribute, no `<style>`): presentation attributes
and the classes of `static/css/charts.css`. Every chart has `role="img"` with a `<title>` and `<desc>` from the
caller, writes its values on the chart, and tells series apart by dash pattern and marker shape, not colour alone.
All text a person reads comes from the caller (already translated); numbers are written locale-neutrally by `number`.

`unit` says what kind of number a chart shows, as `Definition.UnitOfMeasure` does: "percent" (or "%"), "count",
"ratio" or "working_days". It sets how values and ticks are written (a per cent sign, decimals, digit grouping).
What the axis or legend calls the unit is `unit_label`, and the word before a target's value `target_label`: both
text from the caller, in the page's language.
"""

from sakme.indicators.charts.bar import bar_chart
from sakme.indicators.charts.base import Bar, Series, nice_ticks, number
from sakme.indicators.charts.line import line_chart
from sakme.indicators.charts.regions import region_map

__all__ = ["Bar", "Series", "bar_chart", "line_chart", "nice_ticks", "number", "region_map"]
