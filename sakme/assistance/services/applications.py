"""An application's life: the declaration at a unit, then each step of the workflow table (`workflow.py`), dated,
audited and recorded as a Step with who took it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.models import User
from sakme.accounts.roles import Capability, Role
from sakme.assistance import formula as scoring
from sakme.assistance.models import Application, Channel, RefusalReason, Score, State, Step
from sakme.assistance.rules import benefit_for, benefit_rules_on
from sakme.assistance.workflow import TRANSITIONS, TransitionRefused, plan_transition
from sakme.audit import services as audit
from sakme.common.errors import ConcurrentEdit, DomainError
from sakme.geo.access import home_unit, require, scope_check
from sakme.geo.models import StaffPost
from sakme.registry.access import person_get_for_user
from sakme.registry.models import Enrolment, EnrolmentStatus, Household, Membership, ScoreOrigin, SourceSystem

# Where an application stands for good: a new one of the household may start.
SETTLED = frozenset({State.PAID, State.REFUSED, State.WITHDRAWN})


def today() -> dt.date:
    return timezone.localdate()


@dataclass
class Details:
    """What a step may carry, as the page or the API parsed it; each action reads what it needs."""

    on: dt.date | None = None
    visit_on: dt.date | None = None
    agent_id: int | None = None
    answers: dict[str, Any] = field(default_factory=dict)
    reason: str = ""
    note: str = ""


def _formula_on(day: dt.date) -> Any:
    found = scoring.formula_on(day)
    if found is None:
        raise DomainError(_("No rating-score formula is in force on %(day)s: load the rules first.") % {"day": day},
                          code="no_formula")
    return found


def _household_of(person: Any, unit_id: int) -> Household:
    """The applicant's household, or a new one with the applicant at its head."""
    membership = Membership.objects.select_related("household").filter(person=person).first()
    if membership is not None:
        return membership.household
    household = Household.objects.create(source=SourceSystem.objects.get(code="ssa"), key=f"SAKME-{person.pk}",
                                         unit_id=unit_id, municipality_id=person.municipality_id,
                                         address=person.address)
    Membership.objects.create(household=household, person=person, relation="head")
    return household


@transaction.atomic
def application_declare(*, actor: Actor, person_id: int, declaration: dict[str, Any],
                        declared_on: dt.date | None = None, channel: str = Channel.UNIT,
                        context: str = "") -> Application:
    """A household applies, through one of its members, at the unit: the declaration's answers are checked against
    the formula in force that day. One unsettled application per household."""
    require(actor, Capability.APPLICATION_WORK)
    person = person_get_for_user(actor, person_id, context=context)
    day = declared_on or today()
    if day > today():
        raise DomainError(_("A declaration cannot be dated in the future."), code="date_in_future")
    own = home_unit(actor) if isinstance(actor, User) else None
    unit_id = person.unit_id or (own.pk if own else None)
    if unit_id is None:
        raise DomainError(_("The person has no territorial unit and you are not posted to one."), code="no_unit")
    require(actor, Capability.APPLICATION_WORK, unit=unit_id)
    if channel not in Channel.values:
        raise DomainError(_("Choose the channel: at the unit or online."), code="channel_unknown")
    answers = scoring.answers_clean(_formula_on(day), declaration)
    household = Household.objects.select_for_update().get(pk=_household_of(person, unit_id).pk)
    if Application.objects.filter(household=household).exclude(state__in=SETTLED).exists():
        raise DomainError(_("This household already has an application in progress."), code="application_open")
    application = Application.objects.create(unit_id=unit_id, household=household, applicant=person, channel=channel,
                                             state=State.DECLARED, state_since=day, declared_on=day,
                                             declaration=answers)
    Step.objects.create(application=application, action="declare", from_state=State.DECLARED,
                        to_state=State.DECLARED, on=day, by=acting_user(actor))
    audit.record(actor=actor, action="application.declare", entity_type="assistance.application",
                 entity_id=application.pk, changes={"household": household.pk, "unit": unit_id, "on": str(day)})
    return application


def _locked(actor: Actor, application_id: int, expected_version: int | None) -> Application:
    application = (Application.objects.select_for_update(of=("self",))
                   .select_related("household__unit__region", "unit__region").filter(pk=application_id).first())
    scope_check(actor, application.unit_id if application else None, _("No such application in your units."))
    assert application is not None
    if expected_version is not None and application.version != expected_version:
        raise ConcurrentEdit(_("Someone else changed this application a moment ago. Reload it and take the step "
                               "again."))
    return application


def _schedule_visit(actor: Actor, a: Application, d: Details) -> dict[str, Any]:
    if d.visit_on is None or d.visit_on < d.on:  # type: ignore[operator]
        raise DomainError(_("Give the day of the visit: the day it is scheduled or later."), code="visit_day")
    if d.agent_id is not None and not StaffPost.objects.filter(user_id=d.agent_id, unit_id=a.unit_id,
                                                                user__role=Role.SOCIAL_AGENT).exists():
        raise DomainError(_("Choose a social agent posted to this application's unit."), code="agent_not_of_unit")
    a.visit_on, a.agent_id = d.visit_on, d.agent_id
    return {"visit_on": str(d.visit_on), "agent": d.agent_id}


