"""The API: same scoping and logging as the pages, token and session auth, and a committed OpenAPI document."""

from __future__ import annotations

import json

from django.test import Client

from sakme.accounts.actors import SYSTEM
from sakme.accounts.services import api_token_create
from sakme.api.management.commands.openapi import SPEC_FILE, openapi_text
from sakme.audit.models import AccessEvent, AccessKind
from sakme.geo.models import TerritorialUnit
from sakme.tests.factories import open_case, person, post, sign_in


def test_openapi_document_is_committed_and_current():
    assert SPEC_FILE.read_text(encoding="utf-8") == openapi_text(), "run `sakme openapi` and commit the result"


def test_token_auth_reads_persons_of_own_units_only(staff):
    own = person(family="ბერიძე", personal_number="01001012345")
    other = person(family="ბერიძე", unit="KA-TEL", personal_number="35001012345")
    token = api_token_create(actor=SYSTEM, user=staff["counsellor"], name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    found = client.get("/api/v1/persons", {"q": "Beridze"}).json()
    assert [p["id"] for p in found["persons"]] == [own.pk]
    detail = client.get(f"/api/v1/persons/{own.pk}")
    assert detail.status_code == 200 and detail.json()["personal_number_masked"] == "••••••••345"
    assert "01001012345" not in detail.content.decode()  # the whole number only through the reveal
    assert client.get(f"/api/v1/persons/{other.pk}").status_code == 404
    assert AccessEvent.objects.filter(person_id=own.pk, kind=AccessKind.API).count() == 1


def test_bad_or_missing_token_is_refused(staff):
    assert Client().get("/api/v1/units").status_code == 401
    assert Client(HTTP_AUTHORIZATION="Bearer sk_wrong").get("/api/v1/units").status_code == 401


def test_session_auth_and_roles_without_person_access(staff):
    client = sign_in(Client(), staff["analyst"])
    assert client.get("/api/v1/persons", {"q": "x"}).status_code == 403
    units = client.get("/api/v1/units").json()
    assert len(units) == 70
    assert sum(1 for u in units if u["model_since"] and u["model_since"] <= "2019-12-31") == 21


def test_regional_coordinator_sees_the_units_of_the_region(staff):
    units = sign_in(Client(), staff["regional_coordinator"]).get("/api/v1/units").json()
    assert {u["region"] for u in units} == {"IM"} and len(units) == 13


def test_casework_over_the_api_with_versions(staff):
    nino = person(family="ბერიძე", personal_number="01001012345")
    token = api_token_create(actor=SYSTEM, user=staff["counsellor"], name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def post(path: str, payload: dict) -> object:
        return client.post(path, json.dumps(payload), content_type="application/json")

    case = post("/api/v1/job-seekers", {"person_id": nino.pk, "registered_on": "2025-03-03"}).json()
    assert case["state"] == "registered" and case["allowed_actions"] == ["assess", "end_early", "transfer"]
    assert {"session", "plan", "assign"} <= set(case["open_activities"])  # the workflow's table of what is open
    assert not {"referral", "placement", "follow_up"} & set(case["open_activities"])
    refused = post(f"/api/v1/cases/{case['id']}/transitions", {"action": "assess", "expected_version": case["version"]})
    assert refused.status_code == 422 and "counselling session" in refused.json()["detail"]
    assert refused.json()["code"] == "transition_refused"
    session = post(f"/api/v1/cases/{case['id']}/sessions", {"held_on": "2025-03-04"})
    assert session.status_code == 200 and session.json()["held_on"] == "2025-03-04"
    case = client.get(f"/api/v1/cases/{case['id']}").json()  # the session moved the case's version on
    moved = post(f"/api/v1/cases/{case['id']}/transitions", {"action": "assess", "expected_version": case["version"]})
    assert moved.status_code == 200 and moved.json()["state"] == "assessed"
    stale = post(f"/api/v1/cases/{case['id']}/transitions",
                 {"action": "end_early", "outcome": "withdrawn", "expected_version": case["version"]})
    assert stale.status_code == 409 and stale.json()["code"] == "concurrent_edit"
    listed = client.get("/api/v1/cases").json()
    assert [c["id"] for c in listed["items"]] == [case["id"]] and listed["next"] is None


def test_the_unit_head_assigns_a_case_over_the_api(staff):
    nino = person(family="ბერიძე", personal_number="01001012346")
    token = api_token_create(actor=SYSTEM, user=staff["counsellor"], name="t")
    counsellor = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    case = counsellor.post("/api/v1/job-seekers", json.dumps({"person_id": nino.pk, "registered_on": "2025-03-03"}),
                           content_type="application/json").json()
    assert case["counsellor_id"] == staff["counsellor"].pk
    head = Client(HTTP_AUTHORIZATION=f"Bearer {api_token_create(actor=SYSTEM, user=staff['unit_head'], name='t')}")
    url = f"/api/v1/cases/{case['id']}/assign"
    nobody = head.post(url, json.dumps({"counsellor_id": staff["unit_head"].pk, "expected_version": case["version"]}),
                       content_type="application/json")
    assert nobody.status_code == 422 and nobody.json()["code"] == "counsellor_not_of_unit"  # not a counsellor
    again = head.post(url, json.dumps({"counsellor_id": staff["counsellor"].pk, "expected_version": case["version"]}),
                      content_type="application/json")
    assert again.status_code == 200 and again.json()["version"] == case["version"] + 1
    stale = head.post(url, json.dumps({"counsellor_id": staff["counsellor"].pk, "expected_version": case["version"]}),
                      content_type="application/json")
    assert stale.status_code == 409


def test_a_case_offers_only_what_the_caller_may_do(staff):
    """The actions a case lists come from the workflow's tables and the caller's capabilities, as on the page: the
    counsellor sees what the case allows, the regional coordinator (who reads) nothing."""
    case = open_case(unit="IM-KUT")
    kutaisi = TerritorialUnit.objects.get(code="IM-KUT")
    assert kutaisi.region.code == "IM"  # the coordinator's region
    read = sign_in(Client(), staff["regional_coordinator"]).get(f"/api/v1/cases/{case.pk}").json()
    assert (read["allowed_actions"], read["open_activities"]) == ([], [])
    post(staff["counsellor"], unit="IM-KUT")
    worked = sign_in(Client(), staff["counsellor"]).get(f"/api/v1/cases/{case.pk}").json()
    assert worked["allowed_actions"] == ["assess", "end_early", "transfer"] and "session" in worked["open_activities"]
