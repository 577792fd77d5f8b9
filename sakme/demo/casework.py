"""Demo case histories: job seekers of the demo population with cases from 2017 to now, so every casework page
has something to show. Written in bulk (a demo of hundreds of thousands of cases), consistent with the
workflow table: a case's records are exactly what its state requires."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from sakme.accounts.actors import SYSTEM
from sakme.accounts.models import User
from sakme.audit import services as audit
from sakme.casework.models import (
    Case,
    CaseEvent,
    CoachingContact,
    CounsellingSession,
    EmploymentPlan,
    FollowUp,
    Outcome,
    Placement,
    PlanAction,
    Referral,
    State,
    SupportedEmployment,
    WorkplaceAdaptation,
)
from sakme.casework.workflow import FOLLOW_UP_MONTHS, OPEN_STATES, TRANSITIONS, Transition, path_to
from sakme.common.workdays import add_months
from sakme.demo import profiles
from sakme.employment.models import Employer, JobSeeker, Occupation, Sector, TrainingProgramme, Vacancy
from sakme.geo.models import Municipality, StaffPost, TerritorialUnit
from sakme.registry.models import Person

START = dt.date(2017, 1, 9)
EMPLOYER_NAMES = ("შპს {} საცხობი", "შპს {} ლოჯისტიკა", "შპს {} სასტუმრო", "შპს {} აგრო", "სს {} ბანკის ფილიალი",
                  "შპს {} მშენებელი", "შპს {} მარკეტი", "შპს {} კლინიკა")
OCCUPATIONS = profiles.OCCUPATIONS
VACANCIES_PER_EMPLOYER = 12  # so that a unit has a few dozen open when its job seekers find work


@dataclass
class _Offers:
    """What the demo's job seekers are placed with or referred to: vacancies and employers by unit, programmes."""

    vacancies: dict[int, list[Vacancy]]
    employers: dict[int, list[int]]
    programmes: list[int]
    profiles: dict[int, profiles.Profile] = field(default_factory=dict)  # by job seeker's person id
    places: dict[int, int | None] = field(default_factory=dict)  # the person's municipality, by person id


def _employers(rng: random.Random, units: list[TerritorialUnit]) -> _Offers:
    employers, vacancies = [], []
    for unit in units:
        for i, pattern in enumerate(rng.sample(EMPLOYER_NAMES, 4)):
            employers.append(Employer(tax_id=f"4{unit.pk:04d}{i:04d}", name=pattern.format(unit.name_ka.split()[0]),
                                      unit=unit, municipality_id=unit.municipality_id,
                                      sector=rng.choice(Sector.values)))
    Employer.objects.bulk_create(employers, ignore_conflicts=True)
    by_unit: dict[int, list[Vacancy]] = {}
    titles = dict(Occupation.objects.filter(code__in=OCCUPATIONS).values_list("code", "title_ka"))
    of_region: dict[int, list[int]] = {}
    for pk, region in Municipality.objects.values_list("pk", "region_id"):
        of_region.setdefault(region, []).append(pk)
    for employer in Employer.objects.filter(unit__in=units).select_related("unit"):
        for _ in range(VACANCIES_PER_EMPLOYER):
            opened = START + dt.timedelta(days=rng.randrange((timezone.localdate() - START).days))
            code = rng.choice(OCCUPATIONS)
            # Half the work is in the unit's municipality, half elsewhere in its region.
            place = (employer.unit.municipality_id if rng.random() < 0.5
                     else rng.choice(of_region[employer.unit.region_id]))
            vacancies.append(Vacancy(employer=employer, unit_id=employer.unit_id, occupation_id=code,
                                     title=titles[code][:200], municipality_id=place, opened_on=opened,
                                     positions=rng.randint(1, 5), wage_gel=rng.randrange(600, 3000, 50),
                                     **profiles.vacancy_requirements(rng, code)))
    Vacancy.objects.bulk_create(vacancies)
    for vacancy in Vacancy.objects.filter(unit__in=units):
        by_unit.setdefault(vacancy.unit_id, []).append(vacancy)
    employers_by_unit: dict[int, list[int]] = {}
    for pk, unit_id in Employer.objects.filter(unit__in=units).values_list("pk", "unit_id"):
        employers_by_unit.setdefault(unit_id, []).append(pk)
    programmes = list(TrainingProgramme.objects.filter(is_active=True).values_list("pk", flat=True))
    return _Offers(by_unit, employers_by_unit, programmes)


