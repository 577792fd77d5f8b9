"""Staff accounts: creation, roles, sessions and two-factor devices. Each service writes its audit event."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from sakme.accounts import tokens
from sakme.accounts.actors import Actor
from sakme.accounts.models import User
from sakme.accounts.roles import Capability, Role, role_can, role_reads_personal_data
from sakme.audit import services as audit
from sakme.common.errors import NotFound, PermissionDenied


@transaction.atomic
def user_create(*, actor: Any, username: str, password: str, role: Role, first_name: str = "",
                last_name: str = "", email: str = "") -> User:
    """Create a staff member with a role; administrators also get the admin site."""
    user = User.objects.create_user(
        username=username, password=password, role=role, first_name=first_name, last_name=last_name,
        email=email, is_staff=role_can(role, Capability.ADMIN_SITE), is_superuser=role_can(role, Capability.ADMIN_SITE),
    )
    audit.record(actor=actor, action="user.create", entity_type="accounts.user", entity_id=user.pk,
                 changes={"username": username, "role": str(role)})
    return user


@transaction.atomic
def totp_device_start(*, user: User) -> TOTPDevice:
    """An unconfirmed TOTP device for the user to scan; replaces any earlier unconfirmed one."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="sakme", confirmed=False)


@transaction.atomic
def totp_device_confirm(*, user: User, device: TOTPDevice, token: str) -> bool:
    """Confirm the device when the token from the authenticator app verifies."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(actor=user, action="otp.confirm", entity_type="accounts.user", entity_id=user.pk)
    return True


@transaction.atomic
def totp_device_remove(*, actor: Actor | Any, device_id: int) -> None:
    """Remove a user's second-factor device (administrators, when a phone is lost): the user sets up a new one at
    their next sign-in. Its key is not recorded."""
    _require_administrator(actor)
    device = TOTPDevice.objects.select_related("user").filter(pk=device_id).first()
    if device is None:
        raise NotFound(_("No such device."))
    user = device.user
    device.delete()
    audit.record(actor=actor, action="otp.remove", entity_type="accounts.user", entity_id=user.pk,
                 changes={"username": user.username, "device": device.name})


def api_token_create(*, actor: Any, user: User, name: str, days: int | None = None) -> str:
    """Make an API token for a user and return its secret, shown this once (the command line's way; the rules are
    `tokens.api_token_create`'s)."""
    return tokens.api_token_create(actor=actor, user_id=user.pk, name=name, days=days).secret


def _require_administrator(actor: Actor | Any) -> None:
    if not (getattr(actor, "is_authenticated", False) and actor.can(Capability.ADMIN_SITE)):
        raise PermissionDenied(_("Your role does not allow this."))


@transaction.atomic
def user_role_change(*, actor: Actor | Any, user_id: int, role: str) -> User:
    """Give a member of staff another role (administrators; never their own): the admin site's flags follow the role,
    and whether the new role reads personal data is recorded with the change."""
    _require_administrator(actor)
    if getattr(actor, "pk", None) == user_id:
        raise PermissionDenied(_("Nobody may change their own role: ask another administrator."), code="own_role")
    user = User.objects.select_for_update().filter(pk=user_id).first()
    if user is None:
        raise NotFound(_("No such user."))
    before, after = user.role, Role(role)
    user.role = after
    user.is_staff = user.is_superuser = role_can(after, Capability.ADMIN_SITE)
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    audit.record(actor=actor, action="user.role_change", entity_type="accounts.user", entity_id=user.pk,
                 changes={"username": user.username, "from": str(before), "to": after.value,
                          "personal_data": role_reads_personal_data(after)})
    return user


@transaction.atomic
def user_sessions_end(*, actor: Actor | Any, user_id: int) -> int:
    """End every session of a member of staff (administrators): each one signed in so far stops verifying at once,
    and the session rows found for the user are deleted. API tokens are left alone. Returns the rows deleted."""
    _require_administrator(actor)
    if not User.objects.filter(pk=user_id).update(session_generation=F("session_generation") + 1):
        raise NotFound(_("No such user."))
    # The session store keeps no user column: the live sessions are read once, a chunk at a time.
    live = Session.objects.filter(expire_date__gt=timezone.now()).only("session_key", "session_data")
    keys = [s.session_key for s in live.iterator(chunk_size=2000) if s.get_decoded().get(SESSION_KEY) == str(user_id)]
    deleted, _rows = Session.objects.filter(session_key__in=keys).delete()
    audit.record(actor=actor, action="user.sessions_end", entity_type="accounts.user", entity_id=user_id,
                 changes={"sessions": deleted})
    return deleted
