"""Scoping getters of the employment app: employers and vacancies, job seekers, all of the user's units."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import NotFound
from sakme.employment.models import Employer, JobSeeker, Vacancy
from sakme.geo.access import require, unit_scope_for_user


def employers_for_user(user: Actor) -> QuerySet[Employer]:
    """Employers served by the user's units."""
    require(user, Capability.EMPLOYER_SERVICES)
    return Employer.objects.filter(unit_scope_for_user(user).filter("unit_id"))


def employer_get_for_user(user: Actor, employer_id: int) -> Employer:
    """One employer of the user's units (NotFound otherwise)."""
    employer = employers_for_user(user).select_related("unit").filter(pk=employer_id).first()
    if employer is None:
        raise NotFound(_("No such employer in your units."))
    return employer


def vacancies_for_user(user: Actor) -> QuerySet[Vacancy]:
    """Vacancies of the user's units, with employer and occupation joined."""
    require(user, Capability.EMPLOYER_SERVICES)
    return Vacancy.objects.filter(unit_scope_for_user(user).filter("unit_id")).select_related(
        "employer", "occupation", "municipality")


def vacancy_get_for_user(user: Actor, vacancy_id: int) -> Vacancy:
    """One vacancy of the user's units (NotFound otherwise)."""
    vacancy = vacancies_for_user(user).filter(pk=vacancy_id).first()
    if vacancy is None:
        raise NotFound(_("No such vacancy in your units."))
    return vacancy


def job_seekers_for_user(user: Actor) -> QuerySet[JobSeeker]:
    """Job seekers registered with the user's units (PermissionDenied for roles that see no cases)."""
    require(user, Capability.CASE_VIEW)
    return JobSeeker.objects.filter(unit_scope_for_user(user).filter("unit_id"))


def job_seeker_get_for_user(user: Actor, job_seeker_id: int, *, kind: AccessKind = AccessKind.VIEW,
                            context: str = "") -> JobSeeker:
    """One job seeker's profile in the user's scope (NotFound otherwise), with everything the profile shows
    joined; logs the view of the person."""
    seeker = (job_seekers_for_user(user).select_related("person", "unit")
              .prefetch_related("occupations_sought", "occupations_held", "preferred_municipalities")
              .filter(pk=job_seeker_id).first())
    if seeker is None:
        raise NotFound(_("No such job seeker in your units."))
    audit.record_access(actor=user, person_ids=[seeker.person_id], kind=kind, context=context)
    return seeker
