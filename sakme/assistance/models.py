"""Social assistance: applications from declaration to first payment, the rating-score formula and the benefit rules
as dated data, and every score with the lines that explain it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from sakme.common.languages import in_language
from sakme.common.models import Versioned
from sakme.geo.models import TerritorialUnit
from sakme.registry.models import Enrolment, Household, Person


class Formula(models.Model):
    """One version of the proxy-means test: the declaration's variables with their weights, the region coefficients,
    and the day it comes into force. A score is computed by the version in force on the home visit's day; versions
    are only added, each later than the last, so a score once computed never changes (see `formula.py`)."""

    version = models.PositiveIntegerField(_("version"), unique=True)
    valid_from = models.DateField(_("in force from"), unique=True)
    title_ka = models.CharField(_("title (Georgian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    # True for the formula sakme ships: the real weights are not published; an agency loads its own.
    illustrative = models.BooleanField(_("illustrative"), default=False)
    intercept = models.IntegerField(_("points before any variable"))
    # [{"code", "label_ka", "label_en", "kind": count|yes_no|choice|amount, "weight" or "weights": {choice: points},
    #   "cap" (counts and amounts above it count as it), "choices": [{"code", "label_ka", "label_en"}]}]
    variables = models.JSONField(_("variables"))
    # {region code: coefficient as a decimal string}; a region not listed counts 1.
    region_coefficients = models.JSONField(_("region coefficients"), default=dict)
    members = models.JSONField(_("variables counting the household's members"), default=list)
    children = models.CharField(_("variable counting the children"), max_length=40)
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("rating-score formula")
        verbose_name_plural = _("rating-score formulas")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return f"v{self.version} ({self.valid_from})"

    @property
    def title(self) -> str:
        return in_language(self.title_ka, self.title_en)


class BenefitRules(models.Model):
    """The benefit rules in force from a day: the rating-score bands and what each pays per member a month, the child
    benefit, and how long a household keeps its status when a member takes a job. Dated versions, only added."""

    valid_from = models.DateField(_("in force from"), unique=True)
    # [{"below": 30001, "per_member_gel": "60"}, ...] in rising order: the first band whose bound is above the score.
    bands = models.JSONField(_("bands"))
    child_score_below = models.PositiveIntegerField(_("child benefit for scores below"))
    child_gel = models.DecimalField(_("child benefit per child a month (GEL)"), max_digits=7, decimal_places=2)
    keeps_status_score_below = models.PositiveIntegerField(_("status kept on taking a job, for scores below"),
                                                           null=True, blank=True)
    keeps_status_years = models.PositiveSmallIntegerField(_("years the status is kept on taking a job"), default=0)
    illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        verbose_name = _("benefit rules")
        verbose_name_plural = _("benefit rules")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return str(self.valid_from)


class State(models.TextChoices):
    # "application state": the words are the case's too, with other meanings ("withdrawn" from the programme).
    DECLARED = "declared", pgettext_lazy("application state", "declared")
    VISIT_SCHEDULED = "visit_scheduled", pgettext_lazy("application state", "home visit scheduled")
    VISITED = "visited", pgettext_lazy("application state", "visited")
    SCORED = "scored", pgettext_lazy("application state", "scored")
    ELIGIBLE = "eligible", pgettext_lazy("application state", "eligible")
    REFUSED = "refused", pgettext_lazy("application state", "refused")
    PAID = "paid", pgettext_lazy("application state", "first payment made")
    APPEALED = "appealed", pgettext_lazy("application state", "under appeal")
    WITHDRAWN = "withdrawn", pgettext_lazy("application state", "withdrawn")


class Channel(models.TextChoices):
    UNIT = "unit", _("at the unit")
    ONLINE = "online", _("online")


class RefusalReason(models.TextChoices):
    SCORE_TOO_HIGH = "score_too_high", _("the rating score is above the last band")
    NOT_AT_HOME = "not_at_home", _("the household could not be visited")
    FALSE_DECLARATION = "false_declaration", _("the declaration did not match what the visit found")
    NOT_RESIDENT = "not_resident", _("the household does not live at the declared address")
    DUPLICATE = "duplicate", _("the household has another application or an active enrolment")


class Application(Versioned):
    """A household's application for Targeted Social Assistance, entered at a unit (or online, later)."""

    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="applications",
                             verbose_name=_("territorial unit"))
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("household"))
    applicant = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="applications",
                                  verbose_name=_("applicant"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.UNIT)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.DECLARED)
    state_since = models.DateField(_("in this state since"))
    declared_on = models.DateField(_("declared on"))
    # The answers as declared at the unit, and as the social agent recorded them at the visit (what is scored).
    declaration = models.JSONField(_("declaration"), default=dict)
    visit_on = models.DateField(_("visit scheduled for"), null=True, blank=True)
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+", verbose_name=_("social agent"))
    visited_on = models.DateField(_("visited on"), null=True, blank=True)
    answers = models.JSONField(_("answers recorded at the visit"), default=dict)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    amount_gel = models.DecimalField(_("monthly amount (GEL)"), max_digits=9, decimal_places=2, null=True,
                                     blank=True)
    refusal_reason = models.CharField(_("reason for refusal"), max_length=20, choices=RefusalReason.choices,
                                      blank=True)
    enrolment = models.OneToOneField(Enrolment, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="application", verbose_name=_("enrolment"))
    first_paid_on = models.DateField(_("first payment on"), null=True, blank=True)
    appealed_on = models.DateField(_("appealed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("social-assistance application")
        verbose_name_plural = _("social-assistance applications")
        indexes = [models.Index(fields=["unit", "state", "state_since"], name="application_unit_state")]

    def __str__(self) -> str:
        return f"{self.pk} ({self.get_state_display()})"

    @property
    def score(self) -> Score | None:
        """The latest score (prefetch `scores` to read it without a query)."""
        scores = sorted(self.scores.all(), key=lambda s: s.pk)
        return scores[-1] if scores else None


class Score(models.Model):
    """A rating score computed from an application's visit answers by the formula in force on the visit's day, with
    the lines that explain it. Written once, never changed: a new visit gives a new score."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="scores")
    formula = models.ForeignKey(Formula, on_delete=models.PROTECT, related_name="scores")
    visited_on = models.DateField(_("visit"))
    value = models.PositiveIntegerField(_("rating score"))
    # [{"code", "value", "weight", "points"}], then the intercept, the region coefficient and the total (formula.py).
    lines = models.JSONField(_("computation"))
    computed_at = models.DateTimeField(_("computed"), auto_now_add=True)
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("computed by"))

    class Meta:
        verbose_name = _("rating score")
        verbose_name_plural = _("rating scores")

    def __str__(self) -> str:
        return f"{self.value} (v{self.formula_id})"


class Step(models.Model):
    """One step of an application: the action, the states it joined, the day it happened, who did it."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("action"), max_length=24)
    from_state = models.CharField(_("from"), max_length=16, choices=State.choices)
    to_state = models.CharField(_("to"), max_length=16, choices=State.choices)
    on = models.DateField(_("on"))
    at = models.DateTimeField(_("recorded"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("application step")
        verbose_name_plural = _("application steps")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.application_id} {self.action} {self.on}"


class ServiceLevel(models.Model):
    """How many working days a step of the application may take (configurable per deployment)."""

    class Clock(models.TextChoices):
        VISIT = "visit", _("from the declaration to the home visit")
        SCORE = "score", _("from the home visit to the score")
        DECISION = "decision", _("from the score to the decision")
        PAYMENT = "payment", _("from the decision to the first payment")
        APPEAL = "appeal", _("from an appeal to its new decision")

    clock = models.CharField(_("clock"), max_length=12, choices=Clock.choices, unique=True)
    working_days = models.PositiveSmallIntegerField(_("working days"))

    class Meta:
        verbose_name = _("application service level")
        verbose_name_plural = _("application service levels")

    def __str__(self) -> str:
        return f"{self.get_clock_display()}: {self.working_days}"
