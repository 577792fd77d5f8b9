"""The surveys API over the same services and getters as the pages: the same refusals with the same codes, the same
figures, the same scope and access log."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AccessEvent
from sakme.surveys.models import Response
from sakme.surveys.services import response_record
from sakme.surveys.tests.make import GOOD, PAST, TODAY, application, client_of, session

pytestmark = pytest.mark.django_db
API = "/api/v1/surveys"


def body(event, **changes):
    return {"service": "counselling_session", "event_id": event.pk, "answered_on": PAST.isoformat(),
            "answers": GOOD, **changes}


def page(event, **changes):
    fields = {"answered_on": PAST.isoformat(), **{f"q_{k}": {True: "yes", False: "no"}.get(v, str(v))
                                                  for k, v in GOOD.items()}}
    for key, value in changes.items():
        if key == "answers":
            fields = {k: v for k, v in fields.items() if not k.startswith("q_")}
            fields.update({f"q_{k}": {True: "yes", False: "no"}.get(v, str(v)) for k, v in value.items()})
        elif key == "consent_to_comment":
            if value:
                fields[key] = "on"
        else:
            fields[key] = value
    return fields


def test_versions_and_a_response(surveys, staff):
    client = client_of(staff["counsellor"])
    versions = client.get(f"{API}/versions").json()
    assert [v["service"] for v in versions] == ["assistance_decision", "counselling_session", "placement"]
    choice = versions[0]["questions"][-1]
    assert choice["kind"] == "choice" and {"code": "sms", "text_ka": "SMS შეტყობინებით", "text_en": "By text message"} \
        in choice["choices"]
    event = session()
    made = client.post(f"{API}/responses", body(event, consent_to_comment=True, comment="Fine."),
                       content_type="application/json")
    assert made.status_code == 200, made.content
    assert made.json() | {"id": 0} == {"id": 0, "service": "counselling_session", "event_id": event.pk, "unit": "TB-1",
                                       "survey": "counselling v1 (2017-01-01)", "answered_on": PAST.isoformat(),
                                       "channel": "paper", "answers": GOOD, "consent_to_comment": True,
                                       "comment": "Fine."}
    assert client_of(staff["social_agent"]).get(f"{API}/versions").status_code == 403


def twin(client, event, kind="counselling_session", **changes):
    """The code and status a page and the API give for the same input."""
    shown = client.post(reverse("surveys:record", args=[kind, event.pk]), page(event, **changes))
    api = client.post(f"{API}/responses", body(event, service=kind, **changes), content_type="application/json")
    return (shown["X-Error-Code"], shown.status_code), (api.json()["code"], api.status_code)


@pytest.mark.parametrize("changes,code,status", [
    ({"answers": {k: v for k, v in GOOD.items() if k != "overall"}}, "survey_answer_missing", 422),
    ({"answers": {**GOOD, "overall": 6}}, "survey_answer_invalid", 422),
    ({"answers": {**GOOD, "recommend": "perhaps"}}, "survey_answer_invalid", 422),
    ({"comment": "Without consent"}, "survey_comment_without_consent", 422),
    ({"comment": "x" * 2001, "consent_to_comment": True}, "survey_comment_too_long", 422),
    ({"answered_on": (TODAY + dt.timedelta(days=1)).isoformat()}, "survey_answered_on_invalid", 422),
])
def test_the_page_and_the_api_refuse_alike(surveys, staff, changes, code, status):
    shown, api = twin(client_of(staff["counsellor"]), session(), **changes)
    assert shown == api == (code, status)


def test_refusals_of_the_event_alike(surveys, staff):
    client = client_of(staff["counsellor"])
    answered = session()
    response_record(actor=SYSTEM, kind="counselling_session", event_id=answered.pk, answered_on=PAST, answers=GOOD)
    assert twin(client, answered) == (("survey_already_answered", 422),) * 2
    assert twin(client, session(held_on=TODAY + dt.timedelta(days=1)), answered_on=TODAY.isoformat()) == \
        (("survey_event_not_past", 422),) * 2
    assert twin(client, session(unit="TB-2")) == (("not_found", 404),) * 2
    assert twin(client, application(), kind="assistance_decision") == (("permission_denied", 403),) * 2
    unknown = client.post(f"{API}/responses", body(session(), service="home_visit"), content_type="application/json")
    assert unknown.json()["code"] == "survey_service_unknown"
    assert Response.objects.count() == 1


def test_results_and_comments(surveys, staff):
    for overall, day in ((5, dt.date(2025, 2, 1)), (2, dt.date(2025, 2, 3)), (3, dt.date(2025, 7, 1))):
        event = session(held_on=day)
        response_record(actor=SYSTEM, kind="counselling_session", event_id=event.pk, answered_on=day,
                        answers={**GOOD, "overall": overall}, consent_to_comment=True, comment=f"Said {overall}")
    head = client_of(staff["unit_head"])
    found = head.get(f"{API}/results", {"year": 2025, "month": 2}).json()
    assert found["few_below"] == 5 and found["rows"][0]["unit"] == "TB-1" and found["rows"][0]["few"] is True
    overall = {q["code"]: q for q in found["totals"][0]["questions"]}["overall"]
    assert (found["totals"][0]["answers"], overall["mean"], overall["yes_share"]) == (2, 3.5, None)
    assert [c["comment"] for c in found["comments"]] == ["Said 2", "Said 5"]
    assert set(found["comments"][0]) == {"answered_on", "unit", "service", "comment"}  # no names
    assert AccessEvent.objects.filter(actor=staff["unit_head"], kind="api").count() == 2
    analyst = client_of(staff["analyst"]).get(f"{API}/results", {"year": 2025}).json()
    assert analyst["totals"][0]["answers"] == 3 and analyst["comments"] is None
    assert head.get(f"{API}/results", {"year": 2025, "unit": "TB-2"}).json()["code"] == "not_found"
    assert head.get(f"{API}/results", {"year": 2025, "month": 0}).json()["code"] == "survey_period_invalid"
    assert client_of(staff["counsellor"]).get(f"{API}/results", {"year": 2025}).status_code == 403
    page = head.get(reverse("surveys:results"), {"year": 2025, "month": 2}).content.decode()
    assert 'data-mean="3.5"' in page  # the page's figure is the API's


def test_pending(surveys, staff):
    waiting = session(given="ლევან")
    session(unit="TB-2")
    found = client_of(staff["counsellor"]).get(f"{API}/pending").json()
    assert found["total"] == 1 and found["items"][0] | {"person_name": ""} == {
        "service": "counselling_session", "event_id": waiting.pk, "on": PAST.isoformat(), "unit": "TB-1",
        "person_id": waiting.case.job_seeker.person_id, "person_name": "", "case_id": waiting.case_id,
        "application_id": None, "detail": "counselling"}
    assert AccessEvent.objects.get(actor=staff["counsellor"], kind="api").person_id == \
        waiting.case.job_seeker.person_id
    assert client_of(staff["analyst"]).get(f"{API}/pending").status_code == 403


@pytest.mark.parametrize("answered_on,code", [("0001-01-01", "survey_answered_on_invalid"),
                                              ("9999-12-31", "survey_answered_on_invalid")])
def test_dates_no_survey_can_have_are_refused_alike(surveys, staff, answered_on, code):
    shown, api = twin(client_of(staff["counsellor"]), session(), answered_on=answered_on)
    assert shown == api == (code, 422)


def test_input_no_record_can_hold(surveys, staff):
    client = client_of(staff["counsellor"])
    huge = client.post(f"{API}/responses", body(session(), event_id=10**30), content_type="application/json")
    assert huge.status_code == 404 and huge.json()["code"] == "not_found"  # no record has that id
    assert client.get(reverse("surveys:record", args=["counselling_session", 10**30])).status_code == 404
    nul = client.post(f"{API}/responses", body(session(), comment="a\u0000b", consent_to_comment=True),
                      content_type="application/json")
    assert nul.status_code == 422 and nul.json()["code"] == "invalid"
    wide_digit = {"answered_on": PAST.isoformat(), "q_overall": "４", "q_wait_acceptable": "yes",
                  "q_explained_clearly": "yes", "q_recommend": "no"}
    shown = client.post(reverse("surveys:record", args=["counselling_session", session().pk]), wide_digit)
    assert shown.status_code == 422 and shown["X-Error-Code"] == "survey_answer_invalid"
    assert not Response.objects.exists()
