"""Registering a registry person as a job seeker and opening their case: the registry's data is not asked again."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.casework import access, services
from sakme.casework.forms import RegisterForm
from sakme.casework.models import State
from sakme.common.errors import DomainError
from sakme.common.pages import refuse_form, render_form
from sakme.geo.access import requires
from sakme.registry.access import person_get_for_user


@require_http_methods(["GET", "POST"])
@requires(Capability.CASE_WORK)
def register(request: AuthedRequest, person_id: int) -> HttpResponse:
    """The registry's facts beside the few questions left; a person with an open case goes to it."""
    person = person_get_for_user(request.user, person_id, context=request.path)
    open_case = access.cases_for_user(request.user).filter(job_seeker__person=person).exclude(
        state=State.CLOSED).only("pk").first()
    if open_case is not None:
        return redirect("casework:case", case_id=open_case.pk)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("consent_data_processing")  # required by the form: registering records it on the day
        try:
            case = services.case_register(actor=request.user, person_id=person.pk, context=request.path, **data)
        except DomainError as exc:
            refuse_form(form, exc)
        else:
            messages.success(request, _("Registered. The case is open."))
            return redirect("casework:case", case_id=case.pk)
    return render_form(request, "casework/register.html", {"person": person, "form": form}, form=form)
