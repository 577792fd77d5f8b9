"""Every write a page offers and its API twin, given the same refused input, refuse it alike: the same code
(and the same status where the page answers with one), because both call the same service.

A page says a rule's refusal on the page it returns to (a message carrying the code), or above its form (status and
`X-Error-Code`), or as the error page for a permission or an unknown record (403/404 and `X-Error-Code`); the API
answers with problem details whose `code` is the same.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from sakme.accounts.actors import SYSTEM
from sakme.accounts.roles import Role
from sakme.casework import services as casework
from sakme.casework.models import Case, FollowUp, GroupSession, PlanAction, Referral, WorkplaceAdaptation
from sakme.employment import services as employment
from sakme.employment.models import Employer, JobSeeker, Vacancy, WorkHistoryEntry
from sakme.geo.models import TerritorialUnit
from sakme.tests.factories import UserFactory, open_case, person, post, sign_in, version
from tests.twins import Twin, mismatches

TODAY = dt.date.today()
STALE = 999


@dataclass
class World:
    """Records in the states the refusals need, at TB-1 (and one of each elsewhere)."""

    new: Case  # registered, nothing recorded yet
    serving: Case  # in services, with a pending referral and a plan
    following: Case  # in follow-up
    closed: Case
    other_unit_case: Case
    vacancy: Vacancy
    empty_vacancy: Vacancy
    other_vacancy: Vacancy
    employer: Employer
    other_employer: Employer
    candidate: Referral  # on the vacancy's shortlist, not sent yet
    referral: Referral  # the serving case's pending referral to another service
    follow_up: FollowUp
    action: PlanAction  # of the serving case's plan
    session: GroupSession
    elsewhere: TerritorialUnit
    counsellor_elsewhere: int
    seeker: JobSeeker
    entry: WorkHistoryEntry
    supported: Case  # in services, a person with a disability, on the supported-employment pathway
    adaptation: WorkplaceAdaptation


def _to_services(case: Case) -> Case:
    casework.session_record(actor=SYSTEM, case_id=case.pk, held_on=TODAY)
    casework.case_transition(actor=SYSTEM, case_id=case.pk, action="assess", expected_version=version(case))
    casework.plan_write(actor=SYSTEM, case_id=case.pk, goals="Work as a cook", expected_version=version(case),
                        actions=[{"description": "Write a CV", "due_on": TODAY}])
    casework.case_transition(actor=SYSTEM, case_id=case.pk, action="agree_plan", expected_version=version(case))
    casework.case_transition(actor=SYSTEM, case_id=case.pk, action="start_services", expected_version=version(case))
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def world(staff) -> World:
    tb1, tb2 = TerritorialUnit.objects.get(code="TB-1"), TerritorialUnit.objects.get(code="TB-2")
    serving = _to_services(open_case(occupations=["5120"]))
    following = _to_services(open_case())
    employer = employment.employer_register(actor=SYSTEM, tax_id="204567890", name="Bakery", unit_id=tb1.pk)
    other_employer = employment.employer_register(actor=SYSTEM, tax_id="204567891", name="Hotel", unit_id=tb2.pk)
    vacancy = employment.vacancy_open(actor=SYSTEM, employer_id=employer.pk, occupation_code="5120", title="Cook",
                                      opened_on=TODAY, municipality_code=tb1.municipality.code)
    empty_vacancy = employment.vacancy_open(actor=SYSTEM, employer_id=employer.pk, occupation_code="5120",
                                            title="Baker", opened_on=TODAY, municipality_code=tb1.municipality.code)
    other_vacancy = employment.vacancy_open(actor=SYSTEM, employer_id=other_employer.pk, occupation_code="5120",
                                            title="Cook", opened_on=TODAY, municipality_code=tb2.municipality.code)
    casework.placement_record(actor=SYSTEM, case_id=following.pk, started_on=TODAY, employer_id=employer.pk)
    casework.case_transition(actor=SYSTEM, case_id=following.pk, action="record_outcome", outcome="employed",
                             expected_version=version(following))
    casework.case_transition(actor=SYSTEM, case_id=following.pk, action="start_follow_up",
                             expected_version=version(following))
    closed = open_case()
    casework.case_transition(actor=SYSTEM, case_id=closed.pk, action="end_early", outcome="withdrawn",
                             expected_version=version(closed))
    casework.case_transition(actor=SYSTEM, case_id=closed.pk, action="close_without_follow_up",
                             expected_version=version(closed))
    candidate = casework.shortlist_add(actor=SYSTEM, vacancy_id=vacancy.pk, case_id=serving.pk)
    referral = casework.referral_create(actor=SYSTEM, case_id=serving.pk, kind="social_service", service="Day care",
                                        referred_on=TODAY)
    new = open_case()
    session = casework.group_session_hold(actor=SYSTEM, unit_id=tb1.pk, topic="CV", held_on=TODAY,
                                          invited=[new.pk], attended=[])
    elsewhere = UserFactory(role=Role.COUNSELLOR)
    post(elsewhere, unit="TB-2")
    seeker = JobSeeker.objects.get(pk=new.job_seeker_id)
    entry = employment.work_history_add(actor=SYSTEM, job_seeker_id=seeker.pk, occupation_code="5120",
                                        started_on=dt.date(2020, 1, 1))
    supported = _to_services(open_case(who=person(disability_status="moderate")))
    casework.supported_employment_start(actor=SYSTEM, case_id=supported.pk, needs="Written instructions",
                                        expected_version=version(supported))
    adaptation = casework.adaptation_record(actor=SYSTEM, case_id=supported.pk, description="Step-free access")
    return World(
        supported=supported, adaptation=adaptation,
        new=new, serving=serving, following=following, closed=closed, other_unit_case=open_case(unit="TB-2"),
        vacancy=vacancy, empty_vacancy=empty_vacancy, other_vacancy=other_vacancy, employer=employer,
        other_employer=other_employer, candidate=candidate, referral=referral,
        follow_up=following.follow_ups.order_by("months").first(),  # type: ignore[arg-type]
        action=serving.plans.get().actions.get(), session=session, elsewhere=tb2,
        counsellor_elsewhere=elsewhere.pk, seeker=seeker, entry=entry,
    )


def _plan_form(w: World, case: Case, version_seen: int) -> dict[str, Any]:
    return {"plan-goals": "Work as a baker", "plan-agreed_on": "", "plan-version": version_seen,
            "a-TOTAL_FORMS": 0, "a-INITIAL_FORMS": 0, "a-MIN_NUM_FORMS": 0, "a-MAX_NUM_FORMS": 10}


TWINS = [
    # The case page.
    Twin("assess without a session", "counsellor",
         lambda w: (f"/cases/{w.new.pk}/do/assess/", {"assess-version": version(w.new)}),
         lambda w: (f"/cases/{w.new.pk}/transitions", {"action": "assess", "expected_version": version(w.new)}),
         "transition_refused"),
    Twin("a transition from a stale page", "counsellor",
         lambda w: (f"/cases/{w.new.pk}/do/end_early/", {"end_early-version": STALE,
                                                         "end_early-outcome": "withdrawn"}),
         lambda w: (f"/cases/{w.new.pk}/transitions", {"action": "end_early", "outcome": "withdrawn",
                                                       "expected_version": STALE}),
         "concurrent_edit"),
    Twin("give the case to another unit's counsellor", "unit_head",
         lambda w: (f"/cases/{w.new.pk}/assign/", {"counsellor": w.counsellor_elsewhere, "version": version(w.new)}),
         lambda w: (f"/cases/{w.new.pk}/assign", {"counsellor_id": w.counsellor_elsewhere,
                                                  "expected_version": version(w.new)}),
         "counsellor_not_of_unit"),
    Twin("a session on a closed case", "counsellor",
         lambda w: (f"/cases/{w.closed.pk}/sessions/", {"s-kind": "counselling", "s-held_on": TODAY}),
         lambda w: (f"/cases/{w.closed.pk}/sessions", {"kind": "counselling", "held_on": str(TODAY)}),
         "session_not_open"),
    Twin("a plan written over someone else's", "counsellor",
         lambda w: (f"/cases/{w.new.pk}/plans/", _plan_form(w, w.new, STALE)),
         lambda w: (f"/cases/{w.new.pk}/plans", {"goals": "Work as a baker", "expected_version": STALE}),
         "concurrent_edit"),
    Twin("a plan of a closed case", "counsellor",
         lambda w: (f"/cases/{w.closed.pk}/plans/", _plan_form(w, w.closed, version(w.closed))),
         lambda w: (f"/cases/{w.closed.pk}/plans", {"goals": "Work as a baker",
                                                    "expected_version": version(w.closed)}),
         "plan_not_open"),
    Twin("tick another case's plan action", "counsellor",
         lambda w: (f"/cases/{w.new.pk}/plan-actions/{w.action.pk}/", {"done": "on", "version": version(w.new)}),
         lambda w: (f"/cases/{w.new.pk}/plan-actions/{w.action.pk}", {"done_on": str(TODAY),
                                                                      "expected_version": version(w.new)}),
         "not_found"),
    Twin("a referral before services started", "counsellor",
         lambda w: (f"/cases/{w.new.pk}/referrals/", {"r-kind": "social_service", "r-service": "Day care",
                                                      "r-referred_on": TODAY}),
         lambda w: (f"/cases/{w.new.pk}/referrals", {"kind": "social_service", "service": "Day care",
                                                     "referred_on": str(TODAY)}),
         "referral_not_open"),
    Twin("a referral to a vacancy without consent", "counsellor",
         lambda w: (f"/cases/{w.serving.pk}/referrals/", {"r-kind": "vacancy", "r-vacancy": w.empty_vacancy.pk,
                                                          "r-referred_on": TODAY}),
         lambda w: (f"/cases/{w.serving.pk}/referrals", {"kind": "vacancy", "vacancy_id": w.empty_vacancy.pk,
                                                         "referred_on": str(TODAY)}),
         "consent_missing"),
    Twin("a referral to another unit's vacancy", "counsellor",
         lambda w: (f"/cases/{w.serving.pk}/referrals/", {"r-kind": "vacancy", "r-vacancy": w.other_vacancy.pk,
                                                          "r-referred_on": TODAY, "r-consent": "on"}),
         lambda w: (f"/cases/{w.serving.pk}/referrals", {"kind": "vacancy", "vacancy_id": w.other_vacancy.pk,
                                                         "referred_on": str(TODAY), "consent": True}),
         "vacancy_not_open"),
    Twin("a referral's outcome from a stale page", "counsellor",
         lambda w: (f"/cases/{w.serving.pk}/referrals/{w.referral.pk}/decision/",
                    {"status": "accepted", "decided_on": TODAY, "version": STALE}),
         lambda w: (f"/cases/{w.serving.pk}/referrals/{w.referral.pk}/decision",
                    {"status": "accepted", "decided_on": str(TODAY), "expected_version": STALE}),
         "concurrent_edit"),
    Twin("a placement before services", "counsellor",
         lambda w: (f"/cases/{w.new.pk}/placements/", {"p-vacancy": w.vacancy.pk, "p-started_on": TODAY,
                                                       "p-contract": "permanent"}),
         lambda w: (f"/cases/{w.new.pk}/placements", {"vacancy_id": w.vacancy.pk, "started_on": str(TODAY)}),
         "placement_not_open"),
    Twin("a placement through another unit's vacancy", "counsellor",
         lambda w: (f"/cases/{w.serving.pk}/placements/", {"p-vacancy": w.other_vacancy.pk, "p-started_on": TODAY,
                                                           "p-contract": "permanent"}),
         lambda w: (f"/cases/{w.serving.pk}/placements", {"vacancy_id": w.other_vacancy.pk,
                                                          "started_on": str(TODAY)}),
         "not_found"),
    Twin("a follow-up recorded over someone else's", "counsellor",
         lambda w: (f"/cases/{w.following.pk}/follow-ups/{w.follow_up.pk}/",
                    {"done_on": TODAY, "still_in_work_or_training": "1", "version": STALE}),
         lambda w: (f"/cases/{w.following.pk}/follow-ups/{w.follow_up.pk}",
                    {"done_on": str(TODAY), "still_in_work_or_training": True, "expected_version": STALE}),
         "concurrent_edit"),
    Twin("a follow-up of another case", "counsellor",
         lambda w: (f"/cases/{w.serving.pk}/follow-ups/{w.follow_up.pk}/",
                    {"done_on": TODAY, "still_in_work_or_training": "1", "version": 1}),
         lambda w: (f"/cases/{w.serving.pk}/follow-ups/{w.follow_up.pk}",
                    {"done_on": str(TODAY), "still_in_work_or_training": True, "expected_version": 1}),
         "follow_up_not_open"),
    Twin("a transfer from a stale page", "counsellor",
         lambda w: (f"/cases/{w.new.pk}/transfer/", {"version": STALE, "to_unit": w.elsewhere.pk,
                                                     "reason": "Moved to Vake"}),
         lambda w: (f"/cases/{w.new.pk}/transfer", {"to_unit": w.elsewhere.code, "reason": "Moved to Vake",
                                                    "expected_version": STALE}),
         "concurrent_edit"),
    Twin("a case of another unit", "counsellor",
         lambda w: (f"/cases/{w.other_unit_case.pk}/sessions/", {"s-kind": "counselling", "s-held_on": TODAY}),
         lambda w: (f"/cases/{w.other_unit_case.pk}/sessions", {"kind": "counselling", "held_on": str(TODAY)}),
         "not_found"),
    Twin("a write by a role that only reads cases", "regional_coordinator",
         lambda w: (f"/cases/{w.new.pk}/sessions/", {"s-kind": "counselling", "s-held_on": TODAY}),
         lambda w: (f"/cases/{w.new.pk}/sessions", {"kind": "counselling", "held_on": str(TODAY)}),
         "permission_denied"),
    Twin("register a person of another unit", "counsellor",
         lambda w: (f"/cases/register/{w.other_unit_case.job_seeker.person_id}/",
                    {"registered_on": TODAY, "availability": "full_time", "consent_data_processing": "on"}),
         lambda w: ("/job-seekers", {"person_id": w.other_unit_case.job_seeker.person_id,
                                     "registered_on": str(TODAY)}),
         "not_found"),
    # Supported employment.
    Twin("supported employment without a disability recorded", "counsellor",
         lambda w: (f"/cases/{w.serving.pk}/supported-employment/", {"needs": "x", "version": version(w.serving)}),
         lambda w: (f"/cases/{w.serving.pk}/supported-employment", {"needs": "x",
                                                                    "expected_version": version(w.serving)}),
         "no_disability_recorded"),
    Twin("the pathway changed over someone else's change", "counsellor",
         lambda w: (f"/cases/{w.supported.pk}/supported-employment/change/", {"needs": "x", "version": STALE}),
         lambda w: (f"/cases/{w.supported.pk}/supported-employment", {"needs": "x", "expected_version": STALE}),
         "concurrent_edit", method="put"),
    Twin("an adaptation that says nothing", "counsellor",
         lambda w: (f"/cases/{w.supported.pk}/supported-employment/adaptations/", {"status": "proposed"}),
         lambda w: (f"/cases/{w.supported.pk}/supported-employment/adaptations", {"status": "proposed"}),
         "adaptation_missing"),
    Twin("an adaptation moved on over someone else's change", "counsellor",
         lambda w: (f"/cases/{w.supported.pk}/supported-employment/adaptations/{w.adaptation.pk}/",
                    {"status": "agreed", "version": STALE}),
         lambda w: (f"/cases/{w.supported.pk}/supported-employment/adaptations/{w.adaptation.pk}",
                    {"status": "agreed", "expected_version": STALE}),
         "concurrent_edit"),
    Twin("follow-up after placement before the placement", "counsellor",
         lambda w: (f"/cases/{w.supported.pk}/supported-employment/coaching/",
                    {"kind": "after_placement", "held_on": TODAY, "hours": "1.5"}),
         lambda w: (f"/cases/{w.supported.pk}/supported-employment/coaching",
                    {"kind": "after_placement", "held_on": str(TODAY), "hours": "1.5"}),
         "not_placed_yet"),
    # Group sessions.
    Twin("mark as attending someone not invited", "unit_head",
         lambda w: ("/cases/group-sessions/new/", {"topic": "Interviews", "held_on": TODAY, "invited": [w.new.pk],
                                                   "attended": [w.serving.pk], "cases": "unit"}),
         lambda w: ("/group-sessions", {"topic": "Interviews", "held_on": str(TODAY), "invited": [w.new.pk],
                                        "attended": [w.serving.pk]}),
         "attended_not_invited"),
    Twin("attendance corrected over someone else's", "counsellor",
         lambda w: (f"/cases/group-sessions/{w.session.pk}/attendance/", {"attended": [w.new.pk], "version": STALE}),
         lambda w: (f"/group-sessions/{w.session.pk}/attendance", {"attended": [w.new.pk],
                                                                   "expected_version": STALE}),
         "concurrent_edit"),
    # Employer services.
    Twin("shortlist a job seeker not in services", "employer_relations",
         lambda w: (f"/cases/vacancies/{w.vacancy.pk}/shortlist/", {"case": w.new.pk}),
         lambda w: (f"/vacancies/{w.vacancy.pk}/shortlist", {"case_id": w.new.pk}),
         "shortlist_not_open"),
    Twin("send a shortlist nobody agreed to", "employer_relations",
         lambda w: (f"/cases/vacancies/{w.empty_vacancy.pk}/shortlist/send/", {}),
         lambda w: (f"/vacancies/{w.empty_vacancy.pk}/shortlist/send", {}),
         "no_consenting_candidate"),
    Twin("the employer's decision before the shortlist was sent", "employer_relations",
         lambda w: (f"/cases/vacancies/{w.vacancy.pk}/shortlist/{w.candidate.pk}/decision/",
                    {"status": "accepted", "version": w.candidate.version}),
         lambda w: (f"/vacancies/{w.vacancy.pk}/shortlist/{w.candidate.pk}/decision",
                    {"status": "accepted", "expected_version": w.candidate.version}),
         "shortlist_not_sent"),
    Twin("place a candidate the employer did not accept", "employer_relations",
         lambda w: (f"/cases/vacancies/{w.vacancy.pk}/shortlist/{w.candidate.pk}/placement/", {}),
         lambda w: (f"/vacancies/{w.vacancy.pk}/shortlist/{w.candidate.pk}/placement", {}),
         "candidate_not_accepted"),
    Twin("register an employer twice", "employer_relations",
         lambda w: ("/employers/", {"tax_id": w.employer.tax_id, "name": "Bakery again"}),
         lambda w: ("/employers", {"tax_id": w.employer.tax_id, "name": "Bakery again"}),
         "employer_exists"),
    Twin("a vacancy of another unit's employer", "employer_relations",
         lambda w: (f"/employers/{w.other_employer.pk}/", {"title": "Cook", "occupation": "5120",
                                                           "municipality": w.elsewhere.municipality_id,
                                                           "positions": 1, "opened_on": TODAY}),
         lambda w: (f"/employers/{w.other_employer.pk}/vacancies", {
             "title": "Cook", "occupation": "5120", "municipality": w.elsewhere.municipality.code,
             "opened_on": str(TODAY)}),
         "not_found"),
    # The job seeker's profile.
    Twin("a profile saved over someone else's", "counsellor",
         lambda w: (f"/job-seekers/{w.seeker.pk}/edit/", {"version": STALE, "registered_on": TODAY,
                                                          "availability": "full_time"}),
         lambda w: (f"/job-seekers/{w.seeker.pk}", {"expected_version": STALE, "skills": "baking"}),
         "concurrent_edit", method="patch"),
    Twin("a job in the work history that ends before it started", "counsellor",
         lambda w: (f"/job-seekers/{w.seeker.pk}/work/", {"w-occupation": "5120", "w-started_on": "2020-05-01",
                                                          "w-ended_on": "2020-01-01"}),
         lambda w: (f"/job-seekers/{w.seeker.pk}/work-history", {"occupation": "5120", "started_on": "2020-05-01",
                                                                 "ended_on": "2020-01-01"}),
         "dates_reversed"),
    Twin("a job corrected over someone else's", "counsellor",
         lambda w: (f"/job-seekers/{w.seeker.pk}/work/{w.entry.pk}/", {f"e{w.entry.pk}-occupation": "5120",
                                                                       f"e{w.entry.pk}-version": STALE}),
         lambda w: (f"/job-seekers/{w.seeker.pk}/work-history/{w.entry.pk}", {"occupation": "5120",
                                                                              "expected_version": STALE}),
         "concurrent_edit", method="put"),
    Twin("a job removed over someone else's change", "counsellor",
         lambda w: (f"/job-seekers/{w.seeker.pk}/work/{w.entry.pk}/remove/", {"version": STALE}),
         lambda w: (f"/job-seekers/{w.seeker.pk}/work-history/{w.entry.pk}?expected_version={STALE}", {}),
         "concurrent_edit", method="delete"),
]


def test_the_page_and_the_api_refuse_alike(staff, world):
    """One world for all the twins (no twin changes it: each is refused), every mismatch listed at once."""
    clients = {role: sign_in(Client(), staff[role]) for role in {t.role for t in TWINS}}
    found = mismatches(TWINS, clients, world)
    assert not found, "\n".join(found)


def test_every_page_write_has_a_twin(staff, world):
    """Each POST route of the casework and employment pages is walked above (a new one must be added here)."""
    walked = {re.sub(r"/do/[a-z_]+/", "/do/A/", re.sub(r"\d+", "N", t.page(world)[0])) for t in TWINS}
    writes = {"/cases/N/do/A/", "/cases/N/assign/", "/cases/N/sessions/", "/cases/N/plans/",
              "/cases/N/plan-actions/N/", "/cases/N/referrals/", "/cases/N/referrals/N/decision/",
              "/cases/N/placements/", "/cases/N/follow-ups/N/", "/cases/N/transfer/", "/cases/register/N/",
              "/cases/group-sessions/new/", "/cases/group-sessions/N/attendance/", "/cases/vacancies/N/shortlist/",
              "/cases/vacancies/N/shortlist/send/", "/cases/vacancies/N/shortlist/N/decision/",
              "/cases/vacancies/N/shortlist/N/placement/", "/employers/", "/employers/N/",
              "/job-seekers/N/edit/", "/job-seekers/N/work/", "/job-seekers/N/work/N/",
              "/job-seekers/N/work/N/remove/", "/cases/N/supported-employment/",
              "/cases/N/supported-employment/change/", "/cases/N/supported-employment/adaptations/",
              "/cases/N/supported-employment/adaptations/N/", "/cases/N/supported-employment/coaching/"}
    assert writes <= walked, writes - walked


