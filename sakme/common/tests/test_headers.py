"""What every response tells the browser, and the transport settings of production: personal data is never cached
(`no-store`), features no page uses are refused (Permissions-Policy), and in production plain http is redirected,
HSTS is sent, the proxy's headers are believed, and the lockout keys on the client's address behind the proxy."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client, RequestFactory

from sakme.common.middleware import client_ip
from sakme.tests.factories import PASSWORD, sign_in

BASE_DIR = Path(django_settings.BASE_DIR)


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_every_page_a_signed_in_user_sees_and_every_api_answer_is_not_stored(staff):
    client = sign_in(Client(), staff["counsellor"])
    for url in ("/", "/geo/units/", "/registry/", "/cases/", "/no-such-page/", "/api/v1/units", "/api/v1/cases"):
        response = client.get(url)
        assert no_store(response), (url, response.status_code, response.get("Cache-Control"))
    assert no_store(Client().get("/api/v1/units"))  # a refusal of the API too


def test_what_anyone_may_see_keeps_the_default_caching(db):
    assert not no_store(Client().get("/accounts/login/"))
    assert not no_store(Client().get("/health"))


def test_every_response_refuses_the_features_no_page_uses(staff):
    for response in (Client().get("/accounts/login/"), sign_in(Client(), staff["counsellor"]).get("/"),
                     Client().get("/api/v1/units")):
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy


# -- production's transport settings --------------------------------------------------------------------------------

PRODUCTION_ENV = {"SAKME_SECRET_KEY": secrets.token_urlsafe(64)}


def settings_of(**env: str) -> dict:
    """The settings module as a process started with `env` (and neither SAKME_DEBUG nor the test run's marks) has
    them."""
    names = ["DEBUG", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
             "SECURE_HSTS_PRELOAD", "SECURE_PROXY_SSL_HEADER", "USE_X_FORWARDED_HOST", "PROXY_COUNT",
             "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "STORAGES"]
    code = f"import json, sakme.settings as s; print(json.dumps({{n: getattr(s, n) for n in {names!r}}}))"
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SAKME_", "PYTEST", "DJANGO_SETTINGS")) and k != "DATABASE_URL"}
    done = subprocess.run([sys.executable, "-c", code], env={**clean, "SAKME_VAR_DIR": str(django_settings.VAR_DIR),
                                                             **env}, cwd=BASE_DIR, capture_output=True, text=True,
                          check=True, timeout=60)
    return json.loads(done.stdout)


def test_production_redirects_to_https_sends_hsts_and_believes_its_proxy():
    s = settings_of(**PRODUCTION_ENV)
    assert s["SECURE_SSL_REDIRECT"] and s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] and s["SECURE_HSTS_PRELOAD"]
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"] and s["USE_X_FORWARDED_HOST"]
    assert s["PROXY_COUNT"] == 1 and s["SESSION_COOKIE_SECURE"] and s["CSRF_COOKIE_SECURE"]
    assert s["STORAGES"]["staticfiles"]["BACKEND"] == "sakme.common.staticfiles.CompressedManifestStorage"


def test_each_transport_setting_follows_its_variable():
    s = settings_of(**PRODUCTION_ENV, SAKME_SSL_REDIRECT="0", SAKME_HSTS_SECONDS="600", SAKME_HSTS_PRELOAD="0",
                    SAKME_HSTS_INCLUDE_SUBDOMAINS="0", SAKME_PROXY_SSL_HEADER="0", SAKME_USE_X_FORWARDED_HOST="0",
                    SAKME_PROXY_COUNT="2")
    assert (s["SECURE_SSL_REDIRECT"], s["SECURE_HSTS_SECONDS"], s["SECURE_HSTS_PRELOAD"],
            s["SECURE_HSTS_INCLUDE_SUBDOMAINS"], s["SECURE_PROXY_SSL_HEADER"], s["USE_X_FORWARDED_HOST"],
            s["PROXY_COUNT"]) == (False, 600, False, False, None, False, 2)


def test_the_demo_serves_plain_http_on_its_own():
    s = settings_of(SAKME_DEMO="1")
    assert not (s["DEBUG"] or s["SECURE_SSL_REDIRECT"] or s["SECURE_HSTS_SECONDS"] or s["SECURE_PROXY_SSL_HEADER"]
                or s["SESSION_COOKIE_SECURE"] or s["PROXY_COUNT"])


def test_the_deployment_checks_pass_on_production_settings():
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith(("SAKME_", "PYTEST", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"))}
    done = subprocess.run([sys.executable, "-m", "sakme.cli", "check", "--deploy", "--fail-level", "WARNING"],
                          env={**clean, **PRODUCTION_ENV, "SAKME_VAR_DIR": str(django_settings.VAR_DIR)},
                          cwd=BASE_DIR, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


@pytest.fixture
def production_transport(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.USE_X_FORWARDED_HOST = True
    settings.ALLOWED_HOSTS = ["sakme.example.ge"]
    return settings


def test_behind_the_proxy_plain_http_is_redirected_and_https_gets_hsts(db, production_transport):
    proxied = {"X-Forwarded-Host": "sakme.example.ge"}  # the host the browser asked for, not the proxy's upstream
    plain = Client().get("/accounts/login/", headers=proxied)
    assert plain.status_code == 301 and plain["Location"] == "https://sakme.example.ge/accounts/login/"
    assert Client().get("/health", headers=proxied).status_code == 200  # the monitor's probe over plain http
    secure = Client().get("/accounts/login/", headers={**proxied, "X-Forwarded-Proto": "https"})
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


# -- the client's address behind the proxy (the lockout's key) ------------------------------------------------------

@pytest.mark.parametrize("count,forwarded,expected", [
    (0, "203.0.113.7", "127.0.0.1"),  # no proxy: the header is the client's own word
    (1, "203.0.113.7", "203.0.113.7"),
    (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # a forged entry in front is not taken
    (2, "203.0.113.7, 10.0.0.2", "203.0.113.7"),
    (2, "10.0.0.2", "127.0.0.1"),  # fewer entries than proxies: it bypassed them
])
def test_the_client_address_is_the_one_the_outermost_proxy_saw(settings, count, forwarded, expected):
    settings.PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_the_proxy_one_attacker_does_not_lock_out_everyone(staff, settings):
    settings.PROXY_COUNT = 1

    def attempt(password: str, address: str):
        return Client(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR=address).post(
            "/accounts/login/", {"username": "counsellor", "password": password})

    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt("wrong", "203.0.113.66")
    assert attempt(PASSWORD, "203.0.113.66").status_code == 429
    assert attempt(PASSWORD, "198.51.100.10").status_code == 302  # the counsellor, from the office
