"""Queries of social assistance: an application's page (its steps, what may be done next, its score explained), the
late applications of a unit head's units, and each step's delay."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.roles import Capability
from sakme.assistance.access import applications_for_user
from sakme.assistance.formula import formula_on, members_of
from sakme.assistance.models import Application, Formula, Score, ServiceLevel, State
from sakme.assistance.rules import benefit_for, benefit_rules_on, keeps_status_until
from sakme.assistance.workflow import CLOCKS, OPEN_STATES, Transition, allowed_actions, deadlines
from sakme.common.languages import in_language
from sakme.common.workdays import add_working_days
from sakme.geo.access import require


@dataclass(frozen=True)
class Line:
    """One line of "why this score": what it is, the answer, the weight, the points."""

    label: str
    answer: str
    weight: str
    points: str
    kind: str  # intercept | variable | subtotal | region | score


def _answer_text(variable: dict[str, Any], value: Any) -> str:
    if variable["kind"] == "yes_no":
        return _("yes") if value else _("no")
    if variable["kind"] == "choice":
        choice = next((c for c in variable["choices"] if c["code"] == value), None)
        return in_language(choice["label_ka"], choice["label_en"]) if choice else str(value)
    return str(value)


def variable_label(variable: dict[str, Any]) -> str:
    return in_language(variable["label_ka"], variable["label_en"])


def number_text(value: str) -> str:
    """A stored number as people read it: whole numbers without decimals (and no "-0"), others to the cent."""
    if not value:
        return value
    number = Decimal(value)
    if number == number.to_integral_value():
        return str(int(number))
    return str(number.quantize(Decimal("0.01")))


def explanation(score: Score) -> list[Line]:
    """The score's computation line by line, in the reader's language (from the lines stored with it)."""
    variables = {v["code"]: v for v in score.formula.variables}
    shown: list[Line] = []
    for line in score.lines:
        kind = line["line"]
        if kind == "intercept":
            shown.append(Line(_("Points before any answer"), "", "", number_text(line["points"]), kind))
        elif kind == "variable":
            variable = variables[line["code"]]
            answer = _answer_text(variable, line["value"])
            if line.get("capped_at") is not None:
                answer = _("%(answer)s (counted as %(cap)s)") % {"answer": answer, "cap": line["capped_at"]}
            shown.append(Line(variable_label(variable), answer, number_text(line["weight"]),
                              number_text(line["points"]), kind))
        elif kind == "subtotal":
            shown.append(Line(_("Sum of the points"), "", "", number_text(line["points"]), kind))
        elif kind == "region":
            shown.append(Line(_("× the coefficient of region %(r)s") % {"r": line["region"]}, "",
                              line["coefficient"], number_text(line["points"]), kind))
        else:
            label = _("Rating score (not below 0)") if line.get("floored") else _("Rating score")
            shown.append(Line(label, "", "", number_text(line["points"]), kind))
    return shown


@dataclass(frozen=True)
class Due:
    """Where an open application's service-level clock stands."""

    clock: str
    since: dt.date
    due: dt.date
    late_days: int  # calendar days past the due day, 0 when not late

    @property
    def late(self) -> bool:
        return self.late_days > 0


def due_of(application: Application, today: dt.date, levels: dict[str, int] | None = None) -> Due | None:
    """The clock running while the application waits in its state, or None when none runs (settled)."""
    clock = CLOCKS.get(State(application.state))
    since = clock.since(application) if clock else None
    if clock is None or since is None:
        return None
    days = (levels or deadlines())[str(clock.clock)]
    due = add_working_days(since, days)
    return Due(clock=str(clock.clock.label), since=since, due=due, late_days=max(0, (today - due).days))


@dataclass(frozen=True)
class ApplicationPage:
    application: Application
    actions: list[Transition]  # what the table allows now and the reader may take
    score: Score | None
    lines: list[Line]
    answers: list[tuple[str, str, str]]  # (question, as declared, as recorded at the visit)
    due: Due | None
    benefit: Any  # what the score gives under today's rules (before a decision), or None
    keeps_status_until: dt.date | None


