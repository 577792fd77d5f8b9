"""Social-assistance applications over the same use cases as their pages: the declaration, each step of the
workflow, the score explained, the late list, and the rules. Reads go through the scoping getters and are logged."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.utils import timezone
from ninja import Query, Router

from sakme.accounts.actors import Actor, AuthedRequest
from sakme.accounts.roles import Capability
from sakme.api.errors import ERRORS
from sakme.api.paging import keyset_page
from sakme.api.schemas.assistance import (
    ApplicationDetail,
    ApplicationIn,
    ApplicationListQuery,
    ApplicationOut,
    BenefitRulesOut,
    FormulaOut,
    LateQuery,
    StepIn,
)
from sakme.api.schemas.casework import Page
from sakme.assistance import selectors
from sakme.assistance.access import application_get_for_user, applications_for_user
from sakme.assistance.models import Application, BenefitRules, Formula, State
from sakme.assistance.services.applications import Details, application_act, application_declare
from sakme.assistance.workflow import allowed_actions
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.geo.access import require, unit_id_of_code

router = Router(tags=["applications"])


def application_out(a: Application, user: Actor) -> dict[str, Any]:
    due = selectors.due_of(a, timezone.localdate())
    return {"id": a.pk, "unit": a.unit.code, "household_id": a.household_id, "applicant_id": a.applicant_id,
            "applicant_name": a.applicant.full_name, "state": a.state, "state_since": a.state_since,
            "declared_on": a.declared_on, "visit_on": a.visit_on, "visited_on": a.visited_on,
            "decided_on": a.decided_on, "amount_gel": a.amount_gel, "refusal_reason": a.refusal_reason,
            "first_paid_on": a.first_paid_on, "appealed_on": a.appealed_on, "version": a.version,
            "due": asdict(due) if due else None,
            "allowed_actions": [t.action for t in allowed_actions(a) if user.can(t.capability)]}


def _detail(request: AuthedRequest, application_id: int) -> dict[str, Any]:
    a = application_get_for_user(request.user, application_id, kind=AccessKind.API, context=request.path)
    page = selectors.application_page(application=a, user=request.user, today=timezone.localdate())
    score = page.score
    return {**application_out(a, request.user), "declaration": a.declaration, "answers": a.answers,
            "keeps_status_until": page.keeps_status_until,
            "score": {"value": score.value, "formula_version": score.formula.version, "visited_on": score.visited_on,
                      "lines": [asdict(line) for line in page.lines]} if score else None,
            "steps": [{"action": s.action, "from_state": s.from_state, "to_state": s.to_state, "on": s.on,
                       "by": s.by.username if s.by else None, "note": s.note} for s in a.steps.all()]}


@router.get("/applications", response={200: Page[ApplicationOut], **ERRORS})
def application_list(request: AuthedRequest, params: Query[ApplicationListQuery]) -> Any:
    """Applications of the caller's units (a state, or all), 50 a page in id order (pass `next` as `after`)."""
    found = applications_for_user(request.user).select_related("applicant", "unit")
    if params.state in State.values:
        found = found.filter(state=params.state)
    items, after = keyset_page(found, after=params.after)
    audit.record_access(actor=request.user, kind=AccessKind.API, context=request.path,
                        person_ids=selectors.listed_person_ids(items))
    return {"items": [application_out(a, request.user) for a in items], "next": after}


@router.post("/applications", response={200: ApplicationDetail, **ERRORS})
def application_create(request: AuthedRequest, payload: ApplicationIn) -> Any:
    """A household applies through one of its members: the declaration's answers (the formula's variables)."""
    made = application_declare(actor=request.user, person_id=payload.person_id, declaration=payload.declaration,
                               declared_on=payload.declared_on, channel=payload.channel, context=request.path)
    return _detail(request, made.pk)


@router.get("/applications/{application_id}", response={200: ApplicationDetail, **ERRORS})
def application_detail(request: AuthedRequest, application_id: int) -> Any:
    """One application: its steps, answers, the score line by line, and what the caller may do next."""
    return _detail(request, application_id)


@router.post("/applications/{application_id}/steps/{action}", response={200: ApplicationDetail, **ERRORS})
def application_step(request: AuthedRequest, application_id: int, action: str, payload: StepIn) -> Any:
    """Take one step of the workflow (`allowed_actions`); 409 when it changed since `expected_version`."""
    application_act(actor=request.user, application_id=application_id, action=action,
                    expected_version=payload.expected_version,
                    details=Details(on=payload.on, visit_on=payload.visit_on, agent_id=payload.agent_id,
                                    answers=payload.answers, reason=payload.reason, note=payload.note))
    return _detail(request, application_id)


@router.get("/applications-late", response={200: list[ApplicationOut], **ERRORS})
def application_late(request: AuthedRequest, params: Query[LateQuery]) -> Any:
    """Open applications of the caller's units whose step is past its service level, the latest first."""
    found = selectors.late_applications_for_user(request.user, today=timezone.localdate(),
                                                 unit_id=unit_id_of_code(params.unit) if params.unit else None)
    applications = [late.application for late in found]
    audit.record_access(actor=request.user, kind=AccessKind.API, context=request.path,
                        person_ids=selectors.listed_person_ids(applications))
    return [application_out(a, request.user) for a in applications]


@router.get("/assistance-formulas", response={200: list[FormulaOut], **ERRORS})
def formula_list(request: AuthedRequest) -> Any:
    """The rating-score formula's versions, the latest first."""
    require(request.user, Capability.FORMULA_VIEW)
    return [{**{f: getattr(x, f) for f in ("version", "valid_from", "illustrative", "intercept", "variables",
                                           "region_coefficients", "members", "children")}, "title": x.title}
            for x in Formula.objects.order_by("-valid_from")]


@router.get("/assistance-benefit-rules", response={200: list[BenefitRulesOut], **ERRORS})
def benefit_rules_list(request: AuthedRequest) -> Any:
    """The benefit rules' versions, the latest first."""
    require(request.user, Capability.FORMULA_VIEW)
    return list(BenefitRules.objects.order_by("-valid_from"))
