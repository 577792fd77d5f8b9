"""The case workflow in one table: which action takes a case from which states to which, and on what guard.

registered → assessed → plan agreed → in services → outcome → follow-up → closed. A case that ends without
work or training (withdrawn, not reachable) goes from its outcome straight to closed; a transfer closes the case
here, and the receiving unit continues a new one from the same state.
Services call `plan_transition`; pages ask `allowed_actions` what to offer. Nothing else changes a state.

What may be recorded on a case in each state (sessions, plans, referrals, placements, follow-ups, ...) is the
second table, `ACTIVITIES`: services check it with `activity_check`, pages and the API ask `open_activities`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from sakme.casework.models import Case, Outcome, Referral, State
from sakme.common.errors import DomainError

OPEN_STATES = frozenset({State.REGISTERED, State.ASSESSED, State.PLAN_AGREED, State.IN_SERVICES})
# Follow-ups are due this many months after an outcome of work or training.
FOLLOW_UP_MONTHS = (3, 6, 12)


class TransitionRefused(DomainError):
    """The action is not allowed for the case now; the message says why and what is needed first."""

    code = "transition_refused"


Guard = Callable[[Case, str], str | None]  # (case, outcome) -> why not, or None when allowed


def _has_session(case: Case, outcome: str) -> str | None:
    if not case.sessions.exists():
        return _("Hold and record the first counselling session (the assessment interview) first.")
    return None


def _has_plan_with_actions(case: Case, outcome: str) -> str | None:
    plan = case.plans.order_by("-number").first()
    if plan is None or not plan.actions.exists():
        return _("Write the individual employment plan with at least one action first.")
    return None


def _outcome_is_backed(case: Case, outcome: str) -> str | None:
    if outcome == Outcome.EMPLOYED and not case.placements.exists():
        return _("Record the placement (employer, start date) before the outcome “employed”.")
    if outcome == Outcome.IN_TRAINING and not case.referrals.filter(
        kind=Referral.Kind.TRAINING, status=Referral.Status.ACCEPTED
    ).exists():
        return _("Record an accepted referral to a training programme before the outcome “in training”.")
    if outcome not in Outcome.values or outcome == Outcome.TRANSFERRED:
        return _("Choose the outcome: employed, in training, withdrawn or not reachable (transfers have their own "
                 "action).")
    return None


def _ends_without_work(case: Case, outcome: str) -> str | None:
    if outcome not in (Outcome.WITHDRAWN, Outcome.NOT_REACHABLE):
        return _("Only “withdrawn” or “not reachable” can end a case before services start.")
    return None


def _work_or_training(case: Case, outcome: str) -> str | None:
    if case.outcome not in (Outcome.EMPLOYED, Outcome.IN_TRAINING):
        return _("Follow-up is for job seekers who found work or training.")
    return None


def _follow_ups_done(case: Case, outcome: str) -> str | None:
    if case.follow_ups.filter(done_on__isnull=True).exists():
        return _("Record every follow-up (3, 6 and 12 months) before closing.")
    return None


def _no_follow_up_needed(case: Case, outcome: str) -> str | None:
    if case.outcome in (Outcome.EMPLOYED, Outcome.IN_TRAINING):
        return _("Start the follow-up: a case that ended in work or training is followed for 12 months.")
    return None


def _is_transfer(case: Case, outcome: str) -> str | None:
    if outcome != Outcome.TRANSFERRED:
        return _("A transfer ends the case as “transferred”.")
    return None


@dataclass(frozen=True)
class Transition:
    action: str
    label: str | Promise
    sources: frozenset[State]
    target: State
    guards: tuple[Guard, ...] = ()
    sets_outcome: bool = False
    own_page: bool = False  # taken on a page of its own (with its own form), not among the case page's buttons


TRANSITIONS: dict[str, Transition] = {t.action: t for t in (
    Transition("assess", gettext_lazy("Record the assessment"), frozenset({State.REGISTERED}), State.ASSESSED,
               (_has_session,)),
    Transition("agree_plan", gettext_lazy("Agree the plan"), frozenset({State.ASSESSED}), State.PLAN_AGREED,
               (_has_plan_with_actions,)),
    Transition("start_services", gettext_lazy("Start services"), frozenset({State.PLAN_AGREED}),
               State.IN_SERVICES),
    Transition("record_outcome", gettext_lazy("Record the outcome"), frozenset({State.IN_SERVICES}), State.OUTCOME,
               (_outcome_is_backed,), sets_outcome=True),
    Transition("end_early", gettext_lazy("End the case (withdrawn or not reachable)"),
               frozenset({State.REGISTERED, State.ASSESSED, State.PLAN_AGREED}), State.OUTCOME,
               (_ends_without_work,), sets_outcome=True),
    Transition("start_follow_up", gettext_lazy("Start the follow-up"), frozenset({State.OUTCOME}), State.FOLLOW_UP,
               (_work_or_training,)),
    Transition("close", gettext_lazy("Close the case"), frozenset({State.FOLLOW_UP}), State.CLOSED,
               (_follow_ups_done,)),
    Transition("close_without_follow_up", gettext_lazy("Close the case"), frozenset({State.OUTCOME}), State.CLOSED,
               (_no_follow_up_needed,)),
    Transition("transfer", gettext_lazy("Transfer to another unit"), OPEN_STATES, State.CLOSED, (_is_transfer,),
               sets_outcome=True, own_page=True),
)}  # fmt: skip


def plan_transition(case: Case, action: str, outcome: str = "") -> Transition:
    """The transition `action` would make on `case`, or TransitionRefused saying why not."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(_("Unknown action “%(a)s”.") % {"a": action}, code="unknown_action")
    if case.state not in transition.sources:
        raise TransitionRefused(
            _("A case that is “%(state)s” cannot do “%(action)s”.")
            % {"state": State(case.state).label, "action": transition.label}
        )
    for guard in transition.guards:
        reason = guard(case, outcome)
        if reason:
            raise TransitionRefused(reason)
    return transition