def _answers(formula: Formula | None, application: Application) -> list[tuple[str, str, str]]:
    if formula is None:
        return []
    rows = []
    for variable in formula.variables:
        code = variable["code"]
        declared = _answer_text(variable, application.declaration[code]) if code in application.declaration else ""
        visited = _answer_text(variable, application.answers[code]) if code in application.answers else ""
        rows.append((variable_label(variable), declared, visited))
    return rows


def application_page(*, application: Application, user: Actor, today: dt.date) -> ApplicationPage:
    """What the application page shows, from an application read through `application_get_for_user`."""
    score = application.score
    day = application.visited_on or application.declared_on
    formula = score.formula if score else formula_on(day)
    actions = [t for t in allowed_actions(application) if user.can(t.capability)]
    rules = benefit_rules_on(application.decided_on or today)
    benefit = None
    if score is not None and rules is not None:
        members, children = members_of(score.formula, application.answers)
        benefit = benefit_for(rules, score.value, members, children)
    kept = keeps_status_until(rules, today, score.value if score else None) if rules else None
    return ApplicationPage(application=application, actions=actions, score=score,
                           lines=explanation(score) if score else [], answers=_answers(formula, application),
                           due=due_of(application, today), benefit=benefit, keeps_status_until=kept)


@dataclass(frozen=True)
class Late:
    application: Application
    due: Due


def late_applications_for_user(user: Actor, *, today: dt.date, unit_id: int | None = None) -> list[Late]:
    """Open applications of the reader's units whose step is past its service level, the latest first (unit heads
    and coordinators). The list shows applicants' names: the caller logs them (`listed_person_ids`)."""
    require(user, Capability.CASELOAD_SUPERVISE)
    applications = applications_for_user(user).filter(state__in=OPEN_STATES - {State.PAID})
    if unit_id is not None:
        applications = applications.filter(unit_id=unit_id)
    levels = deadlines()
    found = []
    for application in applications.select_related("applicant", "unit").order_by("state_since", "pk"):
        due = due_of(application, today, levels)
        if due is not None and due.late:
            found.append(Late(application, due))
    return sorted(found, key=lambda late: (-late.due.late_days, late.application.pk))


def service_levels() -> list[tuple[str, int]]:
    """Each step's service level in working days, as people read it."""
    return [(str(ServiceLevel.Clock(clock).label), days) for clock, days in deadlines().items()]


def listed_person_ids(applications: list[Application]) -> list[int]:
    return sorted({a.applicant_id for a in applications})


def application_list(applications: QuerySet[Application], *, state: str = "") -> QuerySet[Application]:
    """A list of applications read through `applications_for_user`, by state, the oldest step first."""
    if state:
        applications = applications.filter(state=state)
    return applications.select_related("applicant", "unit", "agent").order_by("state_since", "pk")


@dataclass(frozen=True)
class Summary:
    """The home page's social-assistance card: open applications by state, the late ones, a social agent's visits."""

    by_state: list[tuple[State, int]]
    late: int | None  # for who supervises the units
    visits: list[Application]  # the reader's scheduled home visits (social agents), the soonest first


def applications_summary(user: Actor, *, today: dt.date) -> Summary:
    applications = applications_for_user(user)
    counts = dict(applications.filter(state__in=OPEN_STATES).values_list("state").annotate(n=Count("pk")))
    late = (len(late_applications_for_user(user, today=today)) if user.can(Capability.CASELOAD_SUPERVISE)
            else None)
    visits = (list(applications.filter(state=State.VISIT_SCHEDULED, agent_id=user.pk)
                   .select_related("applicant", "household").order_by("visit_on", "pk")[:20])
              if user.can(Capability.HOME_VISIT) else [])
    return Summary(by_state=[(state, counts[state]) for state in State if state in counts], late=late, visits=visits)