@transaction.atomic
def demo_cases_load(*, cases: int, seed: int) -> int:
    """Create `cases` job seekers with case histories (skipped when the demo already has cases). Load the training
    programmes first: a case that ended in training was referred to one."""
    if Case.objects.exists():
        return 0
    rng = random.Random(seed)
    today = timezone.localdate()
    eighteen, sixty_five = today.replace(year=today.year - 18), today.replace(year=today.year - 64)
    people = list(Person.objects.filter(unit__isnull=False, birth_date__lte=eighteen, birth_date__gte=sixty_five)
                  .order_by("pk").values_list("pk", "unit_id")[: cases * 2])
    people = rng.sample(people, min(cases, len(people)))
    units = list(TerritorialUnit.objects.filter(pk__in={u for _, u in people}))
    offers = _employers(rng, units)
    counsellors: dict[int, list[User]] = {}
    for post in StaffPost.objects.filter(user__role="counsellor", unit__isnull=False).select_related("user"):
        counsellors.setdefault(post.unit_id, []).append(post.user)  # type: ignore[arg-type]
    seekers, rows = [], []
    offers.places = dict(Person.objects.filter(pk__in=[p for p, _ in people]).values_list("pk", "municipality_id"))
    for person_id, unit_id in people:
        # Most cases are finished (the last ones this year); a tenth were opened in the last three months and are in
        # progress.
        recent = rng.random() < 0.1
        span = 90 if recent else (today - START).days - 150
        opened = today - dt.timedelta(days=rng.randrange(1, span)) if recent else START + dt.timedelta(
            days=rng.randrange(span))
        profile = offers.profiles[person_id] = profiles.seeker_profile(rng)
        seekers.append(JobSeeker(person_id=person_id, unit_id=unit_id, registered_on=opened,
                                 education=rng.choice("2334456"), availability="full_time",
                                 skills=", ".join(sorted(profile.skills)),
                                 consent_data_processing_on=opened,
                                 consent_share_with_employers_on=opened if rng.random() < 0.8 else None))
        rows.append((opened, recent))
    JobSeeker.objects.bulk_create(seekers, batch_size=5000)
    JobSeeker.occupations_sought.through.objects.bulk_create(
        [JobSeeker.occupations_sought.through(jobseeker_id=s.pk, occupation_id=offers.profiles[s.person_id].occupation)
         for s in seekers], batch_size=5000)
    case_objs = []
    outcomes = [Outcome.EMPLOYED, Outcome.IN_TRAINING, Outcome.WITHDRAWN, Outcome.NOT_REACHABLE]
    weights = [45, 15 if offers.programmes else 0, 25, 15]
    for seeker, (opened, recent) in zip(seekers, rows, strict=True):
        # In progress: somewhere before the outcome; finished: an outcome, followed up when it was work or training.
        state = rng.choice(sorted(OPEN_STATES, key=_ORDER.index)) if recent else State.CLOSED
        outcome = "" if recent else rng.choices(outcomes, weights)[0]
        case_objs.append(Case(job_seeker=seeker, unit_id=seeker.unit_id, opened_on=opened, state=state,
                              outcome=outcome, state_since=opened,
                              counsellor=rng.choice(counsellors[seeker.unit_id]) if seeker.unit_id in counsellors
                              else None))
    _histories(rng, case_objs, offers, today)
    disabled = set(Person.objects.filter(pk__in=[p for p, _ in people]).exclude(disability_status="")
                   .values_list("pk", flat=True))
    _supported_employment(rng, [c for c, seeker in zip(case_objs, seekers, strict=True)
                                if seeker.person_id in disabled], today)
    audit.record(actor=SYSTEM, action="demo.cases", entity_type="casework.case", changes={"cases": len(case_objs)})
    return len(case_objs)


