"""Satisfaction surveys after a service event: the questions as dated, versioned data (both languages), the answers
typed in from paper or given online through a one-time link, one response per event, and free-text comments kept only
with the person's consent."""

from __future__ import annotations

import operator
from functools import reduce

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from sakme.assistance.models import Application
from sakme.casework.models import CounsellingSession, Placement
from sakme.common.languages import in_language
from sakme.geo.models import TerritorialUnit

COMMENT_MAX = 2000


class Service(models.TextChoices):
    """The service events a survey follows; also the `kind` of event in addresses and the API."""

    COUNSELLING_SESSION = "counselling_session", _("counselling session")
    PLACEMENT = "placement", _("placement in work")
    ASSISTANCE_DECISION = "assistance_decision", _("decision on a social-assistance application")


class QuestionKind(models.TextChoices):
    SCALE = "scale_1_5", _("a rating from 1 to 5")
    YES_NO = "yes_no", _("yes or no")
    CHOICE = "choice", _("one of the choices")


# The event field of each service (exactly one is set on a response or an invitation).
EVENT_FIELDS = {Service.COUNSELLING_SESSION: "counselling_session", Service.PLACEMENT: "placement",
                Service.ASSISTANCE_DECISION: "application"}


class SurveyVersion(models.Model):
    """One version of a service's questionnaire, in force from a day. Versions are only added, each later than the
    last of its service, so a response keeps the questions it was answered to."""

    code = models.CharField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    service = models.CharField(_("service"), max_length=24, choices=Service.choices)
    valid_from = models.DateField(_("in force from"))
    title_ka = models.CharField(_("title (Georgian)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    # [{"code", "kind": scale_1_5|yes_no|choice, "text_ka", "text_en", "choices": [{"code", "text_ka", "text_en"}],
    #   "optional": false}], in the order asked. A question keeps its code across versions only while it asks the same.
    questions = models.JSONField(_("questions"))
    loaded_at = models.DateTimeField(_("loaded"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey version")
        verbose_name_plural = _("survey versions")
        ordering = ["service", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="survey_version_unique"),
            models.UniqueConstraint(fields=["service", "valid_from"], name="survey_version_one_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} ({self.valid_from})"

    @property
    def title(self) -> str:
        return in_language(self.title_ka, self.title_en)


def _one_event() -> Q:
    """Exactly the event field of the row's service is set."""
    return reduce(operator.or_, (
        Q(service=service, **{f"{name}__isnull": False},
          **{f"{other}__isnull": True for other in EVENT_FIELDS.values() if other != name})
        for service, name in EVENT_FIELDS.items()))


class SurveyEvent(models.Model):
    """The service event a response or an invitation is about, and the unit that gave the service (the event's:
    it scopes who may see or record it and groups the results)."""

    service = models.CharField(_("service"), max_length=24, choices=Service.choices)
    counselling_session = models.ForeignKey(CounsellingSession, on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="+", verbose_name=_("counselling session"))
    placement = models.ForeignKey(Placement, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("placement"))
    application = models.ForeignKey(Application, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                    verbose_name=_("social-assistance application"))
    unit = models.ForeignKey(TerritorialUnit, on_delete=models.PROTECT, related_name="+",
                             verbose_name=_("territorial unit"))

    class Meta:
        abstract = True
        constraints = [models.CheckConstraint(condition=_one_event(), name="%(class)s_one_event")]

    @property
    def event_id(self) -> int:
        return getattr(self, f"{EVENT_FIELDS[Service(self.service)]}_id")


class Response(SurveyEvent):
    """A person's answers to the survey of one service event (at most one per event)."""

    class Channel(models.TextChoices):
        PAPER = "paper", _("on paper, typed in by staff")
        ONLINE = "online", _("online, through a one-time link")

    survey = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="responses",
                               verbose_name=_("survey version"))
    answered_on = models.DateField(_("answered on"))
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices, default=Channel.PAPER)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("typed in by"))
    # {question code: 1..5 | true/false | choice code}; an optional question left unanswered is absent.
    answers = models.JSONField(_("answers"))
    consent_to_comment = models.BooleanField(_("agrees that their comment is kept"), default=False)
    comment = models.TextField(_("comment"), blank=True, max_length=COMMENT_MAX)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        indexes = [models.Index(fields=["answered_on", "unit", "service"], name="survey_response_period")]
        constraints = [
            *SurveyEvent.Meta.constraints,
            models.CheckConstraint(condition=Q(consent_to_comment=True) | Q(comment=""),
                                   name="survey_response_comment_needs_consent"),
            *(models.UniqueConstraint(fields=[name], condition=Q(**{f"{name}__isnull": False}),
                                      name=f"survey_response_one_per_{name}") for name in EVENT_FIELDS.values()),
        ]

    def __str__(self) -> str:
        return f"{self.service} {self.event_id} ({self.answered_on})"


class Invitation(SurveyEvent):
    """A one-time link to answer the survey of an event online (the citizen portal's entry point, later): only the
    token's SHA-256 is kept; it answers once, before it expires."""

    token_digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    response = models.OneToOneField(Response, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [*SurveyEvent.Meta.constraints]

    def __str__(self) -> str:
        return f"{self.service} {self.event_id} → {self.expires_at:%Y-%m-%d}"
