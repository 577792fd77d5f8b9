"""The case pages: the unit's case list, one case with everything recorded on it, and each write of the case
page (a form parsed, one service called, the outcome said on the case page)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django.views.decorators.vary import vary_on_headers

from sakme.accounts.actors import AuthedRequest
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.casework import access, selectors, services
from sakme.casework.forms import (
    AdaptationForm,
    AssignForm,
    CoachingForm,
    FollowUpForm,
    PathwayForm,
    PlacementForm,
    PlanActionDoneForm,
    PlanActionFormSet,
    PlanForm,
    PlanSubmission,
    ReferralDecisionForm,
    ReferralForm,
    SessionForm,
    TransitionForm,
)
from sakme.casework.models import Case, Outcome, State, SupportedEmployment, WorkplaceAdaptation
from sakme.common.errors import NotFound
from sakme.common.pages import post_form
from sakme.geo.access import requires


@require_GET
@requires(Capability.CASE_VIEW)
def case_list(request: AuthedRequest) -> HttpResponse:
    """The unit's cases, open ones unless another filter is chosen, oldest in their state first, a page at a
    time (keyset: `after` is where the next page starts)."""
    state = request.GET.get("state", "")
    state = state if state in State.values or state == selectors.ALL else selectors.OPEN
    page = selectors.case_list(user=request.user, state=state, after=request.GET.get("after", ""))
    audit.record_access(actor=request.user, kind=AccessKind.LISTED, context=request.path,
                        person_ids=[c.job_seeker.person.pk for c in page.cases])
    states, outcomes = dict(State.choices), dict(Outcome.choices)
    for case in page.cases:  # labels looked up once per page, not through get_FOO_display per row
        case.state_label = states[case.state]  # type: ignore[attr-defined]
        case.outcome_label = outcomes.get(case.outcome, "")  # type: ignore[attr-defined]
    filters = [(selectors.OPEN, _("open")), *State.choices, (selectors.ALL, _("all"))]
    return render(request, "casework/case_list.html", {"page": page, "state": state, "filters": filters})


@require_GET
@requires(Capability.CASE_VIEW)
def case_detail(request: AuthedRequest, case_id: int) -> HttpResponse:
    """One case: its state and the actions open to it, the plan, sessions, referrals, placements, follow-ups."""
    case = access.case_get_for_user(request.user, case_id, context=request.path)
    context = {
        "case": case, **selectors.case_page(case=case, user=request.user),
        "session_form": SessionForm(prefix="s"), "action_formset": PlanActionFormSet(prefix="a"),
        "plan_form": PlanForm(prefix="plan", initial={"version": case.version}),
        # The referral and placement forms, with their long lists, come when opened (case_form).
        # Forms repeated once per row carry no ids (labels wrap their fields instead).
        "follow_up_form": FollowUpForm(auto_id=False), "decision_form": ReferralDecisionForm(auto_id=False),
    }
    context["actions"] = [(t, TransitionForm(prefix=t.action, initial={"version": case.version}))
                          for t in context["actions"]]
    if context["pathway_possible"] and "supported_employment" in context["can_do"]:
        context.update(_pathway_forms(case, context["pathway"]))
    return render(request, "casework/case.html", context)


def _pathway_forms(case: Case, pathway: SupportedEmployment | None) -> dict[str, Any]:
    """The supported-employment section's forms: start or change the pathway, an adaptation, a coaching contact."""
    coaches = [(u.pk, u.get_full_name() or u.username) for u in selectors.counsellors_of_unit(case.unit_id)]
    initial = ({"version": pathway.version, "job_coach": pathway.job_coach_id, "needs": pathway.needs} if pathway
               else {"version": case.version})
    return {"pathway_form": PathwayForm(coaches=coaches, initial=initial, auto_id="pw-%s"),
            "adaptation_form": AdaptationForm(auto_id="ad-%s"), "coaching_form": CoachingForm(auto_id="co-%s"),
            "adaptation_statuses": WorkplaceAdaptation.Status.choices}


LAZY_FORMS: dict[str, Callable[[Case], Any]] = {
    "referral": lambda case: ReferralForm(prefix="r", unit_id=case.unit_id),
    "placement": lambda case: PlacementForm(prefix="p", unit_id=case.unit_id),
}


