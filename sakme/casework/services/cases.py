"""A case's life: registering the job seeker and opening it, giving it to a counsellor, moving it along the
workflow table, and transferring it to another unit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.models import User
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.casework.models import Case, CaseEvent, FollowUp, Outcome, State
from sakme.casework.selectors import counsellors_of_unit
from sakme.casework.services.locking import case_locked, today
from sakme.casework.workflow import FOLLOW_UP_MONTHS, activity_check, plan_transition
from sakme.common.errors import DomainError, NotFound, PermissionDenied
from sakme.common.workdays import add_months
from sakme.employment.models import JobSeeker
from sakme.employment.services import job_seeker_register
from sakme.geo.access import home_unit, require, scope_check
from sakme.geo.models import TerritorialUnit
from sakme.registry.access import person_get_for_user


def _open(actor: Actor, seeker: JobSeeker, unit_id: int, day: dt.date, counsellor_id: int | None = None) -> Case:
    if Case.objects.filter(job_seeker=seeker).exclude(state=State.CLOSED).exists():
        raise DomainError(_("This job seeker already has an open case."), code="case_already_open")
    user = acting_user(actor)
    # The counsellor named, else the counsellor who registers the job seeker keeps the case; a case opened by
    # someone else (the unit head) waits to be given to one.
    wanted = counsellor_id if counsellor_id is not None else (user.pk if user is not None else None)
    counsellor = counsellors_of_unit(unit_id).filter(pk=wanted).first() if wanted is not None else None
    if counsellor_id is not None and counsellor is None:
        raise DomainError(_("Choose a counsellor posted to this case's unit."), code="counsellor_not_of_unit")
    case = Case.objects.create(job_seeker=seeker, unit_id=unit_id, opened_on=day, state_since=day,
                               counsellor=counsellor)
    CaseEvent.objects.create(case=case, action="open", from_state=State.REGISTERED, to_state=State.REGISTERED,
                             by=user)
    audit.record(actor=actor, action="case.open", entity_type="casework.case", entity_id=case.pk,
                 changes={"job_seeker": seeker.pk, "unit": unit_id})
    return case


@transaction.atomic
def case_open(*, actor: Actor, job_seeker_id: int, opened_on: dt.date | None = None,
              counsellor_id: int | None = None) -> Case:
    """Open a case for a registered job seeker at their unit (one open case per job seeker), with a counsellor of
    the unit (the one opening it, when they are)."""
    require(actor, Capability.CASE_WORK)
    seeker = JobSeeker.objects.select_for_update().filter(pk=job_seeker_id).first()
    scope_check(actor, seeker.unit_id if seeker else None, _("No such job seeker in your units."))
    assert seeker is not None
    return _open(actor, seeker, seeker.unit_id, opened_on or today(), counsellor_id)


@transaction.atomic
def case_register(*, actor: Actor, person_id: int, registered_on: dt.date, occupations: list[str] | None = None,
                  consent_share_with_employers: bool = False, context: str = "", **profile: Any) -> Case:
    """Register a registry person as a job seeker (at their unit, or the user's own when the registry knows none)
    and open their case; a person registered before keeps their profile and gets a new case. What the registry
    knows is not asked again."""
    require(actor, Capability.CASE_WORK)
    person = person_get_for_user(actor, person_id, context=context)
    seeker = JobSeeker.objects.select_for_update().filter(person=person).first()
    if seeker is None:
        unit = person.unit or (home_unit(actor) if isinstance(actor, User) else None)
        if unit is None:
            raise DomainError(_("The person has no territorial unit and you are not posted to one."), code="no_unit")
        seeker = job_seeker_register(
            actor=actor, person=person, unit=unit, registered_on=registered_on, occupations=occupations or [],
            consent_data_processing_on=registered_on,
            consent_share_with_employers_on=registered_on if consent_share_with_employers else None, **profile)
    else:
        scope_check(actor, seeker.unit_id, _("This person is registered as a job seeker at another unit."))
    return _open(actor, seeker, seeker.unit_id, registered_on)


@transaction.atomic
def case_assign(*, actor: Actor, case_id: int, counsellor_id: int, expected_version: int) -> Case:
    """Give a case to a counsellor of its unit: whoever holds `case.assign` (the unit head) for any case; a
    counsellor only takes an unassigned case for themselves (a case that arrived by transfer, say)."""
    case = case_locked(actor, case_id, expected_version)
    activity_check(case, "assign")
    counsellor = counsellors_of_unit(case.unit_id).filter(pk=counsellor_id).first()
    if counsellor is None:
        raise DomainError(_("Choose a counsellor posted to this case's unit."), code="counsellor_not_of_unit")
    taking_for_oneself = actor.pk == counsellor.pk and case.counsellor_id is None
    if not (actor.can(Capability.CASE_ASSIGN) or taking_for_oneself):
        raise PermissionDenied(_("Only the unit head gives cases to counsellors; a counsellor may take an "
                                 "unassigned case."), code="assign_refused")
    before = case.counsellor_id
    case.counsellor = counsellor
    case.version += 1
    case.save(update_fields=["counsellor", "version", "updated_at"])
    CaseEvent.objects.create(case=case, action="assign", from_state=case.state, to_state=case.state,
                             by=acting_user(actor), note=counsellor.get_full_name() or counsellor.username)
    audit.record(actor=actor, action="case.assign", entity_type="casework.case", entity_id=case.pk,
                 changes={"counsellor": [before, counsellor.pk]})
    return case


def _move(actor: Actor, case: Case, action: str, outcome: str, note: str, day: dt.date) -> str:
    """Take one transition of the table on a locked case (or refuse saying why); returns the state it left."""
    transition = plan_transition(case, action, outcome)
    before = case.state
    case.state, case.state_since = transition.target, day
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
                             by=acting_user(actor), note=note)
    return before


@transaction.atomic
def case_transition(*, actor: Actor, case_id: int, action: str, expected_version: int, outcome: str = "",
                    note: str = "", on: dt.date | None = None) -> Case:
    """Move a case along the workflow table (`workflow.TRANSITIONS`), or refuse saying why."""
    case = case_locked(actor, case_id, expected_version)
    if action == "transfer":
        raise DomainError(_("A transfer names the receiving unit: use the transfer."), code="transition_refused")
    before = _move(actor, case, action, outcome, note, on or today())
    audit.record(actor=actor, action=f"case.{action}", entity_type="casework.case", entity_id=case.pk,
                 changes={"from": before, "to": case.state, "outcome": case.outcome, "note": note})
    return case


@transaction.atomic
def case_transfer(*, actor: Actor, case_id: int, to_unit_id: int, reason: str, expected_version: int) -> Case:
    """Hand a case to another unit (the `transfer` transition): this case ends as "transferred", the new unit
    continues a new case from the same state, and the job seeker's profile moves with it. Returns the new case."""
    case = case_locked(actor, case_id, expected_version)
    to_unit = TerritorialUnit.objects.filter(pk=to_unit_id).first()
    if to_unit is None:
        raise NotFound(_("No such territorial unit."))
    if to_unit.pk == case.unit_id:
        raise DomainError(_("Choose another unit."), code="same_unit")
    if not to_unit.is_active:
        raise DomainError(_("That unit no longer works; choose another."), code="unit_inactive")
    if not reason.strip():
        raise DomainError(_("Say why the case moves to another unit."), code="reason_missing")
    before = _move(actor, case, "transfer", Outcome.TRANSFERRED, reason, today())
    successor = Case.objects.create(job_seeker=case.job_seeker, unit=to_unit, state=before, opened_on=today(),
                                    state_since=today(), transferred_from=case)
    JobSeeker.objects.filter(pk=case.job_seeker_id).update(unit=to_unit, version=F("version") + 1)
    CaseEvent.objects.create(case=successor, action="transfer_in", from_state=before, to_state=before,
                             by=acting_user(actor), note=reason)
    audit.record(actor=actor, action="case.transfer", entity_type="casework.case", entity_id=case.pk,
                 changes={"to_unit": to_unit.code, "new_case": successor.pk, "reason": reason})
    return successor
