from __future__ import annotations

from django_tasks import task

from sakme.indicators import reports


@task()
def report_task(report_id: int) -> dict[str, object]:
    """Make a requested annual indicator report in the background worker (its progress is on the report)."""
    report = reports.report_execute(report_id=report_id)
    return {"status": report.status, "error_code": report.error_code}
