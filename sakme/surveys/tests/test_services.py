"""Recording a survey: the rules of the service (the event past and in the user's units, the version in force on its
day, every answer valid, a comment only with consent, one per event), the questionnaires as data, the one-time link."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AuditEvent
from sakme.common.errors import DomainError, NotFound, PermissionDenied
from sakme.surveys.models import Invitation, Response, SurveyVersion
from sakme.surveys.services import (
    DATA_FILE,
    invitation_create,
    response_record,
    response_submit_by_token,
    surveys_load,
    token_digest,
)
from sakme.surveys.tests.make import GOOD, GOOD_DECISION, GOOD_PLACEMENT, PAST, TODAY, application, placement, session

pytestmark = pytest.mark.django_db


def record(actor, event, answers=GOOD, kind="counselling_session", **extra):
    return response_record(actor=actor, kind=kind, event_id=event.pk, answered_on=extra.pop("answered_on", PAST),
                           answers=answers, **extra)


def refusal(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def test_the_shipped_questionnaires_load_once(territory):
    assert surveys_load(actor=SYSTEM) == 3
    assert surveys_load(actor=SYSTEM) == 3  # idempotent: nothing added the second time
    assert SurveyVersion.objects.count() == 3
    assert AuditEvent.objects.filter(action="surveys.load").count() == 1
    for version in SurveyVersion.objects.all():
        assert 3 <= len(version.questions) <= 5
        assert all(q["text_ka"] and q["text_en"] for q in version.questions)


def _file(tmp_path, surveys):
    path = tmp_path / "surveys.json"
    path.write_text(json.dumps({"surveys": surveys}, ensure_ascii=False), encoding="utf-8")
    return path


def _shipped():
    return json.loads(DATA_FILE.read_text(encoding="utf-8"))["surveys"]


def test_versions_are_only_added(surveys, tmp_path):
    shipped = _shipped()
    changed = [dict(shipped[0], title_en="Another title"), *shipped[1:]]
    error = refusal(lambda: surveys_load(actor=SYSTEM, path=_file(tmp_path, changed)))
    assert error.code == "survey_file_invalid" and "counselling v1" in error.message and "new version" in error.message
    earlier = dict(shipped[0], version=2, valid_from="2016-06-01")
    error = refusal(lambda: surveys_load(actor=SYSTEM, path=_file(tmp_path, [*shipped, earlier])))
    assert error.code == "survey_file_invalid" and "after" in error.message
    other_kind = dict(shipped[0], version=2, valid_from="2026-01-01", questions=[
        dict(shipped[0]["questions"][0], kind="yes_no")])
    error = refusal(lambda: surveys_load(actor=SYSTEM, path=_file(tmp_path, [*shipped, other_kind])))
    assert error.code == "survey_file_invalid" and "overall" in error.message and "new code" in error.message
    no_choices = dict(shipped[0], version=2, valid_from="2026-01-01", questions=[
        {"code": "how", "kind": "choice", "text_ka": "როგორ?", "text_en": "How?"}])
    error = refusal(lambda: surveys_load(actor=SYSTEM, path=_file(tmp_path, [*shipped, no_choices])))
    assert error.code == "survey_file_invalid" and "how" in error.message
    assert SurveyVersion.objects.count() == 3


def test_a_counsellor_types_in_a_paper_survey(surveys, staff):
    event = session()
    response = record(staff["counsellor"], event, answers={**GOOD, "overall": "5", "recommend": "yes"})
    assert response.counselling_session_id == event.pk and response.unit.code == "TB-1"
    assert response.answers == {"overall": 5, "wait_acceptable": True, "explained_clearly": True, "recommend": True}
    assert response.channel == "paper" and response.entered_by == staff["counsellor"]
    assert response.survey.code == "counselling" and response.service == "counselling_session"
    audit = AuditEvent.objects.get(action="survey.record")
    assert audit.actor == staff["counsellor"] and audit.changes["event"] == event.pk


@pytest.mark.parametrize("answers,code,said", [
    ({k: v for k, v in GOOD.items() if k != "wait_acceptable"}, "survey_answer_missing", "question 2"),
    ({**GOOD, "overall": 7}, "survey_answer_invalid", "1 to 5, not “7”"),
    ({**GOOD, "overall": True}, "survey_answer_invalid", "1 to 5"),
    ({**GOOD, "overall": "4.5"}, "survey_answer_invalid", "1 to 5"),
    ({**GOOD, "recommend": "maybe"}, "survey_answer_invalid", "yes or no, not “maybe”"),
    ({**GOOD, "recommend": {"nested": 1}}, "survey_answer_invalid", "yes or no"),
    ({**GOOD, "speed": 5}, "survey_answer_unknown", "“speed”"),
])
def test_each_answer_is_checked_against_its_question(surveys, staff, answers, code, said):
    error = refusal(lambda: record(staff["counsellor"], session(), answers=answers))
    assert error.code == code and error.status == 422
    assert said in error.message.lower() or said in error.message
    assert not Response.objects.exists()


def test_the_question_is_named_in_the_language_of_the_reader(surveys, staff):
    from django.utils import translation

    with translation.override("ka"):
        error = refusal(lambda: record(staff["counsellor"], session(), answers={**GOOD, "overall": 9}))
    assert "რამდენად კმაყოფილი ხართ" in error.message


def test_a_choice_is_one_of_its_codes(surveys, staff):
    error = refusal(lambda: record(staff["unit_head"], application(), kind="assistance_decision",
                                   answers={**GOOD_DECISION, "informed_by": "pigeon"}))
    assert error.code == "survey_answer_invalid" and "letter, sms, at_unit, phone" in error.message
    response = record(staff["assistance_specialist"], application(), kind="assistance_decision",
                      answers=GOOD_DECISION)
    assert response.answers["informed_by"] == "sms" and response.application_id is not None


def test_a_comment_is_kept_only_with_consent(surveys, staff):
    error = refusal(lambda: record(staff["counsellor"], session(), comment="Long wait."))
    assert error.code == "survey_comment_without_consent" and "consent" in error.message
    kept = record(staff["counsellor"], session(), consent_to_comment=True, comment="  Long wait.  ")
    assert kept.comment == "Long wait."
    assert record(staff["counsellor"], session(), consent_to_comment=True).comment == ""
    too_long = refusal(lambda: record(staff["counsellor"], session(), consent_to_comment=True, comment="x" * 2001))
    assert too_long.code == "survey_comment_too_long"


def test_the_database_refuses_a_comment_without_consent_and_a_second_response(surveys, staff):
    first = record(staff["counsellor"], session())
    fields = {"survey": first.survey, "service": first.service, "unit": first.unit, "answered_on": PAST,
              "answers": GOOD}
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(counselling_session=session(), comment="x", consent_to_comment=False, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():
        Response.objects.create(counselling_session_id=first.counselling_session_id, **fields)
    with pytest.raises(IntegrityError), transaction.atomic():  # exactly one event, of the row's service
        Response.objects.create(counselling_session=session(), placement=placement(), **fields)


def test_one_response_per_event(surveys, staff):
    event = session()
    record(staff["counsellor"], event)
    error = refusal(lambda: record(staff["unit_head"], event, answers={**GOOD, "overall": 1}))
    assert error.code == "survey_already_answered"
    assert Response.objects.get().answers["overall"] == 4


def test_the_version_in_force_on_the_events_day(surveys, staff, tmp_path):
    before = session(held_on=TODAY - dt.timedelta(days=20))
    after = session(held_on=TODAY - dt.timedelta(days=2))
    first = record(staff["counsellor"], before, answered_on=TODAY)
    v2 = dict(_shipped()[0], version=2, valid_from=(TODAY - dt.timedelta(days=5)).isoformat(), questions=[
        *_shipped()[0]["questions"][:2],
        {"code": "privacy", "kind": "yes_no", "text_ka": "დაცული იყო თქვენი პირადი ცხოვრება?",
         "text_en": "Was your privacy respected?"}])
    surveys_load(actor=SYSTEM, path=_file(tmp_path, [*_shipped(), v2]))
    error = refusal(lambda: record(staff["counsellor"], after, answered_on=TODAY))  # v1's answers, v2's questions
    assert error.code == "survey_answer_unknown"
    second = record(staff["counsellor"], after, answered_on=TODAY,
                    answers={"overall": 2, "wait_acceptable": False, "privacy": True})
    assert second.survey.version == 2
    first.refresh_from_db()
    assert first.survey.version == 1 and first.answers == {**GOOD}  # a later version changes nothing before it
    late = session(held_on=TODAY - dt.timedelta(days=15))
    assert record(staff["counsellor"], late, answered_on=TODAY).survey.version == 1  # answered after v2, held before


def test_the_event_must_be_past_and_the_answer_after_it(surveys, staff):
    tomorrow = session(held_on=TODAY + dt.timedelta(days=1))
    error = refusal(lambda: record(staff["counsellor"], tomorrow, answered_on=TODAY))
    assert error.code == "survey_event_not_past" and "after today" in error.message
    undecided = application(decided_on=None)
    error = refusal(lambda: record(staff["unit_head"], undecided, kind="assistance_decision", answers=GOOD_DECISION))
    assert error.code == "survey_event_not_past" and "not been decided" in error.message
    held = session(held_on=PAST)
    for day in (PAST - dt.timedelta(days=1), TODAY + dt.timedelta(days=1)):
        error = refusal(lambda: record(staff["counsellor"], held, answered_on=day))  # noqa: B023
        assert error.code == "survey_answered_on_invalid"
    ancient = session(held_on=dt.date(2016, 6, 1))  # before the first questionnaire came into force
    assert refusal(lambda: record(SYSTEM, ancient, answered_on=TODAY)).code == "survey_none_in_force"


def test_another_units_event_is_not_found(surveys, staff):
    elsewhere = session(unit="TB-2")
    with pytest.raises(NotFound):
        record(staff["counsellor"], elsewhere)
    with pytest.raises(NotFound):
        response_record(actor=staff["counsellor"], kind="placement", event_id=999999, answered_on=PAST,
                        answers=GOOD_PLACEMENT)
    imereti = placement(unit="IM-KUT")
    with pytest.raises(PermissionDenied):  # coordinators read the results; they do not type in surveys
        record(staff["regional_coordinator"], imereti, kind="placement", answers=GOOD_PLACEMENT)


def test_who_types_in_which_kind_of_survey(surveys, staff):
    with pytest.raises(PermissionDenied):  # assistance specialists do not see cases
        record(staff["assistance_specialist"], session())
    with pytest.raises(PermissionDenied):  # counsellors do not see applications
        record(staff["counsellor"], application(), kind="assistance_decision", answers=GOOD_DECISION)
    with pytest.raises(PermissionDenied):
        record(staff["employer_relations"], placement(), kind="placement", answers=GOOD_PLACEMENT)
    assert record(staff["unit_head"], placement(), kind="placement", answers=GOOD_PLACEMENT).placement_id
    assert refusal(lambda: record(staff["counsellor"], session(), kind="group_session")).code == \
        "survey_service_unknown"


def test_a_one_time_link_answers_once(surveys, staff):
    event = session()
    issued = invitation_create(actor=staff["counsellor"], kind="counselling_session", event_id=event.pk)
    invitation = Invitation.objects.get()
    assert invitation.token_digest == token_digest(issued.token) and issued.token not in invitation.token_digest
    assert invitation.unit.code == "TB-1" and invitation.counselling_session_id == event.pk
    response = response_submit_by_token(token=issued.token, answers=GOOD, consent_to_comment=True, comment="Good.")
    assert response.channel == "online" and response.entered_by is None and response.answered_on == TODAY
    invitation.refresh_from_db()
    assert invitation.used_at is not None and invitation.response == response
    again = refusal(lambda: response_submit_by_token(token=issued.token, answers=GOOD))
    assert again.code == "survey_link_used"
    unknown = refusal(lambda: response_submit_by_token(token="not-a-token", answers=GOOD))
    assert unknown.code == "survey_link_unknown" and unknown.status == 404
    assert Response.objects.count() == 1


def test_a_link_expires_and_is_refused_once_the_paper_form_is_in(surveys, staff):
    expiring, typed_in = session(), session()
    old = invitation_create(actor=SYSTEM, kind="counselling_session", event_id=expiring.pk, days_valid=1)
    Invitation.objects.filter(pk=old.invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert refusal(lambda: response_submit_by_token(token=old.token, answers=GOOD)).code == "survey_link_expired"
    link = invitation_create(actor=SYSTEM, kind="counselling_session", event_id=typed_in.pk)
    record(staff["counsellor"], typed_in)
    assert refusal(lambda: response_submit_by_token(token=link.token, answers=GOOD)).code == "survey_already_answered"
    assert refusal(lambda: invitation_create(actor=SYSTEM, kind="counselling_session", event_id=typed_in.pk)).code \
        == "survey_already_answered"
    bad = refusal(lambda: response_submit_by_token(token=link.token, answers={"overall": 0}))
    assert bad.code == "survey_already_answered"
    future = session(held_on=TODAY + dt.timedelta(days=3))
    assert refusal(lambda: invitation_create(actor=SYSTEM, kind="counselling_session", event_id=future.pk)).code \
        == "survey_event_not_past"
    with pytest.raises(NotFound):
        invitation_create(actor=staff["counsellor"], kind="counselling_session", event_id=session(unit="TB-2").pk)
