"""Scoping getters for cases: the user's units only, and each read of a case is a read of a person."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.casework.models import Case
from sakme.common.errors import PermissionDenied
from sakme.geo.access import unit_scope_for_user


def cases_for_user(user: Any) -> QuerySet[Case]:
    """Cases of the units the user may see (PermissionDenied for roles without case work)."""
    if not (getattr(user, "is_authenticated", False) and user.can(Capability.CASE_WORK)):
        raise PermissionDenied(_("Your role does not give access to cases."))
    return Case.objects.filter(unit_scope_for_user(user).filter("unit_id"))


def case_get_for_user(user: Any, case_id: int, *, context: str = "") -> Case:
    """One case in the user's scope (Case.DoesNotExist otherwise); logs the view of the job seeker."""
    case = cases_for_user(user).select_related("job_seeker__person", "unit", "counsellor").get(pk=case_id)
    audit.record_access(actor=user, person_ids=[case.job_seeker.person_id], kind=AccessKind.VIEW, context=context)
    return case
