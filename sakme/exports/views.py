"""The exports page: make one (of a kind the role may export), see one's own, download while available."""

from __future__ import annotations

from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sakme.accounts.actors import AuthedRequest
from sakme.common.errors import DomainError, NotFound, PermissionDenied
from sakme.common.pages import perform, say_refusal
from sakme.exports import services
from sakme.exports.kinds import KINDS


@require_http_methods(["GET"])
def exports(request: AuthedRequest) -> HttpResponse:
    kinds = [(name, kind.label) for name, kind in KINDS.items() if request.user.can(kind.capability)]
    return render(request, "exports/exports.html", {
        "kinds": kinds, "exports": list(services.exports_for_user(request.user)[:50]),
        "max_rows": services.max_rows(), "hours": services.available_hours(),
    })


@require_POST
def export_create(request: AuthedRequest) -> HttpResponse:
    kind = request.POST.get("kind", "")
    return perform(request, lambda: services.export_create(actor=request.user, kind=kind),
                   success=lambda e: _("Export made: %(n)s rows.") % {"n": e.rows}, to="exports:list")


@require_GET
def export_download(request: AuthedRequest, export_id: int) -> HttpResponse | FileResponse:
    try:
        export, path = services.export_open(actor=request.user, export_id=export_id)
    except (PermissionDenied, NotFound):
        raise
    except DomainError as exc:  # expired: said on the list, where a new one is made
        say_refusal(request, exc)
        return redirect("exports:list")
    return FileResponse(path.open("rb"), as_attachment=True, filename=f"{export.kind}-{export.pk}.csv",
                        content_type="text/csv; charset=utf-8")
