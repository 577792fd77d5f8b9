"""Every URL and API route, for every role, on an object of the role's own unit and of another unit.

A new route without a row here fails `test_every_route_has_a_row`: decide who may use it before it ships.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sakme.accounts import tokens
from sakme.accounts.actors import SYSTEM
from sakme.accounts.roles import Role
from sakme.exports.services import export_create
from sakme.registry.models import ImportBatch, Person, SourceSystem
from sakme.tests.factories import number_of, person, sign_in
from tests import matrix_assistance, matrix_merging, matrix_outreach, matrix_surveys
from tests.matrix_objects import (
    ACTIVITY_KINDS,
    ACTIVITY_READERS,
    ACTIVITY_RECORDERS,
    activity_url,
    casework_objects,
    linkage_objects,
)
from tests.matrix_rules import (
    ANON,
    CASE_READERS,
    CASE_ROLES,
    DAY,
    EMERGENCY_REVIEWERS,
    EMERGENCY_ROLES,
    EMPLOYER_ROLES,
    EVERY_ROLE,
    INDICATOR_READERS,
    PERSON_ROLES,
    RECORD_READERS,
    REVEAL_ROLES,
    SCOPED_ROLES,
    TRAINING_ROLES,
    _page_write,
    allowed,
)

# Apps whose rows, objects and addresses live in a module of their own (tests/matrix_<app>.py): each has ROWS, the
# SCOPED_KINDS tried on another unit's record too, `objects(person, household)` and `url(name, kind, target)`.
APP_MATRICES = (matrix_assistance, matrix_outreach, matrix_surveys, matrix_merging)



def _upload(target: dict[str, int]) -> dict[str, object]:
    """A small persons file of a known source: allowed roles get it queued for import."""
    return {"source": "ssa", "file": SimpleUploadedFile("persons.csv", b"personal_number\n01001012345\n")}


# url name -> (method, kwargs kind, rule)
MATRIX: dict[str, tuple[str, str | None, dict[str, object]]] = {
    "home": ("get", None, allowed(EVERY_ROLE)),
    "health": ("get", None, allowed(EVERY_ROLE, anon=200)),
    "accounts:login": ("get", None, allowed(EVERY_ROLE, anon=200)),
    "accounts:logout": ("post", None, allowed(EVERY_ROLE)),
    "accounts:otp_setup": ("get", None, allowed(EVERY_ROLE)),
    # Everyone's own API tokens; the matrix's token is the counsellor's: administrators revoke anyone's (the admin
    # site's action), the others find no such token of theirs.
    "accounts:tokens": ("get", None, allowed(EVERY_ROLE)),
    "accounts:token_revoke": ("post", "api_token", allowed({Role.COUNSELLOR, Role.ADMINISTRATOR}, denied=404,
                                                          ok=302)),
    "set_language": ("post", None, allowed(EVERY_ROLE, anon=302)),
    "geo:units": ("get", None, allowed(EVERY_ROLE)),
    # The programme's activities: seen by who reads the indicators, recorded by the central department (no unit's).
    "geo:activities": ("get", None, allowed(ACTIVITY_READERS)),
    "geo:staff_allocation_add": ("get", None, allowed(ACTIVITY_RECORDERS)),
    "geo:staff_allocation_edit": ("get", "allocation", allowed(ACTIVITY_RECORDERS)),
    "geo:training_add": ("get", None, allowed(ACTIVITY_RECORDERS)),
    "geo:training_edit": ("get", "training", allowed(ACTIVITY_RECORDERS)),
    "geo:order_add": ("get", None, allowed(ACTIVITY_RECORDERS)),
    "geo:order_edit": ("get", "order", allowed(ACTIVITY_RECORDERS)),
    "geo:manual_add": ("get", "order", allowed(ACTIVITY_RECORDERS)),
    "geo:manual_edit": ("get", "manual", allowed(ACTIVITY_RECORDERS)),
    "api:activity_list": ("get", None, allowed(ACTIVITY_READERS, anon=401)),
    "api:staff_allocation_create": ("post", None, allowed(ACTIVITY_RECORDERS, anon=401, json=lambda t: {
        "unit": "AJ-BAT", "date": DAY, "staff_units": 3})),
    "api:staff_allocation_update": ("put", "allocation", allowed(ACTIVITY_RECORDERS, anon=401, json=lambda t: {
        "unit": "KA-TEL", "date": DAY, "staff_units": 4, "expected_version": 1})),
    "api:training_create": ("post", None, allowed(ACTIVITY_RECORDERS, anon=401, json=lambda t: {
        "kind": "working_meeting", "date": DAY, "title_ka": "შეხვედრა", "title_en": "Meeting"})),
    "api:training_update": ("put", "training", allowed(ACTIVITY_RECORDERS, anon=401, json=lambda t: {
        "kind": "training", "date": DAY, "title_ka": "ტრენინგი", "title_en": "Matrix training", "days": 2,
        "expected_version": 1})),
    "api:order_create": ("post", None, allowed(ACTIVITY_RECORDERS, anon=401, json=lambda t: {
        "number": "M-2", "date": DAY, "title_ka": "ბრძანება", "title_en": "Order", "manuals": [
            {"kind": "other", "title_ka": "სახელმძღვანელო", "title_en": "Manual"}]})),
    "api:order_update": ("put", "order", allowed(ACTIVITY_RECORDERS, anon=401, json=lambda t: {
        "number": "M-1", "date": DAY, "title_ka": "ბრძანება", "title_en": "Order", "expected_version": 1})),
    "api:manual_create": ("post", "order", allowed(ACTIVITY_RECORDERS, anon=401, json=lambda t: {
        "kind": "other", "title_ka": "სხვა", "title_en": "Another", "expected_version": 1})),
    "api:manual_update": ("put", "manual", allowed(ACTIVITY_RECORDERS, anon=401, json=lambda t: {
        "kind": "employers", "title_ka": "სახელმძღვანელო", "title_en": "Manual", "expected_version": 1})),
    # Indicators: figures for who answers for them; the records behind a figure for who may read them (analysts by
    # pseudonym); computing and the annual report for the central department. The matrix computes nothing: the
    # figure routes get past permission to "nothing computed" (404), the report routes to report 0 (none).
    "indicators:dashboard": ("get", None, allowed(INDICATOR_READERS)),
    "indicators:indicator": ("get", "indicator", allowed(INDICATOR_READERS)),
    "indicators:download": ("get", "indicator_table", allowed(INDICATOR_READERS, ok=404)),
    "indicators:records": ("get", "indicator_records", allowed(RECORD_READERS)),
    "indicators:runs": ("get", None, allowed(INDICATOR_READERS)),
    "indicators:compute": ("post", None, allowed({Role.ANALYST}, ok=302, form=_page_write(year="2024"))),
    "indicators:reports": ("get", None, allowed({Role.ANALYST})),
    "indicators:report_request": ("post", None, allowed({Role.ANALYST}, ok=302, form=_page_write(
        year="2019", language="en", format="docx"))),
    "indicators:report_download": ("get", "report", allowed({Role.ANALYST}, ok=404)),
    "api:indicator_list": ("get", None, allowed(INDICATOR_READERS, anon=401)),
    "api:indicator_values": ("get", "indicator", allowed(INDICATOR_READERS, anon=401, ok=404)),
    "api:indicator_records": ("get", "indicator_records", allowed(RECORD_READERS, anon=401)),
    "api:indicator_run_list": ("get", None, allowed(INDICATOR_READERS, anon=401)),
    "api:indicator_run_create": ("post", None, allowed({Role.ANALYST}, anon=401, json=lambda t: {"year": 2024})),
    "api:indicator_report_create": ("post", None, allowed({Role.ANALYST}, anon=401, json=lambda t: {
        "year": 2019, "language": "en", "format": "docx"})),
    "api:indicator_report_detail": ("get", "report", allowed({Role.ANALYST}, anon=401, ok=404)),
    "api:indicator_report_file": ("get", "report", allowed({Role.ANALYST}, anon=401, ok=404)),
    "registry:search": ("get", None, allowed(PERSON_ROLES)),
    "registry:person": ("get", "person", allowed(PERSON_ROLES, scoped=True)),
    "registry:person_number_reveal": ("get", "person", allowed(REVEAL_ROLES, scoped=True)),
    "registry:emergency_access": ("get", None, allowed(EMERGENCY_ROLES)),
    "registry:emergency_accesses": ("get", None, allowed(EMERGENCY_REVIEWERS)),
    "exports:list": ("get", None, allowed(EVERY_ROLE)),
    "exports:create": ("post", None, allowed(CASE_READERS, ok=302, form=_page_write(kind="caseload"))),
    "exports:download": ("get", "export", allowed({Role.COUNSELLOR}, denied=404)),
    "registry:imports": ("get", None, allowed({Role.DATA_STEWARD})),
    "registry:import_detail": ("get", "batch", allowed({Role.DATA_STEWARD})),
    "registry:import_errors": ("get", "batch", allowed({Role.DATA_STEWARD})),
    "admin:*": ("get", None, allowed({Role.ADMINISTRATOR}, denied=302)),
    "casework:list": ("get", None, allowed(CASE_READERS)),
    "casework:group_sessions": ("get", None, allowed(CASE_READERS)),
    "casework:group_session": ("get", "group_session", allowed(CASE_READERS, scoped=True)),
    "casework:group_session_attendance": ("post", "group_session", allowed(CASE_ROLES, scoped=True, ok=302,
                                                                          form=_page_write(version=1))),
    "casework:group_session_new": ("get", None, allowed(CASE_ROLES)),
    "casework:vacancy": ("get", "vacancy", allowed(EMPLOYER_ROLES, scoped=True)),
    # Suggestions: the case's to whoever reads cases, the vacancy's candidates to whoever serves employers.
    "matching:case_vacancies": ("get", "case", allowed(CASE_READERS, scoped=True)),
    "matching:vacancy_candidates": ("get", "vacancy", allowed(EMPLOYER_ROLES, scoped=True)),
    "api:case_vacancies": ("get", "case", allowed(CASE_READERS, scoped=True, anon=401)),
    "api:vacancy_candidates": ("get", "vacancy", allowed(EMPLOYER_ROLES, scoped=True, anon=401)),
    "casework:shortlist_add": ("post", "vacancy", allowed(EMPLOYER_ROLES, scoped=True, ok=302, form=_page_write(
        case=lambda t: t["case"]))),
    "casework:shortlist_send": ("post", "vacancy", allowed(EMPLOYER_ROLES, scoped=True, ok=302, form=_page_write())),
    "casework:candidate_decide": ("post", "candidate", allowed(EMPLOYER_ROLES, scoped=True, ok=302, form=_page_write(
        status="accepted", version=1))),
    "casework:candidate_place": ("post", "candidate", allowed(EMPLOYER_ROLES, scoped=True, ok=302,
                                                                    form=_page_write())),
    "employment:employers": ("get", None, allowed(EMPLOYER_ROLES)),
    "employment:employer": ("get", "employer", allowed(EMPLOYER_ROLES, scoped=True)),
    "employment:job_seeker": ("get", "job_seeker", allowed(CASE_READERS, scoped=True)),
    "employment:job_seeker_edit": ("get", "job_seeker", allowed(CASE_ROLES, scoped=True)),
    "employment:work_add": ("post", "job_seeker", allowed(CASE_ROLES, scoped=True)),  # no job posted: said so
    "employment:work_edit": ("get", "work_entry", allowed(CASE_ROLES, scoped=True)),
    "employment:work_remove": ("post", "work_entry", allowed(CASE_ROLES, scoped=True)),
    "employment:occupations": ("get", None, allowed(EVERY_ROLE)),  # ISCO-08 is reference data
    "casework:programmes": ("get", None, allowed(TRAINING_ROLES)),
    "casework:programme": ("get", "programme", allowed(TRAINING_ROLES)),
    # The matrix's case waits for its follow-ups: the page sends allowed roles back to it (only open cases move).
    "casework:transfer": ("get", "case", allowed(CASE_ROLES, scoped=True, ok=302)),
    # Nobody is counsellor 999999 (and the case is past giving): the page comes back saying why.
    "casework:assign": ("post", "case", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(
        counsellor=999999, version=1))),
    # The matrix's persons have an open case already: registering sends the user to it.
    "casework:register": ("get", "person", allowed(CASE_ROLES, scoped=True, ok=302)),
    "casework:case": ("get", "case", allowed(CASE_READERS, scoped=True)),
    "casework:case_form": ("get", "case_form", allowed(CASE_ROLES, scoped=True)),
    "casework:transition": ("post", "case_action", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(
        **{"close-version": 1}))),
    "casework:session_add": ("post", "case", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(
        **{"s-kind": "counselling", "s-held_on": DAY}))),
    "casework:plan_add": ("post", "case", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(**{
        "plan-goals": "Work", "plan-version": 1, "a-TOTAL_FORMS": 0, "a-INITIAL_FORMS": 0}))),
    "casework:plan_action_done": ("post", "plan_action", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(
        done="on", version=1))),
    "casework:referral_add": ("post", "case", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(
        **{"r-kind": "social_service", "r-service": "x", "r-referred_on": DAY}))),
    "casework:referral_decide": ("post", "referral", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(
        status="accepted", decided_on=DAY, version=1))),
    # Employer-relations specialists record placements too (from the shortlist).
    "casework:placement_add": ("post", "case", allowed(TRAINING_ROLES, scoped=True, ok=302, form=_page_write(
        **{"p-started_on": DAY, "p-contract": "permanent"}))),
    "casework:follow_up_done": ("post", "follow_up", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(
        done_on=DAY, still_in_work_or_training="1", version=1))),
    "casework:pathway_start": ("post", "case", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(
        needs="x", version=1))),
    "casework:pathway_change": ("post", "case", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(
        needs="x", version=1))),
    "casework:adaptation_add": ("post", "case", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(
        description="Ramp", status="proposed"))),
    "casework:adaptation_update": ("post", "adaptation", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(
        status="agreed", version=1))),
    "casework:coaching_add": ("post", "case", allowed(CASE_ROLES, scoped=True, ok=302, form=_page_write(
        kind="preparation", held_on=DAY, hours="1"))),
    "linkage:queue": ("get", None, allowed({Role.DATA_STEWARD})),
    "linkage:pair_next": ("get", None, allowed({Role.DATA_STEWARD}, ok=302)),  # to the first pair of the queue
    "linkage:pair": ("get", "pair", allowed({Role.DATA_STEWARD})),
    "linkage:pair_decide": ("post", "pair", allowed({Role.DATA_STEWARD}, ok=400)),  # the matrix posts no decision
    "linkage:runs": ("get", None, allowed({Role.DATA_STEWARD})),
    "linkage:run": ("get", "run", allowed({Role.DATA_STEWARD})),
    "api:person_search": ("get", "q", allowed(PERSON_ROLES, anon=401)),
    "api:person_detail": ("get", "person", allowed(PERSON_ROLES, scoped=True, anon=401)),
    "api:household_detail": ("get", "household", allowed(PERSON_ROLES, scoped=True, anon=401)),
    "api:person_number_reveal": ("post", "person", allowed(REVEAL_ROLES, scoped=True, anon=401,
                                                           json=lambda t: {"reason": "checking the ID card"})),
    "api:emergency_access_open": ("post", None, allowed(EMERGENCY_ROLES, anon=401, json=lambda t: {
        "personal_number": t["elsewhere_number"], "reason": "came to our office"})),
    "api:emergency_accesses": ("get", None, allowed(EMERGENCY_REVIEWERS, anon=401)),
    "api:exports": ("get", None, allowed(EVERY_ROLE, anon=401)),
    "api:export_create": ("post", None, allowed(CASE_READERS, anon=401, json=lambda t: {"kind": "caseload"})),
    "api:export_download": ("get", "export", allowed({Role.COUNSELLOR}, denied=404, anon=401)),
    "api:person_links": ("get", "person", allowed(PERSON_ROLES, scoped=True, anon=401)),
    # Imports and linkage are the data steward's, nationwide: no unit scoping.
    "api:import_list": ("get", None, allowed({Role.DATA_STEWARD}, anon=401)),
    "api:import_upload": ("post", None, allowed({Role.DATA_STEWARD}, anon=401, form=_upload)),
    "api:import_detail": ("get", "batch", allowed({Role.DATA_STEWARD}, anon=401)),
    "api:import_problems": ("get", "batch", allowed({Role.DATA_STEWARD}, anon=401)),
    "api:run_list": ("get", None, allowed({Role.DATA_STEWARD}, anon=401)),
    # Created and queued (the matrix's transaction is never committed, so nothing runs).
    "api:run_start": ("post", None, allowed({Role.DATA_STEWARD}, anon=401, json=lambda t: {
        "kind": "run", "sources": ["ssa", "worknet"]})),
    "api:run_detail": ("get", "run", allowed({Role.DATA_STEWARD}, anon=401)),
    "api:pair_queue": ("get", None, allowed({Role.DATA_STEWARD}, anon=401)),
    "api:pair_detail": ("get", "pair", allowed({Role.DATA_STEWARD}, anon=401)),
    "api:pair_decide": ("post", "pair", allowed({Role.DATA_STEWARD}, anon=401, json=lambda t: {
        "decision": "unsure", "seen_decision": ""})),
    "api:unit_list": ("get", None, allowed(EVERY_ROLE, anon=401)),
    "api:case_list": ("get", None, allowed(CASE_READERS, anon=401)),
    "api:case_detail": ("get", "case", allowed(CASE_READERS, scoped=True, anon=401)),
    "api:plan_list": ("get", "case", allowed(CASE_READERS, scoped=True, anon=401)),
    # The matrix's case has an outcome: its plan no longer changes.
    "api:plan_write": ("post", "case", allowed(CASE_ROLES, scoped=True, anon=401, ok=422, json=lambda t: {
        "goals": "Work", "expected_version": 1})),
    "api:plan_action_done": ("post", "plan_action", allowed(CASE_ROLES, scoped=True, anon=401, json=lambda t: {
        "done_on": DAY, "expected_version": 1})),
    "api:referral_decide": ("post", "referral", allowed(CASE_ROLES, scoped=True, anon=401, json=lambda t: {
        "status": "accepted", "expected_version": 1})),
    "api:placement_record": ("post", "case", allowed(TRAINING_ROLES, scoped=True, anon=401, ok=422, json=lambda t: {
        "started_on": DAY, "employer_id": t["employer"]})),
    "api:follow_up_record": ("post", "follow_up", allowed(CASE_ROLES, scoped=True, anon=401, json=lambda t: {
        "done_on": DAY, "still_in_work_or_training": True, "expected_version": 1})),
    "api:pathway_detail": ("get", "case", allowed(CASE_READERS, scoped=True, anon=401)),
    # The matrix's person has no disability recorded (its pathway was written directly): starting is refused.
    "api:pathway_start": ("post", "case", allowed(CASE_ROLES, scoped=True, anon=401, ok=422, json=lambda t: {
        "needs": "x", "expected_version": 1})),
    "api:pathway_change": ("put", "case", allowed(CASE_ROLES, scoped=True, anon=401, json=lambda t: {
        "needs": "x", "expected_version": 1})),
    "api:adaptation_add": ("post", "case", allowed(CASE_ROLES, scoped=True, anon=401, json=lambda t: {
        "description": "Ramp"})),
    "api:adaptation_update": ("post", "adaptation", allowed(CASE_ROLES, scoped=True, anon=401, json=lambda t: {
        "status": "agreed", "expected_version": 1})),
    "api:coaching_add": ("post", "case", allowed(CASE_ROLES, scoped=True, anon=401, json=lambda t: {
        "kind": "preparation", "held_on": DAY, "hours": "1"})),
    "api:group_session_list": ("get", None, allowed(CASE_READERS, anon=401)),
    "api:group_session_detail": ("get", "group_session", allowed(CASE_READERS, scoped=True, anon=401)),
    "api:group_session_hold": ("post", None, allowed(CASE_ROLES, anon=401, json=lambda t: {
        "topic": "CV", "held_on": DAY, "invited": [t["case"]]})),
    "api:group_session_attendance": ("post", "group_session", allowed(CASE_ROLES, scoped=True, anon=401,
                                                                      json=lambda t: {"attended": [],
                                                                                      "expected_version": 1})),
    "api:employer_list": ("get", None, allowed(EMPLOYER_ROLES, anon=401)),
    "api:employer_detail": ("get", "employer", allowed(EMPLOYER_ROLES, scoped=True, anon=401)),
    "api:employer_register": ("post", None, allowed(EMPLOYER_ROLES, anon=401, json=lambda t: {
        "tax_id": "204999999", "name": "Bakery"})),
    "api:vacancy_open": ("post", "employer", allowed(EMPLOYER_ROLES, scoped=True, anon=401, json=lambda t: {
        "title": "Cook", "occupation": "5120", "municipality": "tbilisi", "opened_on": DAY})),
    "api:vacancy_detail": ("get", "vacancy", allowed(EMPLOYER_ROLES, scoped=True, anon=401)),
    # The matrix's case is past services, and its candidate neither consented nor was sent nor accepted.
    "api:shortlist_add": ("post", "vacancy", allowed(EMPLOYER_ROLES, scoped=True, anon=401, ok=422,
                                                     json=lambda t: {"case_id": t["case"]})),
    "api:shortlist_send": ("post", "vacancy", allowed(EMPLOYER_ROLES, scoped=True, anon=401, ok=422,
                                                      json=lambda t: {})),
    "api:candidate_decide": ("post", "candidate", allowed(EMPLOYER_ROLES, scoped=True, anon=401, ok=422,
                                                          json=lambda t: {"status": "accepted",
                                                                          "expected_version": 1})),
    "api:candidate_place": ("post", "candidate", allowed(EMPLOYER_ROLES, scoped=True, anon=401, ok=422,
                                                         json=lambda t: {})),
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
    "api:job_seeker_detail": ("get", "job_seeker", allowed(CASE_READERS, scoped=True, anon=401)),
    "api:job_seeker_update": ("patch", "job_seeker", allowed(CASE_ROLES, scoped=True, anon=401,
                                                             json=lambda t: {"expected_version": 1, "skills": "x"})),
    "api:work_history_add": ("post", "job_seeker", allowed(CASE_ROLES, scoped=True, anon=401,
                                                           json=lambda t: {"occupation": "5120"})),
    "api:work_history_change": ("put", "work_entry", allowed(CASE_ROLES, scoped=True, anon=401, json=lambda t: {
        "occupation": "5131", "expected_version": 1})),
    "api:work_history_remove": ("delete", "work_entry_version", allowed(CASE_ROLES, scoped=True, anon=401, ok=204)),
    "api:programme_list": ("get", None, allowed(TRAINING_ROLES, anon=401)),
    "api:programme_detail": ("get", "programme", allowed(TRAINING_ROLES, anon=401)),
    "api:token_list": ("get", None, allowed(EVERY_ROLE, anon=401)),
    "api:token_create": ("post", None, allowed(EVERY_ROLE, anon=401, json=lambda t: {"name": "matrix"})),
    "api:token_revoke": ("post", "api_token", allowed({Role.COUNSELLOR, Role.ADMINISTRATOR}, denied=404, anon=401,
                                                      json=lambda t: {})),
    # The OpenAPI document answers 401 to anonymous callers as the rest of the API; the Swagger UI page is a page:
    # anonymous users are sent to sign in.
    "api:openapi-json": ("get", None, allowed(EVERY_ROLE, anon=401)),
    "api:openapi-view": ("get", None, allowed(EVERY_ROLE, anon=302)),
    "api:api-root": ("get", None, allowed(EVERY_ROLE, anon=404, ok=404)),
}
for _app in APP_MATRICES:
    assert not set(_app.ROWS) & set(MATRIX), f"{_app.__name__} repeats rows"
    MATRIX.update(_app.ROWS)
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
        found[where] = {"person": p.pk, "household": household.pk, **casework_objects(p)}
        for app in APP_MATRICES:
            found[where].update(app.objects(p, household))
    batch = ImportBatch.objects.create(source=SourceSystem.objects.get(code="ssa"), file_name="x.csv",
                                       file_sha256="0" * 64, status=ImportBatch.Status.FAILED)
    linkage = linkage_objects(batch)
    api_token = tokens.api_token_create(actor=SYSTEM, user_id=staff["counsellor"].pk, name="matrix").token.pk
    export = export_create(actor=staff["counsellor"], kind="caseload").pk
    elsewhere_number = number_of(Person.objects.get(pk=found[OTHER_UNIT]["person"]))
    numbers = [n for n in (number_of(p) for p in Person.objects.all()) if n]  # every page is searched for these
    for where in found:
        found[where].update(linkage, api_token=api_token, export=export, elsewhere_number=elsewhere_number,
                            numbers=numbers)
    return found, batch


CASE_KINDS = ("case", "plan_action", "group_session", "adaptation", "case_action", "referral", "follow_up",
              "employer", "vacancy", "candidate", "body_person", "job_seeker", "work_entry", "work_entry_version",
              "case_form")


def _url(name: str, kind: str | None, target: dict[str, int], batch: ImportBatch) -> str:
    if name == "admin:*":
        return reverse("admin:index")
    for app in APP_MATRICES:
        if kind in app.KINDS:
            return app.url(name, kind, target)
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
    if kind == "plan_action":
        return reverse(name, kwargs={"case_id": target["case"], "action_id": target["plan_action"]})
    if kind == "group_session":
        return reverse(name, kwargs={"session_id": target["group_session"]})
    if kind == "adaptation":
        return reverse(name, kwargs={"case_id": target["case"], "adaptation_id": target["adaptation"]})
    if kind == "case_action":
        return reverse(name, kwargs={"case_id": target["case"], "action": "close"})
    if kind == "referral":
        return reverse(name, kwargs={"case_id": target["case"], "referral_id": target["referral"]})
    if kind == "follow_up":
        return reverse(name, kwargs={"case_id": target["case"], "follow_up_id": target["follow_up"]})
    if kind == "export":
        return reverse(name, kwargs={"export_id": target["export"]})
    if kind == "api_token":
        return reverse(name, kwargs={"token_id": target["api_token"]})
    if kind == "indicator":
        return reverse(name, kwargs={"code": "2.1"})
    if kind == "indicator_table":
        return reverse(name, kwargs={"code": "2.1", "table": "compared", "fmt": "csv"})
    if kind == "indicator_records":
        return reverse(name, kwargs={"code": "placements"}) + "?year=2024"
    if kind == "report":
        return reverse(name, kwargs={"report_id": 0})
    if kind in ACTIVITY_KINDS:
        return activity_url(name, kind)
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
    if other and rule["scoped"] and Role(role) in SCOPED_ROLES:
        return 404
    return int(rule["ok"])  # type: ignore[call-overload]


# The reveal answers with the number asked for, with a reason: the one response that may hold it.
SHOWS_WHOLE_NUMBERS = {"api:person_number_reveal"}

SCOPED_APP_KINDS = tuple(kind for app in APP_MATRICES for kind in app.SCOPED_KINDS)
CASES = [
    (name, role, where)
    for name, (_method, kind, _rule) in sorted(MATRIX.items())
    for role in [*(r.value for r in Role), ANON]
    for where in (("own", "other") if kind in ("person", "household", *CASE_KINDS, *SCOPED_APP_KINDS) else ("own",))
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
    elif rule["form"]:
        response = client.post(url, rule["form"](target))  # type: ignore[operator]
    elif method == "post":
        response = client.post(url, {"language": "en"})
    elif method == "delete":
        response = client.delete(url)
    else:
        response = client.get(url)
    expected = _expected(rule, role, other=where == "other")
    if method == "post" and expected == 200 and not rule["json"] and not rule["form"]:
        expected = 302  # pages' writes redirect to the page they were made on
    assert response.status_code == expected, f"{role} {where} {name} {url}"
    if name not in SHOWS_WHOLE_NUMBERS:
        body = b"".join(response.streaming_content) if response.streaming else response.content
        shown = [n for n in target["numbers"] if n.encode() in body]  # type: ignore[attr-defined]
        assert shown == [], f"a whole personal number in {role} {where} {name}"
