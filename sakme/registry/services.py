"""Writes of the registry: import batches, and the getters of batches for those who run imports. Each service
checks its capability, owns its transaction and writes its audit event; the system (`SYSTEM`) runs imports from the
command line and the worker."""

from __future__ import annotations

import csv
import hashlib
import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.common.errors import DomainError, NotFound
from sakme.common.spreadsheets import inert
from sakme.geo.access import require
from sakme.registry import tasks
from sakme.registry.importing.mapping import Mapping, mapping_preset, parse_map_option
from sakme.registry.importing.pipeline import BatchRefused, Outcome, PersonImport, searched_tables_vacuum
from sakme.registry.importing.problems import problem_shown, problem_text_en
from sakme.registry.importing.progress import Progress, is_stale, progress_path, progress_read
from sakme.registry.importing.reader import FileRefused
from sakme.registry.models import ImportBatch, ImportProblem, SourceSystem

SOURCE_SYSTEMS = (  # code, trust rank, names, whether its records are job-seeker registrations
    ("ssa", 1, "სოციალური მომსახურების სააგენტოს რეესტრი", "Social Service Agency registry", False),
    ("worknet", 2, "Worknet — სამუშაოს მაძიებელთა ბაზა", "Worknet job-seeker database", True),
)


# What an upload may be: the reader opens CSV (with any of these names) and XLSX workbooks.
UPLOAD_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx")


@transaction.atomic
def source_systems_load(*, actor: Actor) -> int:
    """Make sure the agency's standard source systems exist (a deployment may add its own in the admin)."""
    for code, rank, name_ka, name_en, job_seekers in SOURCE_SYSTEMS:
        SourceSystem.objects.get_or_create(code=code, defaults={"rank": rank, "name_ka": name_ka, "name_en": name_en,
                                                                "holds_job_seekers": job_seekers})
    audit.record(actor=actor, action="source_systems.load", entity_type="registry.sourcesystem")
    return len(SOURCE_SYSTEMS)


