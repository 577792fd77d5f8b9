"""Demo case histories: job seekers of the demo population with cases from 2017 to now, so every casework page
has something to show. Written in bulk (a demo of hundreds of thousands of cases), consistent with the
workflow table: a case's records are exactly what its state requires."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from sakme.audit import services as audit
from sakme.casework.clocks import add_months
from sakme.casework.models import (
    Case,
    CaseEvent,
    CounsellingSession,
    EmploymentPlan,
    FollowUp,
    Outcome,
    Placement,
    PlanAction,
    Referral,
    State,
)
from sakme.employment.models import Employer, JobSeeker, Occupation, Sector, Vacancy
from sakme.geo.models import StaffPost, TerritorialUnit
from sakme.registry.models import Person

START = dt.date(2017, 1, 9)
EMPLOYER_NAMES = ("შპს {} საცხობი", "შპს {} ლოჯისტიკა", "შპს {} სასტუმრო", "შპს {} აგრო", "სს {} ბანკის ფილიალი",
                  "შპს {} მშენებელი", "შპს {} მარკეტი", "შპს {} კლინიკა")
OCCUPATIONS = ("5120", "5223", "8322", "9112", "7112", "5131", "4110", "6111", "7411", "3221", "2512", "9333")
ORDER = [State.REGISTERED, State.ASSESSED, State.PLAN_AGREED, State.IN_SERVICES, State.OUTCOME, State.FOLLOW_UP,
         State.CLOSED]


def _employers(rng: random.Random, units: list[TerritorialUnit]) -> dict[int, list[Vacancy]]:
    employers, vacancies = [], []
    for unit in units:
        for i, pattern in enumerate(rng.sample(EMPLOYER_NAMES, 4)):
            employers.append(Employer(tax_id=f"4{unit.pk:04d}{i:04d}", name=pattern.format(unit.name_ka.split()[0]),
                                      unit=unit, municipality_id=unit.municipality_id,
                                      sector=rng.choice(Sector.values)))
    Employer.objects.bulk_create(employers, ignore_conflicts=True)
    by_unit: dict[int, list[Vacancy]] = {}
    titles = dict(Occupation.objects.filter(code__in=OCCUPATIONS).values_list("code", "title_ka"))
    for employer in Employer.objects.filter(unit__in=units).select_related("unit"):
        for _ in range(3):
            opened = START + dt.timedelta(days=rng.randrange((timezone.localdate() - START).days))
            code = rng.choice(OCCUPATIONS)
            vacancies.append(Vacancy(employer=employer, unit_id=employer.unit_id, occupation_id=code,
                                     title=titles[code][:200],
                                     municipality_id=employer.unit.municipality_id, opened_on=opened,
                                     positions=rng.randint(1, 5), wage_gel=rng.randrange(600, 3000, 50)))
    Vacancy.objects.bulk_create(vacancies)
    for vacancy in Vacancy.objects.filter(unit__in=units):
        by_unit.setdefault(vacancy.unit_id, []).append(vacancy)
    return by_unit


@transaction.atomic
def demo_cases_load(*, cases: int, seed: int) -> int:
    """Create `cases` job seekers with case histories (skipped when the demo already has cases)."""
    if Case.objects.exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    eighteen, sixty_five = today.replace(year=today.year - 18), today.replace(year=today.year - 64)
    people = list(Person.objects.filter(unit__isnull=False, birth_date__lte=eighteen, birth_date__gte=sixty_five)
                  .order_by("pk").values_list("pk", "unit_id")[: cases * 2])
    people = rng.sample(people, min(cases, len(people)))
    units = list(TerritorialUnit.objects.filter(pk__in={u for _, u in people}))
    vacancies = _employers(rng, units)
    counsellors = {p.unit_id: p.user for p in StaffPost.objects.filter(user__role="counsellor", unit__isnull=False)
                   .select_related("user")}
    seekers, rows = [], []
    for person_id, unit_id in people:
        # Most cases are old and finished; a tenth were opened in the last three months and are in progress.
        recent = rng.random() < 0.1
        span = 90 if recent else (today - START).days - 400
        opened = today - dt.timedelta(days=rng.randrange(1, span)) if recent else START + dt.timedelta(
            days=rng.randrange(span))
        seekers.append(JobSeeker(person_id=person_id, unit_id=unit_id, registered_on=opened,
                                 education=rng.choice("2334456"), availability="full_time",
                                 consent_data_processing_on=opened,
                                 consent_share_with_employers_on=opened if rng.random() < 0.8 else None))
        rows.append((opened, recent))
    JobSeeker.objects.bulk_create(seekers, batch_size=5000)
    case_objs = []
    for seeker, (opened, recent) in zip(seekers, rows, strict=True):
        if recent:
            state = rng.choice(ORDER[:4])
            outcome = ""
        else:
            outcome = rng.choices([Outcome.EMPLOYED, Outcome.IN_TRAINING, Outcome.WITHDRAWN, Outcome.NOT_REACHABLE],
                                  [45, 15, 25, 15])[0]
            state = State.CLOSED
        case_objs.append(Case(job_seeker=seeker, unit_id=seeker.unit_id, opened_on=opened, state=state,
                              outcome=outcome, state_since=opened, counsellor=counsellors.get(seeker.unit_id),
                              closed_on=None))
    _histories(rng, case_objs, vacancies, today)
    audit.record(actor=None, action="demo.cases", entity_type="casework.case", changes={"cases": len(case_objs)})
    return len(case_objs)


def _histories(rng: random.Random, cases: list[Case], vacancies: dict[int, list[Vacancy]], today: dt.date) -> None:
    """Each case's history, then every row written once, in bulk: the cases in their final
    state first (no update pass), then what hangs off them (their ids are set on the instances by then)."""
    events: list[CaseEvent] = []
    sessions: list[CounsellingSession] = []
    plans: list[tuple[EmploymentPlan, dt.date]] = []
    referrals: list[Referral] = []
    placements: list[Placement] = []
    follow_ups: list[FollowUp] = []
    for case in cases:
        day = case.opened_on
        reached = ORDER.index(State(case.state)) if case.state != State.CLOSED else 99
        steps = [("open", State.REGISTERED)]
        early_end = case.outcome in (Outcome.WITHDRAWN, Outcome.NOT_REACHABLE)
        if reached >= 1 and not (early_end and rng.random() < 0.5):
            day += dt.timedelta(days=rng.randint(2, 10))
            sessions.append(CounsellingSession(case=case, held_on=day, counsellor=case.counsellor))
            steps.append(("assess", State.ASSESSED))
            if reached >= 2 or case.state == State.CLOSED:
                day += dt.timedelta(days=rng.randint(3, 15))
                plans.append((EmploymentPlan(case=case, number=1, goals="სამუშაოს პოვნა", agreed_on=day), day))
                steps += [("agree_plan", State.PLAN_AGREED)]
                if reached >= 3 or case.state == State.CLOSED:
                    steps.append(("start_services", State.IN_SERVICES))
        if case.state == State.CLOSED:
            day += dt.timedelta(days=rng.randint(20, 120))
            if case.outcome == Outcome.EMPLOYED and vacancies.get(case.unit_id):
                vacancy = rng.choice(vacancies[case.unit_id])
                referrals.append(Referral(case=case, kind="vacancy", vacancy=vacancy, referred_on=day, consent_on=day,
                                          sent_on=day, status="accepted", outcome_on=day))
                placements.append(Placement(case=case, employer_id=vacancy.employer_id, vacancy=vacancy, started_on=day,
                                            wage_gel=vacancy.wage_gel))
            steps.append(("record_outcome" if len(steps) == 4 else "end_early", State.OUTCOME))
            if case.outcome in (Outcome.EMPLOYED, Outcome.IN_TRAINING):
                steps.append(("start_follow_up", State.FOLLOW_UP))
                follow_ups += [FollowUp(case=case, months=m, due_on=add_months(day, m),
                                        done_on=add_months(day, m) if add_months(day, m) <= today else None,
                                        still_in_work_or_training=rng.random() < 0.8)
                               for m in (3, 6, 12)]
                if add_months(day, 12) > today:
                    case.state = State.FOLLOW_UP
                else:
                    steps.append(("close", State.CLOSED))
            else:
                steps.append(("close_without_follow_up", State.CLOSED))
            if case.state == State.CLOSED:
                case.closed_on = day
        else:
            case.state = steps[-1][1]
        case.state_since = min(day, today)
        previous = State.REGISTERED
        for action, target in steps:
            events.append(CaseEvent(case=case, action=action, from_state=previous, to_state=target))
            previous = target
    Case.objects.bulk_create(cases, batch_size=5000)
    CaseEvent.objects.bulk_create(events, batch_size=5000)
    CounsellingSession.objects.bulk_create(sessions, batch_size=5000)
    EmploymentPlan.objects.bulk_create([p for p, _ in plans], batch_size=5000)
    PlanAction.objects.bulk_create([PlanAction(plan=p, description="CV და გასაუბრების მომზადება", due_on=d,
                                               responsible="job_seeker", done_on=d) for p, d in plans], batch_size=5000)
    Referral.objects.bulk_create(referrals, batch_size=5000)
    Placement.objects.bulk_create(placements, batch_size=5000)
    FollowUp.objects.bulk_create(follow_ups, batch_size=5000)
