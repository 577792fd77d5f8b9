"""Indicators as data: a definition names its measure (code in `measures/`), its baseline and target; a run computes
every definition for a span of years and stores the values as a dated snapshot that later corrections never change.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakme.common.languages import in_language
from sakme.geo.models import Region, TerritorialUnit


class Definition(models.Model):
    """What an indicator means and how it is judged. How it is computed is a measure in code, named here."""

    class Direction(models.TextChoices):
        INCREASE = "increase", _("higher is better")
        DECREASE = "decrease", _("lower is better")

    class UnitOfMeasure(models.TextChoices):
        PERCENT = "percent", _("per cent")
        COUNT = "count", _("number")
        RATIO = "ratio", _("per person")
        WORKING_DAYS = "working_days", _("working days")

    code = models.CharField(_("code"), max_length=40, unique=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_ka = models.CharField(_("name (Georgian)"), max_length=300)
    name_en = models.CharField(_("name (English)"), max_length=300)
    description_ka = models.TextField(_("description (Georgian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    goal_ka = models.TextField(_("goal (Georgian)"), blank=True)
    goal_en = models.TextField(_("goal (English)"), blank=True)
    aim_ka = models.TextField(_("aim (Georgian)"), blank=True)
    aim_en = models.TextField(_("aim (English)"), blank=True)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=16, choices=UnitOfMeasure.choices)
    direction = models.CharField(_("direction"), max_length=8, choices=Direction.choices, default=Direction.INCREASE)
    baseline = models.FloatField(_("baseline"), null=True, blank=True)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"), null=True, blank=True)
    target = models.FloatField(_("target"), null=True, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    measure = models.CharField(_("measure"), max_length=40)
    parameters = models.JSONField(_("parameters of the measure"), default=dict, blank=True)
    is_active = models.BooleanField(_("computed"), default=True)

    class Meta:
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        return in_language(self.name_ka, self.name_en)

    @property
    def description(self) -> str:
        return in_language(self.description_ka, self.description_en)

    @property
    def goal(self) -> str:
        return in_language(self.goal_ka, self.goal_en)

    @property
    def aim(self) -> str:
        return in_language(self.aim_ka, self.aim_en)

    @property
    def is_percent(self) -> bool:
        return self.unit_of_measure == self.UnitOfMeasure.PERCENT

    def target_met(self, value: float | None) -> bool | None:
        """Whether `value` reaches the target (None without a target or a value)."""
        if value is None or self.target is None:
            return None
        reached = round(value, 6)
        return reached >= self.target if self.direction == self.Direction.INCREASE else reached <= self.target


class Run(models.Model):
    """One computation of every active indicator over a span of years: a snapshot that stays as it was computed."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                           verbose_name=_("by"))
    year_from = models.PositiveSmallIntegerField(_("from year"))
    year_to = models.PositiveSmallIntegerField(_("to year"))
    as_of = models.DateField(_("data as of"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.RUNNING)
    values_count = models.PositiveIntegerField(_("values"), default=0)
    seconds = models.FloatField(_("seconds"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator computation")
        verbose_name_plural = _("indicator computations")
        ordering = ["-started_at", "-pk"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.year_from}–{self.year_to} ({self.as_of:%Y-%m-%d})"


class Level(models.TextChoices):
    COUNTRY = "country", _("country")
    REGION = "region", _("region")
    UNIT = "unit", _("territorial unit")


class Value(models.Model):
    """One figure of a run: an indicator for a year (month blank) or a month, in the country, a region or a unit."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="values")
    definition = models.ForeignKey(Definition, on_delete=models.PROTECT, related_name="values")
    level = models.CharField(_("level"), max_length=8, choices=Level.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"), null=True, blank=True)
    # A share or a rate has both; a count only a numerator; a median or percentile the number of observations.
    numerator = models.FloatField(_("numerator"), null=True, blank=True)
    denominator = models.FloatField(_("denominator"), null=True, blank=True)
    value = models.FloatField(_("value"), null=True, blank=True)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        indexes = [models.Index(fields=["run", "definition", "level", "year", "month"], name="value_lookup")]

    def __str__(self) -> str:
        return f"{self.definition_id} {self.year}-{self.month or ''} {self.level}: {self.value}"


class Report(models.Model):
    """An annual indicator report asked for on the dashboard: made by the worker, with its progress, kept as a file."""

    class Format(models.TextChoices):
        DOCX = "docx", "DOCX"
        PDF = "pdf", "PDF"

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting")
        RUNNING = "running", _("being written")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")

    year = models.PositiveSmallIntegerField(_("year"))
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    # Why it failed, as a code and its parameters: translated when shown.
    error_code = models.CharField(max_length=40, blank=True)
    error_params = models.JSONField(default=dict, blank=True)
    file_name = models.CharField(max_length=100, blank=True)  # under VAR_DIR/reports
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                           verbose_name=_("asked by"))
    created_at = models.DateTimeField(_("asked"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("annual indicator report")
        verbose_name_plural = _("annual indicator reports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.year} {self.language} {self.format}"

    @property
    def error_text(self) -> str:
        """Why it failed, in the reader's language (stored as a code and its parameters)."""
        reasons = {"no_figures": _("no figures could be computed for %(year)s"),
                   "failed": _("an unexpected error (%(error)s); the log has the details")}
        reason = reasons.get(self.error_code)
        if reason is None:
            return self.error_code
        try:
            return str(reason) % self.error_params
        except (KeyError, TypeError):
            return str(reason)
