"""The survey pages: typing in a paper survey (both languages, refusals said above the form with their code), the
events waiting for their survey (scoped, logged, a constant number of queries), the results, and the link to include
on the service events' pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.template import engines
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AccessEvent
from sakme.surveys.models import Response
from sakme.surveys.services import response_record
from sakme.surveys.tests.make import GOOD, PAST, TODAY, application, client_of, placement, session

pytestmark = pytest.mark.django_db


def form_data(**changes):
    data = {"answered_on": PAST.isoformat(), "q_overall": "4", "q_wait_acceptable": "yes",
            "q_explained_clearly": "yes", "q_recommend": "no"}
    return {k: v for k, v in {**data, **changes}.items() if v is not None}


def record_url(event, kind="counselling_session"):
    return reverse("surveys:record", args=[kind, event.pk])


def test_the_paper_form_in_english_with_the_georgian_beside_it(surveys, staff):
    event = session(given="ნინო")
    client = client_of(staff["counsellor"])
    page = client.get(record_url(event)).content.decode()
    assert "Overall, how satisfied are you with the counselling you received?" in page
    assert 'lang="ka">საერთო ჯამში, რამდენად კმაყოფილი ხართ მიღებული კონსულტაციით?' in page
    assert event.case.job_seeker.person.full_name in page
    viewed = AccessEvent.objects.get(actor=staff["counsellor"], kind="view")
    assert viewed.person_id == event.case.job_seeker.person_id


def test_the_paper_form_in_georgian(surveys, staff):
    client = client_of(staff["counsellor"])
    client.post(reverse("set_language"), {"language": "ka"})
    page = client.get(record_url(session())).content.decode()
    assert "1. საერთო ჯამში, რამდენად კმაყოფილი ხართ" in page
    assert 'lang="en">Overall, how satisfied' in page


def test_typing_in_and_going_back(surveys, staff):
    event = session()
    client = client_of(staff["counsellor"])
    case_page = reverse("casework:case", args=[event.case_id])
    response = client.post(record_url(event), form_data(consent_to_comment="on", comment="Kind staff.",
                                                        next=case_page))
    assert response.status_code == 302 and response["Location"] == case_page
    saved = Response.objects.get()
    assert saved.answers == {**GOOD} and saved.comment == "Kind staff." and saved.entered_by == staff["counsellor"]
    page = client.get(record_url(event)).content.decode()
    assert "This survey was answered on" in page and 'name="q_overall"' not in page
    outside = client.post(record_url(session()), form_data(next="https://example.com/"))
    assert outside["Location"] == reverse("surveys:pending")  # never sent to another site


@pytest.mark.parametrize("changes,code", [
    ({"q_recommend": None}, "survey_answer_missing"),
    ({"q_overall": "9"}, "survey_answer_invalid"),
    ({"comment": "Rude."}, "survey_comment_without_consent"),
    ({"answered_on": "yesterday"}, "invalid"),
])
def test_a_refusal_is_said_above_the_form(surveys, staff, changes, code):
    client = client_of(staff["counsellor"])
    response = client.post(record_url(session()), form_data(**changes))
    assert response.status_code == 422 and response["X-Error-Code"] == code
    assert 'name="q_overall"' in response.content.decode()
    assert not Response.objects.exists()


def test_events_not_past_or_elsewhere(surveys, staff):
    client = client_of(staff["counsellor"])
    future = session(held_on=TODAY + dt.timedelta(days=2))
    page = client.get(record_url(future))
    assert page.status_code == 200 and "after today" in page.content.decode()
    assert client.post(record_url(future), form_data())["X-Error-Code"] == "survey_event_not_past"
    assert client.get(record_url(session(unit="TB-2"))).status_code == 404
    assert client.get(reverse("surveys:record", args=["nothing", 1]))["X-Error-Code"] == "survey_service_unknown"
    assert client.get(record_url(application(), "assistance_decision")).status_code == 403
    specialist = client_of(staff["assistance_specialist"])
    assert specialist.get(record_url(application(), "assistance_decision")).status_code == 200


def test_the_events_waiting_for_their_survey(surveys, staff):
    waiting = [session(given="ლევან"), placement()]
    answered = session(given="მარიამ")
    response_record(actor=SYSTEM, kind="counselling_session", event_id=answered.pk, answered_on=PAST, answers=GOOD)
    session(held_on=TODAY - dt.timedelta(days=61), given="გიორგი")  # too long ago
    session(unit="TB-2", given="ეკა")  # another unit
    application()  # a decision: counsellors do not see applications
    client = client_of(staff["counsellor"])
    with CaptureQueriesContext(connection) as few:
        page = client.get(reverse("surveys:pending")).content.decode()
    for event in waiting:
        assert record_url(event, "placement" if hasattr(event, "started_on") else "counselling_session") in page
    assert "Levan" in page and "Mariam" not in page and "Giorgi" not in page and "Eka" not in page
    assert "Tamar" not in page
    listed = set(AccessEvent.objects.filter(actor=staff["counsellor"], kind="listed").values_list("person_id",
                                                                                                 flat=True))
    assert listed == {e.case.job_seeker.person_id for e in waiting}
    for _ in range(5):
        session()
    with CaptureQueriesContext(connection) as more:
        client.get(reverse("surveys:pending"))
    assert len(more) == len(few) <= 16  # as many queries with more events
    head = client_of(staff["unit_head"]).get(reverse("surveys:pending") + "?service=assistance_decision")
    assert "Tamar" in head.content.decode() and "Levan" not in head.content.decode()


def test_the_results_page(surveys, staff, django_assert_max_num_queries):
    for overall in (5, 4):
        event = session(held_on=dt.date(2025, 5, 5))
        response_record(actor=SYSTEM, kind="counselling_session", event_id=event.pk, answered_on=dt.date(2025, 5, 6),
                        answers={**GOOD, "overall": overall}, consent_to_comment=True, comment=f"Comment {overall}")
    head = client_of(staff["unit_head"])
    with django_assert_max_num_queries(14):
        page = head.get(reverse("surveys:results") + "?year=2025").content.decode()
    assert 'data-answers="2"' in page and 'data-mean="4.5"' in page and "few answers" in page
    assert "Comment 5" in page and "Comment 4" in page
    assert "Nino" not in page and "ნინო" not in page  # no names with the figures or the comments
    analyst = client_of(staff["analyst"]).get(reverse("surveys:results") + "?year=2025").content.decode()
    assert 'data-mean="4.5"' in analyst and "Comment 5" not in analyst
    assert client_of(staff["counsellor"]).get(reverse("surveys:results")).status_code == 403
    assert head.get(reverse("surveys:results") + "?unit=TB-2")["X-Error-Code"] == "invalid"  # not among theirs
    refused = head.get(reverse("surveys:results") + "?year=abc")
    assert refused.status_code == 422 and refused["X-Error-Code"] == "invalid"


LINK = engines["django"].from_string(
    '{% include "surveys/_record_link.html" with kind="counselling_session" event_id=event.pk on=event.held_on '
    'answered=answered %}')


def _link(user, event, answered=False) -> str:
    request = RequestFactory().get("/cases/1/")
    request.user = user
    return LINK.render({"event": event, "answered": answered}, request)


def test_the_link_for_the_service_events_pages(surveys, staff):
    event = session()
    link = _link(staff["counsellor"], event)
    assert f'href="{record_url(event)}?next=/cases/1/"' in link
    assert _link(staff["analyst"], event).strip() == ""  # analysts type in nothing
    assert _link(staff["assistance_specialist"], event).strip() == ""  # nor see sessions
    assert "survey answered" in _link(staff["counsellor"], event, answered=True)
    assert _link(staff["counsellor"], session(held_on=TODAY + dt.timedelta(days=1))).strip() == ""
    undecided = engines["django"].from_string(
        '{% include "surveys/_record_link.html" with kind="assistance_decision" event_id=a.pk on=a.decided_on %}')
    request = RequestFactory().get("/")
    request.user = staff["assistance_specialist"]
    assert undecided.render({"a": application(decided_on=None)}, request).strip() == ""
    assert "survey-link" in undecided.render({"a": application()}, request)
