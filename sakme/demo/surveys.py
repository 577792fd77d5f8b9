"""Demo satisfaction surveys: about a third of the demo's past counselling sessions and placements (and decisions on
applications, when the demo has decided ones) answered on paper and typed in, each unit with its own mood so that
the results differ from unit to unit, a few with comments the person agreed to leave. Written through the surveys'
service as the system; which events are answered follows from the seed and the event, so loading again adds nothing."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction
from django.db.models import Min
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.common.errors import DomainError
from sakme.surveys import events
from sakme.surveys.models import EVENT_FIELDS, QuestionKind, Response, Service, SurveyVersion
from sakme.surveys.services import response_record, surveys_load

SHARE = 1 / 3
COMMENT_SHARE = 0.08
COMMENTS = {  # (kind words, critical words), by service
    Service.COUNSELLING_SESSION: (
        ["კონსულტანტი ძალიან ყურადღებიანი იყო და ყველაფერი დეტალურად ამიხსნა.",
         "კარგად მომისმინეს და ჩემთვის შესაფერისი ტრენინგებიც შემომთავაზეს.",
         "მომსახურება სწრაფი და თავაზიანი იყო, მადლობა."],
        ["რიგში დიდხანს მომიწია ლოდინი.",
         "კარგი იქნებოდა, ახალი ვაკანსიების შესახებ SMS-ით მატყობინებდეთ.",
         "კონსულტაცია ძალიან მოკლე იყო, ბევრი კითხვა პასუხგაუცემელი დამრჩა."]),
    Service.PLACEMENT: (
        ["მადლობა დახმარებისთვის, სამსახური სახლთან ახლოს ვიპოვე.",
         "დამსაქმებელთან გასაუბრებისთვის კარგად მომამზადეს."],
        ["სამუშაო არ შეესაბამება ჩემს კვალიფიკაციას.",
         "ხელფასი უფრო დაბალი აღმოჩნდა, ვიდრე ვაკანსიაში ეწერა."]),
    Service.ASSISTANCE_DECISION: (
        ["სოციალური აგენტი თავაზიანი იყო და ყველაფერი გასაგებად ამიხსნა."],
        ["გადაწყვეტილების მიზეზი ბოლომდე ვერ გავიგე.",
         "გადაწყვეტილებას ძალიან დიდხანს ველოდე."]),
}
ANSWERED_AFTER = (0, 0, 0, 1, 2, 3, 7, 14)  # days from the event to the paper form's day


def _chosen(seed: int, service: str, pk: int) -> bool:
    """Whether the demo answers this event's survey (the same events on every load)."""
    return random.Random(f"{seed}:{service}:{pk}").random() < SHARE


def _mood(seed: int, unit_id: int) -> float:
    """How a unit's people tend to answer, from rather unhappy (-0.7) to rather happy (+0.5)."""
    return random.Random(f"{seed}:mood:{unit_id}").uniform(-0.7, 0.5)


def _answers(rng: random.Random, questions: list[dict[str, Any]], mood: float) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for q in questions:
        if q["kind"] == QuestionKind.SCALE:
            answers[q["code"]] = min(5, max(1, round(rng.gauss(4.0 + mood, 0.9))))
        elif q["kind"] == QuestionKind.YES_NO:
            usual = 0.65 if q["code"].startswith("wait") else 0.82
            answers[q["code"]] = rng.random() < usual + 0.2 * mood
        else:
            answers[q["code"]] = rng.choices([c["code"] for c in q["choices"]],
                                             weights=range(len(q["choices"]), 0, -1))[0]
    return answers


@transaction.atomic
def demo_surveys_load(*, seed: int) -> int:
    """Answer about a third of the past service events' surveys (the questionnaires loaded first). Returns how many
    responses were written."""
    surveys_load(actor=SYSTEM)
    today = timezone.localdate()
    first = dict(SurveyVersion.objects.values("service").annotate(first=Min("valid_from"))
                 .values_list("service", "first"))
    versions = list(SurveyVersion.objects.order_by("valid_from"))
    written = 0
    for service in Service:
        if service not in first:
            continue
        field, day = EVENT_FIELDS[service], events.EVENT_DAY[service]
        answered = set(Response.objects.filter(service=service).values_list(f"{field}_id", flat=True))
        rows = (events.event_rows(service).filter(**{f"{day}__gte": first[service], f"{day}__lte": today})
                .order_by("pk").values_list("pk", day, events.EVENT_UNIT[service]))
        for pk, on, unit_id in rows:
            if pk in answered or not _chosen(seed, service, pk):
                continue
            rng = random.Random(f"{seed}:{service}:{pk}:answers")
            survey = [v for v in versions if v.service == service and v.valid_from <= on][-1]
            answers = _answers(rng, survey.questions, _mood(seed, unit_id))
            comment = ""
            if rng.random() < COMMENT_SHARE:
                kind, critical = COMMENTS[service]
                comment = rng.choice(kind if answers.get("overall", 3) >= 4 else critical)
            try:
                response_record(actor=SYSTEM, kind=service, event_id=pk, answers=answers,
                                answered_on=min(today, on + dt.timedelta(days=rng.choice(ANSWERED_AFTER))),
                                consent_to_comment=bool(comment) or rng.random() < 0.3, comment=comment)
            except DomainError:  # an event the rules refuse (an application decided in the future, say): left out
                continue
            written += 1
    return written
