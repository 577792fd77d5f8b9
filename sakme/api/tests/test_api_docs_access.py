"""The API's documentation and OpenAPI document are for signed-in users and tokens only: anonymous callers get 401
for the document and the sign-in page for the docs, as for everything else of the API and the pages."""

from __future__ import annotations

from django.test import Client

from sakme.accounts.actors import SYSTEM
from sakme.accounts.tokens import api_token_create
from sakme.tests.factories import sign_in

SCHEMA = "/api/v1/openapi.json"
DOCS = "/api/v1/docs"


def test_anonymous_callers_get_neither_the_document_nor_the_docs(db):
    schema = Client().get(SCHEMA)
    assert schema.status_code == 401 and schema.json()["code"] == "not_authenticated"
    assert "paths" not in schema.json()
    docs = Client().get(DOCS)
    assert docs.status_code == 302 and docs["Location"] == f"/accounts/login/?next={DOCS}"


def test_signed_in_users_and_tokens_read_them(staff):
    client = sign_in(Client(), staff["counsellor"])
    assert "/api/v1/cases" in client.get(SCHEMA).json()["paths"]
    assert client.get(DOCS).status_code == 200
    issued = api_token_create(actor=SYSTEM, user_id=staff["counsellor"].pk, name="docs")
    by_token = Client().get(SCHEMA, headers={"Authorization": f"Bearer {issued.secret}"})
    assert by_token.status_code == 200 and "paths" in by_token.json()


def test_a_password_alone_does_not_open_them_for_a_role_that_must_use_two_factor(staff):
    client = Client()
    client.force_login(staff["data_steward"])  # password passed, second factor not yet
    assert client.get(SCHEMA).status_code == 401
    docs = client.get(DOCS)
    assert docs.status_code == 302 and docs["Location"] == "/accounts/otp/setup/"
