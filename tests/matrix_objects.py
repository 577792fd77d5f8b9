"""The records the permission matrix acts on, one set in each of three units: a person and household, a case in
follow-up with what hangs off it (referrals, a follow-up, a plan, a group session, a supported-employment pathway),
an employer with a vacancy and a candidate, a job seeker's work history, a training programme; and, shared, a
candidate pair and a linkage run."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

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
