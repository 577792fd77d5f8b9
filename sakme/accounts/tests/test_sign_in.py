"""Signing in: passwords, lockout by user name and address, two-factor authentication by role."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sakme.audit.models import AuditEvent
from sakme.tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def attempt(username: str, password: str, ip: str = "10.0.0.1", token: str = "") -> object:
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password, "otp_token": token})


def test_counsellor_signs_in_and_lands_on_home(staff):
    client = Client()
    response = client.post(LOGIN, {"username": "counsellor", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_wrong_password_says_so_without_telling_which_part(staff):
    response = attempt("counsellor", "nope")
    assert response.status_code == 200
    assert "user name, the password or the code from the authenticator app is wrong" in response.content.decode()


def test_lockout_is_keyed_by_user_and_address(staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("counsellor", "wrong", ip="10.0.0.1")
    locked = attempt("counsellor", PASSWORD, ip="10.0.0.1")
    assert locked.status_code == 429 and "Too many failed sign-ins" in locked.content.decode()
    # The same user from another address, and another user from the same address, are not locked out.
    assert attempt("counsellor", PASSWORD, ip="10.0.0.2").status_code == 302
    assert attempt("unit_head", PASSWORD, ip="10.0.0.1").status_code == 302


@pytest.mark.parametrize("role", ["data_steward", "analyst", "administrator"])
def test_roles_that_must_use_two_factor_are_sent_to_set_it_up(staff, role):
    client = Client()
    client.post(LOGIN, {"username": role, "password": PASSWORD})
    response = client.get(reverse("geo:units"))
    assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_setup")


def test_two_factor_setup_then_sign_in_with_a_code(staff):
    client = Client()
    client.post(LOGIN, {"username": "data_steward", "password": PASSWORD})
    page = client.get(reverse("accounts:otp_setup"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=staff["data_steward"], confirmed=False)
    response = client.post(reverse("accounts:otp_setup"), {"otp_token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.get(reverse("registry:imports")).status_code == 200
    assert AuditEvent.objects.filter(action="otp.confirm").exists()
    # Next time the code is asked on the sign-in page itself.
    device.refresh_from_db()
    fresh = Client()
    ok = fresh.post(LOGIN, {"username": "data_steward", "password": PASSWORD,
                            "otp_token": f"{totp(device.bin_key, drift=1):06d}"})
    assert ok.status_code == 302
    assert fresh.get(reverse("registry:imports")).status_code == 200
    assert attempt("data_steward", PASSWORD, ip="10.0.0.9").status_code == 200  # no code: refused


def test_the_demo_relaxes_two_factor_and_says_so(staff, settings):
    settings.DEMO = True
    client = Client()
    assert "not enforced" in client.get(LOGIN).content.decode()
    client.post(LOGIN, {"username": "data_steward", "password": PASSWORD})
    assert client.get(reverse("registry:imports")).status_code == 200


def test_next_parameter_cannot_send_users_elsewhere(staff):
    response = Client().post(LOGIN, {"username": "counsellor", "password": PASSWORD,
                                     "next": "https://evil.example/"})
    assert response["Location"] == reverse("home")


def test_a_wrong_code_is_refused_with_a_reason(staff):
    client = Client()
    client.post(LOGIN, {"username": "analyst", "password": PASSWORD})
    client.get(reverse("accounts:otp_setup"))
    device = TOTPDevice.objects.get(user=staff["analyst"], confirmed=False)
    wrong = f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"
    response = client.post(reverse("accounts:otp_setup"), {"otp_token": wrong})
    assert response.status_code == 200 and "not valid" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
