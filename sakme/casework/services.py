"""Writes of casework. Each service locks what it changes, checks the version the user saw (so concurrent
edits are refused, never lost), checks permission and unit, and writes its audit event."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.models import User
from sakme.accounts.roles import Capability, Role
from sakme.audit import services as audit
from sakme.casework.clocks import add_months
from sakme.casework.intakes import TAKING_A_PLACE, programme_referral_check
from sakme.casework.models import (
    Case,
    CaseEvent,
    CounsellingSession,
    EmploymentPlan,
    FollowUp,
    GroupParticipant,
    GroupSession,
    Outcome,
    Placement,
    PlanAction,
    Referral,
    State,
)
from sakme.casework.workflow import FOLLOW_UP_MONTHS, OPEN_STATES, plan_transition
from sakme.common.errors import ConcurrentEdit, DomainError, PermissionDenied
from sakme.employment.models import JobSeeker, TrainingProgramme, Vacancy
from sakme.employment.services import require
from sakme.geo.models import TerritorialUnit


def _today() -> dt.date:
    return timezone.localdate()


def _locked(actor: Any, case_id: int, expected_version: int | None,
            capability: Capability | tuple[Capability, ...] = Capability.CASE_WORK) -> Case:
    """The case, locked for this transaction, after permission, unit and version checks."""
    case = Case.objects.select_for_update().get(pk=case_id)
    require(actor, capability, case.unit_id)
    if expected_version is not None and case.version != expected_version:
        raise ConcurrentEdit(_("Someone else changed this case a moment ago. Reload it and apply your change again."))
    return case


def _touch(case: Case) -> None:
    case.version += 1
    case.save(update_fields=["version", "updated_at"])


@transaction.atomic
def case_open(*, actor: Any, job_seeker: JobSeeker, unit: TerritorialUnit | None = None,
              opened_on: dt.date | None = None, counsellor: Any = None) -> Case:
    """Open a case for a job seeker at a unit (one open case per job seeker)."""
    unit = unit or job_seeker.unit
    require(actor, Capability.CASE_WORK, unit.pk)
    if Case.objects.filter(job_seeker=job_seeker).exclude(state=State.CLOSED).exists():
        raise DomainError(_("This job seeker already has an open case."))
    day = opened_on or _today()
    case = Case.objects.create(job_seeker=job_seeker, unit=unit, opened_on=day, state_since=day,
                               counsellor=counsellor or (actor if actor else None))
    CaseEvent.objects.create(case=case, action="open", from_state=State.REGISTERED, to_state=State.REGISTERED,
                             by=actor if actor else None)
    audit.record(actor=actor, action="case.open", entity_type="casework.case", entity_id=case.pk,
                 changes={"job_seeker": job_seeker.pk, "unit": unit.code})
    return case


def counsellors_of_unit(unit_id: int) -> QuerySet[User]:
    """Active counsellors posted to a unit: those a case of the unit may be given to."""
    return User.objects.filter(is_active=True, role=Role.COUNSELLOR, posts__unit_id=unit_id).distinct() \
        .order_by("last_name", "first_name", "username")


@transaction.atomic
def case_assign(*, actor: Any, case_id: int, counsellor: Any, expected_version: int | None = None) -> Case:
    """Give a case to a counsellor of its unit: the unit head for any case; a counsellor only takes an unassigned
    case for themselves (a case that arrived by transfer, say)."""
    case = _locked(actor, case_id, expected_version)
    if case.state not in OPEN_STATES:
        raise DomainError(_("Only an open case can be given to a counsellor."))
    if not counsellors_of_unit(case.unit_id).filter(pk=counsellor.pk).exists():
        raise DomainError(_("Choose a counsellor posted to this case's unit."))
    if actor is not None and actor.role != Role.UNIT_HEAD and not (
            actor.pk == counsellor.pk and case.counsellor_id is None):
        raise PermissionDenied(_("Only the unit head gives cases to counsellors; a counsellor may take an "
                                 "unassigned case."))
    before = case.counsellor_id
    case.counsellor = counsellor
    case.version += 1
    case.save(update_fields=["counsellor", "version", "updated_at"])
    CaseEvent.objects.create(case=case, action="assign", from_state=case.state, to_state=case.state,
                             by=actor if actor else None, note=counsellor.get_full_name() or counsellor.username)
    audit.record(actor=actor, action="case.assign", entity_type="casework.case", entity_id=case.pk,
                 changes={"counsellor": [before, counsellor.pk]})
    return case


@transaction.atomic
def case_transition(*, actor: Any, case_id: int, action: str, expected_version: int | None = None,
                    outcome: str = "", note: str = "", on: dt.date | None = None) -> Case:
    """Move a case along the workflow table (`workflow.TRANSITIONS`), or refuse saying why."""
    case = _locked(actor, case_id, expected_version)
    transition = plan_transition(case, action, outcome)
    day = on or _today()
    before = case.state
    case.state = transition.target
    case.state_since = day
    if transition.sets_outcome:
        case.outcome = outcome
    if transition.target == State.CLOSED:
        case.closed_on = day
    case.version += 1
    case.save()
    if transition.target == State.FOLLOW_UP:
        FollowUp.objects.bulk_create(FollowUp(case=case, months=m, due_on=add_months(day, m))
                                     for m in FOLLOW_UP_MONTHS)
    CaseEvent.objects.create(case=case, action=action, from_state=before, to_state=case.state,
                             by=actor if actor else None, note=note)
    audit.record(actor=actor, action=f"case.{action}", entity_type="casework.case", entity_id=case.pk,
                 changes={"from": before, "to": case.state, "outcome": case.outcome, "note": note})
    return case


@transaction.atomic
def session_record(*, actor: Any, case_id: int, held_on: dt.date, kind: str = CounsellingSession.Kind.COUNSELLING,
                   notes: str = "") -> CounsellingSession:
    """Record an individual counselling, career-planning or supported-employment session."""
    case = _locked(actor, case_id, None)
    session = CounsellingSession.objects.create(case=case, kind=kind, held_on=held_on, notes=notes,
                                                counsellor=actor if actor else None)
    _touch(case)
    audit.record(actor=actor, action="session.record", entity_type="casework.case", entity_id=case.pk,
                 changes={"kind": kind, "held_on": held_on.isoformat()})
    return session


@transaction.atomic
def plan_write(*, actor: Any, case_id: int, goals: str, actions: list[dict[str, Any]],
               expected_version: int | None = None, agreed_on: dt.date | None = None) -> EmploymentPlan:
    """Write a new version of the individual employment plan (earlier versions are kept)."""
    case = _locked(actor, case_id, expected_version)
    if case.state not in OPEN_STATES:
        raise DomainError(_("The plan of a case with an outcome cannot change."))
    if not goals.strip():
        raise DomainError(_("Write the plan's goals."))
    latest = case.plans.order_by("-number").first()
    plan = EmploymentPlan.objects.create(case=case, number=(latest.number + 1) if latest else 1, goals=goals,
                                         agreed_on=agreed_on, written_by=actor if actor else None)
    PlanAction.objects.bulk_create(PlanAction(plan=plan, description=a["description"], due_on=a["due_on"],
                                              responsible=a.get("responsible", PlanAction.Responsible.JOB_SEEKER))
                                   for a in actions)
    _touch(case)
    audit.record(actor=actor, action="plan.write", entity_type="casework.case", entity_id=case.pk,
                 changes={"version": plan.number, "actions": len(actions)})
    return plan


@transaction.atomic
def referral_create(*, actor: Any, case_id: int, kind: str, referred_on: dt.date, vacancy: Vacancy | None = None,
                    programme: TrainingProgramme | None = None, service: str = "",
                    consent_on: dt.date | None = None) -> Referral:
    """Refer the job seeker to a vacancy, a training programme, supported employment or another service."""
    case = _locked(actor, case_id, None)
    if case.state != State.IN_SERVICES:
        raise DomainError(_("Referrals are made once services have started (plan agreed)."))
    if kind == Referral.Kind.VACANCY and (vacancy is None or vacancy.status != Vacancy.Status.OPEN):
        raise DomainError(_("Choose an open vacancy."))
    if kind == Referral.Kind.VACANCY and consent_on is None:
        raise DomainError(_("The job seeker must agree before their details go to an employer."))
    if kind not in Referral.Kind.values:
        raise DomainError(_("Choose what to refer to: a vacancy, a training programme, supported employment or "
                            "another social service."))
    vacancy = vacancy if kind == Referral.Kind.VACANCY else None
    if kind != Referral.Kind.TRAINING:
        programme = None
    elif programme is None:
        raise DomainError(_("Choose the training programme."))
    else:  # locked, so two referrals cannot take the intake's last place together
        programme = TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
        if case.referrals.filter(programme=programme, status__in=TAKING_A_PLACE).exists():
            raise DomainError(_("The job seeker is already referred to this programme."))
        programme_referral_check(programme=programme, on=referred_on)
    referral = Referral.objects.create(case=case, kind=kind, vacancy=vacancy, programme=programme, service=service,
                                       referred_on=referred_on, consent_on=consent_on,
                                       sent_on=referred_on if kind == Referral.Kind.VACANCY else None)
    _touch(case)
    audit.record(actor=actor, action="referral.create", entity_type="casework.referral", entity_id=referral.pk,
                 changes={"case": case.pk, "kind": kind, "vacancy": getattr(vacancy, "pk", None),
                          "programme": getattr(programme, "pk", None)})
    return referral


@transaction.atomic
def shortlist_add(*, actor: Any, vacancy: Vacancy, case_id: int, on: dt.date | None = None,
                  consent_on: dt.date | None = None) -> Referral:
    """Pre-select a job seeker of the unit for a vacancy (by hand now; from matching later)."""
    require(actor, Capability.EMPLOYER_SERVICES, vacancy.unit_id)
    case = Case.objects.select_for_update().select_related("job_seeker").get(pk=case_id)
    require(actor, Capability.EMPLOYER_SERVICES, case.unit_id)
    if case.state != State.IN_SERVICES:
        raise DomainError(_("Only job seekers in services can be put on a shortlist."))
    if vacancy.status != Vacancy.Status.OPEN:
        raise DomainError(_("The vacancy is not open."))
    if Referral.objects.filter(case=case, vacancy=vacancy).exists():
        raise DomainError(_("This job seeker is already on the shortlist."))
    consent = consent_on or case.job_seeker.consent_share_with_employers_on
    referral = Referral.objects.create(case=case, kind=Referral.Kind.VACANCY, vacancy=vacancy,
                                       referred_on=on or _today(), consent_on=consent)
    _touch(case)
    audit.record(actor=actor, action="shortlist.add", entity_type="casework.referral", entity_id=referral.pk,
                 changes={"vacancy": vacancy.pk, "case": case.pk, "consent": bool(consent)})
    return referral


@transaction.atomic
def shortlist_send(*, actor: Any, vacancy: Vacancy, on: dt.date | None = None) -> list[Referral]:
    """Send the shortlist to the employer: only candidates who consented; the others stay behind."""
    require(actor, Capability.EMPLOYER_SERVICES, vacancy.unit_id)
    candidates = list(Referral.objects.select_for_update().filter(vacancy=vacancy, sent_on__isnull=True,
                                                                  status=Referral.Status.PENDING))
    sent = [r for r in candidates if r.consent_on is not None]
    if not sent:
        raise DomainError(_("No candidate on the shortlist has agreed to be sent to the employer."))
    Referral.objects.filter(pk__in=[r.pk for r in sent]).update(sent_on=on or _today())
    audit.record(actor=actor, action="shortlist.send", entity_type="employment.vacancy", entity_id=vacancy.pk,
                 changes={"sent": [r.case_id for r in sent],
                          "held_back_without_consent": [r.case_id for r in candidates if r.consent_on is None]})
    return sent


@transaction.atomic
def referral_decide(*, actor: Any, referral_id: int, status: str, decided_on: dt.date,
                    expected_version: int | None = None) -> Referral:
    """Record the outcome of a referral (the employer's or the provider's decision)."""
    referral = Referral.objects.select_for_update().select_related("case").get(pk=referral_id)
    capability = Capability.EMPLOYER_SERVICES if referral.kind == Referral.Kind.VACANCY else Capability.CASE_WORK
    require(actor, capability, referral.case.unit_id)
    if expected_version is not None and referral.version != expected_version:
        raise ConcurrentEdit(_("Someone else recorded this referral's outcome a moment ago. Reload it."))
    if referral.kind == Referral.Kind.VACANCY and referral.sent_on is None:
        raise DomainError(_("The employer has not received this candidate yet: send the shortlist first."))
    if status not in Referral.Status.values or status == Referral.Status.PENDING:
        raise DomainError(_("Choose accepted, not accepted or did not go."))
    referral.status, referral.outcome_on = status, decided_on
    referral.version += 1
    referral.save()
    audit.record(actor=actor, action="referral.decide", entity_type="casework.referral", entity_id=referral.pk,
                 changes={"status": status})
    return referral


@transaction.atomic
def placement_record(*, actor: Any, case_id: int, started_on: dt.date, vacancy: Vacancy | None = None,
                     employer: Any = None, wage_gel: Decimal | None = None,
                     contract: str = Placement.Contract.PERMANENT) -> Placement:
    """Record that the job seeker started work (through a vacancy, or found on their own)."""
    case = _locked(actor, case_id, None, (Capability.CASE_WORK, Capability.EMPLOYER_SERVICES))
    employer = employer or (vacancy.employer if vacancy else None)
    if employer is None:
        raise DomainError(_("Name the employer."))
    placement = Placement.objects.create(case=case, employer=employer, vacancy=vacancy, started_on=started_on,
                                         wage_gel=wage_gel, contract=contract)
    if vacancy is not None and vacancy.placements.count() >= vacancy.positions:
        Vacancy.objects.filter(pk=vacancy.pk).update(status=Vacancy.Status.FILLED)
    _touch(case)
    audit.record(actor=actor, action="placement.record", entity_type="casework.case", entity_id=case.pk,
                 changes={"employer": employer.pk, "started_on": started_on.isoformat()})
    return placement


@transaction.atomic
def follow_up_record(*, actor: Any, follow_up_id: int, done_on: dt.date, still_in_work_or_training: bool,
                     notes: str = "") -> FollowUp:
    """Record a 3-, 6- or 12-month follow-up."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up_id)
    case = _locked(actor, follow_up.case_id, None)
    if case.state != State.FOLLOW_UP:
        raise DomainError(_("Follow-ups are recorded while the case is in follow-up."))
    follow_up.done_on, follow_up.still_in_work_or_training, follow_up.notes = done_on, still_in_work_or_training, notes
    follow_up.save()
    _touch(case)
    audit.record(actor=actor, action="follow_up.record", entity_type="casework.case", entity_id=case.pk,
                 changes={"months": follow_up.months, "still": still_in_work_or_training})
    return follow_up


