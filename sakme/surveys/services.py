"""Use cases of the surveys: loading the questionnaires shipped with sakme, recording a response typed in from paper,
and the one-time link a person answers online with (`invitation_create` makes it; `response_submit_by_token` is the
citizen portal's entry point: it takes the token from the link and the answers, once)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from pathlib import Path
from typing import Any, NamedTuple

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from sakme.accounts.actors import SYSTEM, Actor, acting_user
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.common.errors import DomainError, NotFound
from sakme.geo.access import require
from sakme.surveys import events
from sakme.surveys.models import COMMENT_MAX, EVENT_FIELDS, Invitation, Response, Service, SurveyVersion
from sakme.surveys.questions import answers_clean, questions_check
from sakme.surveys.selectors import version_in_force

DATA_FILE = Path(__file__).resolve().parent / "data" / "surveys.json"
INVITATION_DAYS = 30


def _file_refusal(path: Path, message: str) -> DomainError:
    return DomainError(f"{path.name}: {message}", code="survey_file_invalid")


@transaction.atomic
def surveys_load(*, actor: Actor, path: Path = DATA_FILE) -> int:
    """Add the survey versions of the file that are not loaded yet (idempotent). Versions are only added: one loaded
    already must stay as it was, and a new one comes into force after the last of its service. Returns how many
    versions the file holds."""
    require(actor, Capability.ADMIN_SITE)
    rows = json.loads(path.read_text(encoding="utf-8"))["surveys"]
    added = []
    for row in sorted(rows, key=lambda r: (r.get("service", ""), r.get("valid_from", ""))):
        where = f"{path.name}: {row.get('code')} v{row.get('version')}"
        if row.get("service") not in Service.values:
            raise _file_refusal(path, _("%(where)s is for the service %(service)s; the services are: %(known)s.") % {
                "where": where, "service": row.get("service"), "known": ", ".join(Service.values)})
        try:
            valid_from = dt.date.fromisoformat(row["valid_from"])
        except (KeyError, TypeError, ValueError):
            raise _file_refusal(path, _("%(where)s needs valid_from as a date (YYYY-MM-DD).") % {"where": where}) \
                from None
        questions = questions_check(row.get("questions"), where=where)
        fields = {"service": row["service"], "valid_from": valid_from, "title_ka": row.get("title_ka", ""),
                  "title_en": row.get("title_en", ""), "questions": questions}
        loaded = SurveyVersion.objects.filter(code=row["code"], version=row["version"]).first()
        if loaded is not None:
            if any(getattr(loaded, k) != v for k, v in fields.items()):
                raise _file_refusal(path, _("%(where)s is loaded already with other content; versions are only "
                                            "added: give the change a new version.") % {"where": where})
            continue
        _new_version_check(path, where, row["service"], valid_from, questions)
        added.append(SurveyVersion.objects.create(code=row["code"], version=row["version"], **fields))
    if added:
        audit.record(actor=actor, action="surveys.load", entity_type="surveys.surveyversion",
                     changes={"added": [str(v) for v in added]})
    return len(rows)


def _new_version_check(path: Path, where: str, service: str, valid_from: dt.date,
                       questions: list[dict[str, Any]]) -> None:
    """A new version comes into force after the service's last one, and a question code keeps its kind."""
    earlier = list(SurveyVersion.objects.filter(service=service).order_by("valid_from"))
    if earlier and valid_from <= earlier[-1].valid_from:
        raise _file_refusal(path, _("%(where)s comes into force on %(day)s, not after %(last)s already loaded; a new "
                                    "version starts later than the last.")
                            % {"where": where, "day": valid_from.isoformat(), "last": earlier[-1]})
    kinds = {q["code"]: (q["kind"], str(v)) for v in earlier for q in v.questions}
    for q in questions:
        if q["code"] in kinds and kinds[q["code"]][0] != q["kind"]:
            raise _file_refusal(path, _("%(where)s: question %(code)s was of kind %(kind)s in %(version)s; a question "
                                        "that asks something else gets a new code.")
                                % {"where": where, "code": q["code"], "kind": kinds[q["code"]][0],
                                   "version": kinds[q["code"]][1]})


def _comment_check(consent_to_comment: bool, comment: str) -> str:
    comment = (comment or "").strip()
    if comment and not consent_to_comment:
        raise DomainError(_("A comment is kept only when the person agreed to it: tick their consent, or leave the "
                            "comment out."), code="survey_comment_without_consent")
    if len(comment) > COMMENT_MAX:
        raise DomainError(_("The comment is %(n)s characters long; at most %(max)s are kept.")
                          % {"n": len(comment), "max": COMMENT_MAX}, code="survey_comment_too_long")
    return comment


def _answered_check(event: events.Event) -> None:
    """One response per event."""
    if Response.objects.filter(**{f"{EVENT_FIELDS[event.service]}_id": event.pk}).exists():
        raise DomainError(_("The survey of this %(service)s is answered already: one response per service event.")
                          % {"service": event.service_label}, code="survey_already_answered")


