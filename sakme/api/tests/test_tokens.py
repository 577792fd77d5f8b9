"""One's own API tokens through `/api/v1/tokens` (the twin of the "API tokens" page), and tokens that expired, were
revoked or belong to a second-factor role."""

from __future__ import annotations

import datetime as dt
import json

from django.test import Client
from django.utils import timezone

from sakme.accounts import tokens
from sakme.accounts.actors import SYSTEM
from sakme.accounts.models import ApiToken
from sakme.accounts.services import api_token_create
from sakme.audit.models import AuditEvent
from sakme.tests.factories import sign_in


def post(client: Client, path: str, payload: dict | None = None) -> object:
    return client.post(path, json.dumps(payload or {}), content_type="application/json")


def test_list_make_and_revoke_ones_own_tokens(staff):
    client = sign_in(Client(), staff["counsellor"])
    assert client.get("/api/v1/tokens").json() == []
    made = post(client, "/api/v1/tokens", {"name": "report", "days": 10})
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    body = made.json()
    assert body["name"] == "report" and body["live"] and body["revoked_at"] is None and body["secret"].startswith("sk_")
    expires = dt.datetime.fromisoformat(body["expires_at"])
    assert dt.timedelta(days=9, hours=23) < expires - timezone.now() <= dt.timedelta(days=10)

    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {body['secret']}")
    assert bearer.get("/api/v1/units").status_code == 200
    listed = client.get("/api/v1/tokens").json()
    assert [t["id"] for t in listed] == [body["id"]] and "secret" not in listed[0]
    assert listed[0]["last_used_at"] is not None

    revoked = post(client, f"/api/v1/tokens/{body['id']}/revoke")
    assert revoked.status_code == 200 and revoked.json()["revoked_at"] and not revoked.json()["live"]
    refused = bearer.get("/api/v1/units")
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"
    assert AuditEvent.objects.filter(entity_type="accounts.apitoken", entity_id=str(body["id"])).count() == 2


def test_an_expired_token_is_not_authenticated(staff):
    secret = api_token_create(actor=SYSTEM, user=staff["counsellor"], name="old")
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    refused = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/units")
    assert refused.status_code == 401 and refused.json()["code"] == "not_authenticated"


def test_a_token_cannot_make_another_or_see_anyone_elses(staff):
    secret = api_token_create(actor=SYSTEM, user=staff["counsellor"], name="script")
    theirs = tokens.api_token_create(actor=SYSTEM, user_id=staff["unit_head"].pk, name="head").token
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    refused = post(bearer, "/api/v1/tokens", {"name": "another"})
    assert refused.status_code == 403 and refused.json()["code"] == "token_by_token"
    assert [t["name"] for t in bearer.get("/api/v1/tokens").json()] == ["script"]
    other = post(bearer, f"/api/v1/tokens/{theirs.pk}/revoke")
    assert other.status_code == 404 and other.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    # A bearer token revokes itself (a script that is done, or found leaked).
    own = ApiToken.objects.get(name="script")
    assert post(bearer, f"/api/v1/tokens/{own.pk}/revoke").status_code == 200
    assert bearer.get("/api/v1/tokens").status_code == 401


def test_a_lifetime_beyond_the_maximum_is_refused(staff, settings):
    settings.SAKME_API_TOKEN_MAX_DAYS = 30
    client = sign_in(Client(), staff["counsellor"])
    refused = post(client, "/api/v1/tokens", {"name": "long", "days": 31})
    assert refused.status_code == 422 and refused.json()["code"] == "token_lifetime"
    assert post(client, "/api/v1/tokens", {"name": "", "days": 3}).json()["code"] == "invalid"


def test_second_factor_roles_make_short_lived_tokens_in_a_verified_session_only(staff, settings):
    settings.DEMO = False
    steward = staff["data_steward"]
    password_only = Client()
    password_only.force_login(steward)
    assert post(password_only, "/api/v1/tokens", {"name": "x"}).status_code == 401
    verified = sign_in(Client(), steward)
    made = post(verified, "/api/v1/tokens", {"name": "x", "days": 90})
    assert made.status_code == 200
    expires = dt.datetime.fromisoformat(made.json()["expires_at"])
    assert expires - timezone.now() <= dt.timedelta(hours=24)
    # Made by the command line for a second-factor role, a token is as short-lived.
    secret = api_token_create(actor=SYSTEM, user=steward, name="cli", days=90)
    assert ApiToken.objects.get(digest=ApiToken.hash(secret)).expires_at - timezone.now() <= dt.timedelta(hours=24)
