"""Giving a case to a counsellor of its unit, from the case page: the unit head chooses among the unit's
counsellors; a counsellor takes an unassigned case (one that arrived by transfer, say) for themselves."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from sakme.casework import services
from sakme.casework.requests import case_of_request
from sakme.common.errors import ConcurrentEdit, DomainError, PermissionDenied


@require_POST
def case_assign(request: HttpRequest, case_id: int) -> HttpResponse:
    case = case_of_request(request, case_id)
    counsellor = services.counsellors_of_unit(case.unit_id).filter(pk=request.POST.get("counsellor") or 0).first()
    if counsellor is None:
        messages.error(request, _("Choose a counsellor posted to this case's unit."))
        return redirect("casework:case", case_id=case.pk)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.case_assign(actor=request.user, case_id=case.pk, counsellor=counsellor, expected_version=version)
    except (ConcurrentEdit, DomainError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The case is now with %(name)s.") % {
            "name": counsellor.get_full_name() or counsellor.username})
    return redirect("casework:case", case_id=case.pk)