# The states in the order a case usually reaches them (from the workflow table, not written again here).
_ORDER = [State.REGISTERED] + [t.target for t in path_to(State.CLOSED, Outcome.EMPLOYED)]


@dataclass
class _Rows:
    """Everything the histories write, collected first and written once each, in bulk."""

    events: list[CaseEvent] = field(default_factory=list)
    sessions: list[CounsellingSession] = field(default_factory=list)
    plans: list[tuple[EmploymentPlan, dt.date]] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)
    placements: list[Placement] = field(default_factory=list)
    follow_ups: list[FollowUp] = field(default_factory=list)


def _path(rng: random.Random, case: Case) -> list[Transition]:
    """The transitions of the case's history, taken from the workflow table: to its state for a case in progress;
    for a finished one, to where it ended (services, or earlier when it ended without work), then on to closed."""
    if case.state != State.CLOSED:
        return path_to(State(case.state))
    end_early = TRANSITIONS["end_early"]
    if case.outcome in (Outcome.WITHDRAWN, Outcome.NOT_REACHABLE) and rng.random() < 0.5:
        stop = rng.choice(sorted(end_early.sources, key=_ORDER.index))
        return [*path_to(stop), end_early, *path_to(State.CLOSED, case.outcome, start=end_early.target)]
    return path_to(State.CLOSED, case.outcome)


def _histories(rng: random.Random, cases: list[Case], offers: _Offers, today: dt.date) -> None:
    """Each case's history along the workflow table, with the records each step needs, on dates in order (a
    referral after its vacancy opened, follow-ups on their due dates), then every row written once, in bulk: the
    cases in their final state first, then what hangs off them."""
    rows = _Rows()
    for case in cases:
        day, previous = case.opened_on, State.REGISTERED
        rows.events.append(CaseEvent(case=case, action="open", from_state=previous, to_state=previous))
        for step in _path(rng, case):
            day = _records_for(rng, rows, case, step, day, offers, today)
            if step.target == State.FOLLOW_UP:
                due = [(m, add_months(day, m)) for m in FOLLOW_UP_MONTHS]
                rows.follow_ups += [FollowUp(case=case, months=m, due_on=d, done_on=d if d <= today else None,
                                             still_in_work_or_training=rng.random() < 0.8 if d <= today else None)
                                    for m, d in due]
                if due[-1][1] > today:  # still being followed up
                    rows.events.append(CaseEvent(case=case, action=step.action, from_state=previous,
                                                 to_state=step.target))
                    previous = step.target
                    break
                day = due[-1][1]
            rows.events.append(CaseEvent(case=case, action=step.action, from_state=previous, to_state=step.target))
            previous = step.target
        case.state, case.state_since = previous, day
        case.closed_on = day if previous == State.CLOSED else None
    Case.objects.bulk_create(cases, batch_size=5000)
    CaseEvent.objects.bulk_create(rows.events, batch_size=5000)
    CounsellingSession.objects.bulk_create(rows.sessions, batch_size=5000)
    EmploymentPlan.objects.bulk_create([p for p, _ in rows.plans], batch_size=5000)
    PlanAction.objects.bulk_create([PlanAction(plan=p, description="CV და გასაუბრების მომზადება", due_on=d,
                                               responsible="job_seeker", done_on=d) for p, d in rows.plans],
                                   batch_size=5000)
    Referral.objects.bulk_create(rows.referrals, batch_size=5000)
    Placement.objects.bulk_create(rows.placements, batch_size=5000)
    FollowUp.objects.bulk_create(rows.follow_ups, batch_size=5000)


ADAPTATIONS = ("უსაფრთხო შესასვლელი პანდუსით", "ეკრანის წამკითხველი პროგრამა", "შემცირებული სამუშაო საათები",
               "წერილობითი ინსტრუქციები", "მშვიდი სამუშაო ადგილი")


