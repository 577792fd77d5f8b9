"""Indicators: definitions, figures with filters, the records behind a figure, computations and annual reports."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.api.errors import ERRORS
from sakme.api.schemas.indicators import (
    ComputeIn,
    DefinitionOut,
    IndicatorRunOut,
    RecordsOut,
    ReportIn,
    ReportOut,
    ValuesOut,
)
from sakme.common.errors import NotFound
from sakme.geo.access import require
from sakme.indicators import records, reports, selectors, services
from sakme.indicators.models import Definition, Level, Report, Run

router = Router(tags=["indicators"])


class ValuesQuery(Schema):
    year: int | None = None
    month: int | None = None
    level: Level = Level.COUNTRY
    region: str = ""
    unit: str = ""
    run: int | None = None


class RecordsQuery(Schema):
    year: int
    month: int | None = None
    region: str = ""
    unit: str = ""
    page: int = 1


def _definition(code: str) -> Definition:
    found = Definition.objects.filter(code=code).first()
    if found is None:
        raise NotFound(_("No indicator %(code)s.") % {"code": code})
    return found


def _run_out(run: Run) -> dict[str, Any]:
    return {"id": run.pk, "year_from": run.year_from, "year_to": run.year_to, "as_of": run.as_of,
            "status": run.status, "values_count": run.values_count, "finished_at": run.finished_at,
            "seconds": run.seconds}


def _report_out(r: Report) -> dict[str, Any]:
    return {"id": r.pk, "year": r.year, "language": r.language, "format": r.format, "status": r.status,
            "progress": r.progress, "error": r.error_text if r.error_code else "", "created_at": r.created_at,
            "finished_at": r.finished_at}


@router.get("/indicators", response={200: list[DefinitionOut], **ERRORS})
def indicator_list(request: AuthedRequest) -> Any:
    """The indicator definitions: what each means, its baseline and target, and the measure that computes it."""
    require(request.user, Capability.INDICATOR_VIEW)
    return list(Definition.objects.filter(is_active=True))


@router.get("/indicators/{code}/values", response={200: ValuesOut, **ERRORS})
def indicator_values(request: AuthedRequest, code: str, filters: Query[ValuesQuery]) -> Any:
    """An indicator's figures from the latest computation covering the year (or the run given): by year, or by
    month with `month`; at the country, region or unit level (units: those in the caller's scope)."""
    require(request.user, Capability.INDICATOR_VIEW)
    definition = _definition(code)
    run = selectors.run_latest(year=filters.year, run_id=filters.run)
    if run is None:
        raise NotFound(_("No computation holds these figures: compute the indicators first."))
    rows = selectors.values_for_user(request.user, definition=definition, run=run, level=filters.level,
                                     year=filters.year, region=filters.region, unit=filters.unit,
                                     month=filters.month)
    return {"indicator": definition.code, "run": _run_out(run), "values": [
        {"level": v.level, "region": v.region.code if v.region else None, "unit": v.unit.code if v.unit else None,
         "year": v.year, "month": v.month, "numerator": v.numerator, "denominator": v.denominator, "value": v.value,
         "text": selectors.figure_text(definition, v), "target_met": definition.target_met(v.value)}
        for v in rows]}


@router.get("/indicators/{code}/records", response={200: RecordsOut, **ERRORS})
def indicator_records(request: AuthedRequest, code: str, filters: Query[RecordsQuery]) -> Any:
    """The records behind one figure, in the caller's units (pseudonymised for analysts), 100 a page."""
    definition = _definition(code)
    found = records.records_for_user(
        request.user, definition=definition, year=filters.year, month=filters.month,
        region=filters.region, unit=filters.unit, page=filters.page, context=request.path)
    return {"indicator": definition.code, "columns": found.columns,
            "rows": [[str(c) if c is not None and not isinstance(c, int | float) else c for c in row]
                     for row in found.rows], "total": found.total, "page": found.page, "pages": found.pages}


@router.get("/indicators-runs", response={200: list[IndicatorRunOut], **ERRORS})
def indicator_run_list(request: AuthedRequest) -> Any:
    """The computations kept, the newest first."""
    require(request.user, Capability.INDICATOR_VIEW)
    return [_run_out(r) for r in Run.objects.all()[:50]]


@router.post("/indicators-runs", response={200: IndicatorRunOut, **ERRORS})
def indicator_run_create(request: AuthedRequest, body: ComputeIn) -> Any:
    """Compute every indicator (for one year, or every year since the baseline) as a new snapshot."""
    return _run_out(services.indicators_compute(actor=request.user, year_from=body.year, year_to=body.year))


@router.post("/indicators-reports", response={200: ReportOut, **ERRORS})
def indicator_report_create(request: AuthedRequest, body: ReportIn) -> Any:
    """Ask for the annual indicator report (DOCX or PDF, Georgian or English); the worker writes it."""
    return _report_out(reports.report_request(actor=request.user, year=body.year, language=body.language,
                                              format=body.format))


@router.get("/indicators-reports/{report_id}", response={200: ReportOut, **ERRORS})
def indicator_report_detail(request: AuthedRequest, report_id: int) -> Any:
    """A report's status and progress."""
    return _report_out(reports.report_get_for_user(request.user, report_id))


@router.get("/indicators-reports/{report_id}/file", response=ERRORS,
            openapi_extra={"responses": {200: {"description": "the DOCX or PDF file"}}})
def indicator_report_file(request: AuthedRequest, report_id: int) -> Any:
    """The report's file once it is ready."""
    path, filename = reports.report_open(actor=request.user, report_id=report_id)
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)
