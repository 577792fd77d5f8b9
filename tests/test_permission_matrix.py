"""Every URL and API route, for every role, on an object of the role's own unit and of another unit.

A new route without a row here fails `test_every_route_has_a_row`: decide who may use it before it ships.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sakme.accounts.roles import Role
from sakme.registry.models import ImportBatch, SourceSystem
from sakme.tests.factories import person, sign_in

UNIT_ROLES = {Role.COUNSELLOR, Role.EMPLOYER_RELATIONS, Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}
PERSON_ROLES = UNIT_ROLES | {Role.DATA_STEWARD}
CASE_ROLES = {Role.COUNSELLOR, Role.UNIT_HEAD}
EMPLOYER_ROLES = {Role.EMPLOYER_RELATIONS, Role.UNIT_HEAD}
TRAINING_ROLES = CASE_ROLES | EMPLOYER_ROLES  # programmes are the state's, not a unit's: no scoping
EVERY_ROLE = set(Role)
ANON = "anonymous"


def allowed(roles: set[Role], *, scoped: bool = False, denied: int = 403, anon: int = 302,
            ok: int = 200, json: object = None) -> dict[str, object]:
    """A row: roles that may use the route (answered `ok`); `scoped` means unit roles get 404 for another unit's
    object."""
    return {"roles": roles, "scoped": scoped, "denied": denied, "anon": anon, "ok": ok, "json": json}


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
    "casework:list": ("get", None, allowed(CASE_ROLES)),
    "casework:group_session_new": ("get", None, allowed(CASE_ROLES)),
    "casework:vacancy": ("get", "vacancy", allowed(EMPLOYER_ROLES, scoped=True)),
    "casework:shortlist_add": ("post", "vacancy", allowed(EMPLOYER_ROLES, scoped=True)),
    "casework:shortlist_send": ("post", "vacancy", allowed(EMPLOYER_ROLES, scoped=True)),
    "casework:candidate_decide": ("post", "candidate", allowed(EMPLOYER_ROLES, scoped=True)),
    "casework:candidate_place": ("post", "candidate", allowed(EMPLOYER_ROLES, scoped=True)),
    "employment:employers": ("get", None, allowed(EMPLOYER_ROLES)),
    "employment:employer": ("get", "employer", allowed(EMPLOYER_ROLES, scoped=True)),
    "employment:job_seeker": ("get", "job_seeker", allowed(CASE_ROLES, scoped=True)),
    "employment:job_seeker_edit": ("get", "job_seeker", allowed(CASE_ROLES, scoped=True)),
    "employment:work_add": ("post", "job_seeker", allowed(CASE_ROLES, scoped=True)),  # no job posted: said so
    "employment:work_edit": ("get", "work_entry", allowed(CASE_ROLES, scoped=True)),
    "employment:work_remove": ("post", "work_entry", allowed(CASE_ROLES, scoped=True)),
    "employment:occupations": ("get", None, allowed(EVERY_ROLE)),  # ISCO-08 is reference data
    "casework:programmes": ("get", None, allowed(TRAINING_ROLES)),
    "casework:programme": ("get", "programme", allowed(TRAINING_ROLES)),
    # The matrix's case waits for its follow-ups: the page sends allowed roles back to it (only open cases move).
    "casework:transfer": ("get", "case", allowed(CASE_ROLES, scoped=True, ok=302)),
    # Posted without a counsellor: the page comes back saying whom to choose.
    "casework:assign": ("post", "case", allowed(CASE_ROLES, scoped=True, ok=302)),
    # The matrix's persons have an open case already: registering sends the user to it.
    "casework:register": ("get", "person", allowed(CASE_ROLES, scoped=True, ok=302)),
    "casework:case": ("get", "case", allowed(CASE_ROLES, scoped=True)),
    "casework:case_form": ("get", "case_form", allowed(CASE_ROLES, scoped=True)),
    "casework:transition": ("post", "case_action", allowed(CASE_ROLES, scoped=True)),
    "casework:session_add": ("post", "case", allowed(CASE_ROLES, scoped=True)),
    "casework:plan_add": ("post", "case", allowed(CASE_ROLES, scoped=True)),
    "casework:referral_add": ("post", "case", allowed(CASE_ROLES, scoped=True)),
    "casework:referral_decide": ("post", "referral", allowed(CASE_ROLES, scoped=True)),
    "casework:placement_add": ("post", "case", allowed(CASE_ROLES, scoped=True)),
    "casework:follow_up_done": ("post", "follow_up", allowed(CASE_ROLES, scoped=True)),
    "linkage:queue": ("get", None, allowed({Role.DATA_STEWARD})),
    "linkage:pair_next": ("get", None, allowed({Role.DATA_STEWARD}, ok=302)),  # to the first pair of the queue
    "linkage:pair": ("get", "pair", allowed({Role.DATA_STEWARD})),
    "linkage:pair_decide": ("post", "pair", allowed({Role.DATA_STEWARD}, ok=400)),  # the matrix posts no decision
    "linkage:runs": ("get", None, allowed({Role.DATA_STEWARD})),
    "linkage:run": ("get", "run", allowed({Role.DATA_STEWARD})),
    "api:person_search": ("get", "q", allowed(PERSON_ROLES, anon=401)),
    "api:person_detail": ("get", "person", allowed(PERSON_ROLES, scoped=True, anon=401)),
    "api:household_detail": ("get", "household", allowed(PERSON_ROLES, scoped=True, anon=401)),
    "api:person_links": ("get", "person", allowed(PERSON_ROLES, scoped=True, anon=401)),
    "api:unit_list": ("get", None, allowed(EVERY_ROLE, anon=401)),
    "api:case_list": ("get", None, allowed(CASE_ROLES, anon=401)),
    "api:case_detail": ("get", "case", allowed(CASE_ROLES, scoped=True, anon=401)),
    # The matrix's case waits for its follow-ups: "close" gets past permission and is refused by the workflow.
    "api:case_transition": ("post", "case", allowed(CASE_ROLES, scoped=True, anon=401, ok=422,
                                                     json=lambda t: {"action": "close", "expected_version": 1})),
    "api:session_record": ("post", "case", allowed(CASE_ROLES, scoped=True, anon=401,
                                                   json=lambda t: {"held_on": "2025-01-08"})),
    # The matrix's persons are job seekers already: allowed roles get past permission to that refusal.
    "api:register": ("post", "body_person", allowed(
        CASE_ROLES, scoped=True, anon=401, ok=422,
        json=lambda t: {"person_id": t["person"], "registered_on": "2025-01-08"})),
    "api:vacancy_list": ("get", None, allowed(EMPLOYER_ROLES, anon=401)),
    # The matrix's case is in follow-up: allowed roles get past permission to the workflow's refusal.
    # Nobody is counsellor 0: allowed roles hear why (422), others 403/404 first.
    "api:case_assign": ("post", "case", allowed(CASE_ROLES, scoped=True, anon=401, ok=422, json=lambda t: {
        "counsellor_id": 0, "expected_version": 1})),
    "api:case_transfer": ("post", "case", allowed(CASE_ROLES, scoped=True, anon=401, ok=422, json=lambda t: {
        "to_unit": "AJ-BAT", "reason": "moved", "expected_version": 1})),
    "api:referral_create": ("post", "case", allowed(CASE_ROLES, scoped=True, anon=401, ok=422, json=lambda t: {
        "kind": "social_service", "service": "x", "referred_on": "2025-01-08"})),
    "api:occupation_search": ("get", None, allowed(EVERY_ROLE, anon=401)),
    "api:job_seeker_detail": ("get", "job_seeker", allowed(CASE_ROLES, scoped=True, anon=401)),
    "api:job_seeker_update": ("patch", "job_seeker", allowed(CASE_ROLES, scoped=True, anon=401,
                                                             json=lambda t: {"expected_version": 1, "skills": "x"})),
    "api:work_history_add": ("post", "job_seeker", allowed(CASE_ROLES, scoped=True, anon=401,
                                                           json=lambda t: {"occupation": "5120"})),
    "api:work_history_change": ("put", "work_entry", allowed(CASE_ROLES, scoped=True, anon=401, json=lambda t: {
        "occupation": "5131", "expected_version": 1})),
    "api:work_history_remove": ("delete", "work_entry_version", allowed(CASE_ROLES, scoped=True, anon=401, ok=204)),
    "api:programme_list": ("get", None, allowed(TRAINING_ROLES, anon=401)),
    "api:programme_detail": ("get", "programme", allowed(TRAINING_ROLES, anon=401)),
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
        found[where] = {"person": p.pk, "household": household.pk, **_casework(p)}
    batch = ImportBatch.objects.create(source=SourceSystem.objects.get(code="ssa"), file_name="x.csv",
                                       file_sha256="0" * 64, status=ImportBatch.Status.FAILED)
    linkage = _linkage(batch)
    for where in found:
        found[where].update(linkage)
    return found, batch


def _linkage(batch: ImportBatch) -> dict[str, int]:
    """A candidate pair of two source records waiting for review, and a finished linkage run."""
    from django.utils import timezone

    from sakme.linkage.models import CandidatePair, LinkageModel, LinkRun
    from sakme.registry.models import SourceRecord

    model = LinkageModel.objects.create(scope="ssa+worknet", version=1, link_type="link_only", prior=1e-5,
                                        upper_threshold=0.99, lower_threshold=0.5, trained_at=timezone.now())
    a, b = (SourceRecord.objects.create(source=SourceSystem.objects.get(code=code), key=f"K-{code}",
                                        person_id=person(unit="TB-1").pk, batch=batch, row=1)
            for code in ("ssa", "worknet"))
    pair = CandidatePair.objects.create(record_a=a, record_b=b, model=model, probability=0.7, match_weight=1.2,
                                        status=CandidatePair.Status.REVIEW, value=0.3)
    run = LinkRun.objects.create(kind=LinkRun.Kind.RUN, status=LinkRun.Status.SUCCEEDED, sources=["ssa", "worknet"])
    return {"pair": pair.pk, "run": run.pk}


def _casework(p) -> dict[str, int]:
    """A job seeker's case for a person, in follow-up, with a referral and a follow-up to act on."""
    import datetime as dt

    from sakme.casework.models import Case, FollowUp, Referral
    from sakme.employment.models import (
        Employer,
        JobSeeker,
        TrainingProgramme,
        TrainingProvider,
        Vacancy,
        WorkHistoryEntry,
    )

    seeker = JobSeeker.objects.create(person=p, unit=p.unit, registered_on=dt.date(2025, 1, 6))
    case = Case.objects.create(job_seeker=seeker, unit=p.unit, opened_on=dt.date(2025, 1, 6),
                               state_since=dt.date(2025, 1, 6), state="follow_up", outcome="employed")
    referral = Referral.objects.create(case=case, kind="social_service", service="x", referred_on=dt.date(2025, 1, 7))
    job = WorkHistoryEntry.objects.create(job_seeker=seeker, occupation_id="5120", employer_name="Hotel")
    provider = TrainingProvider.objects.create(name="College", tax_id=f"4{p.pk:08d}", municipality=p.unit.municipality)
    programme = TrainingProgramme.objects.create(provider=provider, occupation_id="7212", title="Welding",
                                                 duration_weeks=12, capacity=10)
    follow_up = FollowUp.objects.create(case=case, months=3, due_on=dt.date(2025, 4, 7))
    employer = Employer.objects.create(tax_id=f"2{p.pk:08d}", name="Employer", unit=p.unit)
    vacancy = Vacancy.objects.create(employer=employer, unit=p.unit, occupation_id="5120", title="Cook",
                                     municipality=p.unit.municipality, opened_on=dt.date(2025, 1, 6))
    candidate = Referral.objects.create(case=case, kind="vacancy", vacancy=vacancy, referred_on=dt.date(2025, 1, 7))
    return {"case": case.pk, "referral": referral.pk, "follow_up": follow_up.pk, "employer": employer.pk,
            "vacancy": vacancy.pk, "candidate": candidate.pk, "job_seeker": seeker.pk, "work_entry": job.pk,
            "programme": programme.pk}


