"""Staff accounts: creation and two-factor devices. Each service writes its audit event."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from sakme.accounts.models import ApiToken, User
from sakme.accounts.roles import Capability, Role, role_can
from sakme.audit import services as audit


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
def api_token_create(*, actor: Any, user: User, name: str) -> str:
    """Create an API token for a user and return it (the only time it is visible)."""
    token = ApiToken.generate()
    record = ApiToken.objects.create(user=user, name=name, digest=ApiToken.hash(token))
    audit.record(actor=actor, action="api_token.create", entity_type="accounts.apitoken", entity_id=record.pk,
                 changes={"user": user.username, "name": name})
    return token