def _supported_employment(rng: random.Random, cases: list[Case], today: dt.date) -> None:
    """The supported-employment pathway of job seekers with a disability who got past the assessment: a job coach,
    an adaptation or two, and the coach's contacts (after the placement too, for those placed)."""
    pathways, adaptations, contacts = [], [], []
    placed = dict(Placement.objects.filter(case__in=cases).values_list("case_id", "started_on"))
    assessed = set(CounsellingSession.objects.filter(case__in=cases).values_list("case_id", flat=True))
    for case in cases:
        if case.state in (State.REGISTERED, State.ASSESSED) or case.pk not in assessed:
            continue
        start = case.opened_on + dt.timedelta(days=rng.randint(10, 30))
        pathway = SupportedEmployment(case=case, job_coach=case.counsellor, started_on=min(start, today),
                                      needs="დამხმარე მენტორი სამსახურში პირველ თვეებში")
        pathways.append(pathway)
        for description in rng.sample(ADAPTATIONS, rng.randint(1, 2)):
            status = WorkplaceAdaptation.Status.IN_PLACE if case.pk in placed else WorkplaceAdaptation.Status.PROPOSED
            adaptations.append(WorkplaceAdaptation(pathway=pathway, description=description, status=status))
        contacts.append(CoachingContact(pathway=pathway, kind=CoachingContact.Kind.PREPARATION,
                                        held_on=pathway.started_on, hours=Decimal("2"), coach=case.counsellor))
        if case.pk in placed and placed[case.pk] + dt.timedelta(days=30) <= today:
            contacts.append(CoachingContact(pathway=pathway, kind=CoachingContact.Kind.AFTER_PLACEMENT,
                                            held_on=placed[case.pk] + dt.timedelta(days=30), hours=Decimal("1"),
                                            coach=case.counsellor))
    SupportedEmployment.objects.bulk_create(pathways, batch_size=5000)
    WorkplaceAdaptation.objects.bulk_create(adaptations, batch_size=5000)
    CoachingContact.objects.bulk_create(contacts, batch_size=5000)


def _records_for(rng: random.Random, rows: _Rows, case: Case, step: Transition, day: dt.date,
                 offers: _Offers, today: dt.date) -> dt.date:
    """What the workflow's guard for `step` asks to exist before it (a session before the assessment, a plan
    before agreeing it, a placement or a training referral before the outcome); returns the step's day, never after
    today (nothing is recorded ahead of time)."""
    def later(low: int, high: int) -> dt.date:
        return min(day + dt.timedelta(days=rng.randint(low, high)), today)

    if step.action == "assess":
        day = later(2, 10)
        rows.sessions.append(CounsellingSession(case=case, held_on=day, counsellor=case.counsellor))
    elif step.action == "agree_plan":
        day = later(3, 15)
        rows.plans.append((EmploymentPlan(case=case, number=1, goals="სამუშაოს პოვნა", agreed_on=day), day))
    elif step.action == "record_outcome":
        day = later(20, 120)
        opened = [v for v in offers.vacancies.get(case.unit_id, []) if v.opened_on <= day]
        if case.outcome == Outcome.EMPLOYED and opened:  # the planted effects decide which
            person = case.job_seeker.person_id
            vacancy = opened[profiles.hire_among(rng, offers.profiles[person], offers.places.get(person), [
                (v.pk, v.occupation_id, v.required_skills, v.municipality_id) for v in opened])]
            rows.referrals.append(Referral(case=case, kind="vacancy", vacancy=vacancy, referred_on=day,
                                           consent_on=day, sent_on=day, status="accepted", outcome_on=day))
            rows.placements.append(Placement(case=case, employer_id=vacancy.employer_id, vacancy=vacancy,
                                             started_on=day, wage_gel=vacancy.wage_gel))
        elif case.outcome == Outcome.EMPLOYED:  # found work on their own, with an employer of the unit
            employer = rng.choice(offers.employers[case.unit_id])
            rows.placements.append(Placement(case=case, employer_id=employer, started_on=day))
        elif case.outcome == Outcome.IN_TRAINING:
            rows.referrals.append(Referral(case=case, kind="training", programme_id=rng.choice(offers.programmes),
                                           referred_on=day, status="accepted", outcome_on=day))
    elif step.action == "end_early":
        day = later(10, 60)
    return day
