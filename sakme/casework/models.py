"""Cases of the New Employment Service Model: one job-seeker episode at a unit, and the work around it."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakme.common.models import TimeStamped, Versioned
from sakme.employment.models import Employer, JobSeeker, TrainingProgramme, Vacancy
from sakme.geo.models import TerritorialUnit


class State(models.TextChoices):
    REGISTERED = "registered", _("registered")
    ASSESSED = "assessed", _("assessed")
    PLAN_AGREED = "plan_agreed", _("plan agreed")
    IN_SERVICES = "in_services", _("in services")
    OUTCOME = "outcome", _("outcome recorded")
    FOLLOW_UP = "follow_up", _("follow-up")
    CLOSED = "closed", _("closed")


class Outcome(models.TextChoices):
    EMPLOYED = "employed", _("employed")
    IN_TRAINING = "in_training", _("in training")
    WITHDRAWN = "withdrawn", _("withdrawn")
    TRANSFERRED = "transferred", _("transferred")
    NOT_REACHABLE = "not_reachable", _("not reachable")


class Case(Versioned):
    job_seeker = models.ForeignKey(JobSeeker, on_delete=models.PROTECT, related_name="cases")
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="cases")
    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="cases")
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.REGISTERED)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    opened_on = models.DateField(_("opened on"))
    state_since = models.DateField(_("in this state since"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    transferred_from = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        # The pages' filters and orders (casework.selectors): a unit's cases by state, open or all, oldest in
        # their state first (keyset pages); a counsellor's open cases by state and opening date (what is due).
        indexes = [
            models.Index(fields=["unit", "state", "state_since", "id"], name="case_unit_state_since"),
            models.Index(fields=["unit", "state_since", "id"], name="case_unit_open",
                         condition=~models.Q(state="closed")),
            models.Index(fields=["unit", "state_since", "id"], name="case_unit_since"),
            # What is due is always of open cases; the unit in the index saves reading the rows for the scope.
            models.Index(fields=["counsellor", "state", "opened_on", "unit"], name="case_counsellor_open",
                         condition=~models.Q(state="closed")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["job_seeker"], condition=~models.Q(state="closed"),
                                    name="case_one_open_per_job_seeker"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.job_seeker}"


class CaseEvent(models.Model):
    """A transition of a case: the workflow's history, written by the service that made it."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=32)
    from_state = models.CharField(max_length=16, choices=State.choices)
    to_state = models.CharField(max_length=16, choices=State.choices)
    at = models.DateTimeField(auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    note = models.TextField(blank=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.from_state} → {self.to_state}"


class EmploymentPlan(TimeStamped):
    """The individual employment plan; every change is a new version, earlier ones are kept."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="plans")
    number = models.PositiveSmallIntegerField(_("version"))
    goals = models.TextField(_("goals"))
    agreed_on = models.DateField(_("agreed with the job seeker on"), null=True, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("individual employment plan")
        verbose_name_plural = _("individual employment plans")
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["case", "number"], name="plan_unique_version")]

    def __str__(self) -> str:
        return f"{self.case_id} v{self.number}"


class PlanAction(models.Model):
    class Responsible(models.TextChoices):
        JOB_SEEKER = "job_seeker", _("job seeker")
        COUNSELLOR = "counsellor", _("counsellor")
        EMPLOYER_RELATIONS = "employer_relations", _("employer-relations specialist")
        OTHER = "other", _("other service")

    plan = models.ForeignKey(EmploymentPlan, on_delete=models.CASCADE, related_name="actions")
    description = models.CharField(_("action"), max_length=300)
    due_on = models.DateField(_("due on"))
    responsible = models.CharField(_("responsible"), max_length=20, choices=Responsible.choices)
    done_on = models.DateField(_("done on"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan action")
        verbose_name_plural = _("plan actions")
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return self.description


class CounsellingSession(TimeStamped):
    class Kind(models.TextChoices):
        COUNSELLING = "counselling", _("counselling")
        CAREER_PLANNING = "career_planning", _("career planning")
        SUPPORTED_EMPLOYMENT = "supported_employment", _("supported employment")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="sessions")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices, default=Kind.COUNSELLING)
    held_on = models.DateField(_("held on"))
    counsellor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("counselling session")
        verbose_name_plural = _("counselling sessions")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.held_on}"


class GroupSession(TimeStamped):
    """A group consultation session (the third methodological manual)."""

    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="group_sessions")
    topic = models.CharField(_("topic"), max_length=300)
    facilitator = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    held_on = models.DateField(_("date"))
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("group consultation session")
        verbose_name_plural = _("group consultation sessions")
        ordering = ["-held_on"]

    def __str__(self) -> str:
        return f"{self.topic} ({self.held_on})"


class GroupParticipant(models.Model):
    session = models.ForeignKey(GroupSession, on_delete=models.CASCADE, related_name="participants")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="group_participations")
    attended = models.BooleanField(_("attended"), default=False)

    class Meta:
        verbose_name = _("group session participant")
        verbose_name_plural = _("group session participants")
        constraints = [models.UniqueConstraint(fields=["session", "case"], name="participant_unique")]

    def __str__(self) -> str:
        return f"{self.session_id}/{self.case_id}"


class Referral(Versioned):
    class Kind(models.TextChoices):
        VACANCY = "vacancy", _("to a vacancy")
        TRAINING = "training", _("to a training programme")
        SUPPORTED_EMPLOYMENT = "supported_employment", _("to supported employment")
        SOCIAL_SERVICE = "social_service", _("to another social service")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the outcome")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("not accepted")
        NO_SHOW = "no_show", _("did not go")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals")
    programme = models.ForeignKey(TrainingProgramme, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="referrals")
    service = models.CharField(_("service"), max_length=200, blank=True)
    referred_on = models.DateField(_("referred on"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    outcome_on = models.DateField(_("outcome on"), null=True, blank=True)
    consent_on = models.DateField(_("job seeker consented on"), null=True, blank=True)
    # A vacancy referral is a candidate on the employer's shortlist until the shortlist is sent.
    sent_on = models.DateField(_("sent to the employer on"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-referred_on", "-id"]
        indexes = [models.Index(fields=["referred_on"], name="referral_pending", condition=models.Q(status="pending"))]
        constraints = [
            models.CheckConstraint(name="referral_target_matches_kind", condition=(
                (models.Q(kind="vacancy") & models.Q(vacancy__isnull=False))
                | (models.Q(kind="training") & models.Q(programme__isnull=False))
                | models.Q(kind__in=["supported_employment", "social_service"])
            )),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.status}"


class Placement(TimeStamped):
    class Contract(models.TextChoices):
        PERMANENT = "permanent", _("open-ended")
        FIXED_TERM = "fixed_term", _("fixed term")
        SEASONAL = "seasonal", _("seasonal")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="placements")
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="placements")
    vacancy = models.ForeignKey(Vacancy, on_delete=models.PROTECT, null=True, blank=True, related_name="placements")
    started_on = models.DateField(_("start date"))
    wage_gel = models.DecimalField(_("monthly wage (GEL)"), max_digits=9, decimal_places=2, null=True, blank=True)
    contract = models.CharField(_("contract"), max_length=12, choices=Contract.choices, default=Contract.PERMANENT)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")

    def __str__(self) -> str:
        return f"{self.case_id} @ {self.employer_id}"


class FollowUp(models.Model):
    """A check at 3, 6 or 12 months after the outcome: still employed or training?"""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after the outcome"))
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    still_in_work_or_training = models.BooleanField(_("still employed or in training"), null=True)
    notes = models.TextField(_("notes"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on"]
        indexes = [models.Index(fields=["due_on"], name="followup_open_due", condition=models.Q(done_on__isnull=True))]
        constraints = [models.UniqueConstraint(fields=["case", "months"], name="followup_unique_months")]

    def __str__(self) -> str:
        return f"{self.case_id} +{self.months}m"


class ServiceLevel(models.Model):
    """A deadline the agency sets, in working days (configurable per deployment)."""

    class Clock(models.TextChoices):
        FIRST_SESSION = "first_session", _("from registration to the first counselling session")
        PLAN = "plan", _("from registration to an agreed plan")
        REFERRAL_OUTCOME = "referral_outcome", _("from referral to its outcome")
        SHORTLIST = "shortlist", _("from a vacancy's opening to its first shortlist sent")

    clock = models.CharField(_("clock"), max_length=20, choices=Clock.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(_("working days"))

    class Meta:
        verbose_name = _("service level")
        verbose_name_plural = _("service levels")

    def __str__(self) -> str:
        return f"{self.get_clock_display()}: {self.working_days}"


class SupportedEmployment(Versioned):
    """The supported-employment pathway of a case, for a job seeker with a disability: a job coach, the support the
    person needs, the adaptations of the workplace, and the coaching before and after placement."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="supported_employment")
    job_coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="+", verbose_name=_("job coach"))
    started_on = models.DateField(_("started on"))
    needs = models.TextField(_("support the person needs"), blank=True)

    class Meta:
        verbose_name = _("supported-employment pathway")
        verbose_name_plural = _("supported-employment pathways")

    def __str__(self) -> str:
        return f"{self.case_id} supported employment"


