"""Cases of the service model over the same use cases as the case pages: registration, the workflow, plans,
sessions, referrals, placements, follow-ups, giving a case to a counsellor and transfers. Reads go through the
scoping getters (and are logged the same way); writes call one service each; refusals become problem details
(`sakme.api.errors`)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from ninja import Query, Router, Schema

from sakme.accounts.actors import Actor, AuthedRequest
from sakme.api.errors import ERRORS
from sakme.api.schemas.casework import (
    AssignIn,
    CaseDetail,
    CaseOut,
    FollowUpIn,
    FollowUpOut,
    Page,
    PlacementIn,
    PlacementOut,
    PlanActionDoneIn,
    PlanActionOut,
    PlanIn,
    PlanOut,
    ReferralDecisionIn,
    ReferralIn,
    ReferralOut,
    RegisterIn,
    SessionIn,
    SessionOut,
    TransferIn,
    TransferOut,
    TransitionIn,
)
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.casework import access, selectors, services
from sakme.casework.models import Case, EmploymentPlan, FollowUp, Placement, Referral
from sakme.geo.access import unit_id_of_code

router = Router(tags=["cases"])


def case_out(case: Case, user: Actor) -> dict[str, Any]:
    """A case as the API shows it, with what the caller may do on it now (the workflow's tables)."""
    person = case.job_seeker.person
    transitions, activities = selectors.open_to(case=case, user=user)
    return {"id": case.pk, "person_id": person.pk, "job_seeker_id": case.job_seeker_id,
            "job_seeker_name": person.full_name, "unit": case.unit.code, "state": case.state, "outcome": case.outcome,
            "version": case.version, "counsellor_id": case.counsellor_id, "opened_on": case.opened_on,
            "state_since": case.state_since, "allowed_actions": [t.action for t in transitions],
            "open_activities": sorted(activities)}


def plan_out(plan: EmploymentPlan) -> dict[str, Any]:
    return {"id": plan.pk, "number": plan.number, "goals": plan.goals, "agreed_on": plan.agreed_on,
            "written_on": plan.created_at.date(),
            "actions": [action_out(a) for a in plan.actions.all()]}


def action_out(action: Any) -> dict[str, Any]:
    return {"id": action.pk, "description": action.description, "due_on": action.due_on,
            "responsible": action.responsible, "done_on": action.done_on}


def referral_out(r: Referral) -> dict[str, Any]:
    return {"id": r.pk, "case_id": r.case_id, "kind": r.kind, "status": r.status, "referred_on": r.referred_on,
            "vacancy_id": r.vacancy_id, "programme_id": r.programme_id, "service": r.service,
            "consent_on": r.consent_on, "sent_on": r.sent_on, "outcome_on": r.outcome_on, "version": r.version}


def placement_out(p: Placement) -> dict[str, Any]:
    return {"id": p.pk, "employer_id": p.employer_id, "vacancy_id": p.vacancy_id, "started_on": p.started_on,
            "wage_gel": p.wage_gel, "contract": p.contract}


def follow_up_out(f: FollowUp) -> dict[str, Any]:
    return {"id": f.pk, "months": f.months, "due_on": f.due_on, "done_on": f.done_on,
            "still_in_work_or_training": f.still_in_work_or_training, "notes": f.notes, "version": f.version}


def _read(request: AuthedRequest, case_id: int, response: HttpResponse | None = None) -> Case:
    """The case through the scoping getter (an access event), with its version as the ETag."""
    case = access.case_get_for_user(request.user, case_id, kind=AccessKind.API, context=request.path)
    if response is not None:
        response["ETag"] = f'"{case.version}"'
    return case


def _detail(request: AuthedRequest, case_id: int, response: HttpResponse) -> dict[str, Any]:
    case = _read(request, case_id, response)
    page = selectors.case_page(case=case, user=request.user)
    return {**case_out(case, request.user), "plan": plan_out(page["plan"]) if page["plan"] else None,
            "sessions": [{"id": s.pk, "kind": s.kind, "held_on": s.held_on, "notes": s.notes}
                         for s in page["sessions"]],
            "referrals": [referral_out(r) for r in page["referrals"]],
            "placements": [placement_out(p) for p in page["placements"]],
            "follow_ups": [follow_up_out(f) for f in page["follow_ups"]],
            "transferred_from_id": case.transferred_from_id}


class CaseListQuery(Schema):
    state: str = selectors.OPEN
    after: str = ""


@router.get("/cases", response={200: Page[CaseOut], **ERRORS})
def case_list(request: AuthedRequest, params: Query[CaseListQuery]) -> Any:
    """Cases of the caller's units, open ones unless `state` says otherwise (a state, or `all`), oldest in their
    state first, 50 a page (pass `next` as `after` for the following page)."""
    page = selectors.case_list(user=request.user, state=params.state, after=params.after)
    audit.record_access(actor=request.user, kind=AccessKind.API, context=request.path,
                        person_ids=[c.job_seeker.person.pk for c in page.cases])
    return {"items": [case_out(c, request.user) for c in page.cases], "next": page.after}


@router.get("/cases/{case_id}", response={200: CaseDetail, **ERRORS})
def case_detail(request: AuthedRequest, case_id: int, response: HttpResponse) -> Any:
    """One case with its current plan, the latest sessions and referrals, placements and follow-ups."""
    return _detail(request, case_id, response)


@router.post("/job-seekers", response={200: CaseOut, **ERRORS})
def register(request: AuthedRequest, payload: RegisterIn) -> Any:
    """Register a registry person as a job seeker (at their unit, else the caller's) and open the case; a person
    registered before gets a new case on their profile."""
    data = payload.dict()
    case = services.case_register(actor=request.user, context=request.path, **data)
    return case_out(_read(request, case.pk), request.user)


@router.post("/cases/{case_id}/transitions", response={200: CaseDetail, **ERRORS})
def case_transition(request: AuthedRequest, case_id: int, payload: TransitionIn, response: HttpResponse) -> Any:
    """Move the case along the workflow (`allowed_actions`); 409 when it changed since `expected_version`."""
    services.case_transition(actor=request.user, case_id=case_id, action=payload.action,
                             expected_version=payload.expected_version, outcome=payload.outcome, note=payload.note)
    return _detail(request, case_id, response)


@router.post("/cases/{case_id}/assign", response={200: CaseDetail, **ERRORS})
def case_assign(request: AuthedRequest, case_id: int, payload: AssignIn, response: HttpResponse) -> Any:
    """Give an open case to a counsellor of its unit: unit heads for any case, a counsellor only an unassigned one
    for themselves; 409 when the case changed since `expected_version`."""
    services.case_assign(actor=request.user, case_id=case_id, counsellor_id=payload.counsellor_id,
                         expected_version=payload.expected_version)
    return _detail(request, case_id, response)


@router.post("/cases/{case_id}/transfer", response={200: TransferOut, **ERRORS})
def case_transfer(request: AuthedRequest, case_id: int, payload: TransferIn) -> Any:
    """Hand an open case to another unit (by the unit's code): this case closes as transferred, the receiving
    unit continues a new case from the same state; 409 when the case changed since `expected_version`."""
    successor = services.case_transfer(actor=request.user, case_id=case_id,
                                       to_unit_id=unit_id_of_code(payload.to_unit) or 0,
                                       reason=payload.reason, expected_version=payload.expected_version)
    return {"case": case_out(_read(request, case_id), request.user), "new_case_id": successor.pk,
            "to_unit": successor.unit.code}


@router.post("/cases/{case_id}/sessions", response={200: SessionOut, **ERRORS})
def session_record(request: AuthedRequest, case_id: int, payload: SessionIn) -> Any:
    """Record an individual counselling, career-planning or supported-employment session."""
    s = services.session_record(actor=request.user, case_id=case_id, held_on=payload.held_on, kind=payload.kind,
                                notes=payload.notes)
    return {"id": s.pk, "kind": s.kind, "held_on": s.held_on, "notes": s.notes}


@router.get("/cases/{case_id}/plans", response={200: list[PlanOut], **ERRORS})
def plan_list(request: AuthedRequest, case_id: int) -> Any:
    """Every version of the case's individual employment plan, the current one first."""
    case = _read(request, case_id)
    return [plan_out(p) for p in case.plans.prefetch_related("actions").order_by("-number")]


@router.post("/cases/{case_id}/plans", response={200: PlanOut, **ERRORS})
def plan_write(request: AuthedRequest, case_id: int, payload: PlanIn) -> Any:
    """Write a new version of the plan (earlier ones are kept); 409 when the case changed since
    `expected_version`."""
    plan = services.plan_write(actor=request.user, case_id=case_id, goals=payload.goals,
                               agreed_on=payload.agreed_on, expected_version=payload.expected_version,
                               actions=[a.dict() for a in payload.actions])
    return plan_out(plan)


@router.post("/cases/{case_id}/plan-actions/{action_id}", response={200: PlanActionOut, **ERRORS})
def plan_action_done(request: AuthedRequest, case_id: int, action_id: int, payload: PlanActionDoneIn) -> Any:
    """Tick off an action of the current plan (`done_on`), or untick it (null)."""
    action = services.plan_action_done(actor=request.user, case_id=case_id, action_id=action_id,
                                       done_on=payload.done_on, expected_version=payload.expected_version)
    return action_out(action)


@router.post("/cases/{case_id}/referrals", response={200: ReferralOut, **ERRORS})
def referral_create(request: AuthedRequest, case_id: int, payload: ReferralIn) -> Any:
    """Refer the job seeker to an open vacancy of the case's unit (with consent), a training programme (into
    the intake that takes referrals that day, while it has places), supported employment or another service."""
    return referral_out(services.referral_create(actor=request.user, case_id=case_id, **payload.dict()))


@router.post("/cases/{case_id}/referrals/{referral_id}/decision", response={200: ReferralOut, **ERRORS})
def referral_decide(request: AuthedRequest, case_id: int, referral_id: int, payload: ReferralDecisionIn) -> Any:
    """Record the outcome of one of the case's referrals; 409 when it changed since `expected_version`."""
    referral = services.referral_decide(actor=request.user, case_id=case_id, referral_id=referral_id,
                                        status=payload.status, expected_version=payload.expected_version,
                                        decided_on=payload.decided_on)
    return referral_out(referral)


@router.post("/cases/{case_id}/placements", response={200: PlacementOut, **ERRORS})
def placement_record(request: AuthedRequest, case_id: int, payload: PlacementIn) -> Any:
    """Record that the job seeker started work (through a vacancy of the unit, or an employer found otherwise)."""
    return placement_out(services.placement_record(actor=request.user, case_id=case_id, **payload.dict()))


@router.post("/cases/{case_id}/follow-ups/{follow_up_id}", response={200: FollowUpOut, **ERRORS})
def follow_up_record(request: AuthedRequest, case_id: int, follow_up_id: int, payload: FollowUpIn) -> Any:
    """Record (or correct) a 3-, 6- or 12-month follow-up; 409 when it changed since `expected_version`."""
    return follow_up_out(services.follow_up_record(actor=request.user, case_id=case_id, follow_up_id=follow_up_id,
                                                   **payload.dict()))

