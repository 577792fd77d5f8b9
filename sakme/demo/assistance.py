"""Demo: social-assistance applications of the demo unit (TB-2) in every state of the workflow, taken through the
services by the demo's social-assistance specialist, social agent and unit head, so that every step is dated, audited
and shows who took it. A few wait past their service level, for the unit head's late list. Loading again adds
nothing."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from sakme.accounts.models import User
from sakme.assistance.formula import compute, formula_on
from sakme.assistance.models import Application
from sakme.assistance.services.applications import Details, application_act, application_declare
from sakme.registry.models import Membership

UNIT = "TB-2"
# The state each demo application ends in, and how many.
PLAN = (("declared", 4), ("visit_scheduled", 5), ("visited", 3), ("scored", 3), ("eligible", 4), ("paid", 12),
        ("refused", 4), ("appealed", 2), ("withdrawn", 2))
# The steps that lead to each state (an appeal follows a refusal).
PATHS: dict[str, tuple[str, ...]] = {
    "declared": (), "visit_scheduled": ("schedule_visit",), "visited": ("schedule_visit", "record_visit"),
    "scored": ("schedule_visit", "record_visit", "compute_score"),
    "eligible": ("schedule_visit", "record_visit", "compute_score", "decide"),
    "paid": ("schedule_visit", "record_visit", "compute_score", "decide", "record_payment"),
    "refused": ("schedule_visit", "record_visit", "compute_score", "refuse"),
    "appealed": ("schedule_visit", "record_visit", "compute_score", "refuse", "appeal"),
    "withdrawn": ("withdraw",),
}


def _answers(rng: random.Random, poor: bool) -> dict[str, Any]:
    return {"children": rng.randint(0, 4), "working_age": rng.randint(1, 3), "pension_age": rng.randint(0, 2),
            "with_disability": int(rng.random() < 0.2), "dwelling_owned": rng.random() < 0.8,
            "dwelling_condition": rng.choice(["poor", "unfit", "fair"] if poor else ["fair", "good"]),
            "rooms": rng.randint(1, 3) if poor else rng.randint(3, 7), "cars": 0 if poor else rng.randint(1, 2),
            "durable_goods": rng.randint(1, 4) if poor else rng.randint(5, 10),
            "utilities_gel": str(rng.randint(20, 60) if poor else rng.randint(80, 250)),
            "land_hectares": str(round(rng.random() * (0.5 if poor else 3), 2)),
            "livestock": rng.randint(0, 2) if poor else rng.randint(0, 10),
            "income_gel": str(rng.randint(0, 250) if poor else rng.randint(900, 2500))}


def _household(rng: random.Random, day: dt.date, *, poor: bool) -> dict[str, Any]:
    """Answers whose score falls in the bands (poor) or well above them, by the formula in force on `day`."""
    formula = formula_on(day)
    assert formula is not None
    while True:
        answers = _answers(rng, poor)
        score = compute(formula, answers, "TB").value
        if (score < 57_000) if poor else (score > 70_000):
            return answers


def demo_applications_load(*, seed: int) -> int:
    """Applications of the demo unit in every state; returns how many were made (0 when they exist)."""
    if Application.objects.filter(unit__code=UNIT).exists():
        return 0
    staff = {u.username: u for u in User.objects.filter(username__in=("assistance_specialist", "social_agent",
                                                                      "unit_head"))}
    if len(staff) < 3:
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    one_per_household = dict(Membership.objects.filter(person__unit__code=UNIT).order_by("-pk")
                             .values_list("household_id", "person_id")[:2000])
    people = sorted(one_per_household.values())
    chosen = rng.sample(people, min(len(people), sum(n for _, n in PLAN)))
    # Round the states, so that a small demo still has an application in each.
    states = [state for round_ in range(max(n for _, n in PLAN)) for state, n in PLAN if round_ < n]
    for person_id, state in zip(chosen, states, strict=False):
        _apply(person_id, state, rng, staff, today)
    return min(len(chosen), len(states))


def _apply(person_id: int, state: str, rng: random.Random, staff: dict[str, User], today: dt.date) -> None:
    path = PATHS[state]
    late = rng.random() < 0.3  # some wait past their service level: the unit head's late list
    day = today - dt.timedelta(days=(len(path) + 1) * 6 + (25 if late else rng.randint(0, 5)))
    answers = _household(rng, day, poor=state not in ("refused", "appealed"))
    specialist, agent, head = staff["assistance_specialist"], staff["social_agent"], staff["unit_head"]
    a = application_declare(actor=specialist, person_id=person_id, declaration=answers, declared_on=day)
    for action in path:
        day = min(today, day + dt.timedelta(days=rng.randint(2, 6)))
        actor = {"record_visit": agent, "record_payment": head}.get(action, specialist)
        details = Details(on=day, visit_on=day + dt.timedelta(days=rng.randint(1, 4)), agent_id=agent.pk,
                          answers=answers, reason="score_too_high" if action == "refuse" else "",
                          note="ოჯახი ამბობს, რომ მანქანა გაიყიდა" if action == "appeal" else (
                              "ოჯახი სხვა ქალაქში გადავიდა" if action == "withdraw" else ""))
        if action == "record_visit":
            details.on = min(today, a.visit_on or day)
            day = details.on
        a = application_act(actor=actor, application_id=a.pk, action=action, expected_version=a.version,
                            details=details)
