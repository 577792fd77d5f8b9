"""Retention with a moved clock: what outlived its period goes or is anonymised, what did not stays untouched."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.audit import services as audit
from sakme.audit.models import AccessEvent, AccessKind, AuditEvent
from sakme.casework.models import Case, CounsellingSession
from sakme.registry.models import ImportBatch, Person, SourceRecord, SourceSystem
from sakme.retention.services import persons_to_anonymise, retention_run
from sakme.tests.factories import open_case, person

YEAR = dt.timedelta(days=365)


def _record(p: Person, source: str, *, imported: dt.datetime) -> SourceRecord:
    batch = ImportBatch.objects.create(source=SourceSystem.objects.get(code=source), file_name="f.csv",
                                       file_sha256="0" * 64, status=ImportBatch.Status.SUCCEEDED)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=imported)
    return SourceRecord.objects.create(source=batch.source, key=f"K{p.pk}", person=p, batch=batch, row=2,
                                       given_name="Eka", family_name="Lomidze", address="Rustaveli 1",
                                       birth_date=dt.date(1980, 6, 15))


def test_access_and_audit_events_go_after_their_period(staff):
    now = timezone.now()
    audit.record_access(actor=staff["counsellor"], person_ids=[1, 2], kind=AccessKind.VIEW)
    audit.record(actor=SYSTEM, action="x.old", entity_type="x")
    counts = retention_run(now=now + 2 * YEAR + dt.timedelta(days=1))
    assert counts["access_events"] == 2 and not AccessEvent.objects.exists()
    assert AuditEvent.objects.filter(action="x.old").exists()  # ten years for those
    retention_run(now=now + 10 * YEAR + dt.timedelta(days=1))
    assert not AuditEvent.objects.filter(action="x.old").exists()
    assert AuditEvent.objects.filter(action="retention.run").count() >= 1  # the run itself is logged


def test_recent_events_stay(staff):
    audit.record_access(actor=staff["counsellor"], person_ids=[1], kind=AccessKind.VIEW)
    assert retention_run(now=timezone.now() + YEAR)["access_events"] == 0
    assert AccessEvent.objects.count() == 1


def test_a_worknet_only_person_is_anonymised_after_five_quiet_years(staff):
    now = timezone.now()
    quiet = person(given="ეკა", family="ლომიძე", personal_number="01001012345", phone="599123456")
    _record(quiet, "worknet", imported=now)
    old_case = open_case(who=quiet)
    CounsellingSession.objects.create(case=old_case, held_on=timezone.localdate(), notes="she lives with her sister")
    Case.objects.filter(pk=old_case.pk).update(state="closed", closed_on=timezone.localdate())
    beneficiary = person(given="ნინო", family="ბერიძე")
    _record(beneficiary, "ssa", imported=now)
    in_services = person(given="გიორგი", family="კაპანაძე")
    _record(in_services, "worknet", imported=now)
    open_case(who=in_services)
    assert list(persons_to_anonymise(now - 5 * YEAR)) == []  # nothing is old yet
    counts = retention_run(now=now + 5 * YEAR + dt.timedelta(days=2))
    assert counts["job_seekers_anonymised"] == 1
    gone = Person.objects.get(pk=quiet.pk)
    assert (gone.given_name_ka, gone.family_name_lat, gone.given_key, gone.phone, gone.address) == ("", "", "", "",
                                                                                                    "")
    assert gone.personal_number_digest is None and gone.personal_number_sealed is None
    assert gone.birth_date == dt.date(quiet.birth_date.year, 1, 1) and gone.sex == quiet.sex
    assert gone.unit_id == quiet.unit_id and gone.anonymised_on is not None
    assert CounsellingSession.objects.get(case=old_case).notes == ""  # what staff wrote about her goes too
    assert Case.objects.get(pk=old_case.pk).closed_on is not None  # the case itself stays, for the figures
    record = SourceRecord.objects.get(person=quiet)
    assert (record.given_name, record.address, record.birth_date) == ("", "", dt.date(1980, 1, 1))
    assert Person.objects.get(pk=beneficiary.pk).given_name_ka == "ნინო"  # the registry keeps its own
    assert Person.objects.get(pk=in_services.pk).given_name_ka == "გიორგი"  # a case open: kept
    assert retention_run(now=now + 6 * YEAR)["job_seekers_anonymised"] == 0  # once is enough


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_still_refuses_other_deletes_of_audit_rows(staff):
    from django.db import DatabaseError, transaction

    audit.record(actor=SYSTEM, action="x.kept", entity_type="x")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.filter(action="x.kept").delete()
