"""Reads of the surveys: the versions in force, the results per unit and service in the reader's scope (figures only:
the number of answers, the mean of the ratings, the share of "yes", the choices counted), the comments given with
consent, and the recent service events of the user's units still without a response. A constant number of queries
each."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Min, OuterRef, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.common.errors import DomainError, NotFound
from sakme.geo.access import require, unit_scope_for_user
from sakme.geo.models import TerritorialUnit
from sakme.surveys import events
from sakme.surveys.models import EVENT_FIELDS, QuestionKind, Response, Service, SurveyVersion
from sakme.surveys.questions import choice_text, question_text

FEW = 5  # figures of fewer answers are shown, marked: one person's answers are too easily read off them
PENDING_DAYS = 60
PENDING_LIMIT = 200
COMMENTS_LIMIT = 200


def version_in_force(service: str, day: dt.date) -> SurveyVersion | None:
    """The service's survey version in force on a day (the latest that started on or before it)."""
    return SurveyVersion.objects.filter(service=service, valid_from__lte=day).order_by("-valid_from").first()


def survey_versions(*, service: str | None = None) -> QuerySet[SurveyVersion]:
    """Every version loaded, by service and date (questionnaires are public: no scope)."""
    versions = SurveyVersion.objects.order_by("service", "valid_from")
    return versions.filter(service=service) if service else versions


@dataclass
class QuestionFigures:
    code: str
    kind: str
    text: str
    answers: int = 0
    total: float = 0.0  # of the ratings, or the number of "yes"
    choices: dict[str, int] = field(default_factory=dict)
    choice_texts: dict[str, str] = field(default_factory=dict)

    @property
    def mean(self) -> float | None:
        """The mean rating (scale questions)."""
        return round(self.total / self.answers, 2) if self.kind == QuestionKind.SCALE and self.answers else None

    @property
    def yes_share(self) -> float | None:
        """The share of "yes", 0 to 1 (yes/no questions)."""
        return round(self.total / self.answers, 4) if self.kind == QuestionKind.YES_NO and self.answers else None

    @property
    def yes_percent(self) -> float | None:
        return None if self.yes_share is None else round(100 * self.yes_share, 1)

    @property
    def choice_counts(self) -> list[tuple[str, str, int]]:
        return [(code, text, self.choices.get(code, 0)) for code, text in self.choice_texts.items()]


@dataclass
class Figures:
    """One service's figures at one unit (or, `unit` None, over every unit shown)."""

    unit: TerritorialUnit | None
    service: str
    answers: int = 0
    questions: dict[str, QuestionFigures] = field(default_factory=dict)

    @property
    def few(self) -> bool:
        return self.answers < FEW

    @property
    def service_label(self) -> str:
        return str(Service(self.service).label)

    def add(self, answers: dict[str, Any]) -> None:
        self.answers += 1
        for code, value in answers.items():
            q = self.questions.get(code)
            if q is None:
                continue
            q.answers += 1
            if q.kind == QuestionKind.CHOICE:
                q.choices[value] = q.choices.get(value, 0) + 1
            else:
                q.total += float(value)


@dataclass
class Results:
    year: int
    month: int | None
    unit: TerritorialUnit | None
    service: str | None
    rows: list[Figures]  # per unit and service, units by code
    totals: list[Figures]  # per service, over the units shown

    @property
    def sections(self) -> list[tuple[Figures, list[Figures]]]:
        """Each service's total with its units' figures."""
        return [(total, [r for r in self.rows if r.service == total.service]) for total in self.totals]


def _questions_by_service(versions: list[SurveyVersion]) -> dict[str, list[dict[str, Any]]]:
    """Each service's questions across its versions, in the order of the latest that asks them (its text shown)."""
    found: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
    for version in sorted(versions, key=lambda v: v.valid_from, reverse=True):
        for q in version.questions:
            found[version.service].setdefault(q["code"], q)
    return {service: list(questions.values()) for service, questions in found.items()}


def _empty(unit: TerritorialUnit | None, service: str, questions: list[dict[str, Any]]) -> Figures:
    return Figures(unit=unit, service=service, questions={
        q["code"]: QuestionFigures(code=q["code"], kind=q["kind"], text=question_text(q),
                                   choice_texts={c["code"]: choice_text(c) for c in q.get("choices", [])})
        for q in questions})


def period_check(year: int, month: int | None) -> None:
    if not 2000 <= year <= 2100 or (month is not None and not 1 <= month <= 12):
        raise DomainError(_("Give a year from 2000 to 2100 and, if any, a month from 1 to 12."),
                          code="survey_period_invalid")


def _unit_in_scope(user: Actor, unit_code: str | None) -> TerritorialUnit | None:
    if not unit_code:
        return None
    unit = TerritorialUnit.objects.filter(code=unit_code).first()
    if unit is None or not unit_scope_for_user(user).allows(unit.pk):
        raise NotFound(_("No such territorial unit in your units."))
    return unit


def _responses(user: Actor, year: int, month: int | None, unit: TerritorialUnit | None,
               service: str | None) -> QuerySet[Response]:
    period_check(year, month)
    rows = Response.objects.filter(unit_scope_for_user(user).filter("unit_id"), answered_on__year=year)
    if month is not None:
        rows = rows.filter(answered_on__month=month)
    if unit is not None:
        rows = rows.filter(unit=unit)
    if service:
        rows = rows.filter(service=events.service_of(service))
    return rows


