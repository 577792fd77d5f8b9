"""Import batches over the same services as the import pages: upload a file (the worker imports it), follow its
progress, read its problems. For those who run imports; refusals become problem details (`sakme.api.errors`)."""

from __future__ import annotations

from typing import Any

from ninja import File, Form, Query, Router
from ninja.files import UploadedFile

from sakme.accounts.actors import AuthedRequest
from sakme.api.errors import ERRORS
from sakme.api.paging import PageQuery, keyset_page, page_out
from sakme.api.schemas.casework import Page
from sakme.api.schemas.data import ImportDetail, ImportIn, ImportOut, ImportProblemOut
from sakme.registry import services
from sakme.registry.models import ImportBatch, ImportProblem

router = Router(tags=["imports"])


def batch_out(batch: ImportBatch) -> dict[str, Any]:
    return {"id": batch.pk, "source": batch.source.code, "file_name": batch.file_name, "status": batch.status,
            "all_or_nothing": batch.all_or_nothing, "rows_total": batch.rows_total, "created": batch.created,
            "updated": batch.updated, "unchanged": batch.unchanged, "skipped": batch.skipped,
            "error_count": batch.error_count, "warning_count": batch.warning_count, "message": batch.message,
            "created_by_id": batch.created_by_id, "created_at": batch.created_at, "started_at": batch.started_at,
            "finished_at": batch.finished_at}


def problem_out(p: ImportProblem) -> dict[str, Any]:
    """A problem in the reader's language (Accept-Language), with its stable code and parameters."""
    p = services.import_problem_shown(p)
    return {"id": p.pk, "row": p.row, "column": p.column, "value": p.value, "severity": p.severity,
            "message": p.message, "expected": p.expected, "code": p.code, "params": p.params}


def _detail(batch: ImportBatch) -> dict[str, Any]:
    progress = services.import_progress(batch)
    return {**batch_out(batch), "running": batch.status in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING),
            "progress": {k: progress[k] for k in ("phase", "done", "total", "percent")} if progress else None}


@router.get("/imports", response={200: Page[ImportOut], **ERRORS})
def import_list(request: AuthedRequest, params: Query[PageQuery]) -> Any:
    """Import batches, newest first, 50 a page (pass `next` as `after` for the following page)."""
    items, after = keyset_page(services.import_batches_for_user(request.user), after=params.after, newest_first=True)
    return page_out([batch_out(b) for b in items], after)


@router.post("/imports", response={200: ImportDetail, **ERRORS})
def import_upload(request: AuthedRequest, file: File[UploadedFile], payload: Form[ImportIn]) -> Any:
    """Upload a persons file (CSV or XLSX) of a source system: the batch is created at once and imported by the
    worker; follow it at `GET /imports/{id}`. With `all_or_nothing` (the default) a file with any row in error
    writes nothing."""
    batch = services.import_batch_start(actor=request.user, source_code=payload.source, file=file,
                                        file_name=file.name or "", preset=payload.mapping, columns=payload.columns,
                                        all_or_nothing=payload.all_or_nothing, header_row=payload.header_row)
    return _detail(batch)


@router.get("/imports/{batch_id}", response={200: ImportDetail, **ERRORS})
def import_detail(request: AuthedRequest, batch_id: int) -> Any:
    """One batch: its status, its counts, and its progress while it waits or runs."""
    return _detail(services.import_batch_get_for_user(request.user, batch_id))


@router.get("/imports/{batch_id}/problems", response={200: Page[ImportProblemOut], **ERRORS})
def import_problems(request: AuthedRequest, batch_id: int, params: Query[PageQuery]) -> Any:
    """The batch's problems, 50 a page: the row and column of the file, the value, what is wrong and what would be
    right."""
    batch = services.import_batch_get_for_user(request.user, batch_id)
    items, after = keyset_page(batch.problems.all(), after=params.after)
    return page_out([problem_out(p) for p in items], after)