class WorkplaceAdaptation(Versioned):
    """A change of the workplace the person needs (step-free access, a screen reader, shorter shifts, ...), and how
    far the employer has come with it."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        AGREED = "agreed", _("agreed with the employer")
        IN_PLACE = "in_place", _("in place")
        NOT_POSSIBLE = "not_possible", _("not possible")

    pathway = models.ForeignKey(SupportedEmployment, on_delete=models.CASCADE, related_name="adaptations")
    description = models.CharField(_("adaptation"), max_length=300)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PROPOSED)

    class Meta:
        verbose_name = _("workplace adaptation")
        verbose_name_plural = _("workplace adaptations")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description


class CoachingContact(TimeStamped):
    """A job coach's contact with the person: preparing for work, on the job, or following up after placement."""

    class Kind(models.TextChoices):
        PREPARATION = "preparation", _("preparing for work")
        ON_THE_JOB = "on_the_job", _("on the job")
        AFTER_PLACEMENT = "after_placement", _("follow-up after placement")

    pathway = models.ForeignKey(SupportedEmployment, on_delete=models.CASCADE, related_name="contacts")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1,
                                validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(Decimal("12"))])
    coach = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("coaching contact")
        verbose_name_plural = _("coaching contacts")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.pathway_id} {self.held_on}"
