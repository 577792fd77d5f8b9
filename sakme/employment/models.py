"""Job seekers, employers, vacancies and the state vocational training programme."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakme.common.languages import in_language
from sakme.common.models import TimeStamped, Versioned
from sakme.geo.models import Municipality, TerritorialUnit
from sakme.registry.models import Person


class Occupation(models.Model):
    """An ISCO-08 group (major 1 digit ... unit group 4 digits), titles in Georgian and English."""

    code = models.CharField(_("ISCO-08 code"), max_length=4, primary_key=True)
    level = models.PositiveSmallIntegerField(_("level"))
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    title_ka = models.CharField(_("title (Georgian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)

    class Meta:
        verbose_name = _("occupation (ISCO-08)")
        verbose_name_plural = _("occupations (ISCO-08)")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def title(self) -> str:
        return in_language(self.title_ka, self.title_en)


class Education(models.TextChoices):
    """ISCED 2011 levels."""

    ISCED_0 = "0", _("early childhood education")
    ISCED_1 = "1", _("primary education")
    ISCED_2 = "2", _("lower secondary education")
    ISCED_3 = "3", _("upper secondary education")
    ISCED_4 = "4", _("post-secondary non-tertiary (vocational) education")
    ISCED_5 = "5", _("short-cycle tertiary education")
    ISCED_6 = "6", _("bachelor's or equivalent")
    ISCED_7 = "7", _("master's or equivalent")
    ISCED_8 = "8", _("doctoral or equivalent")


class Availability(models.TextChoices):
    FULL_TIME = "full_time", _("full time")
    PART_TIME = "part_time", _("part time")
    SHIFTS = "shifts", _("shifts")
    SEASONAL = "seasonal", _("seasonal")


# Categories of a Georgian driving licence (as on the licence itself).
DRIVING_LICENCE_CATEGORIES = ("A", "A1", "B", "B1", "BE", "C", "C1", "CE", "C1E", "D", "D1", "DE", "D1E", "T", "S")


class JobSeeker(Versioned):
    """A person registered as looking for work: the profile counsellors work from."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="job_seeker")
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="job_seekers")
    registered_on = models.DateField(_("registered on"))
    education = models.CharField(_("education (ISCED)"), max_length=1, choices=Education.choices, blank=True)
    occupations_sought = models.ManyToManyField(Occupation, blank=True, related_name="+",
                                                verbose_name=_("occupations sought"))
    occupations_held = models.ManyToManyField(Occupation, blank=True, related_name="+",
                                              verbose_name=_("occupations held"))
    skills = models.TextField(_("skills"), blank=True)
    languages = models.CharField(_("languages"), max_length=200, blank=True)
    # Categories separated by commas ("B,C"), in the order of DRIVING_LICENCE_CATEGORIES.
    driving_licence = models.CharField(_("driving licence categories"), max_length=60, blank=True)
    availability = models.CharField(_("availability"), max_length=16, choices=Availability.choices,
                                    default=Availability.FULL_TIME)
    preferred_municipalities = models.ManyToManyField(Municipality, blank=True, related_name="+",
                                                      verbose_name=_("preferred municipalities"))
    accommodations = models.TextField(_("accommodations needed at work"), blank=True)
    consent_data_processing_on = models.DateField(_("consented to data processing on"), null=True, blank=True)
    consent_share_with_employers_on = models.DateField(_("consented to sharing the profile with employers on"),
                                                       null=True, blank=True)

    class Meta:
        verbose_name = _("job seeker")
        verbose_name_plural = _("job seekers")
        indexes = [models.Index(fields=["unit", "registered_on"], name="jobseeker_unit_registered")]

    def __str__(self) -> str:
        return str(self.person)

    @property
    def driving_licence_categories(self) -> list[str]:
        return [c for c in self.driving_licence.replace(" ", ",").split(",") if c]


class WorkHistoryEntry(models.Model):
    """One job the job seeker held; edited on its own (its version), without touching the profile's."""

    job_seeker = models.ForeignKey(JobSeeker, on_delete=models.CASCADE, related_name="work_history")
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="+")
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("to"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("work history entry")
        verbose_name_plural = _("work history")
        ordering = [models.F("started_on").desc(nulls_last=True), "-id"]
        constraints = [
            models.CheckConstraint(name="work_history_dates_in_order", condition=(
                models.Q(started_on__isnull=True) | models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("started_on")))),
        ]

    def __str__(self) -> str:
        return f"{self.occupation_id} {self.employer_name}"


