"""Every URL and API route, for every role, on an object of the role's own unit and of another unit.

A new route without a row here fails `test_every_route_has_a_row`: decide who may use it before it ships.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sakme.accounts.roles import Role
from sakme.registry.models import ImportBatch, SourceSystem
from sakme.tests.factories import person, sign_in

UNIT_ROLES = {Role.COUNSELLOR, Role.EMPLOYER_RELATIONS, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}
PERSON_ROLES = UNIT_ROLES | {Role.DATA_STEWARD}
EVERY_ROLE = set(Role)
ANON = "anonymous"


def allowed(roles: set[Role], *, scoped: bool = False, denied: int = 403, anon: int = 302) -> dict[str, object]:
    """A row: roles that may use the route; `scoped` means unit roles get 404 for another unit's object."""
    return {"roles": roles, "scoped": scoped, "denied": denied, "anon": anon}


# url name -> (method, kwargs kind, rule)
MATRIX: dict[str, tuple[str, str | None, dict[str, object]]] = {
    "home": ("get", None, allowed(EVERY_ROLE)),
    "health": ("get", None, allowed(EVERY_ROLE, anon=200)),
    "accounts:login": ("get", None, allowed(EVERY_ROLE, anon=200)),
    "accounts:logout": ("post", None, allowed(EVERY_ROLE)),
    "accounts:otp_setup": ("get", None, allowed(EVERY_ROLE)),
    "set_language": ("post", None, allowed(EVERY_ROLE, anon=302)),
    "geo:units": ("get", None, allowed(EVERY_ROLE)),
    "registry:search": ("get", None, allowed(PERSON_ROLES)),
    "registry:person": ("get", "person", allowed(PERSON_ROLES, scoped=True)),
    "registry:imports": ("get", None, allowed({Role.DATA_STEWARD})),
    "registry:import_detail": ("get", "batch", allowed({Role.DATA_STEWARD})),
    "registry:import_errors": ("get", "batch", allowed({Role.DATA_STEWARD})),
    "admin:*": ("get", None, allowed({Role.ADMINISTRATOR}, denied=302)),
    "api:person_search": ("get", "q", allowed(PERSON_ROLES, anon=401)),
    "api:person_detail": ("get", "person", allowed(PERSON_ROLES, scoped=True, anon=401)),
    "api:household_detail": ("get", "household", allowed(PERSON_ROLES, scoped=True, anon=401)),
    "api:unit_list": ("get", None, allowed(EVERY_ROLE, anon=401)),
    "api:openapi-json": ("get", None, allowed(EVERY_ROLE, anon=200)),
    "api:openapi-view": ("get", None, allowed(EVERY_ROLE, anon=200)),
    "api:api-root": ("get", None, allowed(EVERY_ROLE, anon=404, denied=404)),
}
# Where each role is posted in the `staff` fixture; "other" is outside every unit role's scope.
OWN_UNIT = {Role.REGIONAL_COORDINATOR: "IM-KUT"}
OTHER_UNIT = "KA-TEL"


def _names(patterns: list, prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            namespace = f"{prefix}{p.namespace}:" if p.namespace else prefix
            if namespace.startswith("admin:"):
                yield "admin:*"
                continue
            yield from _names(p.url_patterns, namespace)
        elif isinstance(p, URLPattern) and p.name:
            yield f"{prefix}{p.name}"


def test_every_route_has_a_row():
    routes = set(_names(get_resolver().url_patterns))
    assert routes - set(MATRIX) == set(), "routes without a row in the permission matrix"
    assert set(MATRIX) - routes == set(), "rows for routes that no longer exist"


@pytest.fixture
def objects(staff):
    from sakme.registry.models import Household, Membership

    found = {}
    for where in ("TB-1", "IM-KUT", OTHER_UNIT):
        p = person(unit=where)
        household = Household.objects.create(source=SourceSystem.objects.get(code="ssa"), key=f"H-{where}",
                                             unit=p.unit)
        Membership.objects.create(household=household, person=p, relation="head")
        found[where] = {"person": p.pk, "household": household.pk}
    batch = ImportBatch.objects.create(source=SourceSystem.objects.get(code="ssa"), file_name="x.csv",
                                       file_sha256="0" * 64, status=ImportBatch.Status.FAILED)
    return found, batch


def _url(name: str, kind: str | None, target: dict[str, int], batch: ImportBatch) -> str:
    if name == "admin:*":
        return reverse("admin:index")
    if kind == "person":
        return reverse(name, kwargs={"person_id": target["person"]})
    if kind == "household":
        return reverse(name, kwargs={"household_id": target["household"]})
    if kind == "batch":
        return reverse(name, kwargs={"batch_id": batch.pk})
    if kind == "q":
        return reverse(name) + "?q=beridze"
    return reverse(name)


def _expected(rule: dict[str, object], role: str, *, other: bool) -> int:
    if role == ANON:
        return int(rule["anon"])  # type: ignore[call-overload]
    if Role(role) not in rule["roles"]:  # type: ignore[operator]
        return int(rule["denied"])  # type: ignore[call-overload]
    if other and rule["scoped"] and Role(role) in UNIT_ROLES:
        return 404
    return 404 if rule["denied"] == 404 else 200


CASES = [
    (name, role, where)
    for name, (_method, kind, _rule) in sorted(MATRIX.items())
    for role in [*(r.value for r in Role), ANON]
    for where in (("own", "other") if kind in ("person", "household") else ("own",))
]


@pytest.mark.parametrize("name,role,where", CASES)
def test_permission_matrix(objects, staff, name, role, where):
    found, batch = objects
    method, kind, rule = MATRIX[name]
    own_unit = OWN_UNIT.get(Role(role), "TB-1") if role != ANON else "TB-1"
    target = found[OTHER_UNIT if where == "other" else own_unit]
    client = Client()
    if role != ANON:
        sign_in(client, staff[role])
    url = _url(name, kind, target, batch)
    response = client.post(url, {"language": "en"}) if method == "post" else client.get(url)
    expected = _expected(rule, role, other=where == "other")
    if method == "post" and expected == 200:
        expected = 302  # logout and the language switch redirect
    assert response.status_code == expected, f"{role} {where} {name} {url}"
