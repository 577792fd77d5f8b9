"""The job-seeker profile: scoped reads with access events, audited versioned edits, the work history, the
occupation picker, and constant queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AccessEvent, AuditEvent
from sakme.common.errors import ConcurrentEdit, DomainError, PermissionDenied
from sakme.employment import services
from sakme.employment.models import JobSeeker, WorkHistoryEntry
from sakme.geo.models import TerritorialUnit
from sakme.tests.factories import person, row_version, sign_in

DAY = dt.date(2025, 3, 3)


@pytest.fixture
def seeker(territory):
    return services.job_seeker_register(actor=SYSTEM, person=person(disability_status="moderate"),
                                        unit=TerritorialUnit.objects.get(code="TB-1"), registered_on=DAY,
                                        occupations=["5120"], consent_data_processing_on=DAY)


@pytest.fixture
def counsellor(staff):
    return sign_in(Client(), staff["counsellor"])


def _form(seeker: JobSeeker, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "version": seeker.version, "registered_on": seeker.registered_on.isoformat(), "education": "3",
        "occupations_sought": ["5120", "9112"], "occupations_held": ["5131"], "skills": "cooking",
        "languages": "Georgian (native), Russian (B1)", "driving_licence": ["B", "C"], "availability": "part_time",
        "preferred_municipalities": ["tbilisi"], "accommodations": "step-free access",
        "consent_data_processing_on": DAY.isoformat(), "consent_share_with_employers_on": DAY.isoformat()}
    data.update(changes)
    return data


def test_profile_shows_registry_and_profile_and_logs_the_view(staff, counsellor, seeker):
    page = counsellor.get(reverse("employment:job_seeker", args=[seeker.pk])).content.decode()
    assert seeker.person.full_name in page and "5120" in page and "moderate" in page
    assert AccessEvent.objects.filter(actor=staff["counsellor"], person_id=seeker.person_id).count() == 1


def test_profile_of_another_unit_is_not_found_and_other_roles_are_refused(staff, seeker):
    seeker.unit = TerritorialUnit.objects.get(code="KA-TEL")
    seeker.save()
    url = reverse("employment:job_seeker", args=[seeker.pk])
    assert sign_in(Client(), staff["counsellor"]).get(url).status_code == 404
    assert sign_in(Client(), staff["analyst"]).get(url).status_code == 403
    assert not AccessEvent.objects.filter(person_id=seeker.person_id).exists()


def test_editing_the_profile_saves_every_field_and_audits_it(staff, counsellor, seeker):
    url = reverse("employment:job_seeker_edit", args=[seeker.pk])
    assert 'name="occupations_sought" value="5120" checked' in counsellor.get(url).content.decode()
    response = counsellor.post(url, _form(seeker))
    assert response.status_code == 302
    seeker.refresh_from_db()
    assert seeker.version == 2 and seeker.education == "3" and seeker.driving_licence == "B,C"
    assert sorted(o.code for o in seeker.occupations_sought.all()) == ["5120", "9112"]
    assert [o.code for o in seeker.occupations_held.all()] == ["5131"]
    assert [m.code for m in seeker.preferred_municipalities.all()] == ["tbilisi"]
    assert seeker.consent_share_with_employers_on == DAY and seeker.availability == "part_time"
    event = AuditEvent.objects.get(action="job_seeker.update", entity_id=str(seeker.pk))
    assert event.actor == staff["counsellor"] and event.changes["education"] == ["", "3"]
    assert event.changes["occupations_sought"] == {"added": ["9112"], "removed": []}
    assert event.changes["accommodations"] == "changed"  # what it says stays out of the audit trail


def test_a_concurrent_edit_is_shown_not_lost(staff, counsellor, seeker):
    url = reverse("employment:job_seeker_edit", args=[seeker.pk])
    services.job_seeker_update(actor=staff["unit_head"], job_seeker_id=seeker.pk, expected_version=1,
                               skills="welding")
    page = counsellor.post(url, _form(seeker, skills="cooking")).content.decode()
    assert "Someone else changed this profile" in page and "welding" in page and "cooking" in page
    seeker.refresh_from_db()
    assert seeker.skills == "welding" and seeker.version == 2  # the other edit stands until this one is resent
    assert 'name="version" value="2"' in page
    assert counsellor.post(url, _form(seeker, skills="cooking")).status_code == 302
    seeker.refresh_from_db()
    assert seeker.skills == "cooking" and seeker.version == 3


def test_service_refuses_stale_versions_bad_codes_and_other_units(staff, seeker):
    with pytest.raises(ConcurrentEdit):
        services.job_seeker_update(actor=staff["counsellor"], job_seeker_id=seeker.pk, expected_version=7, skills="x")
    with pytest.raises(DomainError, match="9999"):
        services.job_seeker_update(actor=staff["counsellor"], job_seeker_id=seeker.pk, expected_version=1,
                                   occupations_sought=["9999"])
    with pytest.raises(DomainError, match="unknown category X"):
        services.job_seeker_update(actor=staff["counsellor"], job_seeker_id=seeker.pk, expected_version=1,
                                   driving_licence="B, X")
    with pytest.raises(DomainError, match="future"):
        services.job_seeker_update(actor=staff["counsellor"], job_seeker_id=seeker.pk, expected_version=1,
                                   consent_share_with_employers_on=dt.date.today() + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.job_seeker_update(actor=staff["employer_relations"], job_seeker_id=seeker.pk, expected_version=1)
    assert JobSeeker.objects.get(pk=seeker.pk).version == 1


def test_work_history_add_correct_remove(staff, counsellor, seeker):
    add = reverse("employment:work_add", args=[seeker.pk])
    response = counsellor.post(add, {"w-occupation": "5120", "w-job_title": "Cook", "w-employer_name": "Hotel",
                                     "w-started_on": "2019-04-01", "w-ended_on": "2023-06-30"}, HTTP_HX_REQUEST="true")
    section = response.content.decode()
    assert response.status_code == 200 and "Hotel" in section  # the section, for htmx
    assert 'id="qualifications" aria-labelledby="h-qualifications" hx-swap-oob="true"' in section  # held: 5120
    entry = WorkHistoryEntry.objects.get(job_seeker=seeker)
    assert [o.code for o in seeker.occupations_held.all()] == ["5120"]
    refused = counsellor.post(add, {"w-occupation": "5120", "w-started_on": "2023-01-01", "w-ended_on": "2022-01-01"},
                              HTTP_HX_REQUEST="true").content.decode()
    assert "cannot end before it started" in refused and WorkHistoryEntry.objects.count() == 1

    edit = reverse("employment:work_edit", args=[seeker.pk, entry.pk])
    assert 'value="5120" checked' in counsellor.get(edit, HTTP_HX_REQUEST="true").content.decode()
    counsellor.post(edit, {f"e{entry.pk}-occupation": "5131", f"e{entry.pk}-job_title": "Waiter",
                           f"e{entry.pk}-version": "1"})
    entry.refresh_from_db()
    assert (entry.occupation_id, entry.job_title, entry.version) == ("5131", "Waiter", 2)
    stale = counsellor.post(edit, {f"e{entry.pk}-occupation": "5120", f"e{entry.pk}-version": "1"}, follow=True)
    assert "Someone else changed this job" in stale.content.decode()

    remove = reverse("employment:work_remove", args=[seeker.pk, entry.pk])
    assert "Someone else changed" in counsellor.post(remove, {"version": "1"}, follow=True).content.decode()
    counsellor.post(remove, {"version": "2"})
    assert not WorkHistoryEntry.objects.exists()
    assert list(AuditEvent.objects.filter(entity_id=str(seeker.pk), action__startswith="work_history")
                .order_by("pk").values_list("action", flat=True)) == [
        "work_history.add", "work_history.change", "work_history.remove"]


def test_occupation_picker_finds_by_code_and_by_title_in_either_language(counsellor):
    url = reverse("employment:occupations")
    by_code = counsellor.get(url, {"q": "512", "field": "occupations_sought", "into": "id_occupations_sought"})
    assert "5120" in by_code.content.decode() and "hx-swap=\"beforeend\"" in by_code.content.decode()
    assert "5120" in counsellor.get(url, {"q": "cook"}).content.decode()
    assert "5120" in counsellor.get(url, {"q": "მზარეულ"}).content.decode()
    chip = counsellor.get(url, {"pick": "5120", "field": "occupations_sought"}).content.decode()
    assert 'name="occupations_sought" value="5120" checked' in chip
    assert counsellor.get(url, {"pick": "51"}).status_code == 400
    assert counsellor.get(url, {"q": "x", "field": '"><script>'}).status_code == 400


def test_profile_page_queries_do_not_grow_with_the_work_history(staff, counsellor, seeker):
    url = reverse("employment:job_seeker", args=[seeker.pk])
    services.work_history_add(actor=SYSTEM, job_seeker_id=seeker.pk, occupation_code="5120")
    with CaptureQueriesContext(connection) as few:
        counsellor.get(url)
    for code in ("5131", "9112", "7212", "8322"):
        services.work_history_add(actor=SYSTEM, job_seeker_id=seeker.pk, occupation_code=code, employer_name=code)
    services.job_seeker_update(actor=SYSTEM, job_seeker_id=seeker.pk, expected_version=row_version(seeker),
                               occupations_sought=["5120", "5131", "9112"],
                               preferred_municipalities=["tbilisi", "rustavi"])
    with CaptureQueriesContext(connection) as many:
        page = counsellor.get(url).content.decode()
    assert page.count('id="job-') == 5
    assert len(many) == len(few)