@require_GET
@vary_on_headers("HX-Request")
@requires(Capability.CASE_WORK)
def case_form(request: AuthedRequest, case_id: int, name: str) -> HttpResponse:
    """A form of the case page that lists many choices, read when the user opens it: the fragment for htmx,
    a page of its own without JavaScript."""
    if name not in LAZY_FORMS:
        raise NotFound(_("No such form."))
    if request.htmx:  # the fragment shows nothing of the person: scope only
        case = access.cases_for_user(request.user).filter(pk=case_id).only("pk", "unit_id", "state").first()
        if case is None:
            raise NotFound(_("No such case in your units."))
        template = f"casework/case.html#{name}_form"
    else:
        case = access.case_get_for_user(request.user, case_id, context=request.path)
        template = "casework/case_form.html"
    return render(request, template, {"case": case, "name": name, f"{name}_form": LAZY_FORMS[name](case)})


def _case_page(case_id: int) -> str:
    return reverse("casework:case", kwargs={"case_id": case_id})


@require_POST
def transition(request: AuthedRequest, case_id: int, action: str) -> HttpResponse:
    return post_form(request, TransitionForm(request.POST, prefix=action), lambda data: services.case_transition(
        actor=request.user, case_id=case_id, action=action, expected_version=data["version"],
        outcome=data["outcome"], note=data["note"]), success=_("Done."), to=_case_page(case_id))


@require_POST
def case_assign(request: AuthedRequest, case_id: int) -> HttpResponse:
    return post_form(request, AssignForm(request.POST), lambda data: services.case_assign(
        actor=request.user, case_id=case_id, counsellor_id=data["counsellor"], expected_version=data["version"]),
        success=lambda case: _("The case is now with %(name)s.") % {
            "name": case.counsellor.get_full_name() or case.counsellor.username}, to=_case_page(case_id))


@require_POST
def session_add(request: AuthedRequest, case_id: int) -> HttpResponse:
    return post_form(request, SessionForm(request.POST, prefix="s"), lambda data: services.session_record(
        actor=request.user, case_id=case_id, **data), success=_("Session recorded."), to=_case_page(case_id))


@require_POST
def plan_add(request: AuthedRequest, case_id: int) -> HttpResponse:
    return post_form(request, PlanSubmission(request.POST), lambda data: services.plan_write(
        actor=request.user, case_id=case_id, goals=data["goals"], actions=data["actions"],
        agreed_on=data["agreed_on"], expected_version=data["version"]),
        success=_("Plan saved as a new version."), to=_case_page(case_id))


@require_POST
def plan_action_done(request: AuthedRequest, case_id: int, action_id: int) -> HttpResponse:
    return post_form(request, PlanActionDoneForm(request.POST), lambda data: services.plan_action_done(
        actor=request.user, case_id=case_id, action_id=action_id, done_on=data["done_on"],
        expected_version=data["version"]), success=_("The plan's action is updated."), to=_case_page(case_id))


@require_POST
def referral_add(request: AuthedRequest, case_id: int) -> HttpResponse:
    return post_form(request, ReferralForm(request.POST, prefix="r"), lambda data: services.referral_create(
        actor=request.user, case_id=case_id, kind=data["kind"], vacancy_id=data["vacancy"],
        programme_id=data["programme"], service=data["service"], referred_on=data["referred_on"],
        consent=data["consent"]), success=_("Referral recorded."), to=_case_page(case_id))


@require_POST
def referral_decide(request: AuthedRequest, case_id: int, referral_id: int) -> HttpResponse:
    return post_form(request, ReferralDecisionForm(request.POST), lambda data: services.referral_decide(
        actor=request.user, case_id=case_id, referral_id=referral_id, status=data["status"],
        decided_on=data["decided_on"], expected_version=data["version"]),
        success=_("Outcome of the referral recorded."), to=_case_page(case_id))


@require_POST
def placement_add(request: AuthedRequest, case_id: int) -> HttpResponse:
    return post_form(request, PlacementForm(request.POST, prefix="p"), lambda data: services.placement_record(
        actor=request.user, case_id=case_id, vacancy_id=data["vacancy"], started_on=data["started_on"],
        wage_gel=data["wage_gel"], contract=data["contract"]), success=_("Placement recorded."),
        to=_case_page(case_id))


@require_POST
def follow_up_done(request: AuthedRequest, case_id: int, follow_up_id: int) -> HttpResponse:
    return post_form(request, FollowUpForm(request.POST), lambda data: services.follow_up_record(
        actor=request.user, case_id=case_id, follow_up_id=follow_up_id, done_on=data["done_on"],
        still_in_work_or_training=data["still_in_work_or_training"], notes=data["notes"],
        expected_version=data["version"]),
        success=_("Follow-up recorded."), to=_case_page(case_id))
