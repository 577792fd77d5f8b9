"""Input that does not parse, or that no record can hold, is refused alike by a page and by its API twin: never a
500, never stored by one and refused by the other. Non-ASCII digits where an id or a version goes ("²".isdigit() is
true, int("²") fails), a version that is not a number, a count beyond its column, kinds that do not exist, dates in
year 1 or 9999, text longer than its column.

Each pair is posted as `test_page_api_twins` does (same world, same clients); a page that re-shows its form answers
with its status and `X-Error-Code`, or says the refusal on the page it returns to.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from sakme.casework.models import CounsellingSession
from sakme.employment.models import Vacancy, WorkHistoryEntry
from sakme.tests.factories import sign_in, version
from tests.test_page_api_twins import TODAY, World, world  # noqa: F401 (the fixture, shared)
from tests.twins import Twin

LONG = "x" * 1000  # longer than any of the columns below (at most 500)


def page_answer(client: Client, url: str, data: dict[str, Any]) -> tuple[str, int]:
    """The code and status a page gives (0: it returned to a page that says it; a form shown again with its errors
    is `invalid`, as the API calls a body that does not parse)."""
    response = client.post(url, data)
    assert response.status_code < 500, (url, response.status_code)
    if "X-Error-Code" in response:
        return response["X-Error-Code"], response.status_code
    if response.status_code == 302:
        shown = client.get(response["Location"]).content.decode()
        found = re.search(r'data-error-code="([a-z_]+)"', shown)
        return (found.group(1) if found else "accepted"), 0
    forms = [c["form"] for c in (response.context or []) if "form" in c]
    if any(form is not None and form.errors for form in forms):
        return "invalid", response.status_code  # shown again with the form's errors (a hidden field's, maybe)
    return "accepted", response.status_code


def api_answer(client: Client, method: str, path: str, body: Any) -> tuple[str, int]:
    if method == "delete":
        response = client.delete(f"/api/v1{path}")
    else:
        response = getattr(client, method)(f"/api/v1{path}", body, content_type="application/json")
    assert response.status_code < 500, (path, response.status_code)
    return (response.json().get("code", "accepted") if response.status_code >= 400 else "accepted"), \
        response.status_code


ALIKE = "alike"  # no code expected: the page and the API must only answer the same way
REFUSED = "refused"  # both refuse, whatever their codes (the form before the service, the service's own code)


def refused_alike(twins: list[Twin], staff: dict[str, Any], w: World) -> list[str]:
    """Each twin whose page and API answer differently: the API with the twin's code, the page with it too or with
    `invalid` (its form refused the input before the service saw it), both 4xx or both accepted."""
    clients = {role: sign_in(Client(), staff[role]) for role in {t.role for t in twins}}
    found = []
    for twin in twins:
        page = page_answer(clients[twin.role], *twin.page(w))
        api = api_answer(clients[twin.role], twin.method, *twin.api(w))
        if twin.code == ALIKE:
            same = (page[0] == "accepted") == (api[0] == "accepted")
        elif twin.code == REFUSED:
            same = page[0] != "accepted" and api[0] != "accepted" and 400 <= api[1] < 500
        else:
            same = api[0] == twin.code and page[0] in (twin.code, "invalid") and page[1] in (0, 200, api[1])
        if not same:
            found.append(f"{twin.name}: page {page}, api {api}, expected {twin.code}")
    return found


SUPERSCRIPT_TWO = "²"

IDS = [
    Twin("a vacancy id in superscript digits", "counsellor",
         lambda w: (f"/cases/{w.serving.pk}/referrals/", {"r-kind": "vacancy", "r-vacancy": SUPERSCRIPT_TWO,
                                                          "r-referred_on": TODAY, "r-consent": "on"}),
         lambda w: (f"/cases/{w.serving.pk}/referrals", {"kind": "vacancy", "vacancy_id": SUPERSCRIPT_TWO,
                                                         "referred_on": str(TODAY), "consent": True}),
         "invalid"),
    Twin("a placement's vacancy in superscript digits", "counsellor",
         lambda w: (f"/cases/{w.serving.pk}/placements/", {"p-vacancy": SUPERSCRIPT_TWO, "p-started_on": TODAY,
                                                           "p-contract": "permanent"}),
         lambda w: (f"/cases/{w.serving.pk}/placements", {"vacancy_id": SUPERSCRIPT_TWO, "started_on": str(TODAY)}),
         "invalid"),
    Twin("a counsellor id in superscript digits", "unit_head",
         lambda w: (f"/cases/{w.new.pk}/assign/", {"counsellor": SUPERSCRIPT_TWO, "version": version(w.new)}),
         lambda w: (f"/cases/{w.new.pk}/assign", {"counsellor_id": SUPERSCRIPT_TWO,
                                                  "expected_version": version(w.new)}),
         "invalid"),
    Twin("an attendee in superscript digits", "counsellor",
         lambda w: (f"/cases/group-sessions/{w.session.pk}/attendance/", {"attended": [SUPERSCRIPT_TWO],
                                                                          "version": w.session.version}),
         lambda w: (f"/group-sessions/{w.session.pk}/attendance", {"attended": [SUPERSCRIPT_TWO],
                                                                   "expected_version": w.session.version}),
         "invalid"),
    Twin("a shortlisted case in superscript digits", "employer_relations",
         lambda w: (f"/cases/vacancies/{w.vacancy.pk}/shortlist/", {"case": SUPERSCRIPT_TWO}),
         lambda w: (f"/vacancies/{w.vacancy.pk}/shortlist", {"case_id": SUPERSCRIPT_TWO}),
         "invalid"),
]


def _versions(seen: str) -> list[Twin]:
    return [
        Twin(f"a transition with version {seen!r}", "counsellor",
             lambda w: (f"/cases/{w.new.pk}/do/end_early/", {"end_early-version": seen,
                                                             "end_early-outcome": "withdrawn"}),
             lambda w: (f"/cases/{w.new.pk}/transitions", {"action": "end_early", "outcome": "withdrawn",
                                                           "expected_version": seen}),
             "invalid"),
        Twin(f"a follow-up with version {seen!r}", "counsellor",
             lambda w: (f"/cases/{w.following.pk}/follow-ups/{w.follow_up.pk}/",
                        {"done_on": TODAY, "still_in_work_or_training": "1", "version": seen}),
             lambda w: (f"/cases/{w.following.pk}/follow-ups/{w.follow_up.pk}",
                        {"done_on": str(TODAY), "still_in_work_or_training": True, "expected_version": seen}),
             "invalid"),
        Twin(f"a profile with version {seen!r}", "counsellor",
             lambda w: (f"/job-seekers/{w.seeker.pk}/edit/", {"version": seen, "registered_on": TODAY,
                                                              "availability": "full_time"}),
             lambda w: (f"/job-seekers/{w.seeker.pk}", {"expected_version": seen, "skills": "baking"}),
             "invalid", method="patch"),
        Twin(f"a job corrected with version {seen!r}", "counsellor",
             lambda w: (f"/job-seekers/{w.seeker.pk}/work/{w.entry.pk}/", {f"e{w.entry.pk}-occupation": "5120",
                                                                           f"e{w.entry.pk}-version": seen}),
             lambda w: (f"/job-seekers/{w.seeker.pk}/work-history/{w.entry.pk}", {"occupation": "5120",
                                                                                  "expected_version": seen}),
             "invalid", method="put"),
        Twin(f"a job removed with version {seen!r}", "counsellor",
             lambda w: (f"/job-seekers/{w.seeker.pk}/work/{w.entry.pk}/remove/", {"version": seen}),
             lambda w: (f"/job-seekers/{w.seeker.pk}/work-history/{w.entry.pk}?expected_version={seen}", {}),
             "invalid", method="delete"),
        Twin(f"a candidate's decision with version {seen!r}", "employer_relations",
             lambda w: (f"/cases/vacancies/{w.vacancy.pk}/shortlist/{w.candidate.pk}/decision/",
                        {"status": "accepted", "version": seen}),
             lambda w: (f"/vacancies/{w.vacancy.pk}/shortlist/{w.candidate.pk}/decision",
                        {"status": "accepted", "expected_version": seen}),
             "invalid"),
    ]


VERSIONS = [*_versions("abc"), *_versions(SUPERSCRIPT_TWO), *_versions("1.5")]

# The vacancy form takes any number of positions: SQLite stores 40,000, PostgreSQL refuses it (422 `invalid`, the
# error page), the API refuses it with the column's range. The form (or the service) should read the model's range.
POSITIONS = [
    Twin("a vacancy of more positions than the column holds", "employer_relations",
         lambda w: (f"/employers/{w.employer.pk}/", {"title": "Cook", "occupation": "5120",
                                                     "municipality": w.vacancy.municipality_id,
                                                     "positions": 40_000, "opened_on": TODAY}),
         lambda w: (f"/employers/{w.employer.pk}/vacancies", {
             "title": "Cook", "occupation": "5120", "municipality": w.vacancy.municipality.code,
             "opened_on": str(TODAY), "positions": 40_000}),
         "invalid"),
]

BEYOND = [
    Twin("an unknown kind of session", "counsellor",
         lambda w: (f"/cases/{w.serving.pk}/sessions/", {"s-kind": "seance", "s-held_on": TODAY}),
         lambda w: (f"/cases/{w.serving.pk}/sessions", {"kind": "seance", "held_on": str(TODAY)}),
         "session_kind_unknown"),
    Twin("an unknown kind of coaching", "counsellor",
         lambda w: (f"/cases/{w.supported.pk}/supported-employment/coaching/",
                    {"kind": "seance", "held_on": TODAY, "hours": "1.5"}),
         lambda w: (f"/cases/{w.supported.pk}/supported-employment/coaching",
                    {"kind": "seance", "held_on": str(TODAY), "hours": "1.5"}),
         "coaching_kind_unknown"),
    Twin("a job title longer than its column", "counsellor",
         lambda w: (f"/job-seekers/{w.seeker.pk}/work/", {"w-occupation": "5120", "w-job_title": LONG}),
         lambda w: (f"/job-seekers/{w.seeker.pk}/work-history", {"occupation": "5120", "job_title": LONG}),
         "invalid"),
    Twin("an employer's name longer than its column", "counsellor",
         lambda w: (f"/job-seekers/{w.seeker.pk}/work/", {"w-occupation": "5120", "w-employer_name": LONG}),
         lambda w: (f"/job-seekers/{w.seeker.pk}/work-history", {"occupation": "5120", "employer_name": LONG}),
         "invalid"),
    Twin("a transition's note longer than its column", "counsellor",
         lambda w: (f"/cases/{w.new.pk}/do/end_early/", {"end_early-version": version(w.new),
                                                         "end_early-outcome": "withdrawn", "end_early-note": LONG}),
         lambda w: (f"/cases/{w.new.pk}/transitions", {"action": "end_early", "outcome": "withdrawn",
                                                       "expected_version": version(w.new), "note": LONG}),
         "invalid"),
]


BOGUS = "bogus"
CHOICES = [
    Twin("an unknown contract", "counsellor",
         lambda w: (f"/cases/{w.serving.pk}/placements/", {"p-vacancy": w.vacancy.pk, "p-started_on": TODAY,
                                                           "p-contract": BOGUS}),
         lambda w: (f"/cases/{w.serving.pk}/placements", {"vacancy_id": w.vacancy.pk, "started_on": str(TODAY),
                                                          "contract": BOGUS}),
         REFUSED),
    Twin("an unknown kind of referral", "counsellor",
         lambda w: (f"/cases/{w.serving.pk}/referrals/", {"r-kind": BOGUS, "r-service": "x", "r-referred_on": TODAY}),
         lambda w: (f"/cases/{w.serving.pk}/referrals", {"kind": BOGUS, "service": "x", "referred_on": str(TODAY)}),
         REFUSED),
    Twin("an unknown outcome of a referral", "counsellor",
         lambda w: (f"/cases/{w.serving.pk}/referrals/{w.referral.pk}/decision/",
                    {"status": BOGUS, "decided_on": TODAY, "version": w.referral.version}),
         lambda w: (f"/cases/{w.serving.pk}/referrals/{w.referral.pk}/decision",
                    {"status": BOGUS, "decided_on": str(TODAY), "expected_version": w.referral.version}),
         REFUSED),
    Twin("an unknown status of an adaptation", "counsellor",
         lambda w: (f"/cases/{w.supported.pk}/supported-employment/adaptations/", {"description": "x",
                                                                                   "status": BOGUS}),
         lambda w: (f"/cases/{w.supported.pk}/supported-employment/adaptations", {"description": "x",
                                                                                  "status": BOGUS}),
         REFUSED),
    Twin("an unknown availability", "counsellor",
         lambda w: (f"/job-seekers/{w.seeker.pk}/edit/", {"version": w.seeker.version, "registered_on": TODAY,
                                                          "availability": BOGUS}),
         lambda w: (f"/job-seekers/{w.seeker.pk}", {"expected_version": w.seeker.version, "availability": BOGUS}),
         REFUSED, method="patch"),
]


# Neither the forms nor the services hold a rule of plausible dates yet: page and API must at least agree (and
# neither may fail on a date at the end of the calendar).
def _dates(day: str) -> list[Twin]:
    return [
        Twin(f"a session on {day}", "counsellor",
             lambda w: (f"/cases/{w.serving.pk}/sessions/", {"s-kind": "counselling", "s-held_on": day}),
             lambda w: (f"/cases/{w.serving.pk}/sessions", {"kind": "counselling", "held_on": day}),
             ALIKE),
        Twin(f"a placement on {day}", "counsellor",
             lambda w: (f"/cases/{w.serving.pk}/placements/", {"p-vacancy": w.vacancy.pk, "p-started_on": day,
                                                               "p-contract": "permanent"}),
             lambda w: (f"/cases/{w.serving.pk}/placements", {"vacancy_id": w.vacancy.pk, "started_on": day}),
             ALIKE),
        Twin(f"a job started on {day}", "counsellor",
             lambda w: (f"/job-seekers/{w.seeker.pk}/work/", {"w-occupation": "5120", "w-started_on": day}),
             lambda w: (f"/job-seekers/{w.seeker.pk}/work-history", {"occupation": "5120", "started_on": day}),
             ALIKE),
        Twin(f"a vacancy opened on {day}", "employer_relations",
             lambda w: (f"/employers/{w.employer.pk}/", {"title": "Cook", "occupation": "5120",
                                                         "municipality": w.vacancy.municipality_id,
                                                         "positions": 1, "opened_on": day}),
             lambda w: (f"/employers/{w.employer.pk}/vacancies", {
                 "title": "Cook", "occupation": "5120", "municipality": w.vacancy.municipality.code,
                 "opened_on": day}),
             ALIKE),
    ]


DATES = [*_dates("0001-01-01"), *_dates("9999-12-31")]


@pytest.mark.parametrize("twins", [
    IDS, VERSIONS, BEYOND, CHOICES, DATES, POSITIONS,
], ids=["ids", "versions", "beyond", "choices", "dates", "positions"])
def test_input_no_record_can_hold_is_refused_alike(staff, world, twins):  # noqa: F811
    counts = (CounsellingSession.objects.count(), WorkHistoryEntry.objects.count(), Vacancy.objects.count())
    found = refused_alike(twins, staff, world)
    assert not found, "\n".join(found)
    if all(t.code != ALIKE for t in twins):  # all refused: nothing was written by either
        assert counts == (CounsellingSession.objects.count(), WorkHistoryEntry.objects.count(),
                          Vacancy.objects.count())
