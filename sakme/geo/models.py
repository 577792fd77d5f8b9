"""Regions, municipalities, territorial units, the service-model rollout, staff posts and trainings."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakme.common.languages import in_language


class Named(models.Model):
    """A thing with a Georgian and an English name; `name` is the one of the active language."""

    name_ka = models.CharField(_("name (Georgian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_ka, self.name_en)


class Region(Named):
    code = models.CharField(_("code"), max_length=8, unique=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]


class Municipality(Named):
    class Kind(models.TextChoices):
        CITY = "city", _("self-governing city")
        COMMUNITY = "community", _("community")

    code = models.CharField(_("code"), max_length=40, unique=True)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="municipalities")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # The seat's coordinates (GeoNames, see geo/data/README.md), for distances between municipalities.
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lon = models.FloatField(_("longitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")
        ordering = ["name_en"]


class TerritorialUnit(Named):
    class Kind(models.TextChoices):
        TBILISI_CENTRE = "tbilisi_centre", _("Tbilisi service centre")
        REGIONAL_CENTRE = "regional_centre", _("regional centre")
        DISTRICT_DEPARTMENT = "district_department", _("district department")

    code = models.CharField(_("code"), max_length=16, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, related_name="units")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="units")
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("territorial unit")
        verbose_name_plural = _("territorial units")
        ordering = ["code"]


class TbilisiDistrict(Named):
    """Tbilisi's districts, each served by one of the city's service centres."""

    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="districts")

    class Meta:
        verbose_name = _("Tbilisi district")
        verbose_name_plural = _("Tbilisi districts")


class RolloutEvent(models.Model):
    """A dated step of the New Employment Service Model in one unit (adopted, suspended, ...)."""

    class Event(models.TextChoices):
        ADOPTED = "adopted", _("adopted the new service model")
        SUSPENDED = "suspended", _("suspended the new service model")

    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="rollout_events")
    date = models.DateField(_("date"))
    event = models.CharField(_("event"), max_length=16, choices=Event.choices)
    note_ka = models.TextField(_("note (Georgian)"), blank=True)
    note_en = models.TextField(_("note (English)"), blank=True)

    class Meta:
        verbose_name = _("rollout event")
        verbose_name_plural = _("rollout events")
        ordering = ["date", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["unit", "date", "event"], name="rollout_unique_event")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.event} {self.date:%Y-%m-%d}"


class StaffPost(models.Model):
    """A staff member's post: one unit, a whole region for regional coordinators, or one municipality for the
    municipality's social workers (who see its outreach list only)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="posts")
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="staff_posts")
    region = models.ForeignKey(Region, on_delete=models.PROTECT, null=True, blank=True, related_name="staff_posts")
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="staff_posts", verbose_name=_("municipality"))
    employment_component = models.BooleanField(_("works on the employment component"), default=True)
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("staff post")
        verbose_name_plural = _("staff posts")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(unit__isnull=False) | models.Q(region__isnull=False)
                           | models.Q(municipality__isnull=False)),
                name="staffpost_unit_region_or_municipality",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.unit or self.region or self.municipality}"


class Training(models.Model):
    class Kind(models.TextChoices):
        TRAINING = "training", _("training")
        WORKING_MEETING = "working_meeting", _("working meeting")

    date = models.DateField(_("date"))
    days = models.PositiveSmallIntegerField(_("days"), default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title_ka = models.CharField(_("title (Georgian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    attendees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="trainings")
    version = models.PositiveIntegerField(default=1)  # concurrent edits are refused, not lost

    class Meta:
        verbose_name = _("training or working meeting")
        verbose_name_plural = _("trainings and working meetings")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["date", "title_en"], name="training_unique")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_ka, self.title_en)


class StaffAllocation(models.Model):
    """The staff units a territorial unit has on the employment component from a date: a reinforcement or a cut."""

    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="staff_allocations")
    date = models.DateField(_("from"))
    staff_units = models.PositiveSmallIntegerField(_("staff units on the employment component"))
    reason_ka = models.TextField(_("reason (Georgian)"), blank=True)
    reason_en = models.TextField(_("reason (English)"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("staff allocation")
        verbose_name_plural = _("staff allocations")
        ordering = ["-date", "unit__code"]
        constraints = [models.UniqueConstraint(fields=["unit", "date"], name="staffallocation_unit_date")]

    def __str__(self) -> str:
        return f"{self.unit.code} {self.date:%Y-%m-%d}: {self.staff_units}"

    @property
    def reason(self) -> str:
        return in_language(self.reason_ka, self.reason_en)


class ApprovalOrder(models.Model):
    """An order of the agency's director, by number and date (what approves a methodological manual)."""

    number = models.CharField(_("order number"), max_length=40)
    date = models.DateField(_("date"))
    title_ka = models.CharField(_("title (Georgian)"), max_length=300, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    version = models.PositiveIntegerField(default=1)  # covers its manuals: a manual's edit moves it on

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["number", "date"], name="approvalorder_number_date")]

    def __str__(self) -> str:
        return f"{self.number} ({self.date:%d.%m.%Y})"


class Manual(models.Model):
    """A methodological manual or guide of the service model, approved by an order."""

    class Kind(models.TextChoices):
        JOB_SEEKERS = "job_seekers", _("services to job seekers")
        EMPLOYERS = "employers", _("services to employers")
        GROUP_SESSIONS = "group_sessions", _("group consultation sessions")
        OTHER = "other", _("other")

    order = models.ForeignKey(ApprovalOrder, on_delete=models.PROTECT, related_name="manuals",
                              verbose_name=_("approved by order"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title_ka = models.CharField(_("title (Georgian)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)

    class Meta:
        verbose_name = _("methodological manual")
        verbose_name_plural = _("methodological manuals")
        ordering = ["order__date", "pk"]
        constraints = [models.UniqueConstraint(fields=["order", "title_en"], name="manual_unique_title")]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        return in_language(self.title_ka, self.title_en)