def _write(*, actor: Actor, event: events.Event, answered_on: dt.date, answers: Any, consent_to_comment: bool,
           comment: str, channel: str) -> Response:
    """The response of an event given: the version in force on the event's day, the answers checked against it, the
    comment only with consent, one per event; written and audited (in the caller's transaction, the event locked)."""
    day = events.event_past_check(event)
    _answered_check(event)
    today = timezone.localdate()
    if not day <= answered_on <= today:
        raise DomainError(_("The survey was answered on %(answered)s: give a day from the %(service)s's (%(day)s) to "
                            "today.") % {"answered": date_format(answered_on, "d.m.Y"), "service": event.service_label,
                                         "day": date_format(day, "d.m.Y")}, code="survey_answered_on_invalid")
    survey = version_in_force(event.service, day)
    if survey is None:
        raise DomainError(_("No survey of the %(service)s was in force on %(day)s.")
                          % {"service": event.service_label, "day": date_format(day, "d.m.Y")},
                          code="survey_none_in_force")
    cleaned = answers_clean(survey.questions, answers)
    comment = _comment_check(consent_to_comment, comment)
    try:
        with transaction.atomic():  # a response written meanwhile for the same event (the unique constraint)
            response = Response.objects.create(
                survey=survey, service=event.service, unit=event.unit, answered_on=answered_on, channel=channel,
                entered_by=acting_user(actor), answers=cleaned, consent_to_comment=consent_to_comment,
                comment=comment, **{f"{EVENT_FIELDS[event.service]}_id": event.pk})
    except IntegrityError:
        _answered_check(event)
        raise
    audit.record(actor=actor, action="survey.record", entity_type="surveys.response", entity_id=response.pk,
                 changes={"service": event.service, "event": event.pk, "survey": str(survey), "channel": channel,
                          "answered_on": answered_on.isoformat(), "comment": bool(comment)})
    return response


@transaction.atomic
def response_record(*, actor: Actor, kind: str, event_id: int, answered_on: dt.date, answers: dict[str, Any],
                    consent_to_comment: bool = False, comment: str = "") -> Response:
    """Record the answers of a survey answered on paper after a service event of the actor's units."""
    require(actor, Capability.SURVEY_RECORD)
    event = events.event_get(actor, events.service_of(kind), event_id, lock=True)
    return _write(actor=actor, event=event, answered_on=answered_on, answers=answers,
                  consent_to_comment=consent_to_comment, comment=comment, channel=Response.Channel.PAPER)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class NewInvitation(NamedTuple):
    invitation: Invitation
    token: str  # shown once, to put in the link; only its digest is kept


@transaction.atomic
def invitation_create(*, actor: Actor, kind: str, event_id: int, days_valid: int = INVITATION_DAYS) -> NewInvitation:
    """A one-time link to answer the survey of a past event online, valid for `days_valid` days."""
    require(actor, Capability.SURVEY_RECORD)
    event = events.event_get(actor, events.service_of(kind), event_id, lock=True)
    day = events.event_past_check(event)
    if version_in_force(event.service, day) is None:
        raise DomainError(_("No survey of the %(service)s was in force on %(day)s.")
                          % {"service": event.service_label, "day": date_format(day, "d.m.Y")},
                          code="survey_none_in_force")
    if not 1 <= days_valid <= 90:
        raise DomainError(_("A link is valid for 1 to 90 days."), code="survey_link_days_invalid")
    _answered_check(event)
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        service=event.service, unit=event.unit, token_digest=token_digest(token), created_by=acting_user(actor),
        expires_at=timezone.now() + dt.timedelta(days=days_valid), **{f"{EVENT_FIELDS[event.service]}_id": event.pk})
    audit.record(actor=actor, action="survey.invite", entity_type="surveys.invitation", entity_id=invitation.pk,
                 changes={"service": event.service, "event": event.pk, "expires": invitation.expires_at.isoformat()})
    return NewInvitation(invitation, token)


@transaction.atomic
def response_submit_by_token(*, token: str, answers: dict[str, Any], consent_to_comment: bool = False,
                             comment: str = "") -> Response:
    """The answers a person gives online through their one-time link (no sign-in: the token is the permission). It
    answers once, before it expires; answered on paper meanwhile, it is refused as such."""
    invitation = Invitation.objects.select_for_update().filter(token_digest=token_digest(token or "")).first()
    if invitation is None:
        raise NotFound(_("This survey link is not known. Check that the whole link was copied."),
                       code="survey_link_unknown")
    if invitation.used_at is not None:
        raise DomainError(_("This survey link was used already: each link answers once. Thank you."),
                          code="survey_link_used")
    if invitation.expires_at <= timezone.now():
        raise DomainError(_("This survey link expired on %(day)s.")
                          % {"day": date_format(timezone.localtime(invitation.expires_at), "d.m.Y")},
                          code="survey_link_expired")
    service = Service(invitation.service)
    event = events.event_get(SYSTEM, service, invitation.event_id, lock=True)
    response = _write(actor=SYSTEM, event=event, answered_on=timezone.localdate(), answers=answers,
                      consent_to_comment=consent_to_comment, comment=comment, channel=Response.Channel.ONLINE)
    invitation.used_at, invitation.response = timezone.now(), response
    invitation.save(update_fields=["used_at", "response"])
    return response
