"""Referrals of a case (to a vacancy, a training programme, supported employment or another service) and the
employer's side of them: the shortlist of a vacancy, sent only with each candidate's consent, the employer's
decision per candidate, and the placement that follows."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.casework.intakes import TAKING_A_PLACE, programme_referral_check
from sakme.casework.models import Case, Placement, Referral
from sakme.casework.services.locking import case_locked, today, touch, version_check
from sakme.casework.services.records import placement_record
from sakme.casework.workflow import activity_check
from sakme.common.errors import DomainError, NotFound
from sakme.employment.models import TrainingProgramme, Vacancy
from sakme.geo.access import require, scope_check


def _open_vacancy(vacancy_id: int | None, unit_id: int) -> Vacancy:
    vacancy = Vacancy.objects.filter(pk=vacancy_id, unit_id=unit_id).first() if vacancy_id is not None else None
    if vacancy is None or vacancy.status != Vacancy.Status.OPEN:
        raise DomainError(_("Choose an open vacancy of this case's unit."), code="vacancy_not_open")
    return vacancy


@transaction.atomic
def referral_create(*, actor: Actor, case_id: int, kind: str, referred_on: dt.date, vacancy_id: int | None = None,
                    programme_id: int | None = None, service: str = "", consent: bool = False) -> Referral:
    """Refer the job seeker to an open vacancy of the case's unit (with their consent), a training programme (into
    the intake that takes referrals that day, while it has places), supported employment or another service."""
    case = case_locked(actor, case_id, None)
    activity_check(case, "referral")
    if kind not in Referral.Kind.values:
        raise DomainError(_("Choose what to refer to: a vacancy, a training programme, supported employment or "
                            "another social service."), code="referral_kind_unknown")
    vacancy = programme = None
    if kind == Referral.Kind.VACANCY:
        vacancy = _open_vacancy(vacancy_id, case.unit_id)
        if not consent:
            raise DomainError(_("The job seeker must agree before their details go to an employer."),
                              code="consent_missing")
    elif kind == Referral.Kind.TRAINING:
        # Locked, so two referrals cannot take the intake's last place together.
        programme = (TrainingProgramme.objects.select_for_update().filter(pk=programme_id).first()
                     if programme_id is not None else None)
        if programme is None:
            raise DomainError(_("Choose the training programme."), code="programme_missing")
        if case.referrals.filter(programme=programme, status__in=TAKING_A_PLACE).exists():
            raise DomainError(_("The job seeker is already referred to this programme."), code="already_referred")
        programme_referral_check(programme=programme, on=referred_on)
    referral = Referral.objects.create(case=case, kind=kind, vacancy=vacancy, programme=programme, service=service,
                                       referred_on=referred_on, consent_on=referred_on if consent else None,
                                       sent_on=referred_on if vacancy else None)
    touch(case)
    audit.record(actor=actor, action="referral.create", entity_type="casework.referral", entity_id=referral.pk,
                 changes={"case": case.pk, "kind": kind, "vacancy": getattr(vacancy, "pk", None),
                          "programme": getattr(programme, "pk", None)})
    return referral


def _decide(actor: Actor, referral: Referral, status: str, decided_on: dt.date, expected_version: int) -> Referral:
    version_check(referral.version, expected_version, _("Someone else recorded this referral's outcome a moment "
                                                        "ago. Reload it."))
    if referral.kind == Referral.Kind.VACANCY and referral.sent_on is None:
        raise DomainError(_("The employer has not received this candidate yet: send the shortlist first."),
                          code="shortlist_not_sent")
    if status not in Referral.Status.values or status == Referral.Status.PENDING:
        raise DomainError(_("Choose accepted, not accepted or did not go."), code="referral_status_unknown")
    referral.status, referral.outcome_on = status, decided_on
    referral.version += 1
    referral.save()
    audit.record(actor=actor, action="referral.decide", entity_type="casework.referral", entity_id=referral.pk,
                 changes={"status": status})
    return referral


@transaction.atomic
def referral_decide(*, actor: Actor, case_id: int, referral_id: int, status: str, expected_version: int,
                    decided_on: dt.date | None = None) -> Referral:
    """Record the outcome of one of the case's referrals (the employer's for a vacancy is the employer-relations
    specialist's, on the shortlist; the provider's or service's is the counsellor's)."""
    kind = Referral.objects.filter(pk=referral_id, case_id=case_id).values_list("kind", flat=True).first()
    case = case_locked(actor, case_id, None, Capability.EMPLOYER_SERVICES if kind == Referral.Kind.VACANCY
                       else Capability.CASE_WORK)
    referral = Referral.objects.select_for_update().filter(pk=referral_id, case=case).first()
    if referral is None:
        raise NotFound(_("No such referral on this case."))
    decided = _decide(actor, referral, status, decided_on or today(), expected_version)
    touch(case)
    return decided


def _vacancy_locked(actor: Actor, vacancy_id: int) -> Vacancy:
    """The vacancy, locked, after the permission and scope checks."""
    require(actor, Capability.EMPLOYER_SERVICES)
    vacancy = Vacancy.objects.select_for_update().filter(pk=vacancy_id).first()
    scope_check(actor, vacancy.unit_id if vacancy else None, _("No such vacancy in your units."))
    assert vacancy is not None
    return vacancy


def _candidate(vacancy: Vacancy, referral_id: int) -> Referral:
    referral = Referral.objects.select_for_update().filter(pk=referral_id, vacancy=vacancy).first()
    if referral is None:
        raise NotFound(_("No such candidate on this shortlist."))
    return referral


@transaction.atomic
def shortlist_add(*, actor: Actor, vacancy_id: int, case_id: int, on: dt.date | None = None) -> Referral:
    """Pre-select a job seeker of the vacancy's unit who is in services; their consent to share the profile with
    employers comes from the profile."""
    vacancy = _vacancy_locked(actor, vacancy_id)
    case = Case.objects.select_for_update().select_related("job_seeker").filter(pk=case_id,
                                                                                unit_id=vacancy.unit_id).first()
    if case is None:
        raise NotFound(_("No such case at this vacancy's unit."))
    activity_check(case, "shortlist")
    if vacancy.status != Vacancy.Status.OPEN:
        raise DomainError(_("The vacancy is not open."), code="vacancy_not_open")
    if Referral.objects.filter(case=case, vacancy=vacancy).exists():
        raise DomainError(_("This job seeker is already on the shortlist."), code="already_shortlisted")
    consent = case.job_seeker.consent_share_with_employers_on
    referral = Referral.objects.create(case=case, kind=Referral.Kind.VACANCY, vacancy=vacancy,
                                       referred_on=on or today(), consent_on=consent)
    touch(case)
    audit.record(actor=actor, action="shortlist.add", entity_type="casework.referral", entity_id=referral.pk,
                 changes={"vacancy": vacancy.pk, "case": case.pk, "consent": bool(consent)})
    return referral


@transaction.atomic
def shortlist_send(*, actor: Actor, vacancy_id: int, on: dt.date | None = None) -> list[Referral]:
    """Send the shortlist to the employer: only candidates who consented; the others stay behind."""
    vacancy = _vacancy_locked(actor, vacancy_id)
    candidates = list(Referral.objects.select_for_update().filter(vacancy=vacancy, sent_on__isnull=True,
                                                                  status=Referral.Status.PENDING))
    sent = [r for r in candidates if r.consent_on is not None]
    if not sent:
        raise DomainError(_("No candidate on the shortlist has agreed to be sent to the employer."),
                          code="no_consenting_candidate")
    Referral.objects.filter(pk__in=[r.pk for r in sent]).update(sent_on=on or today())
    audit.record(actor=actor, action="shortlist.send", entity_type="employment.vacancy", entity_id=vacancy.pk,
                 changes={"sent": [r.case_id for r in sent],
                          "held_back_without_consent": [r.case_id for r in candidates if r.consent_on is None]})
    return sent


@transaction.atomic
def candidate_decide(*, actor: Actor, vacancy_id: int, referral_id: int, status: str, expected_version: int,
                     decided_on: dt.date | None = None) -> Referral:
    """Record the employer's decision on a candidate of the vacancy's shortlist."""
    vacancy = _vacancy_locked(actor, vacancy_id)
    return _decide(actor, _candidate(vacancy, referral_id), status, decided_on or today(), expected_version)


@transaction.atomic
def candidate_place(*, actor: Actor, vacancy_id: int, referral_id: int,
                    started_on: dt.date | None = None) -> Placement:
    """Place a candidate the employer accepted: the placement of their case, through this vacancy."""
    vacancy = _vacancy_locked(actor, vacancy_id)
    referral = _candidate(vacancy, referral_id)
    if referral.status != Referral.Status.ACCEPTED:
        raise DomainError(_("Only a candidate the employer accepted can be placed."), code="candidate_not_accepted")
    return placement_record(actor=actor, case_id=referral.case_id, vacancy_id=vacancy.pk,
                            started_on=started_on or today(), wage_gel=vacancy.wage_gel)
