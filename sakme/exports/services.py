"""Controlled exports: one kind at a time, with its own capability; refused above a row cap; written to a file
for its maker only, logged (an audit event, and an access event for every person in it), removed when it expires.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
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
    digest = hashlib.sha256()
    rows = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([str(c) for c in chosen.columns])
        for person_id, cells in chosen.rows(query):
            writer.writerow([_cell(c) for c in cells])
            rows += 1
            if person_id is not None:
                persons.add(person_id)
    path.chmod(0o600)
    digest.update(path.read_bytes())
    try:
        with transaction.atomic():
            export = Export.objects.create(kind=kind, user=user, rows=rows, file_name=name,
                                           sha256=digest.hexdigest(),
                                           expires_at=timezone.now() + dt.timedelta(hours=available_hours()))
            audit.record(actor=actor, action="export.create", entity_type="exports.export", entity_id=export.pk,
                         changes={"kind": kind, "rows": rows})
            audit.record_access(actor=actor, person_ids=sorted(persons), kind=AccessKind.EXPORT,
                                context=f"export {export.pk}")
    except BaseException:
        path.unlink(missing_ok=True)  # no file without its record and its log
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
