"""The annual report on indicator 2.1: its text composed once, in the active language, as a list of blocks that the
DOCX (`docx.py`) and the PDF (`pdf.py`) writers lay out alike. The facts come from `content.py`, the charts from
`chart.py`; every sentence goes through gettext, every figure and name comes from the records.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from sakme.common.languages import in_english
from sakme.indicators.report import chart
from sakme.indicators.report.content import AnnualFacts, RegionUnits, RolloutStep, StaffStep, Standing

GEORGIAN_LETTERS = "აბგდევზთიკლმნოპჟრსტუფქღყშჩცძწჭხჯჰ"
LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Field:
    """A paragraph led by a label in bold: "Baseline: In 2017 ..."."""

    label: str
    text: str


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Items:
    """A list; with `markers` ("a)", "b)", ...) written before the items, else bullets."""

    items: list[str]
    markers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    widths: list[int]  # relative widths of the columns
    numeric: list[int] = field(default_factory=list)  # the columns aligned right


@dataclass(frozen=True)
class Picture:
    png: bytes
    alt: str
    caption: str


@dataclass(frozen=True)
class Note:
    text: str


Block = Title | Heading | Field | Paragraph | Items | Table | Picture | Note


@dataclass(frozen=True)
class Composed:
    title: str
    language: str
    blocks: list[Block]


def day(date: dt.date) -> str:
    """3 December 2019 / 2019 წლის 3 დეკემბერი."""
    # Translators: a date in running text, as Django's date format (j day, F month name, Y year).
    return formats.date_format(date, _("j F Y"))


NBSP = "\u00a0"


def percent(value: float | None, digits: int = 0) -> str:
    """21 % (kept on one line)."""
    return "—" if value is None else f"{value:.{digits}f}{NBSP}%"


def unbroken(text: str) -> str:
    """A figure such as 21/70 (30.0 %) that a line never breaks before its per cent sign."""
    return text.replace(" %", f"{NBSP}%")


def letters(count: int) -> list[str]:
    alphabet = LATIN_LETTERS if in_english() else GEORGIAN_LETTERS
    return [f"{alphabet[i % len(alphabet)]})" for i in range(count)]


def region_counts(regions: list[RegionUnits]) -> str:
    """Tbilisi 5, Imereti 4, Kakheti 3."""
    return ", ".join(f"{r.region} {r.count}" for r in regions)


def _split_label(text: str, fallback: str) -> tuple[str, str]:
    # The goal is stored with its own label ("Goal N2: Increase of ..."): keep it as the label.
    head, sep, rest = text.partition(":")
    return (head.strip(), rest.strip()) if sep and len(head) <= 24 else (fallback, text)


def _baseline(facts: AnnualFacts) -> list[Block]:
    base = facts.baseline
    if base is None:
        return [Field(_("Baseline"), _("The baseline year, %(year)s, comes after the year of this report.")
                      % {"year": facts.baseline_year or "—"})]
    return [Field(_("Baseline"), _("In %(year)s, the New Employment Service Model worked in %(count)s "
                                   "(%(percent)s) of %(total)s territorial units: %(regions)s.")
                  % {"year": base.year, "count": base.numerator, "percent": percent(base.value),
                     "total": base.denominator, "regions": region_counts(base.regions) or "—"})]


def _staff(facts: AnnualFacts) -> list[Block]:
    blocks: list[Block] = [Heading(_("I. Allocation of human resources in the regional centres and territorial "
                                     "units"))]
    if not facts.staff:
        return [*blocks, Paragraph(_("No change of the staff of the employment component was recorded in "
                                     "%(year)s.") % {"year": facts.year})]
    units = sum(len(s.changes) for s in facts.staff)
    before = sum(c.before or 0 for s in facts.staff for c in s.changes)
    after = sum(c.after for s in facts.staff for c in s.changes)
    blocks.append(Paragraph(ngettext(
        "In %(year)s, the staff units of the employment component were changed in %(count)s territorial unit, "
        "from %(before)s to %(after)s staff units in all.",
        "In %(year)s, the staff units of the employment component were changed in %(count)s territorial units, "
        "from %(before)s to %(after)s staff units in all.", units)
        % {"year": facts.year, "count": units, "before": before, "after": after}))
    for step in facts.staff:
        blocks.extend(_staff_step(step))
    return blocks


def _staff_step(step: StaffStep) -> list[Block]:
    header = [_("Territorial unit"), _("Region"), _("Staff units before"), _("Staff units from %(date)s")
              % {"date": day(step.date)}]
    rows = [[c.unit, c.region, "—" if c.before is None else str(c.before), str(c.after)] for c in step.changes]
    return [Field(day(step.date), step.reason or "—"), Table(header, rows, [36, 24, 20, 20], numeric=[2, 3])]


def _trainings(facts: AnnualFacts) -> list[Block]:
    blocks: list[Block] = [Heading(_("II. Trainings and working meetings for the staff of the regional centres and "
                                     "territorial units"))]
    if not facts.trainings:
        return [*blocks, Paragraph(_("No training or working meeting was recorded in %(year)s.")
                                   % {"year": facts.year})]
    meetings = sum(1 for t in facts.trainings if t.meeting)
    trainings = len(facts.trainings) - meetings
    days = sum(t.days for t in facts.trainings)
    attendances = sum(t.attendees for t in facts.trainings)
    held = {"year": facts.year,
            "trainings": ngettext("%(n)s training", "%(n)s trainings", trainings) % {"n": trainings},
            "meetings": ngettext("%(n)s working meeting", "%(n)s working meetings", meetings) % {"n": meetings},
            "days": ngettext("%(n)s day", "%(n)s days", days) % {"n": days}, "attendances": attendances}
    if attendances:
        sentence = _("In %(year)s, to develop the employment support services, %(trainings)s and %(meetings)s were "
                     "held for the employees working on the employment component (%(days)s, %(attendances)s "
                     "attendances recorded).")
    else:  # who attended is not recorded: no count of nobody
        sentence = _("In %(year)s, to develop the employment support services, %(trainings)s and %(meetings)s were "
                     "held for the employees working on the employment component (%(days)s in all).")
    blocks.append(Paragraph(sentence % held))
    rows = [[day(t.date), t.kind[:1].upper() + t.kind[1:], t.title, str(t.days), str(t.attendees or "—")]
            for t in facts.trainings]
    blocks.append(Table([_("Date"), _("Kind"), _("Title"), _("Days"), _("Attendees")], rows, [16, 14, 52, 8, 10],
                        numeric=[3, 4]))
    return blocks


def _orders(facts: AnnualFacts) -> list[Block]:
    blocks: list[Block] = [Heading(_("III. Approval of the methodological manuals of the New Service Model"))]
    if not facts.orders:
        return [*blocks, Paragraph(_("No manual was approved in %(year)s.") % {"year": facts.year})]
    for order in facts.orders:
        blocks.append(Paragraph(_("By order %(number)s of %(date)s (%(title)s), the following manuals were "
                                  "approved:") % {"number": order.number, "date": day(order.date),
                                                  "title": order.title or "—"}))
        items = [f"{title}{';' if i < len(order.manuals) - 1 else '.'}" for i, title in enumerate(order.manuals)]
        blocks.append(Items(items, letters(len(items))))
    return blocks


def _rollout_step(step: RolloutStep) -> list[Block]:
    if step.adopted:
        sentence = ngettext("From %(date)s, %(count)s territorial unit works under the New Employment Service "
                            "Model:", "From %(date)s, %(count)s territorial units work under the New Employment "
                            "Service Model:", step.count)
    else:
        sentence = ngettext("From %(date)s, %(count)s territorial unit stopped working under the New Employment "
                            "Service Model:", "From %(date)s, %(count)s territorial units stopped working under "
                            "the New Employment Service Model:", step.count)
    blocks: list[Block] = [Paragraph(sentence % {"date": day(step.date), "count": step.count}),
                           Items([f"{r.region}: {', '.join(r.units)}" for r in step.regions])]
    if step.note:
        blocks.append(Note(step.note))
    return blocks


def _rollout(facts: AnnualFacts) -> list[Block]:
    blocks: list[Block] = [Heading(_("IV. Introduction of the model in the territorial units"))]
    if not facts.rollout:
        return [*blocks, Paragraph(_("No territorial unit adopted or left the model in %(year)s.")
                                   % {"year": facts.year})]
    for step in facts.rollout:
        blocks.extend(_rollout_step(step))
    return blocks


def _target(facts: AnnualFacts) -> str:
    if facts.target is None:
        return _("none set")
    target = percent(facts.target) if facts.is_percent else f"{facts.target:g}"
    text = _("%(target)s by %(year)s") % {"target": target, "year": facts.target_year or facts.year}
    if facts.is_percent and facts.target_units is not None:
        text += " " + _("(%(units)s of %(total)s territorial units)") % {"units": facts.target_units,
                                                                         "total": facts.result.denominator}
    status = _("met") if facts.met else _("not met")
    return _("%(target)s: %(status)s.") % {"target": text, "status": status}


def _units_table(result: Standing, facts: AnnualFacts) -> Table:
    totals = {s.region: s.total for s in facts.shares}
    rows = [[r.region, f"{r.count} / {totals.get(r.region, '—')}", ", ".join(r.units)] for r in result.regions]
    return Table([_("Region"), _("Units on the model"), _("Territorial units")], rows, [22, 16, 62], numeric=[1])


def _charts(facts: AnnualFacts) -> list[Block]:
    bars = [chart.Bar(label=str(s.year), value=s.numerator, text=f"{s.numerator} ({percent(s.value)})")
            for s in facts.series]
    target = facts.target_units if facts.is_percent else facts.target
    if facts.is_percent:
        target_text = _("target %(units)s (%(percent)s)") % {"units": facts.target_units,
                                                             "percent": percent(facts.target)}
    else:
        target_text = _("target %(units)s") % {"units": facts.target_units}
    years_title = _("Territorial units working under the New Employment Service Model at the end of each year, "
                    "%(first)s–%(last)s") % {"first": facts.series[0].year, "last": facts.year}
    years = chart.years_chart(axis=_("territorial units"), bars=bars,
                              target=float(target) if target is not None else None, target_text=target_text)
    years_alt = "; ".join(f"{s.year}: {s.text}" for s in facts.series)
    shares = [chart.Share(label=s.region, on=s.on, total=s.total,
                          text=_("%(on)s of %(total)s") % {"on": s.on, "total": s.total}) for s in facts.shares]
    regions_title = _("Territorial units working under the model at the end of %(year)s, by region") % {
        "year": facts.year}
    regions = chart.regions_chart(shares=shares)
    regions_alt = "; ".join(f"{s.label}: {s.text}" for s in shares)
    return [Picture(years, f"{years_title}: {years_alt}", _("Figure 1. %(title)s; the dashed line is the target.")
                    % {"title": years_title}),
            Picture(regions, f"{regions_title}: {regions_alt}",
                    _("Figure 2. %(title)s; the filled part of a bar is the units on the model, the outline all the "
                      "region's units.") % {"title": regions_title})]


def _result(facts: AnnualFacts) -> list[Block]:
    result = facts.result
    return [
        Heading(_("Result")),
        Field(_("Indicator %(code)s at the end of %(year)s") % {"code": facts.code, "year": facts.year},
              unbroken(result.text)),
        Field(_("Target"), _target(facts)),
        Paragraph(_("As a result, at the end of %(year)s the New Employment Service Model worked in %(count)s of the "
                    "%(total)s territorial units (%(regions)s), by region:")
                  % {"year": facts.year, "count": result.numerator, "total": result.denominator,
                     "regions": region_counts(result.regions) or "—"}),
        _units_table(result, facts),
        *_charts(facts),
    ]


def compose(facts: AnnualFacts) -> Composed:
    """The report's blocks, in the language active now (the one `facts` were gathered in)."""
    title = _("Report on implementation of the indicator of %(year)s") % {"year": facts.year}
    goal_label, goal = _split_label(facts.goal, _("Goal"))
    run_date = timezone.localdate(facts.run_finished) if facts.run_finished else facts.run_as_of
    blocks: list[Block] = [
        Title(title),
        Field(goal_label, goal or "—"),
        Field(_("Indicator %(code)s") % {"code": facts.code}, facts.name),
        Field(_("Aim of the indicator"), facts.aim or "—"),
        *_baseline(facts),
        Paragraph(_("In %(year)s, the following activities were carried out to introduce the New Employment Service "
                    "Model in the territorial units and to reach the indicator's target:") % {"year": facts.year}),
        *_staff(facts), *_trainings(facts), *_orders(facts), *_rollout(facts), *_result(facts),
        Note(_("Figures from the indicator computation No. %(run)s of %(date)s (records as of %(as_of)s); report made "
               "by sakme on %(today)s.") % {"run": facts.run_id, "date": day(run_date), "as_of": day(facts.run_as_of),
                                            "today": day(timezone.localdate())}),
    ]
    return Composed(title=title, language=facts.language, blocks=blocks)
