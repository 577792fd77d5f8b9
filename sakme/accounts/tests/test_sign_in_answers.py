"""What the sign-in page tells someone guessing: nothing about which part was wrong, and when to try again."""

from __future__ import annotations

import re

from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sakme.tests.factories import PASSWORD

LOGIN = "/accounts/login/"


def attempt(username: str, password: str, token: str = "", ip: str = "10.0.0.9") -> object:
    return Client(REMOTE_ADDR=ip).post(LOGIN, {"username": username, "password": password, "otp_token": token})


def answer(response) -> str:
    """The page's words about the attempt (the form's errors), the CSRF token aside."""
    html = response.content.decode()
    return " ".join(re.findall(r'<ul class="errorlist[^"]*">(.*?)</ul>', html, re.S))


def test_a_right_password_with_a_wrong_code_gets_the_answer_of_a_wrong_password(staff):
    device = TOTPDevice.objects.create(user=staff["unit_head"], name="phone", confirmed=True)
    wrong_code = f"{(totp(device.bin_key) + 1) % 1_000_000:06d}"
    answers = {
        "wrong password": attempt("unit_head", "nope", ip="10.0.0.1"),
        "wrong password, right code": attempt("unit_head", "nope", f"{totp(device.bin_key):06d}", ip="10.0.0.2"),
        "right password, no code": attempt("unit_head", PASSWORD, ip="10.0.0.3"),
        "right password, wrong code": attempt("unit_head", PASSWORD, wrong_code, ip="10.0.0.4"),
        "user without a device": attempt("counsellor", "nope", ip="10.0.0.5"),
    }
    said = {name: (r.status_code, answer(r)) for name, r in answers.items()}
    assert len(set(said.values())) == 1, said
    assert "wrong" in next(iter(said.values()))[1]
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows a device down after wrong codes
    assert attempt("unit_head", PASSWORD, f"{totp(device.bin_key):06d}", ip="10.0.0.6").status_code == 302


def test_wrong_codes_count_towards_the_lockout(staff, settings):
    device = TOTPDevice.objects.create(user=staff["unit_head"], name="phone", confirmed=True)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("unit_head", PASSWORD, "000000" if totp(device.bin_key) else "111111")
    locked = attempt("unit_head", PASSWORD, f"{totp(device.bin_key):06d}")
    assert locked.status_code == 429


def test_the_lockout_page_says_when_to_try_again(staff, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("counsellor", "wrong")
    locked = attempt("counsellor", PASSWORD)
    assert locked.status_code == 429
    assert locked["Retry-After"] == str(int(settings.AXES_COOLOFF_TIME * 3600)) == "900"
    assert "blocked for 15 minutes" in locked.content.decode()
