"""Scoping getters of the employment app: employers and vacancies, job seekers, all of the user's units."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import PermissionDenied
from sakme.employment.models import Employer, JobSeeker, Vacancy
from sakme.geo.access import unit_scope_for_user


def _require(user: Any) -> None:
    if not (getattr(user, "is_authenticated", False) and user.can(Capability.EMPLOYER_SERVICES)):
        raise PermissionDenied(_("Your role does not serve employers."))


def employers_for_user(user: Any) -> QuerySet[Employer]:
    """Employers served by the user's units."""
    _require(user)
    return Employer.objects.filter(unit_scope_for_user(user).filter("unit_id"))


def vacancies_for_user(user: Any) -> QuerySet[Vacancy]:
    """Vacancies of the user's units, with employer and occupation joined."""
    _require(user)
    return Vacancy.objects.filter(unit_scope_for_user(user).filter("unit_id")).select_related(
        "employer", "occupation", "municipality")


def job_seekers_for_user(user: Any) -> QuerySet[JobSeeker]:
    """Job seekers registered with the user's units (PermissionDenied for roles without case work)."""
    if not (getattr(user, "is_authenticated", False) and user.can(Capability.CASE_WORK)):
        raise PermissionDenied(_("Your role does not give access to job seekers."))
    return JobSeeker.objects.filter(unit_scope_for_user(user).filter("unit_id"))


def job_seeker_get_for_user(user: Any, job_seeker_id: int, *, kind: AccessKind = AccessKind.VIEW,
                            context: str = "") -> JobSeeker:
    """One job seeker's profile in the user's scope (JobSeeker.DoesNotExist otherwise), with everything the
    profile shows joined; logs the view of the person."""
    seeker = (job_seekers_for_user(user).select_related("person", "unit")
              .prefetch_related("occupations_sought", "occupations_held", "preferred_municipalities")
              .get(pk=job_seeker_id))
    audit.record_access(actor=user, person_ids=[seeker.person_id], kind=kind, context=context)
    return seeker
