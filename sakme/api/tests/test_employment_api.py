"""Job-seeker profiles, work history, occupations, training programmes, transfers and referrals over the API:
the same services, scoping and logging as the pages."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client

from sakme.accounts.actors import SYSTEM
from sakme.accounts.services import api_token_create
from sakme.audit.models import AccessEvent, AccessKind, AuditEvent
from sakme.casework import services as casework
from sakme.casework.models import Case, State
from sakme.employment import services
from sakme.employment.models import JobSeeker, TrainingIntake, TrainingProgramme, TrainingProvider
from sakme.geo.models import Municipality, TerritorialUnit
from sakme.tests.factories import person

TODAY = dt.date.today()


@pytest.fixture
def client(staff):
    return Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(actor=SYSTEM, user=staff['counsellor'], name='t')}")


def _seeker(unit: str = "TB-1") -> JobSeeker:
    return services.job_seeker_register(actor=SYSTEM, person=person(unit=unit), registered_on=dt.date(2025, 3, 3),
                                        unit=TerritorialUnit.objects.get(code=unit), occupations=["5120"])


def _send(client: Client, method: str, path: str, payload: dict) -> object:
    return getattr(client, method)(path, json.dumps(payload), content_type="application/json")


def test_profile_read_update_and_conflict(client, staff):
    seeker = _seeker()
    url = f"/api/v1/job-seekers/{seeker.pk}"
    profile = client.get(url).json()
    assert profile["occupations_sought"] == ["5120"] and profile["version"] == 1 and profile["work_history"] == []
    assert AccessEvent.objects.filter(person_id=seeker.person_id, kind=AccessKind.API).count() == 1
    changed = _send(client, "patch", url, {"expected_version": 1, "occupations_held": ["7212"],
                                           "driving_licence": ["c", "B"], "preferred_municipalities": ["rustavi"],
                                           "consent_share_with_employers_on": "2025-03-04"})
    assert changed.status_code == 200, changed.content
    body = changed.json()
    assert body["version"] == 2 and body["driving_licence"] == ["B", "C"] and body["occupations_held"] == ["7212"]
    assert body["occupations_sought"] == ["5120"]  # not given, not changed
    stale = _send(client, "patch", url, {"expected_version": 1, "skills": "x"})
    assert stale.status_code == 409 and "Someone else" in stale.json()["detail"]
    bad = _send(client, "patch", url, {"expected_version": 2, "occupations_sought": ["12"]})
    assert bad.status_code == 422 and "12" in bad.json()["detail"]
    cleared = _send(client, "patch", url, {"expected_version": 2, "consent_share_with_employers_on": None})
    assert cleared.json()["consent_share_with_employers_on"] is None
    assert AuditEvent.objects.filter(action="job_seeker.update", entity_id=str(seeker.pk)).count() == 2


def test_work_history_over_the_api(client):
    seeker = _seeker()
    base = f"/api/v1/job-seekers/{seeker.pk}/work-history"
    entry = _send(client, "post", base, {"occupation": "5120", "employer_name": "Hotel", "started_on": "2020-01-01"})
    assert entry.status_code == 200
    entry_id = entry.json()["id"]
    changed = _send(client, "put", f"{base}/{entry_id}", {"occupation": "5131", "expected_version": 1})
    assert changed.json()["version"] == 2 and changed.json()["occupation"] == "5131"
    assert _send(client, "put", f"{base}/{entry_id}", {"occupation": "5131", "expected_version": 1}).status_code == 409
    assert client.delete(f"{base}/{entry_id}?expected_version=1").status_code == 409
    assert client.delete(f"{base}/{entry_id}?expected_version=2").status_code == 204
    assert client.get(f"/api/v1/job-seekers/{seeker.pk}").json()["work_history"] == []


def test_profiles_of_other_units_and_roles_without_case_work(client, staff):
    other = _seeker(unit="KA-TEL")
    assert client.get(f"/api/v1/job-seekers/{other.pk}").status_code == 404
    assert _send(client, "patch", f"/api/v1/job-seekers/{other.pk}", {"expected_version": 1}).status_code == 404
    analyst = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(actor=SYSTEM, user=staff['analyst'], name='a')}")
    assert analyst.get(f"/api/v1/job-seekers/{other.pk}").status_code == 403
    assert not AccessEvent.objects.filter(person_id=other.person_id).exists()


def test_occupations_and_programmes(client):
    assert [o["code"] for o in client.get("/api/v1/occupations", {"q": "512"}).json()] == ["5120"]
    provider = TrainingProvider.objects.create(name="College", tax_id="400000009",
                                               municipality=Municipality.objects.get(code="rustavi"))
    programme = TrainingProgramme.objects.create(provider=provider, occupation_id="7212", title="Welding",
                                                 duration_weeks=10, capacity=12)
    TrainingIntake.objects.create(programme=programme, starts_on=TODAY + dt.timedelta(20),
                                  applications_close_on=TODAY + dt.timedelta(10))
    listed = client.get("/api/v1/training-programmes", {"municipality": "rustavi", "intake_open": "true"}).json()
    assert [p["id"] for p in listed["items"]] == [programme.pk] and listed["items"][0]["next_intake"]["left"] == 12
    assert listed["next"] is None
    assert client.get("/api/v1/training-programmes", {"occupation": "51"}).json() == {"items": [], "next": None}
    detail = client.get(f"/api/v1/training-programmes/{programme.pk}").json()
    assert detail["intakes"][0]["places"] == 12 and detail["provider"] == "College"
    assert client.get("/api/v1/training-programmes/999999").status_code == 404


def test_transfer_and_programme_referral_over_the_api(client, staff):
    seeker = _seeker()
    case = casework.case_open(actor=SYSTEM, job_seeker_id=seeker.pk, opened_on=TODAY)
    Case.objects.filter(pk=case.pk).update(state=State.IN_SERVICES)
    provider = TrainingProvider.objects.create(name="College", tax_id="400000010",
                                               municipality=Municipality.objects.get(code="tbilisi"))
    programme = TrainingProgramme.objects.create(provider=provider, occupation_id="7212", title="Welding",
                                                 duration_weeks=10, capacity=1)
    TrainingIntake.objects.create(programme=programme, starts_on=TODAY + dt.timedelta(20),
                                  applications_close_on=TODAY + dt.timedelta(10))
    referral = _send(client, "post", f"/api/v1/cases/{case.pk}/referrals",
                     {"kind": "training", "programme_id": programme.pk, "referred_on": TODAY.isoformat()})
    assert referral.status_code == 200 and referral.json()["status"] == "pending"
    again = _send(client, "post", f"/api/v1/cases/{case.pk}/referrals",
                  {"kind": "training", "programme_id": programme.pk, "referred_on": TODAY.isoformat()})
    assert again.status_code == 422

    version = Case.objects.get(pk=case.pk).version
    assert _send(client, "post", f"/api/v1/cases/{case.pk}/transfer",
                 {"to_unit": "NOPE", "reason": "moved", "expected_version": version}).status_code == 404
    moved = _send(client, "post", f"/api/v1/cases/{case.pk}/transfer",
                  {"to_unit": "AJ-BAT", "reason": "moved", "expected_version": version})
    assert moved.status_code == 200, moved.content
    body = moved.json()
    assert (body["case"]["state"], body["case"]["outcome"], body["to_unit"]) == ("closed", "transferred", "AJ-BAT")
    assert client.get(f"/api/v1/cases/{body['new_case_id']}").status_code == 404  # now the other unit's
    assert client.get(f"/api/v1/job-seekers/{seeker.pk}").status_code == 404
