"""What is recorded on a case: counselling sessions, the individual employment plan (versions, actions done),
placements and follow-ups. Each checks the activity against the workflow's table of what each state allows."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.casework.models import CounsellingSession, EmploymentPlan, FollowUp, Placement, PlanAction
from sakme.casework.services.locking import case_locked, touch, version_check
from sakme.casework.workflow import activity_check
from sakme.common.errors import DomainError, NotFound
from sakme.employment.models import Employer, Vacancy


@transaction.atomic
def session_record(*, actor: Actor, case_id: int, held_on: dt.date, kind: str = CounsellingSession.Kind.COUNSELLING,
                   notes: str = "") -> CounsellingSession:
    """Record an individual counselling, career-planning or supported-employment session."""
    case = case_locked(actor, case_id, None)
    activity_check(case, "session")
    if kind not in CounsellingSession.Kind.values:
        raise DomainError(_("Choose the kind of session."), code="session_kind_unknown")
    session = CounsellingSession.objects.create(case=case, kind=kind, held_on=held_on, notes=notes,
                                                counsellor=acting_user(actor))
    touch(case)
    audit.record(actor=actor, action="session.record", entity_type="casework.case", entity_id=case.pk,
                 changes={"kind": kind, "held_on": held_on.isoformat()})
    return session


@transaction.atomic
def plan_write(*, actor: Actor, case_id: int, goals: str, actions: list[dict[str, Any]], expected_version: int,
               agreed_on: dt.date | None = None) -> EmploymentPlan:
    """Write a new version of the individual employment plan (earlier versions are kept); the case's version the
    user saw must be current, so a plan written meanwhile by someone else is not silently replaced."""
    case = case_locked(actor, case_id, expected_version)
    activity_check(case, "plan")
    if not goals.strip():
        raise DomainError(_("Write the plan's goals."), code="plan_goals_missing")
    responsible = PlanAction.Responsible.values
    if any(a.get("responsible", PlanAction.Responsible.JOB_SEEKER) not in responsible for a in actions):
        raise DomainError(_("Say who is responsible for each action: the job seeker or the counsellor."),
                          code="plan_action_invalid")
    latest = case.plans.order_by("-number").first()
    plan = EmploymentPlan.objects.create(case=case, number=(latest.number + 1) if latest else 1, goals=goals,
                                         agreed_on=agreed_on, written_by=acting_user(actor))
    PlanAction.objects.bulk_create(PlanAction(plan=plan, description=a["description"], due_on=a["due_on"],
                                              responsible=a.get("responsible", PlanAction.Responsible.JOB_SEEKER))
                                   for a in actions)
    touch(case)
    audit.record(actor=actor, action="plan.write", entity_type="casework.case", entity_id=case.pk,
                 changes={"version": plan.number, "actions": len(actions)})
    return plan


@transaction.atomic
def plan_action_done(*, actor: Actor, case_id: int, action_id: int, done_on: dt.date | None,
                     expected_version: int) -> PlanAction:
    """Tick off an action of the case's current plan (or untick it with `done_on` None)."""
    case = case_locked(actor, case_id, expected_version)
    activity_check(case, "plan_action")
    action = PlanAction.objects.select_related("plan").filter(pk=action_id, plan__case=case).first()
    if action is None:
        raise NotFound(_("No such action in this case's plan."))
    if case.plans.filter(number__gt=action.plan.number).exists():
        raise DomainError(_("Only the actions of the current plan are ticked off."), code="plan_superseded")
    action.done_on = done_on
    action.save(update_fields=["done_on"])
    touch(case)
    audit.record(actor=actor, action="plan.action_done", entity_type="casework.case", entity_id=case.pk,
                 changes={"action": action.pk, "done_on": done_on.isoformat() if done_on else None})
    return action


@transaction.atomic
def placement_record(*, actor: Actor, case_id: int, started_on: dt.date, vacancy_id: int | None = None,
                     employer_id: int | None = None, wage_gel: Decimal | None = None,
                     contract: str = Placement.Contract.PERMANENT) -> Placement:
    """Record that the job seeker started work, through a vacancy of the case's unit or with an employer found on
    their own; the vacancy closes as filled when its last position is taken."""
    case = case_locked(actor, case_id, None, (Capability.CASE_WORK, Capability.EMPLOYER_SERVICES))
    activity_check(case, "placement")
    vacancy = None
    if vacancy_id is not None:
        vacancy = Vacancy.objects.select_for_update().filter(pk=vacancy_id, unit_id=case.unit_id).first()
        if vacancy is None:
            raise NotFound(_("No such vacancy at this case's unit."))
    employer: Employer | None = vacancy.employer if vacancy is not None else None
    if employer is None and employer_id is not None:
        employer = Employer.objects.filter(pk=employer_id).first()
    if employer is None:
        raise DomainError(_("Name the employer."), code="employer_missing")
    if contract not in Placement.Contract.values:
        raise DomainError(_("Choose the kind of contract."), code="contract_unknown")
    placement = Placement.objects.create(case=case, employer=employer, vacancy=vacancy, started_on=started_on,
                                         wage_gel=wage_gel, contract=contract)
    if vacancy is not None and vacancy.placements.count() >= vacancy.positions:
        vacancy.status = Vacancy.Status.FILLED
        vacancy.save(update_fields=["status"])
    touch(case)
    audit.record(actor=actor, action="placement.record", entity_type="casework.case", entity_id=case.pk,
                 changes={"employer": employer.pk, "vacancy": vacancy_id, "started_on": started_on.isoformat()})
    return placement


@transaction.atomic
def follow_up_record(*, actor: Actor, case_id: int, follow_up_id: int, done_on: dt.date,
                     still_in_work_or_training: bool, expected_version: int, notes: str = "") -> FollowUp:
    """Record (or correct) a 3-, 6- or 12-month follow-up of the case; a stale version is refused."""
    case = case_locked(actor, case_id, None)
    activity_check(case, "follow_up")
    follow_up = FollowUp.objects.select_for_update().filter(pk=follow_up_id, case=case).first()
    if follow_up is None:
        raise NotFound(_("No such follow-up on this case."))
    version_check(follow_up.version, expected_version, _("Someone else recorded this follow-up a moment ago. "
                                                         "Reload the case."))
    follow_up.done_on, follow_up.still_in_work_or_training, follow_up.notes = done_on, still_in_work_or_training, notes
    follow_up.version += 1
    follow_up.save()
    touch(case)
    audit.record(actor=actor, action="follow_up.record", entity_type="casework.case", entity_id=case.pk,
                 changes={"months": follow_up.months, "still": still_in_work_or_training})
    return follow_up
