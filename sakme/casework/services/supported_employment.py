"""Supported employment, the service model's pathway for job seekers with a disability: a job coach of the unit,
the support the person needs, the workplace adaptations agreed with the employer, and the coach's contacts before
the job, on it, and after the placement."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.audit import services as audit
from sakme.casework.models import Case, CoachingContact, SupportedEmployment, WorkplaceAdaptation
from sakme.casework.selectors import counsellors_of_unit
from sakme.casework.services.locking import case_locked, today, touch, version_check
from sakme.casework.workflow import activity_check
from sakme.common.errors import DomainError, NotFound
from sakme.registry.models import DisabilityStatus


def _pathway(case: Case) -> SupportedEmployment:
    pathway = SupportedEmployment.objects.select_for_update().filter(case=case).first()
    if pathway is None:
        raise DomainError(_("Start the supported-employment pathway first."), code="pathway_not_started")
    return pathway


def _coach(case: Case, job_coach_id: int | None) -> int | None:
    if job_coach_id is not None and not counsellors_of_unit(case.unit_id).filter(pk=job_coach_id).exists():
        raise DomainError(_("Choose a job coach among the counsellors of this case's unit."),
                          code="coach_not_of_unit")
    return job_coach_id


@transaction.atomic
def supported_employment_start(*, actor: Actor, case_id: int, needs: str, expected_version: int,
                               job_coach_id: int | None = None, started_on: dt.date | None = None
                               ) -> SupportedEmployment:
    """Start the pathway for a job seeker whose disability is recorded, with a job coach of the unit."""
    case = case_locked(actor, case_id, expected_version)
    activity_check(case, "supported_employment")
    if case.job_seeker.person.disability_status == DisabilityStatus.NONE:
        raise DomainError(_("Supported employment is for job seekers whose disability is recorded in the registry."),
                          code="no_disability_recorded")
    if SupportedEmployment.objects.filter(case=case).exists():
        raise DomainError(_("The pathway has started already."), code="pathway_started")
    pathway = SupportedEmployment.objects.create(case=case, job_coach_id=_coach(case, job_coach_id),
                                                 started_on=started_on or today(), needs=needs.strip())
    touch(case)
    audit.record(actor=actor, action="supported_employment.start", entity_type="casework.case", entity_id=case.pk,
                 changes={"job_coach": job_coach_id, "needs": "recorded" if needs.strip() else ""})
    return pathway


@transaction.atomic
def supported_employment_change(*, actor: Actor, case_id: int, needs: str, expected_version: int,
                                job_coach_id: int | None = None) -> SupportedEmployment:
    """Change the job coach or what the person needs; a stale version (of the pathway) is refused."""
    case = case_locked(actor, case_id, None)
    activity_check(case, "supported_employment")
    pathway = _pathway(case)
    version_check(pathway.version, expected_version, _("Someone else changed this pathway a moment ago. Reload it."))
    before = pathway.job_coach_id
    pathway.job_coach_id, pathway.needs = _coach(case, job_coach_id), needs.strip()
    pathway.version += 1
    pathway.save()
    audit.record(actor=actor, action="supported_employment.change", entity_type="casework.case", entity_id=case.pk,
                 changes={"job_coach": [before, job_coach_id], "needs": "changed"})
    return pathway


@transaction.atomic
def adaptation_record(*, actor: Actor, case_id: int, description: str = "",
                      status: str = WorkplaceAdaptation.Status.PROPOSED, adaptation_id: int | None = None,
                      expected_version: int | None = None) -> WorkplaceAdaptation:
    """Propose an adaptation of the workplace, or move one on (agreed, in place, not possible); changing an existing
    one needs the version the user saw."""
    case = case_locked(actor, case_id, None)
    activity_check(case, "supported_employment")
    pathway = _pathway(case)
    if status not in WorkplaceAdaptation.Status.values:
        raise DomainError(_("Choose proposed, agreed, in place or not possible."), code="adaptation_status_unknown")
    if adaptation_id is None:
        if not description.strip():
            raise DomainError(_("Say what the workplace should offer."), code="adaptation_missing")
        adaptation = WorkplaceAdaptation.objects.create(pathway=pathway, description=description.strip()[:300],
                                                        status=status)
        before = ""
    else:
        found = WorkplaceAdaptation.objects.select_for_update().filter(pk=adaptation_id, pathway=pathway).first()
        if found is None:
            raise NotFound(_("No such adaptation on this pathway."))
        if expected_version is None:
            raise DomainError(_("Send the version of the adaptation you saw."), code="invalid")
        version_check(found.version, expected_version, _("Someone else changed this adaptation a moment ago. "
                                                         "Reload it."))
        adaptation, before = found, found.status
        adaptation.status = status
        adaptation.version += 1
        adaptation.save()
    audit.record(actor=actor, action="supported_employment.adaptation", entity_type="casework.case",
                 entity_id=case.pk, changes={"adaptation": adaptation.pk, "status": [before, status]})
    return adaptation


@transaction.atomic
def coaching_record(*, actor: Actor, case_id: int, kind: str, held_on: dt.date, hours: Decimal,
                    notes: str = "") -> CoachingContact:
    """Record a job coach's contact with the person; the follow-up after placement once they started work."""
    case = case_locked(actor, case_id, None)
    activity_check(case, "supported_employment")
    pathway = _pathway(case)
    if kind == CoachingContact.Kind.AFTER_PLACEMENT and not case.placements.exists():
        raise DomainError(_("The follow-up after placement comes once the placement is recorded."),
                          code="not_placed_yet")
    if kind not in CoachingContact.Kind.values:
        raise DomainError(_("Choose preparing for work, on the job or follow-up after placement."),
                          code="coaching_kind_unknown")
    contact = CoachingContact(pathway=pathway, kind=kind, held_on=held_on, hours=hours, notes=notes,
                              coach=acting_user(actor))
    try:
        contact.full_clean(exclude=["pathway", "coach"])
    except ValidationError as exc:
        raise DomainError("; ".join(" ".join(m) for m in exc.message_dict.values()), code="invalid") from exc
    contact.save()
    touch(case)
    audit.record(actor=actor, action="supported_employment.coaching", entity_type="casework.case", entity_id=case.pk,
                 changes={"kind": kind, "held_on": held_on.isoformat(), "hours": str(hours)})
    return contact
