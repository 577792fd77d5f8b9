"""Controlled exports: one kind at a time, with its own capability; refused above a row cap; written to a file
for its maker only, logged (an audit event, and an access event for every person in it), removed when it expires.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import os
import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import DomainError, NotFound, PermissionDenied
from sakme.common.spreadsheets import inert
from sakme.exports.kinds import KINDS
from sakme.exports.models import Export
from sakme.geo.access import require


def export_dir() -> Path:
    path = Path(settings.VAR_DIR) / "exports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def max_rows() -> int:
    return int(getattr(settings, "SAKME_EXPORT_MAX_ROWS", 10_000))


def available_hours() -> float:
    return float(getattr(settings, "SAKME_EXPORT_HOURS", 24))


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return inert(str(value))


class _HashedFile:
    """A new file readable by its owner only from the start, written as UTF-8 with a BOM (Excel shows Georgian) and
    hashed as it is written."""

    def __init__(self, path: Path) -> None:
        self.file = os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")
        self.hash = hashlib.sha256()
        self.sha256 = ""
        self._bytes(codecs.BOM_UTF8)

    def _bytes(self, data: bytes) -> None:
        self.file.write(data)
        self.hash.update(data)

    def write(self, text: str) -> None:
        self._bytes(text.encode())

    def __enter__(self) -> _HashedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.file.close()
        self.sha256 = self.hash.hexdigest()


def export_create(*, actor: Actor, kind: str) -> Export:
    """Write one export of `kind` for the actor: refused without the kind's capability or above the row cap."""
    chosen = KINDS.get(kind)
    if chosen is None:
        raise DomainError(_("No such kind of export."), code="unknown_kind")
    require(actor, chosen.capability)
    user = acting_user(actor)
    if user is None:
        raise PermissionDenied(_("Exports are made for a member of staff."))
    query = chosen.query(actor)
    count = query.count()
    if count > max_rows():
        raise DomainError(_("%(n)s rows: more than the %(max)s an export may hold. Ask the data-protection officer "
                            "for a larger extract.") % {"n": count, "max": max_rows()}, code="too_many_rows")
    name = f"{kind}-{uuid.uuid4().hex}.csv"
    path = export_dir() / name
    persons: set[int] = set()
    rows = 0
    try:  # no file without its record and its log: a failure anywhere removes it
        with _HashedFile(path) as handle:
            writer = csv.writer(handle)
            writer.writerow([str(c) for c in chosen.columns])
            for person_id, cells in chosen.rows(query):
                writer.writerow([_cell(c) for c in cells])
                rows += 1
                if person_id is not None:
                    persons.add(person_id)
        with transaction.atomic():
            export = Export.objects.create(kind=kind, user=user, rows=rows, file_name=name,
                                           sha256=handle.sha256,
                                           expires_at=timezone.now() + dt.timedelta(hours=available_hours()))
            audit.record(actor=actor, action="export.create", entity_type="exports.export", entity_id=export.pk,
                         changes={"kind": kind, "rows": rows})
            audit.record_access(actor=actor, person_ids=sorted(persons), kind=AccessKind.EXPORT,
                                context=f"export {export.pk}")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return export


def exports_for_user(actor: Actor) -> QuerySet[Export]:
    """The actor's own exports, the newest first (nobody sees another's)."""
    user = acting_user(actor)
    return Export.objects.filter(user_id=user.pk if user else 0).order_by("-created_at", "-pk")


def export_open(*, actor: Actor, export_id: int) -> tuple[Export, Path]:
    """The file of one of the actor's exports, while it is available; each download is counted and audited."""
    export = exports_for_user(actor).filter(pk=export_id).first()
    if export is None:
        raise NotFound(_("No such export of yours."))
    path = export_dir() / export.file_name if export.file_name else None
    if export.expires_at <= timezone.now() or path is None or not path.exists():
        raise DomainError(_("This export has expired and its file was removed. Make a new one."), code="expired")
    with transaction.atomic():
        Export.objects.filter(pk=export.pk).update(downloads=F("downloads") + 1)
        audit.record(actor=actor, action="export.download", entity_type="exports.export", entity_id=export.pk)
    return export, path


def exports_expire(*, now: dt.datetime | None = None) -> int:
    """Remove the files of the exports that expired (the record stays, for the log); returns how many."""
    now = now or timezone.now()
    expired = list(Export.objects.filter(expires_at__lte=now).exclude(file_name=""))
    for export in expired:
        (export_dir() / export.file_name).unlink(missing_ok=True)
    Export.objects.filter(pk__in=[e.pk for e in expired]).update(file_name="")
    return len(expired)
