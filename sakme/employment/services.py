"""Writes of the employment app: occupations, job-seeker profiles and work history, employers, vacancies.
Each checks permission and unit, refuses a stale version (concurrent edits are never lost), and is audited."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.common.errors import ConcurrentEdit, DomainError, NotFound
from sakme.employment.models import (
    DRIVING_LICENCE_CATEGORIES,
    Availability,
    Education,
    Employer,
    JobSeeker,
    Occupation,
    Vacancy,
    WorkHistoryEntry,
)
from sakme.geo.access import require, scope_check, unit_of_new_record
from sakme.geo.models import Municipality, TerritorialUnit
from sakme.registry.models import Person

ISCO_FILE = Path(__file__).parent / "data" / "isco08.json"


@transaction.atomic
def occupations_load(*, actor: Actor, path: Path = ISCO_FILE) -> int:
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
def job_seeker_register(*, actor: Actor, person: Person, unit: TerritorialUnit, registered_on: dt.date,
                        occupations: list[str] = (), **profile: Any) -> JobSeeker:  # type: ignore[assignment]
    """Register a registry person as a job seeker at a unit: what the registry knows is not asked again."""
    require(actor, Capability.CASE_WORK, unit=unit.pk)
    unknown = set(profile) - set(PROFILE_FIELDS)
    if unknown:
        raise DomainError(_("Unknown profile fields: %(f)s") % {"f": ", ".join(sorted(unknown))}, code="unknown_field")
    if JobSeeker.objects.filter(person=person).exists():
        raise DomainError(_("This person is already registered as a job seeker."), code="already_registered")
    seeker = JobSeeker.objects.create(person=person, unit=unit, registered_on=registered_on, **profile)
    if occupations:
        seeker.occupations_sought.set(Occupation.objects.filter(code__in=occupations, level=4))
    audit.record(actor=actor, action="job_seeker.register", entity_type="employment.jobseeker", entity_id=seeker.pk,
                 changes={"person": person.pk, "unit": unit.code, **{k: str(v) for k, v in profile.items()}})
    return seeker


@transaction.atomic
def employer_register(*, actor: Actor, tax_id: str, name: str, unit_id: int | None = None,
                      **fields: Any) -> Employer:
    """Register an employer with the unit that serves it (the user's own when none is named)."""
    require(actor, Capability.EMPLOYER_SERVICES)
    unit_id = unit_of_new_record(actor, unit_id)
    require(actor, Capability.EMPLOYER_SERVICES, unit=unit_id)
    if Employer.objects.filter(tax_id=tax_id).exists():
        raise DomainError(_("An employer with this tax number is registered already."), code="employer_exists")
    employer = Employer(tax_id=tax_id, name=name, unit_id=unit_id, **fields)
    _clean(employer)
    employer.save()
    audit.record(actor=actor, action="employer.register", entity_type="employment.employer", entity_id=employer.pk,
                 changes={"tax_id": tax_id, "name": name})
    return employer


@transaction.atomic
def vacancy_open(*, actor: Actor, employer_id: int, occupation_code: str, municipality_code: str, title: str,
                 opened_on: dt.date, **fields: Any) -> Vacancy:
    """Take in a vacancy from an employer of the unit."""
    require(actor, Capability.EMPLOYER_SERVICES)
    employer = Employer.objects.filter(pk=employer_id).first()
    scope_check(actor, employer.unit_id if employer else None, _("No such employer in your units."))
    assert employer is not None
    _occupations([occupation_code], _("Occupation"))
    municipality = _municipalities([municipality_code])
    if not municipality:
        raise DomainError(_("Say where the work is (the municipality)."), code="municipality_missing")
    vacancy = Vacancy(employer=employer, unit_id=employer.unit_id, occupation_id=occupation_code, title=title,
                      municipality=municipality[0], opened_on=opened_on, created_by=acting_user(actor), **fields)
    _clean(vacancy)
    vacancy.save()
    audit.record(actor=actor, action="vacancy.open", entity_type="employment.vacancy", entity_id=vacancy.pk,
                 changes={"employer": employer.pk, "occupation": occupation_code, "title": title})
    return vacancy


def _clean(record: Employer | Vacancy | JobSeeker, exclude: list[str] | None = None) -> None:
    """The model's own validation, as a refusal that names each field."""
    try:
        record.full_clean(exclude=exclude)
    except ValidationError as exc:
        raise DomainError("; ".join(f"{_label(f, type(record))}: {' '.join(m)}".lstrip(": ")
                                    for f, m in exc.message_dict.items()), code="invalid") from exc


# What a profile edit may change: plain fields, and the sets of occupations and municipalities (by code).
PROFILE_EDIT_FIELDS = ("registered_on", *PROFILE_FIELDS)
PROFILE_SETS = ("occupations_sought", "occupations_held", "preferred_municipalities")
# Free text about a person's health or circumstances: the audit says that it changed, not what it says.
_PRIVATE_TEXT = frozenset({"accommodations"})


def _occupations(codes: list[str], label: str) -> list[Occupation]:
    wanted = sorted({c.strip() for c in codes if c and c.strip()})
    found = list(Occupation.objects.filter(code__in=wanted, level=4))
    missing = sorted(set(wanted) - {o.code for o in found})
    if missing:
        raise DomainError(_("%(field)s: %(codes)s is not an ISCO-08 unit group (4 digits, e.g. 5120).")
                          % {"field": label, "codes": ", ".join(missing)}, code="occupation_unknown")
    return found


def _municipalities(codes: list[str]) -> list[Municipality]:
    wanted = sorted({c for c in codes if c})
    found = list(Municipality.objects.filter(code__in=wanted))
    missing = sorted(set(wanted) - {m.code for m in found})
    if missing:
        raise DomainError(_("Unknown municipality: %(codes)s.") % {"codes": ", ".join(missing)},
                          code="municipality_unknown")
    return found


def driving_licence_normalise(value: str | list[str]) -> str:
    """Categories as stored ("B,C"), in the licence's order; an unknown category is refused by name."""
    given = value if isinstance(value, list) else value.replace(" ", ",").split(",")
    wanted = {c.strip().upper() for c in given if c and c.strip()}
    unknown = sorted(wanted - set(DRIVING_LICENCE_CATEGORIES))
    if unknown:
        raise DomainError(_("Driving licence: unknown category %(c)s (known: %(known)s).")
                          % {"c": ", ".join(unknown), "known": ", ".join(DRIVING_LICENCE_CATEGORIES)},
                          code="driving_licence_unknown")
    return ",".join(c for c in DRIVING_LICENCE_CATEGORIES if c in wanted)


def _label(name: str, model: type[Employer] | type[Vacancy] | type[JobSeeker] = JobSeeker) -> str:
    """A field's name as people read it ("" for what concerns the whole record)."""
    if name == NON_FIELD_ERRORS:
        return ""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


def _check_profile_values(fields: dict[str, Any]) -> None:
    today = timezone.localdate()
    if "education" in fields and fields["education"] not in ("", *Education.values):
        raise DomainError(_("Education: choose an ISCED level from 0 to 8."), code="education_unknown")
    if "availability" in fields and fields["availability"] not in Availability.values:
        raise DomainError(_("Availability: choose full time, part time, shifts or seasonal."),
                          code="availability_unknown")
    for name in ("registered_on", "consent_data_processing_on", "consent_share_with_employers_on"):
        day = fields.get(name)
        if day is not None and day > today:
            raise DomainError(_("%(field)s cannot be in the future.") % {"field": _label(name)},
                              code="date_in_future")
    if "registered_on" in fields and fields["registered_on"] is None:
        raise DomainError(_("The registration date is required."), code="registered_on_missing")


@transaction.atomic
def job_seeker_update(*, actor: Actor, job_seeker_id: int, expected_version: int, **changes: Any) -> JobSeeker:
    """Change a job seeker's profile. Only the given fields change; a stale version is refused (someone else
    saved in between), so neither edit is lost."""
    unknown = set(changes) - set(PROFILE_EDIT_FIELDS) - set(PROFILE_SETS)
    if unknown:
        raise DomainError(_("Unknown profile fields: %(f)s") % {"f": ", ".join(sorted(unknown))}, code="unknown_field")
    seeker = _seeker_locked(actor, job_seeker_id)
    if seeker.version != expected_version:
        raise ConcurrentEdit(_("Someone else changed this profile a moment ago. Reload it and apply your change "
                               "again."))
    if "driving_licence" in changes:
        changes["driving_licence"] = driving_licence_normalise(changes["driving_licence"])
    for name in ("skills", "languages", "accommodations"):
        if isinstance(changes.get(name), str):
            changes[name] = changes[name].strip()
    _check_profile_values(changes)
    diff: dict[str, Any] = {}
    for name in PROFILE_EDIT_FIELDS:
        if name in changes and getattr(seeker, name) != changes[name]:
            before = getattr(seeker, name)
            diff[name] = "changed" if name in _PRIVATE_TEXT else [_plain(before), _plain(changes[name])]
            setattr(seeker, name, changes[name])
    sets: dict[str, Callable[[list[str]], list[Any]]] = {
        "occupations_sought": lambda v: _occupations(v, _("Occupations sought")),
        "occupations_held": lambda v: _occupations(v, _("Occupations held")),
        "preferred_municipalities": _municipalities,
    }
    new_sets = {name: sets[name](list(changes[name])) for name in PROFILE_SETS if name in changes}
    _clean(seeker, exclude=["person", "unit"])
    for name, rows in new_sets.items():
        manager = getattr(seeker, name)
        before = sorted(o.code for o in manager.all())
        after = sorted(o.code for o in rows)
        if before != after:
            manager.set(rows)
            diff[name] = {"added": sorted(set(after) - set(before)), "removed": sorted(set(before) - set(after))}
    if diff:
        seeker.version += 1
        seeker.save()
        audit.record(actor=actor, action="job_seeker.update", entity_type="employment.jobseeker",
                     entity_id=seeker.pk, changes=diff)
    return seeker


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _entry_values(*, occupation_code: str, job_title: str, employer_name: str, started_on: dt.date | None,
                  ended_on: dt.date | None) -> dict[str, Any]:
    occupation = _occupations([occupation_code], _("Occupation"))
    if not occupation:
        raise DomainError(_("Choose the occupation (ISCO-08)."), code="occupation_missing")
    if started_on and ended_on and ended_on < started_on:
        raise DomainError(_("The job cannot end before it started."), code="dates_reversed")
    today = timezone.localdate()
    if (started_on and started_on > today) or (ended_on and ended_on > today):
        raise DomainError(_("Work history is about the past: the dates cannot be in the future."),
                          code="date_in_future")
    return {"occupation": occupation[0], "job_title": job_title.strip(), "employer_name": employer_name.strip(),
            "started_on": started_on, "ended_on": ended_on}


def _entry_audit(entry: WorkHistoryEntry) -> dict[str, Any]:
    return {"occupation": entry.occupation_id, "job_title": entry.job_title, "employer": entry.employer_name,
            "from": _plain(entry.started_on), "to": _plain(entry.ended_on)}


@transaction.atomic
def work_history_add(*, actor: Actor, job_seeker_id: int, occupation_code: str, job_title: str = "",
                     employer_name: str = "", started_on: dt.date | None = None,
                     ended_on: dt.date | None = None) -> WorkHistoryEntry:
    """Add a job to the job seeker's work history (also counted among the occupations held)."""
    seeker = _seeker_locked(actor, job_seeker_id)
    entry = WorkHistoryEntry.objects.create(job_seeker=seeker, **_entry_values(
        occupation_code=occupation_code, job_title=job_title, employer_name=employer_name, started_on=started_on,
        ended_on=ended_on))
    seeker.occupations_held.add(entry.occupation)
    audit.record(actor=actor, action="work_history.add", entity_type="employment.jobseeker", entity_id=seeker.pk,
                 changes={"entry": entry.pk, **_entry_audit(entry)})
    return entry


def _seeker_locked(actor: Actor, job_seeker_id: int) -> JobSeeker:
    """The job seeker, locked, after the permission and scope checks."""
    require(actor, Capability.CASE_WORK)
    seeker = JobSeeker.objects.select_for_update().filter(pk=job_seeker_id).first()
    scope_check(actor, seeker.unit_id if seeker else None, _("No such job seeker in your units."))
    assert seeker is not None
    return seeker


def _entry_locked(actor: Actor, job_seeker_id: int, entry_id: int, expected_version: int) -> WorkHistoryEntry:
    seeker = _seeker_locked(actor, job_seeker_id)
    entry = WorkHistoryEntry.objects.select_for_update().filter(pk=entry_id, job_seeker=seeker).first()
    if entry is None:
        raise NotFound(_("No such job in this work history."))
    if entry.version != expected_version:
        raise ConcurrentEdit(_("Someone else changed this job in the work history a moment ago. Reload the page "
                               "and apply your change again."))
    return entry


@transaction.atomic
def work_history_change(*, actor: Actor, job_seeker_id: int, entry_id: int, expected_version: int,
                        occupation_code: str,
                        job_title: str = "", employer_name: str = "", started_on: dt.date | None = None,
                        ended_on: dt.date | None = None) -> WorkHistoryEntry:
    """Correct one job of the work history; a stale version is refused."""
    entry = _entry_locked(actor, job_seeker_id, entry_id, expected_version)
    before = _entry_audit(entry)
    for name, value in _entry_values(occupation_code=occupation_code, job_title=job_title,
                                     employer_name=employer_name, started_on=started_on,
                                     ended_on=ended_on).items():
        setattr(entry, name, value)
    entry.version += 1
    entry.save()
    entry.job_seeker.occupations_held.add(entry.occupation)
    after = _entry_audit(entry)
    audit.record(actor=actor, action="work_history.change", entity_type="employment.jobseeker",
                 entity_id=entry.job_seeker_id,
                 changes={"entry": entry.pk, **{k: [before[k], after[k]] for k in after if before[k] != after[k]}})
    return entry


@transaction.atomic
def work_history_remove(*, actor: Actor, job_seeker_id: int, entry_id: int, expected_version: int) -> None:
    """Remove one job from the work history (a stale version is refused; the audit keeps what it said)."""
    entry = _entry_locked(actor, job_seeker_id, entry_id, expected_version)
    snapshot = _entry_audit(entry)
    seeker_id = entry.job_seeker_id
    entry.delete()
    audit.record(actor=actor, action="work_history.remove", entity_type="employment.jobseeker", entity_id=seeker_id,
                 changes={"entry": entry_id, **snapshot})
