"""Controlled exports over the same services as the page: made for the caller alone, capped, logged, expiring."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse
from ninja import Router

from sakme.accounts.actors import AuthedRequest
from sakme.api.errors import ERRORS
from sakme.api.schemas.exports import ExportIn, ExportOut
from sakme.exports import services
from sakme.exports.models import Export

router = Router(tags=["exports"])


def _out(e: Export) -> dict[str, Any]:
    return {"id": e.pk, "kind": e.kind, "rows": e.rows, "created_at": e.created_at, "expires_at": e.expires_at,
            "available": bool(e.file_name), "sha256": e.sha256}


@router.get("/exports", response={200: list[ExportOut], **ERRORS})
def exports(request: AuthedRequest) -> Any:
    """The caller's own exports, the newest first."""
    return [_out(e) for e in services.exports_for_user(request.user)[:50]]


@router.post("/exports", response={200: ExportOut, **ERRORS})
def export_create(request: AuthedRequest, body: ExportIn) -> Any:
    """Make an export of one kind (the kind's capability; refused as `too_many_rows` above the cap)."""
    return _out(services.export_create(actor=request.user, kind=body.kind))


@router.get("/exports/{export_id}/file", response=ERRORS,
            openapi_extra={"responses": {200: {"description": "the CSV file",
                                               "content": {"text/csv": {"schema": {"type": "string"}}}}}})
def export_download(request: AuthedRequest, export_id: int) -> Any:
    """The export's CSV file while it is available (422 `expired` after)."""
    export, path = services.export_open(actor=request.user, export_id=export_id)
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{export.kind}-{export.pk}.csv",
                        content_type="text/csv; charset=utf-8")
