"""The annual indicator report: asked for on the dashboard (a Report row, made by the worker with its progress) or
written at once by `sakme report annual`. Both go through `report_build`; the file is kept for its maker and the
analysts under VAR_DIR/reports.
"""

from __future__ import annotations

import logging
import os
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from sakme.accounts.actors import SYSTEM, Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.common.errors import DomainError, NotFound
from sakme.geo.access import require
from sakme.indicators import tasks
from sakme.indicators.models import Report
from sakme.indicators.report import compose
from sakme.indicators.report.content import annual_facts
from sakme.indicators.report.docx import write_docx
from sakme.indicators.report.pdf import write_pdf
from sakme.indicators.services import FIRST_YEAR

logger = logging.getLogger(__name__)
Progress = Callable[[int], None]
WRITERS = {Report.Format.DOCX: write_docx, Report.Format.PDF: write_pdf}
# The codes a failed report keeps (`Report.error_text` says them in the reader's language): no figures for the year
# (the refusal's own code and message are kept in the parameters), or an unexpected error, whose class is kept.
NO_FIGURES, FAILED = "no_figures", "failed"
FIGURES_REFUSED = {"report_no_indicator", "indicator_none", "indicator_years"}
MEDIA_TYPES = {Report.Format.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
               Report.Format.PDF: "application/pdf"}


def report_dir() -> Path:
    path = Path(settings.VAR_DIR) / "reports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def report_check(*, year: object, language: object, format: object) -> tuple[int, str, str]:
    """The year, language and format of a report, or a refusal that says what would be right."""
    last = timezone.localdate().year
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= last:
        raise DomainError(_("There is no report for the year %(year)s: give a year from %(first)s to %(last)s.")
                          % {"year": year, "first": FIRST_YEAR, "last": last}, code="report_year")
    languages = [code for code, _name in settings.LANGUAGES]
    if language not in languages:
        raise DomainError(_("The report is written in %(known)s, not in “%(language)s”.")
                          % {"known": ", ".join(languages), "language": language}, code="report_language")
    if format not in Report.Format.values:
        raise DomainError(_("The report is made as %(known)s, not as “%(format)s”.")
                          % {"known": ", ".join(Report.Format.values), "format": format}, code="report_format")
    return year, str(language), str(format)


def report_build(*, year: int, language: str, format: str, actor: Actor, progress: Progress | None = None) -> bytes:
    """The annual report of `year` as DOCX or PDF bytes, in `language` (computes the indicator if no run holds it)."""
    require(actor, Capability.INDICATOR_COMPUTE)
    year, language, format = report_check(year=year, language=language, format=format)
    step = progress or (lambda percent: None)
    with translation.override(language):
        facts = annual_facts(year=year, actor=actor)
        step(40)
        composed = compose(facts)
        data = WRITERS[Report.Format(format)](composed)
    step(80)
    return data


def file_name(report: Report) -> str:
    """The name a download is offered under: indicator-report-2019-en.pdf."""
    return f"indicator-report-{report.year}-{report.language}.{report.format}"


@transaction.atomic
def report_request(*, actor: Actor, year: int, language: str, format: str) -> Report:
    """Ask for the annual report of a year: a Report waiting for the worker, which makes it once this commits."""
    require(actor, Capability.INDICATOR_COMPUTE)
    year, language, format = report_check(year=year, language=language, format=format)
    report = Report.objects.create(year=year, language=language, format=format, by=acting_user(actor))
    audit.record(actor=actor, action="indicators.report.request", entity_type="indicators.report",
                 entity_id=report.pk, changes={"year": year, "language": language, "format": format})
    transaction.on_commit(lambda: tasks.report_task.enqueue(report.pk))
    return report


def _progress(report_id: int, percent: int) -> None:
    # Its own short transaction (autocommit), so the dashboard sees it while the report is being written.
    Report.objects.filter(pk=report_id).update(progress=percent)


def _write(data: bytes, report: Report) -> str:
    name = f"report-{report.year}-{report.language}-{uuid.uuid4().hex}.{report.format}"
    path = report_dir() / name
    with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as handle:
        handle.write(data)
    return name


def _fail(report: Report, code: str, params: dict[str, object]) -> Report:
    Report.objects.filter(pk=report.pk).update(status=Report.Status.FAILED, error_code=code, error_params=params,
                                               finished_at=timezone.now())
    report.refresh_from_db()
    return report


def report_execute(*, report_id: int) -> Report:
    """Make a requested report (the worker's task): running, progress 10/40/80/100, then done with its file, or
    failed with the refusal's code; an unexpected error is recorded on the report and raised to the worker."""
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("by").get(pk=report_id)
        if report.status != Report.Status.QUEUED:
            raise DomainError(_("Report %(id)s has already been made (%(status)s).")
                              % {"id": report.pk, "status": report.get_status_display()}, code="report_started")
        report.status, report.progress = Report.Status.RUNNING, 10
        report.save(update_fields=["status", "progress"])
    actor: Actor = report.by if report.by is not None else SYSTEM
    started = time.perf_counter()
    name = ""
    try:
        data = report_build(year=report.year, language=report.language, format=report.format, actor=actor,
                            progress=lambda percent: _progress(report.pk, percent))
        name = _write(data, report)
        with transaction.atomic():
            Report.objects.filter(pk=report.pk).update(status=Report.Status.DONE, progress=100, file_name=name,
                                                       finished_at=timezone.now(), error_code="", error_params={})
            audit.record(actor=actor, action="indicators.report.make", entity_type="indicators.report",
                         entity_id=report.pk, changes={"bytes": len(data),
                                                       "seconds": round(time.perf_counter() - started, 2)})
    except DomainError as exc:  # a refusal a person can act on: said on the report, not an error of the worker
        if name:
            (report_dir() / name).unlink(missing_ok=True)
        code = NO_FIGURES if exc.code in FIGURES_REFUSED else exc.code
        return _fail(report, code, {"year": report.year, "reason": exc.code, "message": str(exc)})
    except Exception as exc:
        logger.exception("annual report %s failed", report.pk)
        if name:
            (report_dir() / name).unlink(missing_ok=True)
        _fail(report, FAILED, {"year": report.year, "error": type(exc).__name__})
        raise
    report.refresh_from_db()
    return report


def reports_for_user(actor: Actor) -> QuerySet[Report]:
    """The reports asked for, newest first: the central department's figures, shared by those who make reports."""
    require(actor, Capability.INDICATOR_COMPUTE)
    return Report.objects.select_related("by").order_by("-created_at", "-pk")


def report_get_for_user(actor: Actor, report_id: int) -> Report:
    """One report (NotFound when there is none)."""
    report = reports_for_user(actor).filter(pk=report_id).first()
    if report is None:
        raise NotFound(_("No such report."))
    return report


def report_open(*, actor: Actor, report_id: int) -> tuple[Path, str]:
    """The file of a finished report and the name to offer it under, for those who make reports; logged."""
    report = report_get_for_user(actor, report_id)
    path = report_dir() / report.file_name if report.file_name else None
    if report.status != Report.Status.DONE or path is None or not path.is_file():
        raise DomainError(_("This report is not ready (%(status)s): wait for it, or ask for it again.")
                          % {"status": report.get_status_display()}, code="report_not_ready")
    with transaction.atomic():
        audit.record(actor=actor, action="indicators.report.download", entity_type="indicators.report",
                     entity_id=report.pk)
    return path, file_name(report)

