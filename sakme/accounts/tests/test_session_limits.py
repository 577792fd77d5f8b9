"""A signed-in session ends after 30 minutes without a request and 10 hours after signing in, whatever the activity:
a page goes back to the sign-in page saying why (and returns where it was after), the API answers 401."""

from __future__ import annotations

import pytest
from django.test import Client

from sakme.accounts import session_limits
from sakme.tests.factories import PASSWORD, sign_in

MINUTE = 60
PAGE = "/geo/units/"
API = "/api/v1/units"


@pytest.fixture
def clock(monkeypatch):
    """The sessions' clock, moved by the test."""

    class Clock:
        now = 1_900_000_000

        def pass_(self, seconds: int) -> None:
            self.now += seconds

    c = Clock()
    monkeypatch.setattr(session_limits, "now", lambda: c.now)
    return c


def signed_in(staff) -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": "counsellor", "password": PASSWORD})
    assert response.status_code == 302
    return client


def test_a_session_idle_for_longer_than_the_limit_is_signed_out_with_a_reason(staff, clock):
    client = signed_in(staff)
    clock.pass_(29 * MINUTE)
    assert client.get(PAGE).status_code == 200
    clock.pass_(31 * MINUTE)
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"] == "/accounts/login/?next=%2Fgeo%2Funits%2F"
    page = client.get(response["Location"]).content.decode()
    assert "signed out after 30 minutes without activity" in page and 'data-error-code="session_expired"' in page
    assert client.get(PAGE).status_code == 302  # signed out for good, not only redirected once


def test_an_idle_api_session_gets_401(staff, clock):
    client = signed_in(staff)
    assert client.get(API).status_code == 200
    clock.pass_(31 * MINUTE)
    response = client.get(API)
    assert response.status_code == 401 and response.json()["code"] == "session_expired"
    assert client.get(API).status_code == 401


def test_activity_keeps_a_session_until_its_absolute_limit(staff, clock, settings):
    client = signed_in(staff)
    for _ in range(29):  # a request every 20 minutes: never idle, 9 h 40 min in all
        clock.pass_(20 * MINUTE)
        assert client.get(PAGE).status_code == 200
    clock.pass_(20 * MINUTE + 1)  # 10 hours and a second after signing in
    response = client.get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "a session lasts at most 10 hours" in client.get(response["Location"]).content.decode()
    assert settings.SESSION_COOKIE_AGE == settings.SAKME_SESSION_MAX_SECONDS  # nor does the cookie outlive it


def test_the_limits_come_from_the_environment(staff, clock, settings):
    settings.SAKME_SESSION_IDLE_SECONDS = 5 * MINUTE
    client = signed_in(staff)
    clock.pass_(6 * MINUTE)
    assert client.get(API).json()["code"] == "session_expired"


def test_an_htmx_request_of_an_expired_session_loads_the_sign_in_page_whole(staff, clock):
    client = signed_in(staff)
    clock.pass_(31 * MINUTE)
    response = client.get(PAGE, headers={"HX-Request": "true"})
    assert response.status_code == 204 and response["HX-Redirect"].startswith("/accounts/login/")


def test_a_session_signed_in_otherwise_starts_its_clocks_on_its_first_request(staff, clock):
    client = sign_in(Client(), staff["counsellor"])  # as the admin's sign-in or a test's: no clocks yet
    assert client.get(PAGE).status_code == 200
    clock.pass_(31 * MINUTE)
    assert client.get(PAGE).status_code == 302


def test_requests_within_a_minute_do_not_rewrite_the_session(staff, clock):
    client = signed_in(staff)
    seen = client.session[session_limits.SEEN]
    clock.pass_(30)
    client.get(PAGE)
    assert client.session[session_limits.SEEN] == seen
    clock.pass_(31)
    client.get(PAGE)
    assert client.session[session_limits.SEEN] == seen + 61
