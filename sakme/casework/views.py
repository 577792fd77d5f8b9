from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from sakme.accounts.roles import Role
from sakme.casework import access, selectors, services
from sakme.casework.forms import (
    FollowUpForm,
    GroupSessionForm,
    PlacementForm,
    PlanActionFormSet,
    PlanForm,
    ReferralDecisionForm,
    ReferralForm,
    RegisterForm,
    SessionForm,
    TransitionForm,
)
from sakme.casework.models import Case, FollowUp, Outcome, Referral, State
from sakme.casework.requests import case_of_request, require_case_work
from sakme.common.errors import DomainError, PermissionDenied
from sakme.employment.services import job_seeker_register
from sakme.geo.access import home_unit
from sakme.registry.access import person_get_for_user
from sakme.registry.models import Person


def case_list(request: HttpRequest) -> HttpResponse:
    """The unit's cases, open ones unless another filter is chosen, oldest in their state first, a page at a
    time (keyset: `after` is where the next page starts)."""
    require_case_work(request)
    state = request.GET.get("state", "")
    state = state if state in State.values or state == selectors.ALL else selectors.OPEN
    page = selectors.case_list(user=request.user, state=state, after=request.GET.get("after", ""))
    states, outcomes = dict(State.choices), dict(Outcome.choices)
    for case in page.cases:  # labels looked up once per page, not through get_FOO_display per row
        case.state_label = states[case.state]  # type: ignore[attr-defined]
        case.outcome_label = outcomes.get(case.outcome, "")  # type: ignore[attr-defined]
    filters = [(selectors.OPEN, _("open")), *State.choices, (selectors.ALL, _("all"))]
    return render(request, "casework/case_list.html", {"page": page, "state": state, "filters": filters})


def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    require_case_work(request)
    case = case_of_request(request, case_id)
    context = {
        "case": case, **selectors.case_page(case=case),
        "session_form": SessionForm(prefix="s"), "plan_form": PlanForm(prefix="plan"),
        "action_formset": PlanActionFormSet(prefix="a"),
        # The referral and placement forms, with their long lists, come when opened (case_form).
        # Forms repeated once per row carry no ids (labels wrap their fields instead).
        "follow_up_form": FollowUpForm(auto_id=False), "decision_form": ReferralDecisionForm(auto_id=False),
    }
    context["actions"] = [(t, TransitionForm(prefix=t.action, initial={"version": case.version}))
                          for t in context["actions"]]
    # Whom the unit head may give the case to (one query, for unit heads only).
    context["counsellors"] = (list(services.counsellors_of_unit(case.unit_id))
                              if request.user.role == Role.UNIT_HEAD else [])  # type: ignore[union-attr]
    return render(request, "casework/case.html", context)


LAZY_FORMS: dict[str, Callable[[Case], Any]] = {
    "referral": lambda case: ReferralForm(prefix="r", unit_id=case.unit_id),
    "placement": lambda case: PlacementForm(prefix="p", unit_id=case.unit_id),
}


def case_form(request: HttpRequest, case_id: int, name: str) -> HttpResponse:
    """A form of the case page that lists many choices, read when the user opens it: the fragment for htmx,
    a page of its own without JavaScript."""
    require_case_work(request)
    if name not in LAZY_FORMS:
        raise Http404(_("No such form."))
    if request.htmx:  # type: ignore[attr-defined]  # the fragment shows nothing of the person: scope only
        case = access.cases_for_user(request.user).filter(pk=case_id).only("pk", "unit_id", "state").first()
        if case is None:
            raise Http404(_("No such case in your units."))
        template = f"casework/case.html#{name}_form"
    else:
        case = case_of_request(request, case_id)
        template = "casework/case_form.html"
    return render(request, template, {"case": case, "name": name, f"{name}_form": LAZY_FORMS[name](case)})


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest, person_id: int) -> HttpResponse:
    """Register a registry person as a job seeker and open their case: the registry's data is not asked again."""
    require_case_work(request)
    try:
        person = person_get_for_user(request.user, person_id, context=request.path)
    except Person.DoesNotExist:
        raise Http404(_("No such person in your units.")) from None
    open_case = Case.objects.filter(job_seeker__person=person).exclude(state=State.CLOSED).first()
    if open_case is not None:
        return redirect("casework:case", case_id=open_case.pk)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = person.unit or home_unit(request.user)
        if unit is None:
            form.add_error(None, _("The person has no territorial unit and you are not posted to one."))
            return render(request, "casework/register.html", {"person": person, "form": form})
        try:
            with transaction.atomic():
                seeker = getattr(person, "job_seeker", None) or job_seeker_register(
                    actor=request.user, person=person, unit=unit, registered_on=data["registered_on"],
                    occupations=data["occupations"], education=data["education"],
                    skills=data["skills"], languages=data["languages"], driving_licence=data["driving_licence"],
                    availability=data["availability"], accommodations=data["accommodations"],
                    consent_data_processing_on=data["registered_on"],
                    consent_share_with_employers_on=data["registered_on"] if data["consent_share_with_employers"]
                    else None)
                case = services.case_open(actor=request.user, job_seeker=seeker, opened_on=data["registered_on"])
        except (DomainError, PermissionDenied) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Registered. The case is open."))
            return redirect("casework:case", case_id=case.pk)
    return render(request, "casework/register.html", {"person": person, "form": form})


