"""Group consultation sessions of a unit: who was invited and who came, and corrections of the attendance."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.casework.models import Case, GroupParticipant, GroupSession
from sakme.casework.services.locking import version_check
from sakme.common.errors import DomainError
from sakme.geo.access import require, scope_check, unit_of_new_record


@transaction.atomic
def group_session_hold(*, actor: Actor, topic: str, held_on: dt.date, invited: list[int], attended: list[int],
                       unit_id: int | None = None) -> GroupSession:
    """Record a group consultation session of a unit (the user's own when none is named): who was invited and who
    came (cases of the unit)."""
    require(actor, Capability.CASE_WORK)
    unit_id = unit_of_new_record(actor, unit_id)
    scope_check(actor, unit_id, _("No such territorial unit among yours."))
    if not topic.strip():
        raise DomainError(_("Say what the session was about."), code="topic_missing")
    if not invited:
        raise DomainError(_("Invite at least one job seeker."), code="nobody_invited")
    if set(attended) - set(invited):
        raise DomainError(_("Only invited job seekers can be marked as attending."), code="attended_not_invited")
    cases = set(Case.objects.filter(pk__in=invited, unit_id=unit_id).values_list("pk", flat=True))
    if cases != set(invited):
        raise DomainError(_("Every invited job seeker must have a case at this unit."), code="case_of_other_unit")
    session = GroupSession.objects.create(unit_id=unit_id, topic=topic.strip(), held_on=held_on,
                                          facilitator=acting_user(actor))
    GroupParticipant.objects.bulk_create(GroupParticipant(session=session, case_id=c, attended=c in attended)
                                         for c in sorted(cases))
    audit.record(actor=actor, action="group_session.hold", entity_type="casework.groupsession", entity_id=session.pk,
                 changes={"topic": topic, "invited": len(invited), "attended": len(attended)})
    return session


@transaction.atomic
def group_session_attendance(*, actor: Actor, session_id: int, attended: list[int],
                             expected_version: int) -> GroupSession:
    """Correct who came to a past group session (the invited stay invited); a stale version is refused."""
    require(actor, Capability.CASE_WORK)
    session = GroupSession.objects.select_for_update().filter(pk=session_id).first()
    scope_check(actor, session.unit_id if session else None, _("No such group session in your units."))
    assert session is not None
    version_check(session.version, expected_version, _("Someone else corrected this session's attendance a moment "
                                                       "ago. Reload it."))
    invited = set(session.participants.values_list("case_id", flat=True))
    if set(attended) - invited:
        raise DomainError(_("Only invited job seekers can be marked as attending."), code="attended_not_invited")
    before = set(session.participants.filter(attended=True).values_list("case_id", flat=True))
    session.participants.update(attended=False)
    session.participants.filter(case_id__in=attended).update(attended=True)
    session.version += 1
    session.save(update_fields=["version", "updated_at"])
    audit.record(actor=actor, action="group_session.attendance", entity_type="casework.groupsession",
                 entity_id=session.pk, changes={"came": sorted(set(attended) - before),
                                                "did_not_come": sorted(before - set(attended))})
    return session