class Sector(models.TextChoices):
    """NACE Rev. 2 sections."""

    A = "A", _("agriculture, forestry and fishing")
    B = "B", _("mining and quarrying")
    C = "C", _("manufacturing")
    D = "D", _("electricity, gas, steam and air conditioning supply")
    E = "E", _("water supply, sewerage, waste management")
    F = "F", _("construction")
    G = "G", _("wholesale and retail trade")
    H = "H", _("transportation and storage")
    I = "I", _("accommodation and food service activities")  # noqa: E741 - the section's letter
    J = "J", _("information and communication")
    K = "K", _("financial and insurance activities")
    L = "L", _("real estate activities")
    M = "M", _("professional, scientific and technical activities")
    N = "N", _("administrative and support service activities")
    O = "O", _("public administration and defence")  # noqa: E741
    P = "P", _("education")
    Q = "Q", _("human health and social work activities")
    R = "R", _("arts, entertainment and recreation")
    S = "S", _("other service activities")


class Employer(Versioned):
    tax_id = models.CharField(_("tax identification number"), max_length=11, unique=True,
                              validators=[RegexValidator(r"^\d{9}(\d{2})?$", _("9 digits (or 11 for a person)"))])
    name = models.CharField(_("name"), max_length=300)
    sector = models.CharField(_("sector"), max_length=1, choices=Sector.choices, blank=True)
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="employers")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        verbose_name = _("employer")
        verbose_name_plural = _("employers")

    def __str__(self) -> str:
        return self.name


MAX_POSITIONS = 999  # places of one vacancy: the form, the API and the model read this one bound


class Vacancy(Versioned):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        FILLED = "filled", _("filled")
        CLOSED = "closed", _("closed")

    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="vacancies")
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="vacancies")
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    required_skills = models.TextField(_("required skills"), blank=True)
    required_education = models.CharField(_("required education (ISCED)"), max_length=1,
                                          choices=Education.choices, blank=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+")
    wage_gel = models.DecimalField(_("monthly wage (GEL)"), max_digits=9, decimal_places=2, null=True, blank=True)
    positions = models.PositiveSmallIntegerField(_("positions"), default=1, validators=[
        MinValueValidator(1), MaxValueValidator(MAX_POSITIONS)])
    opened_on = models.DateField(_("opened on"))
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")

    class Meta:
        verbose_name = _("vacancy")
        verbose_name_plural = _("vacancies")
        indexes = [models.Index(fields=["unit", "status"], name="vacancy_unit_status")]

    def __str__(self) -> str:
        return f"{self.title} · {self.employer}"


class TrainingProvider(TimeStamped):
    """A college or training centre authorised to teach courses of the state programme."""

    name = models.CharField(_("name"), max_length=300)
    tax_id = models.CharField(_("tax identification number"), max_length=11, unique=True)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="+",
                                     verbose_name=_("municipality"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)

    class Meta:
        verbose_name = _("training provider")
        verbose_name_plural = _("training providers")

    def __str__(self) -> str:
        return self.name


class TrainingProgramme(TimeStamped):
    """A course of the state programme of vocational training, retraining and raising qualifications."""

    provider = models.ForeignKey(TrainingProvider, on_delete=models.PROTECT, related_name="programmes",
                                 verbose_name=_("training provider"))
    occupation = models.ForeignKey(Occupation, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("occupation (ISCO-08)"))
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    duration_weeks = models.PositiveSmallIntegerField(_("duration (weeks)"), validators=[MinValueValidator(1)])
    capacity = models.PositiveSmallIntegerField(_("places per intake"), validators=[MinValueValidator(1)])
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("training programme")
        verbose_name_plural = _("training programmes")
        indexes = [models.Index(fields=["occupation"], name="programme_occupation")]

    def __str__(self) -> str:
        return self.title


class TrainingIntake(models.Model):
    """One start of a programme's course. A referral made on a day counts towards the first intake whose
    applications are still open that day."""

    programme = models.ForeignKey(TrainingProgramme, on_delete=models.CASCADE, related_name="intakes")
    starts_on = models.DateField(_("starts on"))
    applications_close_on = models.DateField(_("referrals accepted until"))
    places = models.PositiveSmallIntegerField(_("places"), null=True, blank=True,
                                              help_text=_("Leave empty for the programme's places per intake."))

    class Meta:
        verbose_name = _("intake")
        verbose_name_plural = _("intakes")
        ordering = ["applications_close_on", "starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "starts_on"], name="intake_unique_start"),
            models.CheckConstraint(name="intake_applications_close_before_start",
                                   condition=models.Q(applications_close_on__lte=models.F("starts_on"))),
        ]
        indexes = [models.Index(fields=["applications_close_on"], name="intake_applications_close")]

    def __str__(self) -> str:
        return f"{self.programme_id} {self.starts_on}"

    @property
    def capacity(self) -> int:
        return self.places if self.places is not None else self.programme.capacity
