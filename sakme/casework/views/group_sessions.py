"""Group consultation sessions of the user's unit: recording one (who was invited, who came), the past ones, and
correcting a past session's attendance."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.casework import access, selectors, services
from sakme.casework.forms import AttendanceForm, GroupSessionForm
from sakme.casework.models import State
from sakme.common.errors import DomainError
from sakme.common.pages import post_form, refuse_form, render_form
from sakme.geo.access import requires, unit_of_new_record
from sakme.geo.models import TerritorialUnit


@require_http_methods(["GET", "POST"])
@requires(Capability.CASE_WORK)
def group_session_new(request: AuthedRequest) -> HttpResponse:
    """Record a group consultation session of the user's unit: who was invited, who came."""
    unit = TerritorialUnit.objects.get(pk=unit_of_new_record(request.user))
    cases = access.cases_for_user(request.user).filter(unit=unit).exclude(state=State.CLOSED).select_related(
        "job_seeker__person").order_by("job_seeker__person__family_key", "job_seeker__person__given_key", "pk")
    # A counsellor invites from their own caseload; whoever supervises the unit, from the whole unit (hundreds).
    supervising = request.user.can(Capability.CASELOAD_SUPERVISE)
    whole_unit = (request.POST or request.GET).get("cases", "unit" if supervising else "mine") == "unit"
    if not whole_unit:
        cases = cases.filter(counsellor_id=request.user.pk)
    form = GroupSessionForm(request.POST or None, cases=cases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            session = services.group_session_hold(
                actor=request.user, unit_id=unit.pk, topic=data["topic"], held_on=data["held_on"],
                invited=[c.pk for c in data["invited"]], attended=[c.pk for c in data["attended"]])
        except DomainError as exc:
            refuse_form(form, exc)
        else:
            messages.success(request, _("Group session recorded."))
            return redirect("casework:group_session", session_id=session.pk)
    shown = list(form.fields["invited"].queryset) if request.method == "GET" else []  # type: ignore[attr-defined]
    audit.record_access(actor=request.user, kind=AccessKind.LISTED, context=request.path,
                        person_ids=[c.job_seeker.person_id for c in shown])
    return render_form(request, "casework/group_session.html", {"form": form, "unit": unit, "whole_unit": whole_unit},
                       form=form)


@require_GET
@requires(Capability.CASE_VIEW)
def group_session_list(request: AuthedRequest) -> HttpResponse:
    """The past group sessions of the user's units, the latest first, with how many were invited and came."""
    return render(request, "casework/group_sessions.html",
                  {"sessions": selectors.group_sessions(user=request.user)})


@require_GET
@requires(Capability.CASE_VIEW)
def group_session_detail(request: AuthedRequest, session_id: int) -> HttpResponse:
    """One past group session: who was invited, who came, and the form to correct it."""
    session, participants = selectors.group_session(user=request.user, session_id=session_id)
    audit.record_access(actor=request.user, kind=AccessKind.LISTED, context=request.path,
                        person_ids=[p.case.job_seeker.person_id for p in participants])
    form = AttendanceForm(invited=[(p.case_id, p.case.job_seeker.person.full_name) for p in participants],
                          initial={"attended": [p.case_id for p in participants if p.attended],
                                   "version": session.version})
    return render(request, "casework/group_session_detail.html",
                  {"session": session, "participants": participants, "form": form})


@require_POST
def group_session_attendance(request: AuthedRequest, session_id: int) -> HttpResponse:
    return post_form(request, AttendanceForm(request.POST), lambda data: (
        services.group_session_attendance(actor=request.user, session_id=session_id, attended=data["attended"],
                                          expected_version=data["version"])),
        success=_("Attendance corrected."), to=reverse("casework:group_session", kwargs={"session_id": session_id}))
