"""Transfer of a case to another territorial unit (when the job seeker moves): the case here closes as
"transferred", the receiving unit continues it from the same state, and the job seeker's profile goes with it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.casework import access, services
from sakme.casework.forms import TransferForm
from sakme.casework.workflow import TRANSITIONS
from sakme.common.errors import DomainError
from sakme.common.pages import refuse_form, render_form, say_refusal
from sakme.geo.access import requires


@require_http_methods(["GET", "POST"])
@requires(Capability.CASE_WORK)
def case_transfer(request: AuthedRequest, case_id: int) -> HttpResponse:
    """Choose the receiving unit and say why; the service checks the role, the unit, the version and the state."""
    case = access.case_get_for_user(request.user, case_id, context=request.path)
    if case.state not in TRANSITIONS["transfer"].sources:
        say_refusal(request, DomainError(_("Only an open case can be transferred."), code="transition_refused"))
        return redirect("casework:case", case_id=case.pk)
    form = TransferForm(request.POST or None, case=case, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            successor = services.case_transfer(actor=request.user, case_id=case.pk,
                                               to_unit_id=form.cleaned_data["to_unit"],
                                               reason=form.cleaned_data["reason"],
                                               expected_version=form.cleaned_data["version"])
        except DomainError as exc:
            refuse_form(form, exc)
        else:
            messages.success(request, _("The case is now with %(unit)s; here it is closed as transferred.")
                             % {"unit": successor.unit.name})
            return redirect("casework:case", case_id=case.pk)
    return render_form(request, "casework/transfer.html", {"case": case, "form": form}, form=form)
