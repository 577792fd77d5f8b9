"""API tokens: each member of staff makes, lists and revokes their own; a token lives until it expires or is revoked.

Lifetimes (settings, with these defaults): a token lives `SAKME_API_TOKEN_DAYS` (90) days unless asked otherwise, at
most `SAKME_API_TOKEN_MAX_DAYS` (365). A token of a role that must use a second factor is made only in a session that
passed it and lives at most `SAKME_API_TOKEN_OTP_HOURS` (24) hours, whatever was asked, so that the password alone
(or a token copied from a script) never opens that role's data for long. A bearer token cannot make another token: a
stolen one could otherwise outlive its revocation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from sakme.accounts.actors import Actor
from sakme.accounts.middleware import otp_required
from sakme.accounts.models import ApiToken, User
from sakme.accounts.roles import Capability
from sakme.audit import services as audit
from sakme.common.errors import DomainError, NotFound, PermissionDenied


def default_days() -> int:
    """How long a new token lives when nobody says otherwise."""
    return int(getattr(settings, "SAKME_API_TOKEN_DAYS", 90))


def max_days() -> int:
    """The longest a token may live, in days."""
    return int(getattr(settings, "SAKME_API_TOKEN_MAX_DAYS", 365))


def second_factor_lifetime() -> dt.timedelta:
    """The longest a token of a role that must use a second factor lives."""
    return dt.timedelta(hours=int(getattr(settings, "SAKME_API_TOKEN_OTP_HOURS", 24)))


def lifetime_for(user: Any, days: int | None) -> dt.timedelta:
    """How long a token of this user asked for `days` lives (refused beyond the maximum)."""
    wanted = default_days() if days is None else days
    if not 1 <= wanted <= max_days():
        raise DomainError(_("A token lives from 1 to %(max)d days.") % {"max": max_days()}, code="token_lifetime")
    lifetime = dt.timedelta(days=wanted)
    return min(lifetime, second_factor_lifetime()) if otp_required(user) else lifetime


@dataclass(frozen=True)
class IssuedToken:
    """A token just made: the record, and its secret (shown this once, never stored)."""

    token: ApiToken
    secret: str


def _signed_in(actor: Actor | Any) -> None:
    if not (getattr(actor, "is_authenticated", False) and getattr(actor, "is_active", False)):
        raise PermissionDenied(_("Your role does not allow this."))


@transaction.atomic
def api_token_create(*, actor: Actor | Any, user_id: int, name: str, days: int | None = None,
                     verified: bool = False, by_token: bool = False) -> IssuedToken:
    """Make an API token for `user_id`: staff make their own (a second-factor role only in a session that passed
    it, `verified`; never with a bearer token, `by_token`); the system (`sakme token create`) makes anyone's."""
    _signed_in(actor)
    system = getattr(actor, "is_system", False)
    if not system and actor.pk != user_id:
        raise PermissionDenied(_("You can make API tokens for yourself only."), code="token_of_other_user")
    if by_token:
        raise PermissionDenied(_("An API token cannot make another token: sign in to make one."),
                               code="token_by_token")
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        raise NotFound(_("No such user."))
    if not system and otp_required(user) and not verified:
        raise PermissionDenied(_("Your role must pass the second factor before it makes an API token."),
                               code="second_factor_required")
    name = (name or "").strip()
    if not name or len(name) > ApiToken._meta.get_field("name").max_length:  # type: ignore[operator]
        raise DomainError(_("Give the token a name of 1 to 100 characters (what uses it)."), code="invalid")
    secret = ApiToken.generate()
    now = timezone.now()
    token = ApiToken.objects.create(user=user, name=name, digest=ApiToken.hash(secret),
                                    expires_at=now + lifetime_for(user, days))
    audit.record(actor=actor, action="api_token.create", entity_type="accounts.apitoken", entity_id=token.pk,
                 changes={"user": user.username, "name": name, "expires_at": token.expires_at.isoformat()})
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_revoke(*, actor: Actor | Any, token_id: int) -> ApiToken:
    """Revoke a token: one's own, or anyone's for an administrator. Revoking a revoked token changes nothing."""
    _signed_in(actor)
    token = ApiToken.objects.select_for_update().select_related("user").filter(pk=token_id).first()
    if token is None or (token.user_id != actor.pk and not actor.can(Capability.ADMIN_SITE)):
        raise NotFound(_("No such API token of yours."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="api_token.revoke", entity_type="accounts.apitoken", entity_id=token.pk,
                     changes={"user": token.user.username, "name": token.name})
    return token


def api_tokens_of(actor: Actor | Any) -> QuerySet[ApiToken]:
    """The actor's own tokens, newest first (never their secrets: only hashes are kept)."""
    _signed_in(actor)
    if not isinstance(actor, User):
        return ApiToken.objects.none()  # the system holds no tokens
    return ApiToken.objects.filter(user_id=actor.pk).order_by("-created_at", "-pk")


def api_token_user(secret: str) -> tuple[User, ApiToken] | None:
    """The active user a live token belongs to, noting its use; None for an unknown, expired or revoked token, and
    for a token of a second-factor role older than that role's lifetime (its role may have changed since)."""
    now = timezone.now()
    token = ApiToken.objects.select_related("user").filter(
        digest=ApiToken.hash(secret), revoked_at__isnull=True, expires_at__gt=now, user__is_active=True,
    ).first()
    if token is None:
        return None
    if otp_required(token.user) and token.created_at + second_factor_lifetime() <= now:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token
