"""An administrator ends a user's sessions: every browser signed in as them is signed out at once, their API tokens
stay, and the action is audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from sakme.accounts import services
from sakme.accounts.services import api_token_create
from sakme.audit.models import AuditEvent
from sakme.common.errors import PermissionDenied
from sakme.tests.factories import PASSWORD, sign_in


def test_the_admin_action_ends_every_session_of_the_chosen_user_only(staff):
    counsellor = staff["counsellor"]
    phone = Client()  # signed in with the password (the second factor is not the counsellor's duty)
    assert phone.post("/accounts/login/", {"username": "counsellor", "password": PASSWORD}).status_code == 302
    laptop = sign_in(Client(), counsellor)
    head = sign_in(Client(), staff["unit_head"])
    token = api_token_create(actor=staff["counsellor"], user=counsellor, name="script")
    for client in (laptop, phone, head):
        assert client.get("/geo/units/").status_code == 200

    admin = sign_in(Client(), staff["administrator"])
    response = admin.post("/admin/accounts/user/", {"action": "end_sessions", "_selected_action": [counsellor.pk]})
    assert response.status_code == 302

    for client in (laptop, phone):
        refused = client.get("/geo/units/")
        assert refused.status_code == 302 and refused["Location"].startswith("/accounts/login/")
    assert head.get("/geo/units/").status_code == 200  # another user's session is untouched
    live = [s.get_decoded().get("_auth_user_id") for s in Session.objects.all()]
    assert str(counsellor.pk) not in live and str(staff["unit_head"].pk) in live
    event = AuditEvent.objects.get(action="user.sessions_end")
    assert event.actor == staff["administrator"] and event.entity_id == str(counsellor.pk)
    assert event.changes == {"sessions": 2}
    # API tokens are not sessions: they stay until revoked.
    assert Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/units").status_code == 200
    # Signing in again works as before.
    counsellor.refresh_from_db()
    assert sign_in(Client(), counsellor).get("/geo/units/").status_code == 200


def test_a_session_the_store_does_not_list_ends_too(staff):
    """A session row the scan cannot find (its key changed on the way) is refused all the same: the user's sessions
    are tied to a generation that ending them moves on."""
    client = sign_in(Client(), staff["counsellor"])
    key = client.session.session_key
    data = Session.objects.get(session_key=key).session_data
    services.user_sessions_end(actor=staff["administrator"], user_id=staff["counsellor"].pk)
    Session.objects.create(session_key=key, session_data=data, expire_date=timezone.now() + dt.timedelta(hours=1))
    refused = client.get("/geo/units/")
    assert refused.status_code == 302 and refused["Location"].startswith("/accounts/login/")


def test_only_administrators_end_sessions(staff):
    with pytest.raises(PermissionDenied):
        services.user_sessions_end(actor=staff["unit_head"], user_id=staff["counsellor"].pk)
    assert not AuditEvent.objects.filter(action="user.sessions_end").exists()
