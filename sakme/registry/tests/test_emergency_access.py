"""Break the glass: a person of another unit opens to a user who gives the whole number and a reason, for a few
hours, logged, and listed for the unit head of the person's unit and the data-protection officer."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from sakme.audit.models import AccessEvent, AccessKind, AuditEvent
from sakme.common.errors import DomainError, NotFound, PermissionDenied
from sakme.registry.access import person_get_for_user
from sakme.registry.emergency import emergency_access_open, emergency_accesses_for_user
from sakme.registry.models import EmergencyAccess
from sakme.tests.factories import UserFactory, person, post, sign_in

NUMBER = "35001012345"


@pytest.fixture
def walk_in(staff):
    """A person of Telavi (KA-TEL): not in the counsellor's unit (TB-1)."""
    return person(given="ეკა", family="ლომიძე", unit="KA-TEL", personal_number=NUMBER)


def test_the_glass_opens_with_the_whole_number_and_a_reason_only(walk_in, staff):
    counsellor = staff["counsellor"]
    with pytest.raises(NotFound):
        person_get_for_user(counsellor, walk_in.pk)
    with pytest.raises(DomainError) as short:
        emergency_access_open(actor=counsellor, personal_number=NUMBER[:8], reason="she came to our office")
    assert short.value.code == "whole_number_needed"
    with pytest.raises(DomainError) as reasonless:
        emergency_access_open(actor=counsellor, personal_number=NUMBER, reason="")
    assert reasonless.value.code == "reason_required"
    with pytest.raises(NotFound):
        emergency_access_open(actor=counsellor, personal_number="35001019999", reason="she came to our office")
    assert not EmergencyAccess.objects.exists()
    opened = emergency_access_open(actor=counsellor, personal_number=NUMBER, reason="she came to our office")
    assert opened.unit.code == "KA-TEL" and opened.until > timezone.now() + dt.timedelta(hours=3)
    assert person_get_for_user(counsellor, walk_in.pk).pk == walk_in.pk
    assert AccessEvent.objects.filter(kind=AccessKind.EMERGENCY, person_id=walk_in.pk, actor=counsellor,
                                      context="she came to our office").count() == 1
    assert AuditEvent.objects.filter(action="person.emergency_access", entity_id=str(walk_in.pk)).count() == 1


def test_the_opening_lapses(walk_in, staff):
    counsellor = staff["counsellor"]
    opened = emergency_access_open(actor=counsellor, personal_number=NUMBER, reason="she came to our office")
    EmergencyAccess.objects.filter(pk=opened.pk).update(until=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(NotFound):
        person_get_for_user(counsellor, walk_in.pk)


def test_own_units_need_no_glass_and_other_roles_cannot_break_it(walk_in, staff):
    own = person(unit="TB-1", personal_number="01001012345")
    with pytest.raises(DomainError) as in_scope:
        emergency_access_open(actor=staff["counsellor"], personal_number="01001012345", reason="checking her file")
    assert in_scope.value.code == "in_scope" and own.pk
    for role in ("analyst", "data_steward", "administrator", "data_protection_officer"):
        with pytest.raises(PermissionDenied):
            emergency_access_open(actor=staff[role], personal_number=NUMBER, reason="she came to our office")


def test_the_unit_head_of_the_persons_unit_and_the_officer_see_it(walk_in, staff):
    emergency_access_open(actor=staff["counsellor"], personal_number=NUMBER, reason="she came to our office")
    telavi_head = UserFactory(username="telavi_head", role="unit_head")
    post(telavi_head, unit="KA-TEL")
    assert [a.reason for a in emergency_accesses_for_user(telavi_head)] == ["she came to our office"]
    assert list(emergency_accesses_for_user(staff["unit_head"])) == []  # TB-1's head: not their person
    assert len(emergency_accesses_for_user(staff["data_protection_officer"])) == 1
    with pytest.raises(PermissionDenied):
        emergency_accesses_for_user(staff["counsellor"])


def test_the_page_opens_and_lists(walk_in, staff):
    client = sign_in(Client(), staff["counsellor"])
    url = reverse("registry:emergency_access")
    refused = client.post(url, {"personal_number": NUMBER, "reason": ""})
    assert refused.status_code == 422 and refused["X-Error-Code"] == "invalid"
    opened = client.post(url, {"personal_number": NUMBER, "reason": "she came to our office"})
    assert opened.status_code == 302 and opened["Location"] == reverse("registry:person", args=[walk_in.pk])
    assert client.get(opened["Location"]).status_code == 200
    officer = sign_in(Client(), staff["data_protection_officer"])
    listed = officer.get(reverse("registry:emergency_accesses")).content.decode()
    assert "she came to our office" in listed and NUMBER not in listed


def test_the_api_opens_and_lists(walk_in, staff):
    client = sign_in(Client(), staff["counsellor"])
    body = {"personal_number": NUMBER, "reason": "she came to our office"}
    opened = client.post("/api/v1/persons/emergency-access", json.dumps(body), content_type="application/json")
    assert opened.status_code == 200 and opened.json()["person_id"] == walk_in.pk
    assert client.get(f"/api/v1/persons/{walk_in.pk}").status_code == 200
    officer = sign_in(Client(), staff["data_protection_officer"])
    listed = officer.get("/api/v1/emergency-accesses")
    assert listed.status_code == 200 and [a["reason"] for a in listed.json()] == ["she came to our office"]
    assert client.get("/api/v1/emergency-accesses").status_code == 403
