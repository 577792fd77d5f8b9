"""Scoping getters for cases: the user's units only, and each read of a case is a read of a person."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.casework.models import Case
from sakme.common.errors import NotFound
from sakme.geo.access import require, unit_scope_for_user


def cases_for_user(user: Actor) -> QuerySet[Case]:
    """Cases of the units the user may see (PermissionDenied for roles that see no cases)."""
    require(user, Capability.CASE_VIEW)
    return Case.objects.filter(unit_scope_for_user(user).filter("unit_id"))


def case_get_for_user(user: Actor, case_id: int, *, kind: AccessKind = AccessKind.VIEW, context: str = "") -> Case:
    """One case in the user's scope (NotFound otherwise); logs the view of the job seeker."""
    case = cases_for_user(user).select_related("job_seeker__person", "unit", "counsellor").filter(pk=case_id).first()
    if case is None:
        raise NotFound(_("No such case in your units."))
    audit.record_access(actor=user, person_ids=[case.job_seeker.person_id], kind=kind, context=context)
    return case