@transaction.atomic
def group_session_hold(*, actor: Any, unit: TerritorialUnit, topic: str, held_on: dt.date,
                       invited: list[int], attended: list[int]) -> GroupSession:
    """Record a group consultation session: who was invited and who came (cases of the unit)."""
    require(actor, Capability.CASE_WORK, unit.pk)
    if set(attended) - set(invited):
        raise DomainError(_("Only invited job seekers can be marked as attending."))
    session = GroupSession.objects.create(unit=unit, topic=topic, held_on=held_on, facilitator=actor)
    cases = set(Case.objects.filter(pk__in=invited, unit=unit).values_list("pk", flat=True))
    if cases != set(invited):
        raise DomainError(_("Every invited job seeker must have a case at this unit."))
    GroupParticipant.objects.bulk_create(GroupParticipant(session=session, case_id=c, attended=c in attended)
                                         for c in sorted(cases))
    audit.record(actor=actor, action="group_session.hold", entity_type="casework.groupsession", entity_id=session.pk,
                 changes={"topic": topic, "invited": len(invited), "attended": len(attended)})
    return session


@transaction.atomic
def case_transfer(*, actor: Any, case_id: int, to_unit: TerritorialUnit, reason: str,
                  expected_version: int | None = None) -> Case:
    """Hand a case to another unit: this case ends as "transferred" and the new unit continues from its state."""
    case = _locked(actor, case_id, expected_version)
    if case.state not in OPEN_STATES:
        raise DomainError(_("Only an open case can be transferred."))
    if to_unit.pk == case.unit_id:
        raise DomainError(_("Choose another unit."))
    if not to_unit.is_active:
        raise DomainError(_("That unit no longer works; choose another."))
    if not reason.strip():
        raise DomainError(_("Say why the case moves to another unit."))
    before = case.state
    case.state, case.outcome, case.closed_on, case.state_since = State.CLOSED, Outcome.TRANSFERRED, _today(), _today()
    case.version += 1
    case.save()
    CaseEvent.objects.create(case=case, action="transfer", from_state=before, to_state=State.CLOSED,
                             by=actor if actor else None, note=reason)
    successor = Case.objects.create(job_seeker=case.job_seeker, unit=to_unit, state=before, opened_on=_today(),
                                    state_since=_today(), transferred_from=case)
    # The job seeker is now served by the receiving unit: their profile moves with the case.
    JobSeeker.objects.filter(pk=case.job_seeker_id).update(unit=to_unit, version=F("version") + 1)
    CaseEvent.objects.create(case=successor, action="transfer_in", from_state=before, to_state=before,
                             by=actor if actor else None, note=reason)
    audit.record(actor=actor, action="case.transfer", entity_type="casework.case", entity_id=case.pk,
                 changes={"to_unit": to_unit.code, "new_case": successor.pk, "reason": reason})
    return successor