CASE_KINDS = ("case", "case_action", "referral", "follow_up", "employer", "vacancy", "candidate", "body_person",
              "job_seeker", "work_entry", "work_entry_version", "case_form")


def _url(name: str, kind: str | None, target: dict[str, int], batch: ImportBatch) -> str:
    if name == "admin:*":
        return reverse("admin:index")
    if kind == "case":
        return reverse(name, kwargs={"case_id": target["case"]})
    if kind == "employer":
        return reverse(name, kwargs={"employer_id": target["employer"]})
    if kind == "vacancy":
        return reverse(name, kwargs={"vacancy_id": target["vacancy"]})
    if kind == "candidate":
        return reverse(name, kwargs={"vacancy_id": target["vacancy"], "referral_id": target["candidate"]})
    if kind == "case_form":
        return reverse(name, kwargs={"case_id": target["case"], "name": "referral"})
    if kind == "job_seeker":
        return reverse(name, kwargs={"job_seeker_id": target["job_seeker"]})
    if kind == "work_entry":
        return reverse(name, kwargs={"job_seeker_id": target["job_seeker"], "entry_id": target["work_entry"]})
    if kind == "work_entry_version":
        return reverse(name, kwargs={"job_seeker_id": target["job_seeker"], "entry_id": target["work_entry"]}) + (
            "?expected_version=1")
    if kind == "programme":
        return reverse(name, kwargs={"programme_id": target["programme"]})
    if kind == "case_action":
        return reverse(name, kwargs={"case_id": target["case"], "action": "close"})
    if kind == "referral":
        return reverse(name, kwargs={"case_id": target["case"], "referral_id": target["referral"]})
    if kind == "follow_up":
        return reverse(name, kwargs={"case_id": target["case"], "follow_up_id": target["follow_up"]})
    if kind in ("pair", "run"):
        return reverse(name, kwargs={f"{kind}_id": target[kind]})
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
    return 404 if rule["denied"] == 404 else int(rule["ok"])  # type: ignore[call-overload]


CASES = [
    (name, role, where)
    for name, (_method, kind, _rule) in sorted(MATRIX.items())
    for role in [*(r.value for r in Role), ANON]
    for where in (("own", "other") if kind in ("person", "household", *CASE_KINDS) else ("own",))
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
    if rule["json"]:
        response = getattr(client, method)(url, json.dumps(rule["json"](target)),  # type: ignore[operator]
                                           content_type="application/json")
    elif method == "post":
        response = client.post(url, {"language": "en"})
    elif method == "delete":
        response = client.delete(url)
    else:
        response = client.get(url)
    expected = _expected(rule, role, other=where == "other")
    if method == "post" and expected == 200 and not rule["json"]:
        expected = 302  # pages' writes redirect to the page they were made on
    assert response.status_code == expected, f"{role} {where} {name} {url}"
