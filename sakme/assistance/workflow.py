"""An application's workflow in one table: which action takes it from which states to which, who may take it, and on
what guard; and which service-level clock runs in each state.

declared → home visit scheduled → visited → scored → eligible → first payment made; or refused (with a reason). An
appeal reopens a decision: a new visit, or a new decision on the same score. Withdrawn ends it before a decision.
Services call `plan_transition`; pages ask `allowed_actions` what to offer. Nothing else changes a state.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sakme.accounts.roles import Capability
from sakme.assistance.models import Application, RefusalReason, ServiceLevel, State
from sakme.common.errors import DomainError
from sakme.common.workdays import working_days_by_clock

OPEN_STATES = frozenset({State.DECLARED, State.VISIT_SCHEDULED, State.VISITED, State.SCORED, State.ELIGIBLE,
                         State.APPEALED})
DEFAULT_WORKING_DAYS = {ServiceLevel.Clock.VISIT: 10, ServiceLevel.Clock.SCORE: 2, ServiceLevel.Clock.DECISION: 5,
                        ServiceLevel.Clock.PAYMENT: 20, ServiceLevel.Clock.APPEAL: 10}


class TransitionRefused(DomainError):
    """The action is not allowed for the application now; the message says why and what is needed first."""

    code = "transition_refused"


Guard = Callable[[Application, str], str | None]  # (application, refusal reason) -> why not, or None


def _visit_done(application: Application, reason: str) -> str | None:
    if not application.visited_on or not application.answers:
        return _("Record the home visit with the declaration's answers first.")
    return None


def _has_score(application: Application, reason: str) -> str | None:
    if application.score is None:
        return _("Compute the rating score first.")
    return None


def _reason_fits(application: Application, reason: str) -> str | None:
    if reason not in RefusalReason.values:
        return _("Choose the reason for the refusal.")
    if reason == RefusalReason.SCORE_TOO_HIGH and application.score is None:
        return _("A refusal for the score needs the score: compute it first.")
    if reason == RefusalReason.NOT_AT_HOME and application.state != State.VISIT_SCHEDULED:
        return _("“Could not be visited” is said when the scheduled visit could not be made.")
    return None


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: frozenset[State]
    target: State
    capability: Capability = Capability.APPLICATION_WORK
    guards: tuple[Guard, ...] = ()


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("schedule_visit", gettext_lazy("Schedule the home visit"),
               frozenset({State.DECLARED, State.VISIT_SCHEDULED, State.APPEALED}), State.VISIT_SCHEDULED),
    Transition("record_visit", gettext_lazy("Record the home visit"), frozenset({State.VISIT_SCHEDULED}),
               State.VISITED, Capability.HOME_VISIT),
    Transition("compute_score", gettext_lazy("Compute the rating score"), frozenset({State.VISITED}), State.SCORED,
               guards=(_visit_done,)),
    Transition("decide", gettext_lazy("Decide: eligible"), frozenset({State.SCORED, State.APPEALED}), State.ELIGIBLE,
               guards=(_has_score,)),
    Transition("refuse", gettext_lazy("Refuse"),
               frozenset({State.VISIT_SCHEDULED, State.SCORED, State.APPEALED}), State.REFUSED,
               guards=(_reason_fits,)),
    Transition("record_payment", gettext_lazy("Record the first payment"), frozenset({State.ELIGIBLE}), State.PAID),
    Transition("appeal", gettext_lazy("Register an appeal"), frozenset({State.ELIGIBLE, State.REFUSED}),
               State.APPEALED),
    Transition("withdraw", gettext_lazy("Withdraw the application"),
               frozenset({State.DECLARED, State.VISIT_SCHEDULED, State.VISITED, State.SCORED}), State.WITHDRAWN),
)}  # fmt: skip


def plan_transition(application: Application, action: str, reason: str = "") -> Transition:
    """The transition `action` would make on `application`, or TransitionRefused saying why not."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(_("Unknown action “%(a)s”.") % {"a": action}, code="unknown_action")
    if application.state not in transition.sources:
        raise TransitionRefused(
            _("An application that is “%(state)s” cannot do “%(action)s”.")
            % {"state": State(application.state).label, "action": transition.label})
    for guard in transition.guards:
        why = guard(application, reason)
        if why:
            raise TransitionRefused(why)
    return transition


def allowed_actions(application: Application) -> list[Transition]:
    """Actions whose source state matches (guards are checked when the action is taken)."""
    return [t for t in TRANSITIONS.values() if application.state in t.sources]


@dataclass(frozen=True)
class Clock:
    """The service level that runs while an application waits in a state, and the day it started."""

    clock: ServiceLevel.Clock
    since: Callable[[Application], dt.date | None]


def _waiting_for_visit(application: Application) -> dt.date | None:
    return max(d for d in (application.declared_on, application.appealed_on) if d is not None)


CLOCKS: dict[State, Clock] = {
    State.DECLARED: Clock(ServiceLevel.Clock.VISIT, _waiting_for_visit),
    State.VISIT_SCHEDULED: Clock(ServiceLevel.Clock.VISIT, _waiting_for_visit),
    State.VISITED: Clock(ServiceLevel.Clock.SCORE, lambda a: a.visited_on),
    State.SCORED: Clock(ServiceLevel.Clock.DECISION, lambda a: a.state_since),
    State.ELIGIBLE: Clock(ServiceLevel.Clock.PAYMENT, lambda a: a.decided_on),
    State.APPEALED: Clock(ServiceLevel.Clock.APPEAL, lambda a: a.appealed_on),
}


def deadlines() -> dict[str, int]:
    """Working days per clock: the deployment's ServiceLevel rows over the defaults."""
    return working_days_by_clock(ServiceLevel, DEFAULT_WORKING_DAYS)


# The delays the indicators measure on applications: the fields the clock runs between, and the service levels it
# is held to (their sum).
DELAYS: dict[str, tuple[str, str, tuple[ServiceLevel.Clock, ...]]] = {
    "visit": ("declared_on", "visited_on", (ServiceLevel.Clock.VISIT,)),
    "decision": ("declared_on", "decided_on", (ServiceLevel.Clock.VISIT, ServiceLevel.Clock.SCORE,
                                               ServiceLevel.Clock.DECISION)),
    "payment": ("decided_on", "first_paid_on", (ServiceLevel.Clock.PAYMENT,)),
}


def delay_deadline(name: str) -> int:
    """The working days a delay of `DELAYS` may take."""
    levels = deadlines()
    return sum(levels[str(clock)] for clock in DELAYS[name][2])