def _store(upload: IO[bytes], suffix: str) -> tuple[Path, str]:
    """Copy an upload or file under the import folder, hashing it on the way (never whole in memory)."""
    folder = Path(settings.SAKME_IMPORT_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{uuid.uuid4().hex}{suffix}"
    digest = hashlib.sha256()
    with target.open("wb") as out:
        for chunk in iter(lambda: upload.read(1 << 20), b""):
            digest.update(chunk)
            out.write(chunk)
    return target, digest.hexdigest()


def import_mapping(*, preset: str = "", columns: str = "") -> Mapping:
    """The mapping of an upload: columns written as `column=field` pairs (commas or lines), else a shipped mapping
    by name, else none (headers named like sakme's fields)."""
    if columns.strip():
        return parse_map_option(columns.replace("\n", ","))
    if preset:
        return mapping_preset(preset)
    return Mapping(columns={})


@transaction.atomic
def import_batch_start(*, actor: Actor, source_code: str, file: IO[bytes], file_name: str, preset: str = "",
                       columns: str = "", all_or_nothing: bool = True, header_row: int | None = None) -> ImportBatch:
    """Register an uploaded file as a batch and have the worker run it once the batch is committed (the import
    page and the API)."""
    require(actor, Capability.IMPORT_RUN)
    if Path(file_name).suffix.lower() not in UPLOAD_SUFFIXES:
        raise DomainError(_("%(f)s: upload a CSV (.csv, .txt, .tsv) or an Excel workbook (.xlsx).")
                          % {"f": Path(file_name).name}, code="file_type")
    batch = import_batch_create(actor=actor, source_code=source_code, file=file, file_name=file_name,
                                mapping=import_mapping(preset=preset, columns=columns),
                                all_or_nothing=all_or_nothing, header_row=header_row)
    user = acting_user(actor)
    user_id = user.pk if user else None
    transaction.on_commit(lambda: tasks.import_batch_task.enqueue(batch.pk, user_id))
    return batch


@transaction.atomic
def import_batch_create(*, actor: Actor, source_code: str, file: IO[bytes], file_name: str, mapping: Mapping,
                        all_or_nothing: bool = True, header_row: int | None = None) -> ImportBatch:
    """Register a persons file as a batch waiting to run. `header_row`: the row of the file that names the columns,
    when it cannot be found (the first row that names the mapping's required columns, among the first 20)."""
    require(actor, Capability.IMPORT_RUN)
    if header_row is not None:
        if header_row < 1:
            raise DomainError(_("The header row is a row number of the file, 1 or more."), code="header_row")
        mapping.header_row = header_row
    try:
        source = SourceSystem.objects.get(code=source_code)
    except SourceSystem.DoesNotExist:
        known = ", ".join(SourceSystem.objects.values_list("code", flat=True))
        raise DomainError(_("Unknown source system “%(s)s”. Known: %(k)s.") % {"s": source_code, "k": known},
                          code="unknown_source") from None
    path, sha = _store(file, Path(file_name).suffix.lower()[:8])
    batch = ImportBatch.objects.create(
        source=source, file_name=Path(file_name).name[:255], file_path=str(path), file_sha256=sha,
        mapping=mapping.to_json(), all_or_nothing=all_or_nothing, created_by=acting_user(actor),
    )
    audit.record(actor=actor, action="import.create", entity_type="registry.importbatch", entity_id=batch.pk,
                 changes={"file": batch.file_name, "sha256": sha, "source": source.code})
    return batch


def import_batches_mark_interrupted() -> int:
    """Batches left 'running' by a process that died: nothing of theirs was written; say so."""
    stale = [b.pk for b in ImportBatch.objects.filter(status=ImportBatch.Status.RUNNING) if is_stale(b.pk)]
    # Only rows still running: a batch that finished meanwhile keeps its outcome.
    return ImportBatch.objects.filter(pk__in=stale, status=ImportBatch.Status.RUNNING).update(
        status=ImportBatch.Status.INTERRUPTED, finished_at=timezone.now())


def import_batch_run(*, batch_id: int, actor: Actor) -> ImportBatch:
    """Run a batch: every row checked, then all written in one transaction (or, when refused, nothing)."""
    require(actor, Capability.IMPORT_RUN)
    import_batches_mark_interrupted()
    with transaction.atomic():
        batch = ImportBatch.objects.select_for_update().select_related("source").get(pk=batch_id)
        if batch.status not in (ImportBatch.Status.PENDING, ImportBatch.Status.INTERRUPTED):
            raise DomainError(_("Batch %(b)s has already run (%(s)s).") % {"b": batch.pk,
                                                                          "s": batch.get_status_display()})
        batch.status = ImportBatch.Status.RUNNING
        batch.started_at = timezone.now()
        batch.save(update_fields=["status", "started_at", "updated_at"])
        ImportProblem.objects.filter(batch=batch).delete()
    progress = Progress(batch.pk)
    progress.update("reading", 0, 1, force=True)
    job = PersonImport(batch_id=batch.pk, source=batch.source, path=Path(batch.file_path),
                       display_name=batch.file_name, mapping=Mapping.from_json(batch.mapping),
                       all_or_nothing=batch.all_or_nothing, progress=progress)
    status, message = ImportBatch.Status.SUCCEEDED, ""
    try:
        with transaction.atomic():
            outcome = job.run()
            _finish(batch, outcome, status, message, actor)
    except BatchRefused:
        status = ImportBatch.Status.FAILED
        message = _("Nothing was written: %(n)d row(s) have errors. Download the error file, correct the rows "
                    "and import the file again.") % {"n": job.outcome.errors}
    except FileRefused as exc:
        status, message = ImportBatch.Status.FAILED, str(exc)
    except Exception as exc:
        with transaction.atomic():
            _finish(batch, job.outcome, ImportBatch.Status.FAILED, _("The import stopped: %(e)s") % {"e": exc}, actor)
        progress_path(batch.pk).unlink(missing_ok=True)
        raise
    if status == ImportBatch.Status.FAILED:
        with transaction.atomic():
            _finish(batch, job.outcome, status, message, actor)
    else:
        searched_tables_vacuum(job.outcome)
    progress_path(batch.pk).unlink(missing_ok=True)
    batch.refresh_from_db()
    return batch


def _finish(batch: ImportBatch, outcome: Outcome, status: str, message: str, actor: Actor) -> None:
    written = status == ImportBatch.Status.SUCCEEDED
    batch.status = status
    batch.message = message
    batch.rows_total = outcome.rows
    batch.created = outcome.created if written else 0
    batch.updated = outcome.updated if written else 0
    batch.unchanged = outcome.unchanged if written else 0
    batch.skipped = outcome.skipped if written else outcome.rows
    batch.error_count = outcome.errors
    batch.warning_count = outcome.warnings
    batch.finished_at = timezone.now()
    batch.save()
    ImportProblem.objects.bulk_create(
        (ImportProblem(batch=batch, row=r, column=c, value=v, severity=s, code=code, params=params,
                       message=message[:300], expected=expected[:300])
         for r, c, v, s, code, params in outcome.problems
         for message, expected in [problem_text_en(code, params)]),
        batch_size=5000,
    )
    audit.record(actor=actor, action=f"import.{status}", entity_type="registry.importbatch", entity_id=batch.pk,
                 changes={"rows": outcome.rows, "created": batch.created, "updated": batch.updated,
                          "unchanged": batch.unchanged, "errors": outcome.errors, "warnings": outcome.warnings,
                          "households_changed": outcome.households if written else 0,
                          "enrolments_changed": outcome.enrolments if written else 0})


def import_file(*, actor: Actor, source_code: str, path: Path, mapping: Mapping, all_or_nothing: bool = True,
                file_name: str | None = None, header_row: int | None = None) -> ImportBatch:
    """Import a file from disk now (the command line's path): create the batch and run it."""
    with path.open("rb") as fh:
        batch = import_batch_create(actor=actor, source_code=source_code, file=fh, file_name=file_name or path.name,
                                    mapping=mapping, all_or_nothing=all_or_nothing, header_row=header_row)
    return import_batch_run(batch_id=batch.pk, actor=actor)


def import_batches_for_user(actor: Actor) -> QuerySet[ImportBatch]:
    """Import batches with their source and author, for those who run imports (PermissionDenied otherwise)."""
    require(actor, Capability.IMPORT_RUN)
    return ImportBatch.objects.select_related("source", "created_by")


def import_batch_get_for_user(actor: Actor, batch_id: int) -> ImportBatch:
    """One import batch (NotFound otherwise), as it stands: one left running by a process that died is marked
    interrupted first."""
    batch = import_batches_for_user(actor).filter(pk=batch_id).first()
    if batch is None:
        raise NotFound(_("No import batch %(b)s.") % {"b": batch_id})
    if batch.status == ImportBatch.Status.RUNNING and import_batches_mark_interrupted():
        batch.refresh_from_db()
    return batch


def import_progress(batch: ImportBatch) -> dict[str, Any] | None:
    """How far a waiting or running batch has got ({phase, done, total, percent}), None before it starts and after
    it ends."""
    if batch.status not in (ImportBatch.Status.PENDING, ImportBatch.Status.RUNNING):
        return None
    return progress_read(batch.pk)


def import_problem_shown(problem: ImportProblem) -> ImportProblem:
    """The problem with its `message` and `expected` in the reader's language (from its code; one stored before codes
    as it was written), for a page or an answer (never saved)."""
    problem.message, problem.expected = problem_shown(problem.code, problem.params, problem.message,
                                                      problem.expected)
    return problem


ERROR_FILE_HEADER = ("row", "column", "value", "severity", "problem", "what would be right")


def import_problems_csv(*, batch: ImportBatch) -> Iterator[str]:
    """The batch's problems as CSV lines (UTF-8 with BOM so that Excel shows Georgian), in the reader's language,
    streamed."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_(h) for h in ERROR_FILE_HEADER])
    yield "\ufeff" + buffer.getvalue()
    rows = ImportProblem.objects.filter(batch=batch).order_by("row", "id").values_list(
        "row", "column", "value", "severity", "message", "expected", "code", "params")
    for row, column, value, severity, message, expected, code, params in rows.iterator(chunk_size=5000):
        buffer.seek(0)
        buffer.truncate()
        shown = problem_shown(code, params, message, expected)
        writer.writerow([row, *(inert(cell) for cell in (column, value, severity, *shown))])
        yield buffer.getvalue()
