"""Reads of casework: what is due, the case page, the unit's caseload.

Every page reads a bounded number of rows in a constant number of queries, whatever the size of the unit:
lists are cut in the database (keyset pages, the most urgent items first) and counted there, each query has
an index for its filter and order (see `Case.Meta.indexes`), and nothing is read row by row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Window,
)
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from sakme.accounts.actors import Actor
from sakme.accounts.models import User
from sakme.accounts.roles import Capability, Role
from sakme.casework.access import cases_for_user
from sakme.casework.clocks import deadlines
from sakme.casework.models import (
    Case,
    CaseEvent,
    CounsellingSession,
    EmploymentPlan,
    FollowUp,
    GroupParticipant,
    GroupSession,
    Referral,
    State,
    SupportedEmployment,
)
from sakme.casework.workflow import OPEN_STATES, Transition, allowed_actions, open_activities
from sakme.common.errors import NotFound
from sakme.common.workdays import add_working_days
from sakme.employment.models import Vacancy
from sakme.geo.access import require, unit_scope_for_user

# The case list's filters besides the states themselves.
OPEN = "open"
ALL = "all"
PAGE_SIZE = 50
DUE_SHOWN = 50  # the home page shows this many of the most urgent items, and counts the rest
# The case page shows the latest of each kind of record and says how many earlier ones there are.
SHOWN_SESSIONS, SHOWN_REFERRALS, SHOWN_EVENTS, SHOWN_GROUPS, SHOWN_PLANS = 20, 20, 30, 20, 5


@dataclass
class DueItem:
    case: Case
    what: str | Promise
    due_on: dt.date

    @property
    def late(self) -> bool:
        return self.due_on < dt.date.today()


@dataclass
class Due:
    """What is due up to a day: the most urgent items, and how many there are in all."""

    items: list[DueItem] = field(default_factory=list)
    total: int = 0
    late: int = 0

    def __iter__(self) -> Any:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass
class CaseListPage:
    """One keyset page of a case list: `after` is where the next page starts (None on the last page)."""

    cases: list[Case]
    total: int
    after: str | None
    first: bool


def _case_filter(cases: QuerySet[Case], state: str) -> QuerySet[Case]:
    if state == ALL:
        return cases
    if state in State.values:
        return cases.filter(state=state)
    return cases.exclude(state=State.CLOSED)  # OPEN, the default: matches the partial index case_unit_open


def _cursor(after: str) -> tuple[dt.date, int] | None:
    """`after` of a case list page, `YYYY-MM-DD.id`; None when absent or malformed (then the first page)."""
    day, _sep, pk = after.partition(".")
    try:
        return dt.date.fromisoformat(day), int(pk)
    except ValueError:
        return None


# What a list shows of a case's job seeker: the name, in both scripts.
NAMES = ("job_seeker__person__given_name_ka", "job_seeker__person__family_name_ka",
         "job_seeker__person__given_name_lat", "job_seeker__person__family_name_lat")


def case_list(*, user: Any, state: str = OPEN, counsellor_id: int | None = None, after: str = "",
              size: int = PAGE_SIZE) -> CaseListPage:
    """Cases in the user's units, oldest in their state first, one keyset page at a time (`after` comes from
    the previous page), with the job seeker, counsellor and unit joined. Open cases unless `state` says
    otherwise (a state, or ALL)."""
    cases = _case_filter(cases_for_user(user), state)
    if counsellor_id:
        cases = cases.filter(counsellor_id=counsellor_id)
    total = cases.count()
    cursor = _cursor(after)
    if cursor:
        since, pk = cursor  # (state_since, pk) > cursor, written so that the index range starts at `since`
        cases = cases.filter(state_since__gte=since).filter(Q(state_since__gt=since) | Q(pk__gt=pk))
    rows = list(
        cases.select_related("job_seeker__person", "counsellor", "unit")
        .only("state", "outcome", "state_since", "unit__code", "counsellor__username", "counsellor__first_name",
              "counsellor__last_name", *NAMES)
        .order_by("state_since", "pk")[: size + 1]
    )
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if rows and more else None
    return CaseListPage(rows, total, f"{last.state_since.isoformat()}.{last.pk}" if last else None, cursor is None)


def latest_start(until: dt.date, working_days: int) -> dt.date:
    """The last day whose deadline `working_days` later falls on or before `until`: a clock that started on or
    before it is due by then. `add_working_days` never decreases, so this turns "due by `until`" into a
    date filter the database can answer with an index."""
    day = until - dt.timedelta(days=working_days // 5 * 7 + 7)  # its deadline is at most 6 days after the weeks
    while add_working_days(day + dt.timedelta(days=1), working_days) <= until:
        day += dt.timedelta(days=1)
    return day


def due_items(*, user: Any, cases: QuerySet[Case] | None = None, horizon_days: int = 7, late_only: bool = False,
              today: dt.date | None = None, limit: int = DUE_SHOWN) -> Due:
    """What is due within `horizon_days` or already late (only what is late with `late_only`) across the given
    cases (default: the user's own): the `limit` most urgent, and how many in all and late. Six queries: the
    deadlines, one per kind of item (its most urgent rows, each carrying the counts), the shown cases' names."""
    today = today or dt.date.today()
    until = today - dt.timedelta(days=1) if late_only else today + dt.timedelta(days=horizon_days)
    yesterday = today - dt.timedelta(days=1)
    base = cases if cases is not None else cases_for_user(user).filter(counsellor=user)
    days = deadlines()
    due = Due()
    found: list[tuple[dt.date, int, Any]] = []  # (due on, case id, what)

    def kind(rows: QuerySet[Any], date_field: str, what: Any, due_on: Any, working_days: int | None) -> None:
        if working_days is None:  # the row carries its due date
            rows = rows.filter(**{f"{date_field}__lte": until})
            late = Q(**{f"{date_field}__lte": yesterday})
        else:
            rows = rows.filter(**{f"{date_field}__lte": latest_start(until, working_days)})
            late = Q(**{f"{date_field}__lte": latest_start(yesterday, working_days)})
        # The most urgent rows, each carrying how many there are in all and late (window counts), no joins.
        urgent = list(rows.annotate(n_all=Window(Count("pk")), n_late=Window(Count("pk", filter=late)))
                      .order_by(date_field, "pk")[:limit])
        if urgent:
            due.total += urgent[0].n_all
            due.late += urgent[0].n_late
        found.extend((due_on(row), row.pk if isinstance(row, Case) else row.case_id, what(row)) for row in urgent)

    kind(base.filter(state=State.REGISTERED).exclude(Exists(CounsellingSession.objects.filter(case=OuterRef("pk"))))
         .only("opened_on"), "opened_on", lambda c: _("first counselling session"),
         lambda c: add_working_days(c.opened_on, days["first_session"]), days["first_session"])
    kind(base.filter(state=State.ASSESSED).only("opened_on"), "opened_on",
         lambda c: _("agree the individual employment plan"),
         lambda c: add_working_days(c.opened_on, days["plan"]), days["plan"])
    # A closed case has nothing due; open follow-ups are those of cases in follow-up (closing needs them done).
    kind(Referral.objects.filter(case__in=base.exclude(state=State.CLOSED).values("pk"), status=Referral.Status.PENDING)
         .only("case_id", "referred_on"), "referred_on", lambda r: _("outcome of the referral"),
         lambda r: add_working_days(r.referred_on, days["referral_outcome"]), days["referral_outcome"])
    kind(FollowUp.objects.filter(case__in=base.filter(state=State.FOLLOW_UP).values("pk"), done_on__isnull=True)
         .only("case_id", "months", "due_on"), "due_on", lambda f: _("%(m)d-month follow-up") % {"m": f.months},
         lambda f: f.due_on, None)
    shown = sorted(found, key=lambda item: item[:2])[:limit]
    named = base.select_related("job_seeker__person").only(*NAMES).in_bulk({case_id for _d, case_id, _w in shown})
    due.items = [DueItem(named[case_id], what, due_on) for due_on, case_id, what in shown]
    return due


def caseload(*, user: Any) -> dict[str, Any]:
    """The unit head's view: cases by state and open cases by counsellor."""
    cases = cases_for_user(user)
    by_state = dict(cases.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    by_counsellor = list(
        cases.exclude(state=State.CLOSED)  # open, outcome recorded or in follow-up: the partial index case_unit_open
        .values("counsellor__username", "counsellor__first_name", "counsellor__last_name")
        .annotate(open=Count("pk", filter=Q(state__in=OPEN_STATES)), follow_up=Count("pk", filter=Q(
            state=State.FOLLOW_UP)))
        .order_by("-open")
    )
    return {"by_state": [(s, by_state.get(s.value, 0)) for s in State], "by_counsellor": by_counsellor}


def _count(model: type[Model]) -> Coalesce:
    """How many rows of `model` the outer case has, as a subquery."""
    rows = model._default_manager.filter(case=OuterRef("pk")).order_by().values("case")
    return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)


def counsellors_of_unit(unit_id: int) -> QuerySet[User]:
    """Active counsellors posted to a unit: those a case of the unit may be given to."""
    return User.objects.filter(is_active=True, role=Role.COUNSELLOR, posts__unit_id=unit_id).distinct() \
        .order_by("last_name", "first_name", "username")


def open_to(*, case: Case, user: Actor) -> tuple[list[Transition], frozenset[str]]:
    """The transitions and the activities of the workflow's tables open to the user on the case now (none for who
    only reads cases); the services check the same. No query."""
    if not user.can(Capability.CASE_WORK):
        return [], frozenset()
    return allowed_actions(case), open_activities(case)


def case_actions(*, case: Case, user: Actor) -> dict[str, Any]:
    """What the case page offers: the transitions as buttons, what may be recorded, transfer, giving the case."""
    transitions, activities = open_to(case=case, user=user)
    assigning = "assign" in activities and user.can(Capability.CASE_ASSIGN)
    return {
        "actions": [t for t in transitions if not t.own_page],
        "can_do": activities,
        "can_transfer": any(t.action == "transfer" for t in transitions),
        "counsellors": list(counsellors_of_unit(case.unit_id)) if assigning else [],
        "can_take": "assign" in activities and not assigning and case.counsellor_id is None,
    }


def group_session_counts(session_ids: list[int]) -> dict[int, tuple[int, int]]:
    """How many were invited to each session and how many came, in one query."""
    rows = (GroupParticipant.objects.filter(session_id__in=session_ids).values("session_id")
            .annotate(invited=Count("pk"), came=Count("pk", filter=Q(attended=True))))
    return {r["session_id"]: (r["invited"], r["came"]) for r in rows}


def group_sessions(*, user: Actor, limit: int = 100) -> list[GroupSession]:
    """The latest group sessions of the user's units, with how many were invited and how many came."""
    return list(GroupSession.objects.filter(unit_scope_for_user(user).filter("unit_id"))
                .select_related("unit", "facilitator")
                .annotate(invited=Count("participants"),
                          came=Count("participants", filter=Q(participants__attended=True)))
                .order_by("-held_on", "-pk")[:limit])


def group_session(*, user: Actor, session_id: int) -> tuple[GroupSession, list[GroupParticipant]]:
    """One group session of the user's units with its participants (NotFound otherwise)."""
    cases_for_user(user)  # the role check: who sees no cases sees no sessions
    session = GroupSession.objects.filter(unit_scope_for_user(user).filter("unit_id")).select_related(
        "unit", "facilitator").filter(pk=session_id).first()
    if session is None:
        raise NotFound(str(_("No such group session in your units.")))
    participants = list(session.participants.select_related("case__job_seeker__person").order_by(
        "case__job_seeker__person__family_key", "case__job_seeker__person__given_key", "pk"))
    return session, participants


def shortlist(*, vacancy: Vacancy) -> list[Referral]:
    """The vacancy's candidates with their placements, in the order they were put forward."""
    return list(Referral.objects.filter(vacancy=vacancy).select_related("case__job_seeker__person")
                .prefetch_related("case__placements").order_by("referred_on", "pk"))


def shortlist_candidates(*, user: Actor, vacancy: Vacancy, limit: int = 500) -> list[Case]:
    """Job seekers in services at the vacancy's unit (one of the user's) not yet on its shortlist, with their names,
    for whoever serves employers (the page logs whom it lists)."""
    require(user, Capability.EMPLOYER_SERVICES)
    return list(Case.objects.filter(unit_scope_for_user(user).filter("unit_id"), unit_id=vacancy.unit_id,
                                    state=State.IN_SERVICES).exclude(referrals__vacancy=vacancy)
                .select_related("job_seeker__person").order_by("job_seeker__person__family_key", "pk")[:limit])


def case_page(*, case: Case, user: Actor) -> dict[str, Any]:
    """Everything the case page shows, in a constant number of queries (eleven, three more for a case that came
    by transfer) whatever the case's history: the latest records of each kind, all pending referrals and open
    follow-ups (they are worked from the page), and how many earlier ones are not shown."""
    counts = Case.objects.filter(pk=case.pk).values(
        n_sessions=_count(CounsellingSession), n_referrals=_count(Referral),
        n_events=_count(CaseEvent), n_groups=_count(GroupParticipant),
        has_pathway=Exists(SupportedEmployment.objects.filter(case=OuterRef("pk")))).get()
    plans = list(case.plans.select_related("written_by").prefetch_related("actions").order_by("-number")[:SHOWN_PLANS])
    sessions = list(case.sessions.select_related("counsellor")[:SHOWN_SESSIONS])
    referrals = list(case.referrals.select_related("vacancy__employer", "programme").order_by(
        ExpressionWrapper(Q(status=Referral.Status.PENDING), output_field=BooleanField()).desc(), "-referred_on",
        "-id")[:SHOWN_REFERRALS])
    events = list(CaseEvent.objects.filter(case=case).select_related("by").order_by("-at", "-id")[:SHOWN_EVENTS])
    groups = list(GroupParticipant.objects.filter(case=case).select_related("session")
                  .order_by("-session__held_on", "-id")[:SHOWN_GROUPS])
    return {
        "plan": plans[0] if plans else None,
        "plan_history": plan_history(plans),
        "sessions": sessions, "more_sessions": counts["n_sessions"] - len(sessions),
        "referrals": referrals, "more_referrals": counts["n_referrals"] - len(referrals),
        "placements": list(case.placements.select_related("employer")),
        "follow_ups": list(case.follow_ups.all()),
        "groups": groups, "more_groups": counts["n_groups"] - len(groups),
        "events": events[::-1], "earlier_events": counts["n_events"] - len(events),
        "before_transfer": _before_transfer(case),
        "pathway": supported_employment(case=case) if counts["has_pathway"] else None,
        "pathway_possible": case.job_seeker.person.disability_status != "",
        **case_actions(case=case, user=user),
    }


def plan_history(plans: list[EmploymentPlan]) -> list[dict[str, Any]]:
    """The earlier versions of a plan (latest first, as given), each with what the next version changed: the
    goals, the actions added and removed (by their wording)."""
    history = []
    for newer, older in pairwise(plans):
        before = [a.description for a in older.actions.all()]
        after = [a.description for a in newer.actions.all()]
        history.append({"plan": older, "next": newer.number, "goals_changed": older.goals != newer.goals,
                        "added": [d for d in after if d not in before],
                        "removed": [d for d in before if d not in after]})
    return history


def supported_employment(*, case: Case) -> SupportedEmployment | None:
    """The case's supported-employment pathway with its adaptations and the coach's latest contacts (three
    queries), or None."""
    pathway = (SupportedEmployment.objects.filter(case=case).select_related("job_coach")
               .prefetch_related("adaptations").first())
    if pathway is not None:
        pathway.latest_contacts = list(pathway.contacts.select_related("coach")[:SHOWN_SESSIONS])  # type: ignore[attr-defined]
    return pathway


def _before_transfer(case: Case) -> dict[str, Any] | None:
    """What the sending unit had done, for a case that arrived by transfer (three queries, only then): the
    person moved, and their plan and sessions are what the receiving counsellor starts from."""
    if case.transferred_from_id is None:
        return None
    earlier = Case.objects.select_related("unit").get(pk=case.transferred_from_id)
    reason = CaseEvent.objects.filter(case=earlier, action="transfer").values_list("note", flat=True).last()
    plan = earlier.plans.prefetch_related("actions").order_by("-number").first()
    return {"case": earlier, "reason": reason or "", "plan": plan,
            "sessions": list(earlier.sessions.select_related("counsellor")[:SHOWN_SESSIONS])}
