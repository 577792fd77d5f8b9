"""Scoping getters for employers and vacancies: the units of the user."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sakme.accounts.roles import Capability
from sakme.common.errors import PermissionDenied
from sakme.employment.models import Employer, Vacancy
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
