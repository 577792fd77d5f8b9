"""The indicator pages: the dashboard of the reader's area, one indicator with its charts and tables, the records
behind a figure, downloads, the computations and the annual reports."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.common.errors import NotFound
from sakme.common.pages import perform
from sakme.geo.access import requires
from sakme.indicators import dashboards, records, reports, selectors, services
from sakme.indicators.charts import Bar, Series, bar_chart, line_chart, region_map
from sakme.indicators.dashboards import Board, Where
from sakme.indicators.downloads import table_response
from sakme.indicators.models import Definition, Level, Report, Run


def _year(request: AuthedRequest, default: int) -> int:
    try:
        return int(request.GET.get("year", default))
    except ValueError:
        return default


def _definition(code: str) -> Definition:
    definition = Definition.objects.filter(code=code).first()
    if definition is None:
        raise NotFound(_("No indicator %(code)s.") % {"code": code})
    return definition


def _area(request: AuthedRequest) -> dict[str, str]:
    """The area asked for, as codes: `area=region:TB` or `area=unit:TB-1` (the page's picker), or `region=` /
    `unit=`."""
    kind, _sep, code = request.GET.get("area", "").partition(":")
    return {"region": code if kind == "region" else request.GET.get("region", ""),
            "unit": code if kind == "unit" else request.GET.get("unit", "")}


def _where(request: AuthedRequest) -> Where:
    return dashboards.where_for_user(request.user, **_area(request))


def _board(request: AuthedRequest, focus: Definition) -> Board | None:
    where = _where(request)
    latest = selectors.run_latest()
    year = _year(request, min(timezone.localdate().year, latest.year_to) if latest else timezone.localdate().year)
    run = latest if latest and latest.year_from <= year <= latest.year_to else selectors.run_latest(year=year)
    if run is None:
        return None
    return dashboards.board(user=request.user, run=run, year=year, where=where, focus=focus)


def unit_label(definition: Definition) -> str:
    labels: dict[str, str] = {Definition.UnitOfMeasure.PERCENT: "%",
                              Definition.UnitOfMeasure.WORKING_DAYS: _("working days"),
                              Definition.UnitOfMeasure.RATIO: _("cases per counsellor")}
    return labels.get(definition.unit_of_measure, "")


def _area_name(value: Any) -> str:
    return dashboards.where_of(value).label


def _charts(b: Board) -> dict[str, Any]:
    """The focus indicator's trend, its areas compared and (for the country) the map of its regions."""
    d = b.focus
    unit, label = d.unit_of_measure, unit_label(d)
    months = [f"{b.year}-{v.month:02d}" for v in b.months] or [f"{b.year}-{m.month:02d}" for m in b.country_months]
    series = [Series(b.where.label, [v.value for v in b.months])]
    if b.where.level != Level.COUNTRY:
        series.append(Series(_("Georgia"), [v.value for v in b.country_months]))
    known = [v for v in b.months if v.value is not None]
    trend_summary = (_("%(name)s in %(area)s, %(year)s, by month: from %(first)s in %(m1)s to %(last)s in %(m2)s.") % {
        "name": d.name, "area": b.where.label, "year": b.year, "first": selectors.figure_text(d, known[0]),
        "m1": known[0].month, "last": selectors.figure_text(d, known[-1]), "m2": known[-1].month}
        if known else _("No figures for %(year)s.") % {"year": b.year})
    charts: dict[str, Any] = {"trend": line_chart(series, months, title=_("%(name)s by month, %(year)s") % {
        "name": d.name, "year": b.year}, summary=trend_summary, target=d.target,
        target_label=_("target"), unit=unit, unit_label=label)}
    if b.compared:
        ranked = sorted((v for v in b.compared if v.value is not None), key=lambda v: v.value or 0.0)
        summary = (_("Highest: %(top)s, %(topv)s; lowest: %(low)s, %(lowv)s.") % {
            "top": _area_name(ranked[-1]), "topv": selectors.figure_text(d, ranked[-1]),
            "low": _area_name(ranked[0]), "lowv": selectors.figure_text(d, ranked[0])} if ranked else "")
        charts["compared"] = bar_chart(
            [Bar(_area_name(v), v.value, text=selectors.figure_text(d, v)) for v in b.compared],
            title=_("%(name)s, %(year)s, compared") % {"name": d.name, "year": b.year}, summary=summary,
            target=d.target, target_label=_("target"), unit=unit, unit_label=label)
        if b.where.level == Level.COUNTRY:
            regions = [(v.region, v) for v in b.compared if v.region is not None]
            charts["map"] = region_map(
                {r.code: v.value for r, v in regions}, names={r.code: r.name for r, v in regions},
                texts={r.code: selectors.figure_text(d, v) for r, v in regions},
                title=_("%(name)s by region, %(year)s") % {"name": d.name, "year": b.year}, summary=summary,
                unit=unit, unit_label=label)
    return charts


def _page_context(request: AuthedRequest, b: Board | None, focus: Definition) -> dict[str, Any]:
    return {"board": b, "focus": focus, "charts": _charts(b) if b else {},
            "areas": dashboards.areas_for_user(request.user),
            "definitions": list(Definition.objects.filter(is_active=True)),
            "years": list(range(b.run.year_from, b.run.year_to + 1)) if b else [],
            "can_records": request.user.can(Capability.INDICATOR_RECORDS),
            "can_compute": request.user.can(Capability.INDICATOR_COMPUTE),
            "query": request.GET.urlencode()}


@require_GET
@requires(Capability.INDICATOR_VIEW)
def dashboard(request: AuthedRequest) -> HttpResponse:
    """The reader's area at a glance: the headline figures against their targets, and 2.1 (or a chosen one)."""
    focus = _definition(request.GET.get("focus", "2.1"))
    b = _board(request, focus)
    context = _page_context(request, b, focus)
    return render(request, "indicators/dashboard.html", context)


@require_GET
@requires(Capability.INDICATOR_VIEW)
def indicator(request: AuthedRequest, code: str) -> HttpResponse:
    """One indicator: what it means, its figure against the target, its months, its areas compared."""
    focus = _definition(code)
    return render(request, "indicators/indicator.html", _page_context(request, _board(request, focus), focus))


def _table(b: Board, table: str) -> tuple[list[str], list[list[Any]]]:
    header = [_("Area"), _("Period"), _("Numerator"), _("Denominator"), _("Value")]
    if table == "headline":
        return [_("Indicator"), *header, _("Target"), _("Target met")], [
            [f"{f.definition.code} {f.definition.name}", b.where.label, str(b.year),
             _whole(f.value.numerator) if f.value else None, _whole(f.value.denominator) if f.value else None,
             None if f.value is None or f.value.value is None else round(f.value.value, 3), f.definition.target,
             {True: _("yes"), False: _("no"), None: ""}[f.met]] for f in b.headline]
    if table == "months":
        chosen = b.months
    elif table == "compared":
        chosen = b.compared
    else:
        raise NotFound(_("No such table."))
    return header, [[_area_name(v), f"{v.year}-{v.month:02d}" if v.month else str(v.year), _whole(v.numerator),
                     _whole(v.denominator), None if v.value is None else round(v.value, 3)] for v in chosen]


def _whole(number: float | None) -> float | int | None:
    """A count as a whole number (7, not 7.0)."""
    return int(number) if number is not None and float(number).is_integer() else number


@require_GET
@requires(Capability.INDICATOR_VIEW)
def download(request: AuthedRequest, code: str, table: str, fmt: str) -> HttpResponse:
    """A chart's table as CSV or XLSX: the same figures as on the page."""
    focus = _definition(code)
    b = _board(request, focus)
    if b is None:
        raise Http404
    header, rows = _table(b, table)
    return table_response(f"{focus.code}-{b.year}-{table}", fmt, header, rows)


@require_GET
@requires(Capability.INDICATOR_RECORDS)
def figure_records(request: AuthedRequest, code: str) -> HttpResponse:
    """The records one figure counts, in the reader's units; analysts see pseudonyms."""
    definition = _definition(code)
    year = _year(request, timezone.localdate().year)
    month = request.GET.get("month")
    found = records.records_for_user(
        request.user, definition=definition, year=year, month=int(month) if month and month.isdigit() else None,
        page=int(request.GET.get("page", "1")) if request.GET.get("page", "1").isdigit() else 1,
        context=request.path, **_area(request))
    return render(request, "indicators/records.html", {"definition": definition, "where": found.where, "year": year,
                                                       "month": month, "records": found})


@require_GET
@requires(Capability.INDICATOR_VIEW)
def runs(request: AuthedRequest) -> HttpResponse:
    """The computations kept, and what changed in the latest against the one before it."""
    kept = list(Run.objects.select_related("by")[:30])
    done = [r for r in kept if r.status == Run.Status.DONE]
    changes = selectors.run_changes(run=done[0], before=done[1]) if len(done) > 1 else []
    return render(request, "indicators/runs.html", {"runs": kept, "changes": changes,
                                                    "can_compute": request.user.can(Capability.INDICATOR_COMPUTE)})


@require_POST
@requires(Capability.INDICATOR_COMPUTE)
def compute(request: AuthedRequest) -> HttpResponse:
    year = request.POST.get("year", "")
    chosen = int(year) if year.isdigit() else None
    return perform(request, lambda: services.indicators_compute(actor=request.user, year_from=chosen, year_to=chosen),
                   success=lambda run: _("Computed: %(n)s figures in %(s)s s.") % {"n": run.values_count,
                                                                                   "s": run.seconds},
                   to="indicators:runs")


@require_POST
@requires(Capability.INDICATOR_COMPUTE)
def report_request(request: AuthedRequest) -> HttpResponse:
    year = request.POST.get("year", "")
    return perform(request, lambda: reports.report_request(
        actor=request.user, year=int(year) if year.isdigit() else 0, language=request.POST.get("language", ""),
        format=request.POST.get("format", "")), success=_("The report is being written."),
        to="indicators:reports")


@require_GET
@requires(Capability.INDICATOR_COMPUTE)
def report_list(request: AuthedRequest) -> HttpResponse:
    """The reports with their progress (the list refreshes itself while one is being written)."""
    mine = list(reports.reports_for_user(request.user)[:30])
    busy = any(r.status in (Report.Status.QUEUED, Report.Status.RUNNING) for r in mine)
    template = "indicators/reports.html#list" if request.htmx else "indicators/reports.html"
    return render(request, template, {"reports": mine, "busy": busy,
                                      "years": list(range(services.first_year(), timezone.localdate().year + 1))})


@require_GET
@requires(Capability.INDICATOR_COMPUTE)
def report_download(request: AuthedRequest, report_id: int) -> HttpResponse | FileResponse:
    path, filename = reports.report_open(actor=request.user, report_id=report_id)
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)