def allowed_actions(case: Case) -> list[Transition]:
    """Actions whose source state matches (guards are checked when the action is taken)."""
    return [t for t in TRANSITIONS.values() if case.state in t.sources]


def path_to(state: State, outcome: str = "", *, start: State = State.REGISTERED) -> list[Transition]:
    """The transitions that take a case from `start` (a new case) to `state` (ending with `outcome`) the usual
    way: the demo's histories are written along it, so they agree with the table."""
    done: list[Transition] = []
    current = start
    while current != state:
        step = next((t for t in TRANSITIONS.values() if current in t.sources and not t.own_page
                     and guard_passes(t, outcome) and _leads_to(t.target, state, outcome)), None)
        if step is None:
            raise ValueError(f"No way to {state} with the outcome {outcome!r} in the workflow table.")
        done.append(step)
        current = step.target
    return done


def guard_passes(transition: Transition, outcome: str) -> bool:
    """Whether the transition fits the outcome the case ends with (the guards that read the outcome only)."""
    early = outcome in (Outcome.WITHDRAWN, Outcome.NOT_REACHABLE)
    followed = outcome in (Outcome.EMPLOYED, Outcome.IN_TRAINING)
    return {
        "record_outcome": outcome != Outcome.TRANSFERRED,
        "end_early": early,
        "start_follow_up": followed,
        "close_without_follow_up": not followed,
    }.get(transition.action, True)


def _leads_to(source: State, state: State, outcome: str) -> bool:
    if source == state:
        return True
    return any(_leads_to(t.target, state, outcome) for t in TRANSITIONS.values()
               if source in t.sources and not t.own_page and guard_passes(t, outcome) and t.target != source)


@dataclass(frozen=True)
class Activity:
    """Something recorded on a case (not a change of state), and the states in which it may be."""

    name: str
    states: frozenset[State]
    refused: str | Promise  # why not, when the case is in another state


ACTIVITIES: dict[str, Activity] = {a.name: a for a in (
    Activity("session", frozenset(State) - {State.CLOSED},
             gettext_lazy("Sessions are recorded on a case that is not closed.")),
    Activity("plan", OPEN_STATES, gettext_lazy("The plan of a case with an outcome cannot change.")),
    Activity("plan_action", OPEN_STATES | {State.OUTCOME, State.FOLLOW_UP},
             gettext_lazy("The plan's actions of a closed case cannot change.")),
    Activity("referral", frozenset({State.IN_SERVICES}),
             gettext_lazy("Referrals are made once services have started (plan agreed).")),
    Activity("shortlist", frozenset({State.IN_SERVICES}),
             gettext_lazy("Only job seekers in services can be put on a shortlist.")),
    Activity("placement", frozenset({State.IN_SERVICES}),
             gettext_lazy("A placement is recorded while the case is in services, before its outcome.")),
    Activity("follow_up", frozenset({State.FOLLOW_UP}),
             gettext_lazy("Follow-ups are recorded while the case is in follow-up.")),
    Activity("assign", OPEN_STATES, gettext_lazy("Only an open case can be given to a counsellor.")),
    Activity("supported_employment", frozenset(State) - {State.CLOSED},
             gettext_lazy("Supported employment is recorded on a case that is not closed.")),
)}  # fmt: skip


def activity_check(case: Case, name: str) -> None:
    """Refuse (TransitionRefused, code `<activity>_not_open`) unless the activity may be recorded in the case's
    state."""
    activity = ACTIVITIES[name]
    if case.state not in activity.states:
        raise TransitionRefused(str(activity.refused), code=f"{name}_not_open")


def open_activities(case: Case) -> frozenset[str]:
    """What may be recorded on the case now (pages show those forms only; services check the same table)."""
    return frozenset(a.name for a in ACTIVITIES.values() if case.state in a.states)
