"""The records the permission matrix acts on, one set in each of three units: a person and household, a case in
follow-up with what hangs off it (referrals, a follow-up, a plan, a group session, a supported-employment pathway),
an employer with a vacancy and a candidate, a job seeker's work history, a training programme; and, shared, a
candidate pair and a linkage run."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from sakme.accounts.roles import Role
from sakme.casework.models import (
    Case,
    EmploymentPlan,
    FollowUp,
    GroupParticipant,
    GroupSession,
    PlanAction,
    Referral,
    SupportedEmployment,
    WorkplaceAdaptation,
)
from sakme.employment.models import (
    Employer,
    JobSeeker,
    TrainingProgramme,
    TrainingProvider,
    Vacancy,
    WorkHistoryEntry,
)
from sakme.geo.models import ApprovalOrder, Manual, StaffAllocation, TerritorialUnit, Training
from sakme.linkage.models import CandidatePair, LinkageModel, LinkRun
from sakme.registry.models import ImportBatch, SourceRecord, SourceSystem
from sakme.tests.factories import person


def linkage_objects(batch: ImportBatch) -> dict[str, int]:
    """A candidate pair of two source records waiting for review, and a finished linkage run."""
    model = LinkageModel.objects.create(scope="ssa+worknet", version=1, link_type="link_only", prior=1e-5,
                                        upper_threshold=0.99, lower_threshold=0.5, trained_at=timezone.now())
    a, b = (SourceRecord.objects.create(source=SourceSystem.objects.get(code=code), key=f"K-{code}",
                                        person_id=person(unit="TB-1").pk, batch=batch, row=1)
            for code in ("ssa", "worknet"))
    pair = CandidatePair.objects.create(record_a=a, record_b=b, model=model, probability=0.7, match_weight=1.2,
                                        status=CandidatePair.Status.REVIEW, value=0.3)
    run = LinkRun.objects.create(kind=LinkRun.Kind.RUN, status=LinkRun.Status.SUCCEEDED, sources=["ssa", "worknet"])
    return {"pair": pair.pk, "run": run.pk}


def casework_objects(p) -> dict[str, int]:
    """A job seeker's case for a person, in follow-up, with a referral and a follow-up to act on."""
    seeker = JobSeeker.objects.create(person=p, unit=p.unit, registered_on=dt.date(2025, 1, 6))
    case = Case.objects.create(job_seeker=seeker, unit=p.unit, opened_on=dt.date(2025, 1, 6),
                               state_since=dt.date(2025, 1, 6), state="follow_up", outcome="employed")
    referral = Referral.objects.create(case=case, kind="social_service", service="x", referred_on=dt.date(2025, 1, 7))
    job = WorkHistoryEntry.objects.create(job_seeker=seeker, occupation_id="5120", employer_name="Hotel")
    provider = TrainingProvider.objects.create(name="College", tax_id=f"4{p.pk:08d}", municipality=p.unit.municipality)
    programme = TrainingProgramme.objects.create(provider=provider, occupation_id="7212", title="Welding",
                                                 duration_weeks=12, capacity=10)
    follow_up = FollowUp.objects.create(case=case, months=3, due_on=dt.date(2025, 4, 7))
    employer = Employer.objects.create(tax_id=f"2{p.pk:08d}", name="Employer", unit=p.unit)
    vacancy = Vacancy.objects.create(employer=employer, unit=p.unit, occupation_id="5120", title="Cook",
                                     municipality=p.unit.municipality, opened_on=dt.date(2025, 1, 6))
    candidate = Referral.objects.create(case=case, kind="vacancy", vacancy=vacancy, referred_on=dt.date(2025, 1, 7))
    plan = EmploymentPlan.objects.create(case=case, number=1, goals="Work")
    action = PlanAction.objects.create(plan=plan, description="CV", due_on=dt.date(2025, 1, 20),
                                       responsible="job_seeker")
    session = GroupSession.objects.create(unit=p.unit, topic="CV", held_on=dt.date(2025, 1, 8))
    GroupParticipant.objects.create(session=session, case=case)
    pathway = SupportedEmployment.objects.create(case=case, started_on=dt.date(2025, 1, 8))
    adaptation = WorkplaceAdaptation.objects.create(pathway=pathway, description="Ramp")
    return {"plan_action": action.pk, "group_session": session.pk, "adaptation": adaptation.pk,
            "case": case.pk, "referral": referral.pk, "follow_up": follow_up.pk, "employer": employer.pk,
            "vacancy": vacancy.pk, "candidate": candidate.pk, "job_seeker": seeker.pk, "work_entry": job.pk,
            "programme": programme.pk}


# The programme's activities (geo): recorded by the central department, seen by those who read the indicators; their
# records belong to no unit's scope. A page or route of one of them acts on a record made for it (version 1).
ACTIVITY_RECORDERS = {Role.ANALYST, Role.ADMINISTRATOR}
ACTIVITY_READERS = ACTIVITY_RECORDERS | {Role.UNIT_HEAD, Role.REGIONAL_COORDINATOR}
ACTIVITY_KINDS = ("allocation", "training", "order", "manual")


def activity_url(name: str, kind: str) -> str:
    """The address of an activity's page or route (`<kind>_id`), on a staff allocation, a training, an order or a
    manual of an order written for the matrix."""
    day = dt.date(2025, 1, 8)
    order, _ = ApprovalOrder.objects.get_or_create(number="M-1", date=day, defaults={"title_ka": "ბრძანება",
                                                                                      "title_en": "Order"})
    made = {
        "allocation": lambda: StaffAllocation.objects.get_or_create(
            unit=TerritorialUnit.objects.get(code="KA-TEL"), date=day, defaults={"staff_units": 3})[0],
        "training": lambda: Training.objects.get_or_create(date=day, title_en="Matrix training", defaults={
            "kind": "training", "title_ka": "ტრენინგი"})[0],
        "order": lambda: order,
        "manual": lambda: Manual.objects.get_or_create(order=order, title_en="Manual", defaults={
            "kind": "other", "title_ka": "სახელმძღვანელო"})[0],
    }
    return reverse(name, kwargs={f"{kind}_id": made[kind]().pk})