def results(*, user: Actor, year: int, month: int | None = None, unit_code: str | None = None,
            service: str | None = None) -> Results:
    """The figures of a period in the reader's scope (their units, a coordinator's region, the country for
    analysts), per unit and service and per question; no person's data. Three queries."""
    require(user, Capability.SURVEY_RESULTS)
    unit = _unit_in_scope(user, unit_code)
    questions = _questions_by_service(list(SurveyVersion.objects.all()))
    rows = list(_responses(user, year, month, unit, service).values_list("unit_id", "service", "answers"))
    units = TerritorialUnit.objects.in_bulk({r[0] for r in rows})
    per_unit: dict[tuple[int, str], Figures] = {}
    totals: dict[str, Figures] = {}
    for unit_id, svc, answers in rows:
        key = (unit_id, svc)
        if key not in per_unit:
            per_unit[key] = _empty(units[unit_id], svc, questions.get(svc, []))
        if svc not in totals:
            totals[svc] = _empty(None, svc, questions.get(svc, []))
        per_unit[key].add(answers)
        totals[svc].add(answers)
    order = {s: i for i, s in enumerate(Service.values)}
    return Results(year=year, month=month, unit=unit, service=service or None,
                   rows=sorted(per_unit.values(), key=lambda f: (f.unit.code if f.unit else "", order[f.service])),
                   totals=sorted(totals.values(), key=lambda f: order[f.service]))


@dataclass(frozen=True)
class Comment:
    answered_on: dt.date
    unit: TerritorialUnit
    service: str
    text: str
    person_id: int  # for the access log only: the page shows no names

    @property
    def service_label(self) -> str:
        return str(Service(self.service).label)


def comments(*, user: Actor, year: int, month: int | None = None, unit_code: str | None = None,
             service: str | None = None, limit: int = COMMENTS_LIMIT) -> list[Comment]:
    """The comments people agreed to leave, latest first, with the day, unit and service only (for holders of the
    comments capability; their reading is logged by the access getter)."""
    require(user, Capability.SURVEY_COMMENTS)
    unit = _unit_in_scope(user, unit_code)
    person = Coalesce("counselling_session__case__job_seeker__person_id", "placement__case__job_seeker__person_id",
                      "application__applicant_id")
    rows = (_responses(user, year, month, unit, service).filter(consent_to_comment=True).exclude(comment="")
            .annotate(person=person).select_related("unit").order_by("-answered_on", "-pk")[:limit])
    return [Comment(r.answered_on, r.unit, r.service, r.comment, r.person) for r in rows]  # type: ignore[attr-defined]


@dataclass
class Pending:
    events: list[events.Event]
    total: int  # of the period, beyond the events listed
    since: dt.date


def pending_events(*, user: Actor, days: int = PENDING_DAYS, service: str | None = None,
                   limit: int = PENDING_LIMIT) -> Pending:
    """The service events of the last `days` days at the user's units with no response yet, latest first (those of
    the kinds the user may read, given while a survey was in force). Seven queries at most."""
    require(user, Capability.SURVEY_RECORD)
    today = timezone.localdate()
    since = today - dt.timedelta(days=days)
    wanted = [s for s in events.services_readable(user) if service in (None, "", s)]
    if service:
        events.service_of(service)
    first = dict(SurveyVersion.objects.values("service").annotate(first=Min("valid_from"))
                 .values_list("service", "first"))
    scope = unit_scope_for_user(user)
    found: list[events.Event] = []
    total = 0
    for svc in wanted:
        if svc not in first:
            continue
        day = events.EVENT_DAY[svc]
        answered = Response.objects.filter(**{EVENT_FIELDS[svc]: OuterRef("pk")})
        rows = (events.event_rows(svc).filter(scope.filter(events.EVENT_UNIT[svc]))
                .filter(**{f"{day}__gte": max(since, first[svc]), f"{day}__lte": today}).filter(~Exists(answered)))
        total += rows.count()
        found += [events.event_of(svc, r) for r in rows.order_by(f"-{day}", "-pk")[:limit]]
    found.sort(key=lambda e: (e.on or today, e.pk), reverse=True)
    return Pending(events=found[:limit], total=total, since=since)


def satisfaction_counts(*, question: str = "overall", service: str | None = None, satisfied_from: int = 4,
                        how: str = "share") -> list[tuple[int, dt.date, float, float]]:
    """For an indicator measure (`indicators/measures`): each response that answers `question`, as (unit id, day
    answered, numerator, denominator 1). `how="share"` counts a rating of `satisfied_from` or more, or a yes, as 1 (the
    share satisfied); `how="mean"` gives the rating itself (the mean rating). Set-based: one query, no scope (the
    indicators' own readers are scoped by their pages)."""
    rows = Response.objects.all() if not service else Response.objects.filter(service=service)
    found = []
    for unit_id, day, answers in rows.values_list("unit_id", "answered_on", "answers").iterator(chunk_size=5000):
        value = answers.get(question)
        if value is None or (how == "mean" and isinstance(value, bool | str)):
            continue
        if how == "mean":
            found.append((unit_id, day, float(value), 1.0))
        else:
            satisfied = value if isinstance(value, bool) else (isinstance(value, int) and value >= satisfied_from)
            found.append((unit_id, day, 1.0 if satisfied else 0.0, 1.0))
    return found
