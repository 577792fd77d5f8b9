"""Writes of the employment app: occupations, job-seeker profiles, employers, vacancies. Each audited."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.common.errors import DomainError, PermissionDenied
from sakme.employment.models import Employer, JobSeeker, Occupation, Vacancy
from sakme.geo.access import unit_scope_for_user
from sakme.geo.models import TerritorialUnit
from sakme.registry.models import Person

ISCO_FILE = Path(__file__).parent / "data" / "isco08.json"


def require(actor: Any, capability: Capability | tuple[Capability, ...], unit_id: int | None = None) -> None:
    """Refuse unless the actor's role holds the capability (one of them) and, for a unit's record, the unit is
    theirs."""
    if actor is None:  # the system itself (commands, the demo)
        return
    wanted = capability if isinstance(capability, tuple) else (capability,)
    if not any(actor.can(c) for c in wanted):
        raise PermissionDenied(_("Your role does not allow this."))
    if unit_id is not None and not unit_scope_for_user(actor).allows(unit_id):
        raise PermissionDenied(_("This belongs to another territorial unit."))


@transaction.atomic
def occupations_load(*, actor: Any, path: Path = ISCO_FILE) -> int:
    """Load ISCO-08 (all four levels, Georgian and English titles); loading twice changes nothing."""
    groups = json.loads(path.read_text(encoding="utf-8"))["groups"]
    existing = {o.code: o for o in Occupation.objects.all()}
    fresh = [Occupation(code=g["code"], level=g["level"], parent_id=g["parent"], title_ka=g["title_ka"],
                        title_en=g["title_en"]) for g in groups if g["code"] not in existing]
    Occupation.objects.bulk_create(sorted(fresh, key=lambda o: o.level))
    changed = []
    for g in groups:
        o = existing.get(g["code"])
        if o is not None and (o.title_ka, o.title_en) != (g["title_ka"], g["title_en"]):
            o.title_ka, o.title_en = g["title_ka"], g["title_en"]
            changed.append(o)
    Occupation.objects.bulk_update(changed, ["title_ka", "title_en"])
    audit.record(actor=actor, action="occupations.load", entity_type="employment.occupation",
                 changes={"created": len(fresh), "updated": len(changed)})
    return len(groups)


PROFILE_FIELDS = ("education", "skills", "languages", "driving_licence", "availability", "accommodations",
                  "consent_data_processing_on", "consent_share_with_employers_on")


@transaction.atomic
def job_seeker_register(*, actor: Any, person: Person, unit: TerritorialUnit, registered_on: dt.date,
                        occupations: list[str] = (), **profile: Any) -> JobSeeker:  # type: ignore[assignment]
    """Register a registry person as a job seeker at a unit: what the registry knows is not asked again."""
    require(actor, Capability.CASE_WORK, unit.pk)
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown profile fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if JobSeeker.objects.filter(person=person).exists():
        raise DomainError(_("This person is already registered as a job seeker."))
    seeker = JobSeeker.objects.create(person=person, unit=unit, registered_on=registered_on, **profile)
    if occupations:
        seeker.occupations_sought.set(Occupation.objects.filter(code__in=occupations, level=4))
    audit.record(actor=actor, action="job_seeker.register", entity_type="employment.jobseeker", entity_id=seeker.pk,
                 changes={"person": person.pk, "unit": unit.code, **{k: str(v) for k, v in profile.items()}})
    return seeker


@transaction.atomic
def employer_register(*, actor: Any, tax_id: str, name: str, unit: TerritorialUnit, **fields: Any) -> Employer:
    """Register an employer with the unit that serves it."""
    require(actor, Capability.EMPLOYER_SERVICES, unit.pk)
    employer = Employer(tax_id=tax_id, name=name, unit=unit, **fields)
    employer.full_clean()
    employer.save()
    audit.record(actor=actor, action="employer.register", entity_type="employment.employer", entity_id=employer.pk,
                 changes={"tax_id": tax_id, "name": name})
    return employer


@transaction.atomic
def vacancy_open(*, actor: Any, employer: Employer, occupation_code: str, title: str, opened_on: dt.date,
                 **fields: Any) -> Vacancy:
    """Take in a vacancy from an employer of the unit."""
    require(actor, Capability.EMPLOYER_SERVICES, employer.unit_id)
    vacancy = Vacancy(employer=employer, unit_id=employer.unit_id, occupation_id=occupation_code, title=title,
                      opened_on=opened_on, created_by=actor if actor else None, **fields)
    vacancy.full_clean()
    vacancy.save()
    audit.record(actor=actor, action="vacancy.open", entity_type="employment.vacancy", entity_id=vacancy.pk,
                 changes={"employer": employer.pk, "occupation": occupation_code, "title": title})
    return vacancy
