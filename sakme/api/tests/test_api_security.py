"""The API's guards: the second factor the pages ask for, bearer tokens that need no CSRF token, and input that no
database column takes."""

from __future__ import annotations

import pytest
from django.test import Client

from sakme.accounts.actors import SYSTEM
from sakme.accounts.services import api_token_create
from sakme.tests.factories import open_case, person, sign_in


def test_a_session_without_the_second_factor_reads_no_person(staff, settings):
    settings.DEMO = False
    nino = person()
    password_only = Client()
    password_only.force_login(staff["data_steward"])
    refused = password_only.get(f"/api/v1/persons/{nino.pk}")
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"
    assert password_only.get("/api/v1/persons", {"q": "beridze"}).status_code == 401
    verified = sign_in(Client(), staff["data_steward"])
    assert verified.get(f"/api/v1/persons/{nino.pk}").status_code == 200


def test_roles_without_a_second_factor_use_the_session(staff, settings):
    settings.DEMO = False
    settings.SAKME_OTP_REQUIRED_ROLES = ["data_steward"]
    client = Client()
    client.force_login(staff["counsellor"])
    assert client.get("/api/v1/cases").status_code == 200


def test_a_token_writes_where_a_browser_would_need_a_csrf_token(staff):
    """A request with a bearer token is the token's: the session's CSRF check is not asked of it."""
    case = open_case(counsellor=staff["counsellor"])
    token = api_token_create(actor=SYSTEM, user=staff["counsellor"], name="script")
    client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {token}")
    response = client.post(f"/api/v1/cases/{case.pk}/sessions", {"held_on": "2025-03-03"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(staff["counsellor"])
    refused = browser.post(f"/api/v1/cases/{case.pk}/sessions", {"held_on": "2025-03-03"},
                           content_type="application/json")
    assert refused.status_code in (401, 403)  # a session write without its CSRF token


@pytest.mark.parametrize("where", ["query", "body"])
def test_a_nul_character_is_refused_before_any_query(staff, where):
    client = sign_in(Client(), staff["counsellor"])
    if where == "query":
        response = client.get("/api/v1/occupations", {"q": "cook\x00"})
    else:
        response = client.post("/api/v1/job-seekers", '{"person_id": 1, "registered_on": "2025-03-03", '
                               '"skills": "a\\u0000b"}', content_type="application/json")
    assert response.status_code == 422 and response.json()["code"] == "invalid"


def test_a_number_beyond_the_database_is_refused_not_a_server_error(staff):
    client = sign_in(Client(), staff["unit_head"])
    huge = 10**30
    response = client.get(f"/api/v1/cases/{huge}")
    assert response.status_code in (404, 422), response.content
    refused = client.post("/api/v1/group-sessions", {"topic": "CV", "held_on": "2025-03-03", "invited": [huge]},
                          content_type="application/json")
    # SQLite cannot hold the number (refused as invalid); PostgreSQL finds no such case of the unit.
    assert refused.status_code == 422 and refused.json()["code"] in ("invalid", "case_of_other_unit")
    page = client.get(f"/cases/{huge}/")
    assert page.status_code in (404, 422) and page["X-Error-Code"] in ("not_found", "invalid")
