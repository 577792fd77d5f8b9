"""Reads of casework: what is due, the case page, the unit's caseload. Constant queries per page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from sakme.casework.access import cases_for_user
from sakme.casework.clocks import add_working_days, deadlines
from sakme.casework.models import Case, CounsellingSession, FollowUp, Referral, State
from sakme.casework.workflow import OPEN_STATES, allowed_actions


@dataclass
class DueItem:
    case: Case
    what: Any
    due_on: dt.date

    @property
    def late(self) -> bool:
        return self.due_on < dt.date.today()


def case_list(*, user: Any, state: str = "", counsellor_id: int | None = None) -> QuerySet[Case]:
    """Cases in the user's units with the job seeker and counsellor joined."""
    cases = cases_for_user(user).select_related("job_seeker__person", "counsellor", "unit")
    if state:
        cases = cases.filter(state=state)
    if counsellor_id:
        cases = cases.filter(counsellor_id=counsellor_id)
    return cases.order_by("state_since", "pk")


def due_items(*, user: Any, cases: QuerySet[Case] | None = None, horizon_days: int = 7,
              today: dt.date | None = None) -> list[DueItem]:
    """What is due within `horizon_days` or already late, across the given cases (default: the user's own)."""
    today = today or dt.date.today()
    limit = today + dt.timedelta(days=horizon_days)
    base = cases if cases is not None else cases_for_user(user).filter(counsellor=user)
    days = deadlines()
    items: list[DueItem] = []
    no_session = base.filter(state=State.REGISTERED).exclude(
        Exists(CounsellingSession.objects.filter(case=OuterRef("pk")))
    ).select_related("job_seeker__person")
    for case in no_session:
        due = add_working_days(case.opened_on, days["first_session"])
        if due <= limit:
            items.append(DueItem(case, _("first counselling session"), due))
    for case in base.filter(state=State.ASSESSED).select_related("job_seeker__person"):
        due = add_working_days(case.opened_on, days["plan"])
        if due <= limit:
            items.append(DueItem(case, _("agree the individual employment plan"), due))
    pending = Referral.objects.filter(case__in=base, status=Referral.Status.PENDING).select_related(
        "case__job_seeker__person")
    for referral in pending:
        due = add_working_days(referral.referred_on, days["referral_outcome"])
        if due <= limit:
            items.append(DueItem(referral.case, _("outcome of the referral"), due))
    follow_ups = FollowUp.objects.filter(case__in=base, done_on__isnull=True, due_on__lte=limit).select_related(
        "case__job_seeker__person")
    for follow_up in follow_ups:
        items.append(DueItem(follow_up.case, _("%(m)d-month follow-up") % {"m": follow_up.months}, follow_up.due_on))
    return sorted(items, key=lambda i: (i.due_on, i.case.pk))


def caseload(*, user: Any) -> dict[str, Any]:
    """The unit head's view: open cases by state and by counsellor."""
    cases = cases_for_user(user)
    by_state = dict(cases.values_list("state").annotate(n=Count("pk")).values_list("state", "n"))
    by_counsellor = list(
        cases.filter(state__in=OPEN_STATES | {State.OUTCOME, State.FOLLOW_UP})
        .values("counsellor__username", "counsellor__first_name", "counsellor__last_name")
        .annotate(open=Count("pk", filter=Q(state__in=OPEN_STATES)), follow_up=Count("pk", filter=Q(
            state=State.FOLLOW_UP)))
        .order_by("-open")
    )
    return {"by_state": [(s, by_state.get(s.value, 0)) for s in State], "by_counsellor": by_counsellor}


def case_page(*, case: Case) -> dict[str, Any]:
    """Everything the case page shows, in a constant number of queries."""
    plans = list(case.plans.prefetch_related("actions").order_by("-number")[:5])
    return {
        "plan": plans[0] if plans else None,
        "older_plans": plans[1:],
        "sessions": list(case.sessions.select_related("counsellor")[:20]),
        "referrals": list(case.referrals.select_related("vacancy__employer", "programme")),
        "placements": list(case.placements.select_related("employer")),
        "follow_ups": list(case.follow_ups.all()),
        "groups": list(case.group_participations.select_related("session")),
        "events": list(case.events.select_related("by")),
        "actions": allowed_actions(case),
    }