def _record_visit(actor: Actor, a: Application, d: Details) -> dict[str, Any]:
    a.answers = scoring.answers_clean(_formula_on(d.on), d.answers)  # type: ignore[arg-type]
    a.visited_on = d.on
    user = acting_user(actor)
    if user is not None:
        a.agent = user
    return {"visited_on": str(d.on), "answers": a.answers}


def _compute_score(actor: Actor, a: Application, d: Details) -> dict[str, Any]:
    assert a.visited_on is not None
    version = _formula_on(a.visited_on)
    computed = scoring.compute(version, a.answers, a.household.unit.region.code if a.household.unit else
                               a.unit.region.code)
    score = Score.objects.create(application=a, formula=version, visited_on=a.visited_on, value=computed.value,
                                 lines=computed.lines, computed_by=acting_user(actor))
    return {"score": score.value, "formula": version.version}


def _benefit(a: Application, day: dt.date) -> Any:
    rules = benefit_rules_on(day)
    if rules is None:
        raise DomainError(_("No benefit rules are in force on %(day)s: load the rules first.") % {"day": day},
                          code="no_benefit_rules")
    score = a.score
    assert score is not None
    members, children = scoring.members_of(score.formula, a.answers)
    return score, benefit_for(rules, score.value, members, children)


def _decide(actor: Actor, a: Application, d: Details) -> dict[str, Any]:
    score, benefit = _benefit(a, d.on)  # type: ignore[arg-type]
    if benefit is None:
        raise TransitionRefused(_("The score %(s)s is above the last band: refuse with the reason “the rating score "
                                  "is above the last band”.") % {"s": score.value}, code="score_above_bands")
    a.decided_on, a.amount_gel, a.refusal_reason = d.on, benefit.total_gel, ""
    enrolment, _created = Enrolment.objects.update_or_create(
        household=a.household, assessment_date=score.visited_on,
        defaults={"rating_score": score.value, "status": EnrolmentStatus.ACTIVE, "origin": ScoreOrigin.COMPUTED})
    a.enrolment = enrolment
    return {"band": benefit.band, "amount_gel": str(benefit.total_gel), "enrolment": enrolment.pk}


def _refuse(actor: Actor, a: Application, d: Details) -> dict[str, Any]:
    if d.reason == RefusalReason.SCORE_TOO_HIGH:
        score, benefit = _benefit(a, d.on)  # type: ignore[arg-type]
        if benefit is not None:
            raise TransitionRefused(_("The score %(s)s is within band %(b)s: the household is eligible.")
                                    % {"s": score.value, "b": benefit.band}, code="score_within_band")
    a.decided_on, a.amount_gel, a.refusal_reason = d.on, None, d.reason
    if a.enrolment_id is not None:
        Enrolment.objects.filter(pk=a.enrolment_id).update(status=EnrolmentStatus.TERMINATED)
    return {"reason": d.reason}


def _record_payment(actor: Actor, a: Application, d: Details) -> dict[str, Any]:
    a.first_paid_on = d.on
    return {"first_paid_on": str(d.on), "amount_gel": str(a.amount_gel)}


def _appeal(actor: Actor, a: Application, d: Details) -> dict[str, Any]:
    if not d.note.strip():
        raise DomainError(_("Say what the household disputes."), code="note_missing")
    a.appealed_on = d.on
    return {"appealed_on": str(d.on)}


def _withdraw(actor: Actor, a: Application, d: Details) -> dict[str, Any]:
    return {}


STEPS: dict[str, Callable[[Actor, Application, Details], dict[str, Any]]] = {
    "schedule_visit": _schedule_visit, "record_visit": _record_visit, "compute_score": _compute_score,
    "decide": _decide, "refuse": _refuse, "record_payment": _record_payment, "appeal": _appeal,
    "withdraw": _withdraw,
}


@transaction.atomic
def application_act(*, actor: Actor, application_id: int, action: str, expected_version: int | None,
                    details: Details | None = None) -> Application:
    """Take one step of the workflow table on an application (or refuse saying why), dated `details.on` (today by
    default: not in the future, not before the step it follows)."""
    d = details or Details()
    known = TRANSITIONS.get(action)
    require(actor, known.capability if known else (Capability.APPLICATION_WORK, Capability.HOME_VISIT))
    a = _locked(actor, application_id, expected_version)
    transition = plan_transition(a, action, d.reason)
    d.on = d.on or today()
    if d.on > today():
        raise DomainError(_("A step cannot be dated in the future."), code="date_in_future")
    if d.on < a.state_since:
        raise DomainError(_("A step cannot be dated before the one it follows (%(day)s).") % {"day": a.state_since},
                          code="date_before_previous_step")
    before = a.state
    changes = STEPS[action](actor, a, d)
    a.state, a.state_since = transition.target, d.on
    a.version += 1
    a.save()
    Step.objects.create(application=a, action=action, from_state=before, to_state=a.state, on=d.on,
                        by=acting_user(actor), note=d.note[:300] or d.reason)
    audit.record(actor=actor, action=f"application.{action}", entity_type="assistance.application",
                 entity_id=a.pk, changes={"from": before, "to": a.state, "on": str(d.on), **changes})
    return a

