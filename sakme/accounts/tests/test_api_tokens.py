"""API tokens: the "API tokens" page (one's own tokens, the secret shown once, revoking), their lifetimes, the second
factor of the roles that must use one, and `sakme token create --days`."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from sakme.accounts import tokens
from sakme.accounts.actors import SYSTEM
from sakme.accounts.models import ApiToken
from sakme.audit.models import AuditEvent
from sakme.common.errors import DomainError, NotFound, PermissionDenied
from sakme.tests.factories import sign_in

PAGE = "/accounts/tokens/"


def secret_on(page: str) -> str:
    found = re.search(r"<code data-secret>(sk_[\w-]+)</code>", page)
    assert found, "no secret on the page"
    return found.group(1)


def test_the_page_makes_a_token_shows_its_secret_once_and_revokes_it(staff):
    client = sign_in(Client(), staff["counsellor"])
    assert "You have no API tokens" in client.get(PAGE).content.decode()
    made = client.post(PAGE, {"name": "monthly report", "days": "30"})
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    secret = secret_on(made.content.decode())
    token = ApiToken.objects.get(user=staff["counsellor"])
    assert token.name == "monthly report" and token.digest == ApiToken.hash(secret)
    assert dt.timedelta(days=29, hours=23) < token.expires_at - timezone.now() <= dt.timedelta(days=30)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/units").status_code == 200

    listed = client.get(PAGE).content.decode()
    assert "monthly report" in listed and secret not in listed and "data-secret" not in listed
    revoked = client.post(f"/accounts/tokens/{token.pk}/revoke/")
    assert revoked.status_code == 302 and revoked["Location"] == PAGE
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert "revoked" in client.get(PAGE).content.decode()
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/units").status_code == 401
    actions = list(AuditEvent.objects.filter(entity_type="accounts.apitoken").values_list("action", flat=True))
    assert sorted(actions) == ["api_token.create", "api_token.revoke"]


def test_the_page_lists_only_ones_own_tokens_and_revokes_no_one_elses(staff):
    theirs = tokens.api_token_create(actor=SYSTEM, user_id=staff["unit_head"].pk, name="head's script").token
    client = sign_in(Client(), staff["counsellor"])
    assert "head&#x27;s script" not in client.get(PAGE).content.decode()
    refused = client.post(f"/accounts/tokens/{theirs.pk}/revoke/")
    assert refused.status_code == 404 and refused["X-Error-Code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.revoked_at is None


def test_a_refused_lifetime_is_said_on_the_form(staff, settings):
    settings.SAKME_API_TOKEN_MAX_DAYS = 30
    client = sign_in(Client(), staff["counsellor"])
    refused = client.post(PAGE, {"name": "forever", "days": "31"})
    assert refused.status_code == 422 and refused["X-Error-Code"] == "token_lifetime"
    assert "data-secret" not in refused.content.decode() and not ApiToken.objects.exists()


def test_tokens_of_second_factor_roles_need_a_verified_session_and_are_short_lived(staff, settings):
    settings.DEMO = False
    steward = staff["data_steward"]
    with pytest.raises(PermissionDenied) as refused:
        tokens.api_token_create(actor=steward, user_id=steward.pk, name="x", verified=False)
    assert refused.value.code == "second_factor_required"
    issued = tokens.api_token_create(actor=steward, user_id=steward.pk, name="x", days=90, verified=True)
    assert issued.token.expires_at - timezone.now() <= dt.timedelta(hours=24)
    # The page makes one in the verified session, with the same short life.
    made = sign_in(Client(), steward).post(PAGE, {"name": "linkage script", "days": "90"})
    assert made.status_code == 200 and "at most 24 hours" in made.content.decode()
    token = ApiToken.objects.get(user=steward, name="linkage script")
    assert token.expires_at - timezone.now() <= dt.timedelta(hours=24)
    # A password-only session never reaches the page (the second factor first).
    password_only = Client()
    password_only.force_login(steward)
    assert password_only.post(PAGE, {"name": "y"})["Location"] == "/accounts/otp/setup/"


def test_a_long_lived_token_stops_working_when_its_user_takes_a_second_factor_role(staff, settings):
    settings.DEMO = False
    counsellor = staff["counsellor"]
    secret = tokens.api_token_create(actor=counsellor, user_id=counsellor.pk, name="x", days=90).secret
    assert tokens.api_token_user(secret) is not None
    ApiToken.objects.update(created_at=timezone.now() - dt.timedelta(days=2))
    counsellor.role = "data_steward"
    counsellor.save()
    assert tokens.api_token_user(secret) is None


def test_token_rules(staff, settings):
    counsellor = staff["counsellor"]
    default = tokens.api_token_create(actor=counsellor, user_id=counsellor.pk, name="d").token
    assert dt.timedelta(days=89, hours=23) < default.expires_at - timezone.now() <= dt.timedelta(days=90)
    for days in (0, 366):
        with pytest.raises(DomainError) as refused:
            tokens.api_token_create(actor=counsellor, user_id=counsellor.pk, name="x", days=days)
        assert refused.value.code == "token_lifetime"
    with pytest.raises(DomainError) as unnamed:
        tokens.api_token_create(actor=counsellor, user_id=counsellor.pk, name="  ")
    assert unnamed.value.code == "invalid"
    with pytest.raises(PermissionDenied) as other:
        tokens.api_token_create(actor=counsellor, user_id=staff["unit_head"].pk, name="x")
    assert other.value.code == "token_of_other_user"
    with pytest.raises(PermissionDenied) as by_token:
        tokens.api_token_create(actor=counsellor, user_id=counsellor.pk, name="x", by_token=True)
    assert by_token.value.code == "token_by_token"
    with pytest.raises(NotFound):
        tokens.api_token_revoke(actor=staff["unit_head"], token_id=default.pk)
    # Administrators revoke anyone's (the admin site's action); revoking again changes nothing.
    tokens.api_token_revoke(actor=staff["administrator"], token_id=default.pk)
    tokens.api_token_revoke(actor=counsellor, token_id=default.pk)
    assert AuditEvent.objects.filter(action="api_token.revoke").count() == 1


def test_an_expired_or_revoked_token_opens_nothing(staff):
    counsellor = staff["counsellor"]
    expired = tokens.api_token_create(actor=counsellor, user_id=counsellor.pk, name="old")
    ApiToken.objects.filter(pk=expired.token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert tokens.api_token_user(expired.secret) is None
    live = tokens.api_token_create(actor=counsellor, user_id=counsellor.pk, name="new")
    user, token = tokens.api_token_user(live.secret) or (None, None)
    assert user == counsellor and token is not None and token.last_used_at is None  # noted in the database
    assert ApiToken.objects.get(pk=live.token.pk).last_used_at is not None


def test_the_command_line_makes_tokens_with_a_lifetime(staff):
    out = io.StringIO()
    call_command("token", "create", "counsellor", "nightly", "--days", "7", stdout=out)
    secret = out.getvalue().strip()
    token = ApiToken.objects.get(digest=ApiToken.hash(secret))
    assert token.name == "nightly" and token.expires_at - timezone.now() <= dt.timedelta(days=7)
    with pytest.raises(CommandError, match="token_lifetime"):
        call_command("token", "create", "counsellor", "--days", "1000", stdout=io.StringIO())


def test_the_admin_site_lists_tokens_without_secrets_and_revokes_them(staff):
    issued = tokens.api_token_create(actor=SYSTEM, user_id=staff["counsellor"].pk, name="leaked")
    admin = sign_in(Client(), staff["administrator"])
    listed = admin.get("/admin/accounts/apitoken/").content.decode()
    shown = admin.get(f"/admin/accounts/apitoken/{issued.token.pk}/change/").content.decode()
    for page in (listed, shown):
        assert "leaked" in page and issued.token.digest not in page and issued.secret not in page
    assert admin.get("/admin/accounts/apitoken/add/").status_code == 403
    response = admin.post("/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [issued.token.pk]})
    assert response.status_code == 302
    assert tokens.api_token_user(issued.secret) is None
    assert AuditEvent.objects.get(action="api_token.revoke").actor == staff["administrator"]
