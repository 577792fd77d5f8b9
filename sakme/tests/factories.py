"""Factories for tests: real rows through the real models (no mocks of our own components)."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sakme.accounts.models import User
from sakme.accounts.roles import Role
from sakme.common.georgian import fold, romanize
from sakme.geo.models import Region, StaffPost, TerritorialUnit
from sakme.registry import name_keys
from sakme.registry.models import Person, SourceSystem

PASSWORD = "correct-horse-battery"
_numbers = itertools.count(10_000_000_000)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.COUNSELLOR
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def post(user: User, *, unit: str | None = None, region: str | None = None) -> User:
    StaffPost.objects.create(
        user=user,
        unit=TerritorialUnit.objects.get(code=unit) if unit else None,
        region=Region.objects.get(code=region) if region else None,
    )
    return user


def staff_of_every_role() -> dict[str, User]:
    users = {}
    for role in Role:
        user = UserFactory(username=role.value, role=role, is_staff=role == Role.ADMINISTRATOR,
                           is_superuser=role == Role.ADMINISTRATOR)
        if role in (Role.COUNSELLOR, Role.EMPLOYER_RELATIONS, Role.UNIT_HEAD):
            post(user, unit="TB-1")
        elif role == Role.REGIONAL_COORDINATOR:
            post(user, region="IM")
        users[role.value] = user
    return users


def person(*, given: str = "ნინო", family: str = "ბერიძე", unit: str = "TB-1", birth: dt.date | None = None,
           personal_number: str | None = None, **extra: object) -> Person:
    """A person as an import would have written it (keys folded, Latin derived)."""
    unit_obj = TerritorialUnit.objects.get(code=unit)
    created = Person.objects.create(
        personal_number=personal_number or f"{next(_numbers):011d}",
        given_name_ka=given, family_name_ka=family, given_name_lat=romanize(given), family_name_lat=romanize(family),
        given_key=fold(given), family_key=fold(family), birth_date=birth or dt.date(1990, 5, 17), sex="F",
        unit=unit_obj, municipality=unit_obj.municipality,
        primary_source=SourceSystem.objects.get(code="ssa"), **extra,
    )
    name_keys.refresh()
    return created


def sign_in(client: Client, user: User) -> Client:
    """Sign a test client in as `user`, with the second factor passed (as the login page would)."""
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
        user=user, name="test", confirmed=True
    )
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client
