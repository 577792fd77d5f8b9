"""The permission matrix's rows for social assistance: its pages and routes, an application declared in each unit,
their addresses."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse

from sakme.accounts.roles import Role
from sakme.assistance.models import Application
from tests.matrix_rules import EVERY_ROLE, allowed

READERS = {Role.ASSISTANCE_SPECIALIST, Role.SOCIAL_AGENT, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}
WORKERS = {Role.ASSISTANCE_SPECIALIST, Role.UNIT_HEAD}
SUPERVISORS = {Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}
DECLARATION = {"children": 2, "working_age": 2, "pension_age": 0, "with_disability": 0, "dwelling_owned": True,
               "dwelling_condition": "fair", "rooms": 3, "cars": 0, "durable_goods": 3, "utilities_gel": "50",
               "land_hectares": "0", "livestock": 0, "income_gel": "200"}

ROWS: dict[str, tuple[str, str | None, dict[str, object]]] = {
    "assistance:list": ("get", None, allowed(READERS)),
    "assistance:late": ("get", None, allowed(SUPERVISORS)),
    "assistance:rules": ("get", None, allowed(EVERY_ROLE)),
    "assistance:declare": ("get", "applicant", allowed(WORKERS, scoped=True)),
    "assistance:application": ("get", "application", allowed(READERS, scoped=True)),
    # Withdrawing is the specialists' (social agents only record visits): the page sends them back to it.
    "assistance:act": ("post", "application_withdraw", allowed(WORKERS, scoped=True, ok=302, form=lambda t: {
        "withdraw-version": 1, "withdraw-note": "moved away"})),
    "api:application_list": ("get", None, allowed(READERS, anon=401)),
    # The matrix's household has an application in progress: allowed roles get past permission to that refusal.
    "api:application_create": ("post", None, allowed(WORKERS, scoped=True, anon=401, ok=422, json=lambda t: {
        "person_id": t["person"], "declaration": DECLARATION})),
    "api:application_detail": ("get", "application", allowed(READERS, scoped=True, anon=401)),
    "api:application_step": ("post", "application_withdraw", allowed(WORKERS, scoped=True, anon=401, json=lambda t: {
        "expected_version": 1, "note": "moved away"})),
    "api:application_late": ("get", None, allowed(SUPERVISORS, anon=401)),
    "api:formula_list": ("get", None, allowed(EVERY_ROLE, anon=401)),
    "api:benefit_rules_list": ("get", None, allowed(EVERY_ROLE, anon=401)),
}
KINDS = ("applicant", "application", "application_withdraw")
SCOPED_KINDS = KINDS


def objects(person: Any, household: Any) -> dict[str, int]:
    """An application of the person's household, declared a week ago."""
    day = dt.date.today() - dt.timedelta(days=7)
    application = Application.objects.create(unit=person.unit, household=household, applicant=person, state_since=day,
                                             declared_on=day, declaration=DECLARATION)
    return {"application": application.pk}


def url(name: str, kind: str, target: dict[str, Any]) -> str:
    if kind == "applicant":
        return reverse(name, kwargs={"person_id": target["person"]})
    if kind == "application_withdraw":
        return reverse(name, kwargs={"application_id": target["application"], "action": "withdraw"})
    return reverse(name, kwargs={"application_id": target["application"]})
