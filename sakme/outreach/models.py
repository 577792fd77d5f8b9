"""Outreach: campaigns that take the unit's outreach list as it stands, the contacts made with the persons on it, and
the referrals to the unit that follow. What came of them (a registration, an application) is computed, not stored
(`selectors.py`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from sakme.geo.models import Municipality, TerritorialUnit
from sakme.registry.models import Household, Person


class Campaign(models.Model):
    """The outreach list of a unit (or of its part in one municipality) as it stood on a day, for its staff."""

    # Covered by the (unit, taken on) index.
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="+", db_index=False,
                             verbose_name=_("territorial unit"))
    municipality = models.ForeignKey(Municipality, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                     verbose_name=_("municipality"))
    name = models.CharField(_("name"), max_length=200)
    taken_on = models.DateField(_("taken on"))
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="+", verbose_name=_("taken by"))
    size = models.PositiveIntegerField(_("persons"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("outreach campaign")
        verbose_name_plural = _("outreach campaigns")
        indexes = [models.Index(fields=["unit", "-taken_on"], name="campaign_unit_taken")]

    def __str__(self) -> str:
        return f"{self.name} ({self.taken_on})"


class CampaignEntry(models.Model):
    """One person of a campaign's list, with the figures that ranked them when it was taken."""

    # Covered by the unique (campaign, rank) constraint.
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="entries", db_index=False)
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person"))
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+",
                                  verbose_name=_("household"))
    rank = models.PositiveIntegerField(_("rank"))
    score = models.PositiveIntegerField(_("rating score"))
    children = models.PositiveSmallIntegerField(_("children"))
    members = models.PositiveSmallIntegerField(_("members"))
    since = models.DateField(_("on assistance since"))

    class Meta:
        verbose_name = _("campaign entry")
        verbose_name_plural = _("campaign entries")
        ordering = ["campaign", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "rank"], name="campaignentry_unique_rank"),
            models.UniqueConstraint(fields=["campaign", "person"], name="campaignentry_unique_person"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} #{self.rank}"


class Channel(models.TextChoices):
    PHONE = "phone", _("phone call")
    VISIT = "visit", _("home visit")
    LETTER = "letter", _("letter")


class ContactOutcome(models.TextChoices):
    REACHED_INTERESTED = "reached_interested", _("reached, interested")
    REACHED_NOT_INTERESTED = "reached_not_interested", _("reached, not interested")
    NOT_REACHED = "not_reached", _("not reached")
    WRONG_CONTACT = "wrong_contact", _("wrong phone or address")
    MOVED = "moved", _("moved away")


class ContactAttempt(models.Model):
    """A try to reach a person of a campaign: how, when, by whom, and what came of it."""

    entry = models.ForeignKey(CampaignEntry, on_delete=models.CASCADE, related_name="contacts")
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    on = models.DateField(_("on"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                           related_name="+", verbose_name=_("by"))
    outcome = models.CharField(_("outcome"), max_length=24, choices=ContactOutcome.choices)
    note = models.CharField(_("note"), max_length=300, blank=True)
    at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")
        ordering = ["entry", "on", "pk"]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.on} {self.outcome}"


class ReferralKind(models.TextChoices):
    APPLICATION = "application", _("to apply for social assistance again")
    REGISTRATION = "registration_appointment", _("to register as a job seeker (appointment)")


class ReferralOutcome(models.TextChoices):
    """What became of a referral: computed from the records that followed it (`selectors.referral_outcome`)."""

    PENDING = "pending", _("pending")
    REGISTERED = "registered", _("registered as a job seeker")
    APPLIED = "applied", _("applied")
    MISSED = "missed", _("missed the appointment")


class Referral(models.Model):
    """A person of a campaign referred to a unit: to register as a job seeker on an appointment, or to apply."""

    entry = models.ForeignKey(CampaignEntry, on_delete=models.CASCADE, related_name="referrals")
    kind = models.CharField(_("kind"), max_length=24, choices=ReferralKind.choices)
    appointment_on = models.DateField(_("appointment on"), null=True, blank=True)
    to_unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="+",
                                verbose_name=_("to the unit"))
    # Covered by the (made by, made on) index: one's referrals, the latest first.
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                related_name="+", db_index=False, verbose_name=_("referred by"))
    made_on = models.DateField(_("referred on"))

    class Meta:
        verbose_name = _("outreach referral")
        verbose_name_plural = _("outreach referrals")
        indexes = [models.Index(fields=["made_by", "-made_on"], name="outreachreferral_by_made")]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.kind} {self.made_on}"
