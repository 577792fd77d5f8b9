"""Schemathesis against the committed OpenAPI document: whatever a client sends, the API answers without a server
error and within what the document promises (a documented status code and content type, a body of the schema).

In-process and without Django's test client, whose requests skip the CSRF check: the requests go to Django's WSGI
handler, each in a savepoint of the test's transaction rolled back after it, so examples do not see each other's
writes and no server runs. Every operation is called twice, as a browser would (with a CSRF token): by a signed-in
unit head (a session cookie) whose unit has a person, a household, a case and the rest, with path ids taken from those
objects about half the time, of their own unit or of another; and by an anonymous caller.

The number of examples is bounded and the generation derandomized: the same inputs on every run. A failure prints
the check that failed, the response and a curl command that reproduces it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.test import Client
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from sakme.api.management.commands.openapi import SPEC_FILE
from sakme.casework.models import Case, Referral
from sakme.employment.models import (
    Employer,
    JobSeeker,
    TrainingProgramme,
    TrainingProvider,
    Vacancy,
    WorkHistoryEntry,
)
from sakme.registry.models import Household, Membership, SourceSystem
from sakme.tests.factories import person, sign_in

CONFIG = schemathesis.Config.from_dict({
    "seed": 2026,
    "generation": {
        "max-examples": 15,  # per operation and caller in the fuzzing phase; the coverage phase adds its own few
        "deterministic": True,
        "database": "none",  # nothing replayed from an earlier run's failures: the same examples every time
        "with-security-parameters": False,  # the test decides who calls, not the generator
    },
    "phases": {"stateful": {"enabled": False}},
    # What the document promises. Other checks (negative data rejection, ...) judge the API's design, not its document.
    "checks": {
        "enabled": False,
        "not_a_server_error": {"enabled": True},
        "status_code_conformance": {"enabled": True},
        "content_type_conformance": {"enabled": True},
        "response_schema_conformance": {"enabled": True},
        "response_headers_conformance": {"enabled": True},
    },
})
SCHEMA = schemathesis.openapi.from_path(SPEC_FILE, config=CONFIG)
CSRF_SECRET = "sakmeFuzz0123456789abcdefghijklm"  # 32 letters and digits: a token Django accepts in cookie and header

# Ids of real objects by path parameter name: one dict for the unit head's unit, one for another unit. Filled by the
# `callers` fixture before any example is drawn (each xdist worker has its own).
WORLDS: list[dict[str, int]] = []


@SCHEMA.hook
def flatmap_path_parameters(context: schemathesis.HookContext, path_parameters: dict[str, Any] | None,
                            ) -> st.SearchStrategy:
    """Half the time, the ids of one unit's real objects in place of generated integers (other values are kept)."""
    if not WORLDS or not path_parameters or not set(path_parameters) & set(WORLDS[0]):
        return st.just(path_parameters)

    def real(world: dict[str, int]) -> dict[str, Any]:
        return {name: world[name] if name in world and type(value) is int else value
                for name, value in path_parameters.items()}

    return st.one_of(st.just(path_parameters), st.sampled_from(WORLDS).map(real))


def _objects(unit: str) -> dict[str, int]:
    """A person with a household, a job seeker with a case in services, a referral, a job held, a vacancy, a
    training programme."""
    ssa = SourceSystem.objects.get(code="ssa")
    p = person(unit=unit)
    household = Household.objects.create(source=ssa, key=f"H-{unit}", unit=p.unit)
    Membership.objects.create(household=household, person=p, relation="head")
    seeker = JobSeeker.objects.create(person=p, unit=p.unit, registered_on=dt.date(2025, 1, 6))
    case = Case.objects.create(job_seeker=seeker, unit=p.unit, opened_on=dt.date(2025, 1, 6),
                               state_since=dt.date(2025, 1, 6), state="in_services")
    referral = Referral.objects.create(case=case, kind="social_service", service="debt advice",
                                       referred_on=dt.date(2025, 1, 7))
    entry = WorkHistoryEntry.objects.create(job_seeker=seeker, occupation_id="5120", employer_name="Hotel")
    provider = TrainingProvider.objects.create(name=f"College {unit}", tax_id=f"4{p.pk:08d}",
                                               municipality=p.unit.municipality)
    programme = TrainingProgramme.objects.create(provider=provider, occupation_id="7212", title="Welding",
                                                 duration_weeks=12, capacity=10)
    employer = Employer.objects.create(tax_id=f"2{p.pk:08d}", name="Bakery", unit=p.unit)
    vacancy = Vacancy.objects.create(employer=employer, unit=p.unit, occupation_id="5120", title="Cook",
                                     municipality=p.unit.municipality, opened_on=dt.date(2025, 1, 6))
    return {"person_id": p.pk, "household_id": household.pk, "job_seeker_id": seeker.pk, "case_id": case.pk,
            "referral_id": referral.pk, "entry_id": entry.pk, "programme_id": programme.pk,
            "employer_id": employer.pk, "vacancy_id": vacancy.pk}


@pytest.fixture
def callers(staff) -> Iterator[dict[str, dict[str, Any]]]:
    """What each caller's browser sends: a CSRF token (cookie and header) and, for the unit head (TB-1), a session
    cookie. Anonymous callers carry the token too, so that their writes reach authentication, not the CSRF check.
    The data is of the unit head's unit and of another (KA-TEL)."""
    WORLDS[:] = [_objects("TB-1"), _objects("KA-TEL")]
    session = sign_in(Client(), staff["unit_head"]).cookies[django_settings.SESSION_COOKIE_NAME].value
    csrf = {django_settings.CSRF_COOKIE_NAME: CSRF_SECRET}
    yield {
        "unit_head": {"cookies": {**csrf, django_settings.SESSION_COOKIE_NAME: session},
                      "headers": {"X-CSRFToken": CSRF_SECRET}},
        "anonymous": {"cookies": csrf, "headers": {"X-CSRFToken": CSRF_SECRET}},
    }
    WORLDS.clear()


@pytest.fixture
def app(callers) -> Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]:
    """Django's WSGI handler, each request in a savepoint of the test's transaction that is rolled back after it."""
    handler = WSGIHandler()

    def in_savepoint(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        # As Django's test client does: the handler must not close the connection that holds the test's transaction.
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            with transaction.atomic():
                response = handler(environ, start_response)
                try:
                    body = b"".join(response)
                finally:
                    response.close()
                transaction.set_rollback(True)
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)
        return [body]

    return in_savepoint


@pytest.mark.parametrize("caller", ["unit_head", "anonymous"])
@SCHEMA.parametrize()
# The fixtures hold for all examples of a test; no example changes them (each request is rolled back).
@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_api_answers_within_its_schema(case, caller, app, callers):
    case.call_and_validate(app=app, **callers[caller])