def _post(request: HttpRequest, case_id: int, form: Any, act: Callable[[Case, dict[str, Any]], Any],
          success: str) -> HttpResponse:
    """One write for a case from a POSTed form: scope first, then the form, then the service; the outcome
    (or why not) is said on the case page."""
    require_case_work(request)
    case = case_of_request(request, case_id)
    if not form.is_valid():
        labels = {name: field.label for name, field in form.fields.items()}
        messages.error(request, "; ".join(f"{labels.get(f, '')} {' '.join(e)}".strip() for f, e in form.errors.items()))
    else:
        try:
            act(case, form.cleaned_data)
        except (DomainError, PermissionDenied) as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, success)
    return redirect("casework:case", case_id=case.pk)


@require_POST
def transition(request: HttpRequest, case_id: int, action: str) -> HttpResponse:
    form = TransitionForm(request.POST, prefix=action)
    return _post(request, case_id, form, lambda case, data: services.case_transition(
        actor=request.user, case_id=case.pk, action=action, expected_version=data["version"],
        outcome=data["outcome"], note=data["note"]), _("Done."))


@require_POST
def session_add(request: HttpRequest, case_id: int) -> HttpResponse:
    form = SessionForm(request.POST, prefix="s")
    return _post(request, case_id, form, lambda case, data: services.session_record(
        actor=request.user, case_id=case.pk, **data), _("Session recorded."))


class _PlanSubmission:
    """The plan form and its action rows, validated together."""

    def __init__(self, data: Any) -> None:
        self.form, self.formset = PlanForm(data, prefix="plan"), PlanActionFormSet(data, prefix="a")
        self.errors: dict[str, Any] = {}
        self.fields = self.form.fields
        self.cleaned_data: dict[str, Any] = {}

    def is_valid(self) -> bool:
        valid = self.form.is_valid() & self.formset.is_valid()
        self.errors = dict(self.form.errors)
        for row in self.formset.errors:
            self.errors.update(row)  # type: ignore[arg-type]  # each row is an ErrorDict
        if valid:
            self.cleaned_data = {**self.form.cleaned_data, "actions": [
                a for a in self.formset.cleaned_data if a.get("description") and a.get("due_on")]}
        return valid


@require_POST
def plan_add(request: HttpRequest, case_id: int) -> HttpResponse:
    return _post(request, case_id, _PlanSubmission(request.POST), lambda case, data: services.plan_write(
        actor=request.user, case_id=case.pk, goals=data["goals"], actions=data["actions"],
        agreed_on=data["agreed_on"]), _("Plan saved as a new version."))


@require_POST
def referral_add(request: HttpRequest, case_id: int) -> HttpResponse:
    form = ReferralForm(request.POST, prefix="r")
    return _post(request, case_id, form, lambda case, data: services.referral_create(
        actor=request.user, case_id=case.pk, kind=data["kind"], vacancy=data["vacancy"], programme=data["programme"],
        service=data["service"], referred_on=data["referred_on"],
        consent_on=data["referred_on"] if data["consent"] else None), _("Referral recorded."))


@require_POST
def referral_decide(request: HttpRequest, case_id: int, referral_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any]) -> Referral:
        if not case.referrals.filter(pk=referral_id).exists():
            raise DomainError(_("No such referral on this case."))
        return services.referral_decide(actor=request.user, referral_id=referral_id, status=data["status"],
                                        decided_on=data["decided_on"], expected_version=data["version"])

    return _post(request, case_id, ReferralDecisionForm(request.POST), act, _("Outcome of the referral recorded."))


@require_POST
def placement_add(request: HttpRequest, case_id: int) -> HttpResponse:
    form = PlacementForm(request.POST, prefix="p")
    return _post(request, case_id, form, lambda case, data: services.placement_record(
        actor=request.user, case_id=case.pk, **data), _("Placement recorded."))


@require_POST
def follow_up_done(request: HttpRequest, case_id: int, follow_up_id: int) -> HttpResponse:
    def act(case: Case, data: dict[str, Any]) -> FollowUp:
        if not case.follow_ups.filter(pk=follow_up_id).exists():
            raise DomainError(_("No such follow-up on this case."))
        return services.follow_up_record(actor=request.user, follow_up_id=follow_up_id, **data)

    return _post(request, case_id, FollowUpForm(request.POST), act, _("Follow-up recorded."))


@require_http_methods(["GET", "POST"])
def group_session_new(request: HttpRequest) -> HttpResponse:
    """Record a group consultation session of the user's unit: who was invited, who came."""
    require_case_work(request)
    unit = home_unit(request.user)
    if unit is None:
        raise DjangoPermissionDenied(_("You are not posted to a unit."))
    cases = access.cases_for_user(request.user).filter(unit=unit).exclude(state=State.CLOSED).select_related(
        "job_seeker__person").order_by("job_seeker__person__family_key", "job_seeker__person__given_key", "pk")
    # A counsellor invites from their own caseload; the whole unit's open cases (hundreds) on request.
    mine_first = request.user.role == Role.COUNSELLOR  # type: ignore[union-attr]
    whole_unit = (request.POST or request.GET).get("cases", "mine" if mine_first else "unit") == "unit"
    if not whole_unit:
        cases = cases.filter(counsellor_id=request.user.pk)
    form = GroupSessionForm(request.POST or None, cases=cases)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.group_session_hold(actor=request.user, unit=unit, topic=data["topic"], held_on=data["held_on"],
                                        invited=[c.pk for c in data["invited"]],
                                        attended=[c.pk for c in data["attended"]])
        except (DomainError, PermissionDenied) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("Group session recorded."))
            return redirect("casework:list")
    return render(request, "casework/group_session.html", {"form": form, "unit": unit, "whole_unit": whole_unit})
