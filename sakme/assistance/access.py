"""Scoping getters for applications: the user's units only, and each read of an application is a read of its
household's members."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.assistance.models import Application
from sakme.audit import services as audit
from sakme.audit.models import AccessKind
from sakme.common.errors import NotFound
from sakme.geo.access import require, unit_scope_for_user


def applications_for_user(user: Actor) -> QuerySet[Application]:
    """Applications of the units the user may see (PermissionDenied for roles that see none)."""
    require(user, Capability.APPLICATION_VIEW)
    return Application.objects.filter(unit_scope_for_user(user).filter("unit_id"))


def application_get_for_user(user: Actor, application_id: int, *, kind: AccessKind = AccessKind.VIEW,
                             context: str = "") -> Application:
    """One application in the user's scope (NotFound otherwise), with its household, applicant, scores and steps;
    logs the view of the applicant and of every member of the household shown."""
    application = (applications_for_user(user)
                   .select_related("applicant", "household__unit__region", "unit__region", "agent", "enrolment")
                   .prefetch_related("scores__formula", "steps__by", "household__memberships__person")
                   .filter(pk=application_id).first())
    if application is None:
        raise NotFound(_("No such application in your units."))
    members = {m.person_id for m in application.household.memberships.all()} | {application.applicant_id}
    audit.record_access(actor=user, person_ids=sorted(members), kind=kind, context=context)
    return application
