"""Retention: what outlived its period goes, on a schedule (`sakme retention run`, daily; see docs/deploy.md).

Each kind of record in its own transactions, in chunks, so that a stop halfway leaves every row either kept whole
or gone (or anonymised) whole, and the next run finishes the work.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import connection, transaction
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.utils import timezone

from sakme.accounts.actors import SYSTEM, Actor
from sakme.assistance.models import Step
from sakme.audit import services as audit
from sakme.audit.models import AccessEvent, AuditEvent
from sakme.casework.models import (
    Case,
    CaseEvent,
    CoachingContact,
    CounsellingSession,
    EmploymentPlan,
    FollowUp,
    SupportedEmployment,
)
from sakme.employment.models import JobSeeker, WorkHistoryEntry
from sakme.exports.services import exports_expire
from sakme.outreach.models import ContactAttempt
from sakme.registry.models import EmergencyAccess, ImportBatch, ImportProblem, Person, PersonMerge, SourceRecord
from sakme.retention.policy import retention_days
from sakme.surveys.models import Response

CHUNK = 5000
# What staff wrote about a person, in free text: blanked with the person (the records, dates and outcomes stay).
FREE_TEXT: tuple[tuple[type[Model], str, tuple[str, ...]], ...] = (
    (CaseEvent, "case__job_seeker__person_id", ("note",)),
    (EmploymentPlan, "case__job_seeker__person_id", ("goals",)),
    (CounsellingSession, "case__job_seeker__person_id", ("notes",)),
    (FollowUp, "case__job_seeker__person_id", ("notes",)),
    (SupportedEmployment, "case__job_seeker__person_id", ("needs",)),
    (CoachingContact, "pathway__case__job_seeker__person_id", ("notes",)),
    (JobSeeker, "person_id", ("skills", "accommodations")),
    (WorkHistoryEntry, "job_seeker__person_id", ("job_title", "employer_name")),
    (Step, "application__applicant_id", ("note",)),
    (ContactAttempt, "entry__person_id", ("note",)),
    (Response, "counselling_session__case__job_seeker__person_id", ("comment",)),
    (Response, "placement__case__job_seeker__person_id", ("comment",)),
    (Response, "application__applicant_id", ("comment",)),
)
KEPT_SOURCE = "ssa"  # the social-assistance registry keeps its own records by law: its persons are never anonymised


def _chunked_delete(rows: QuerySet[Model], *, purge_audit: bool = False) -> int:
    done = 0
    while True:
        with transaction.atomic():
            if purge_audit and connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL sakme.purging = 'on'")  # the append-only trigger lets this through
            ids = list(rows.order_by("pk").values_list("pk", flat=True)[:CHUNK])
            if not ids:
                return done
            rows.model._default_manager.filter(pk__in=ids).delete()
            done += len(ids)


def persons_to_anonymise(cutoff: dt.datetime) -> QuerySet[Person]:
    """Worknet-only persons with nothing newer than `cutoff`: no record imported, no case open or closed since. A
    person merged into another (registry/merging.py) holds nothing of their own: they go with their survivor."""
    kept = SourceRecord.objects.filter(person_id=OuterRef("pk"), source__code=KEPT_SOURCE)
    recent = SourceRecord.objects.filter(person_id=OuterRef("pk"), batch__created_at__gte=cutoff)
    active = Case.objects.filter(Q(closed_on__isnull=True) | Q(closed_on__gte=cutoff.date()),
                                 job_seeker__person_id=OuterRef("pk"))
    # A subquery, not a join: the persons are read FOR UPDATE.
    own = Q(merged_into__isnull=True) | Q(merged_into__in=Person.objects.filter(anonymised_on__isnull=False)
                                         .values("pk"))
    return Person.objects.filter(own, anonymised_on__isnull=True).exclude(Exists(kept)).exclude(
        Exists(recent)).exclude(Exists(active))


def _year_only(day: dt.date | None) -> dt.date | None:
    return day.replace(month=1, day=1) if day else None


def persons_anonymise(cutoff: dt.datetime, today: dt.date) -> int:
    """Blank what identifies the persons `persons_to_anonymise` finds; keep what statistics count."""
    done = 0
    while True:
        with transaction.atomic():
            persons = list(persons_to_anonymise(cutoff).select_for_update().order_by("pk")[:CHUNK])
            if not persons:
                return done
            for p in persons:
                p.given_name_ka = p.family_name_ka = p.given_name_lat = p.family_name_lat = ""
                p.given_key = p.family_key = p.address = p.phone = ""
                p.personal_number_set(None)
                p.birth_date = _year_only(p.birth_date)
                p.anonymised_on = today
                p.version += 1
            Person.objects.bulk_update(persons, [
                "given_name_ka", "family_name_ka", "given_name_lat", "family_name_lat", "given_key", "family_key",
                "address", "phone", "personal_number_digest", "personal_number_sealed", "personal_number_tail",
                "birth_date", "anonymised_on", "version"])
            # What a merge filled on them (phone, address, ...) goes too: an unmerge then restores the rows only.
            PersonMerge.objects.filter(Q(survivor__in=persons) | Q(merged__in=persons)).update(filled={})
            records = list(SourceRecord.objects.filter(person__in=persons))
            for r in records:
                r.given_name = r.family_name = r.address = r.phone = ""
                r.personal_number_digest = r.personal_number_sealed = r.personal_number_tail = None
                r.birth_date = _year_only(r.birth_date)
            SourceRecord.objects.bulk_update(records, [
                "given_name", "family_name", "address", "phone", "personal_number_digest", "personal_number_sealed",
                "personal_number_tail", "birth_date"])
            ids = [p.pk for p in persons]
            for model, path, fields in FREE_TEXT:
                model._default_manager.filter(**{f"{path}__in": ids}).update(**dict.fromkeys(fields, ""))
            done += len(persons)


def _import_files_remove(cutoff: dt.datetime) -> int:
    """The stored copies of files imported before `cutoff` (the batch and its figures stay)."""
    batches = list(ImportBatch.objects.filter(created_at__lt=cutoff).exclude(file_path=""))
    for batch in batches:
        Path(batch.file_path).unlink(missing_ok=True)
    ImportBatch.objects.filter(pk__in=[b.pk for b in batches]).update(file_path="")
    return len(batches)


def retention_run(*, now: dt.datetime | None = None, actor: Actor = SYSTEM) -> dict[str, int]:
    """Apply every period once; returns how many records of each kind went (or were anonymised)."""
    now = now or timezone.now()
    days = retention_days()

    def before(kind: str) -> dt.datetime:
        return now - dt.timedelta(days=days[kind])

    counts = {
        "access_events": _chunked_delete(AccessEvent.objects.filter(at__lt=before("access_events")),
                                         purge_audit=True),
        "emergency_accesses": _chunked_delete(EmergencyAccess.objects.filter(until__lt=before("access_events"))),
        "audit_events": _chunked_delete(AuditEvent.objects.filter(at__lt=before("audit_events")), purge_audit=True),
        "job_seekers_anonymised": persons_anonymise(before("job_seekers"), timezone.localdate(now)),
        "import_problems": _chunked_delete(ImportProblem.objects.filter(batch__created_at__lt=before(
            "import_problems"))),
        "import_files": _import_files_remove(before("import_files")),
        "exports": exports_expire(now=now),
    }
    audit.record(actor=actor, action="retention.run", entity_type="retention", changes=counts)
    return counts
