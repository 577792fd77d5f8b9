"""Factories for tests: real rows through the real models (no mocks of our own components)."""

from __future__ import annotations

import datetime as dt
import itertools

import factory
from django.db.models import Model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from sakme.accounts.actors import SYSTEM
from sakme.accounts.models import User
from sakme.accounts.roles import Capability, Role, role_can
from sakme.casework import services as casework
from sakme.casework.models import Case
from sakme.common.georgian import fold, romanize
from sakme.employment import services as employment
from sakme.employment.models import JobSeeker
from sakme.geo.models import Municipality, Region, StaffPost, TerritorialUnit
from sakme.registry import name_keys, personal_numbers
from sakme.registry.models import ImportBatch, Person, SourceRecord, SourceSystem

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


def post(user: User, *, unit: str | None = None, region: str | None = None,
         municipality: str | None = None) -> User:
    StaffPost.objects.create(
        user=user,
        unit=TerritorialUnit.objects.get(code=unit) if unit else None,
        region=Region.objects.get(code=region) if region else None,
        municipality=Municipality.objects.get(code=municipality) if municipality else None,
    )
    return user


def staff_of_every_role() -> dict[str, User]:
    """One user per role: the unit's staff posted to TB-1, the regional coordinator to Imereti, the nationwide
    roles to no unit (their scope is the country)."""
    posts = {Role.COUNSELLOR: {"unit": "TB-1"}, Role.EMPLOYER_RELATIONS: {"unit": "TB-1"},
             Role.UNIT_HEAD: {"unit": "TB-1"}, Role.REGIONAL_COORDINATOR: {"region": "IM"},
             Role.ASSISTANCE_SPECIALIST: {"unit": "TB-1"}, Role.SOCIAL_AGENT: {"unit": "TB-1"},
             Role.MUNICIPAL_SOCIAL_WORKER: {"municipality": "tbilisi"}}
    users = {}
    for role in Role:
        administers = role_can(role, Capability.ADMIN_SITE)
        user = UserFactory(username=role.value, role=role, is_staff=administers, is_superuser=administers)
        if role in posts:
            post(user, **posts[role])
        users[role.value] = user
    return users


def person(*, given: str = "ნინო", family: str = "ბერიძე", unit: str = "TB-1", birth: dt.date | None = None,
           personal_number: str | None = None, **extra: object) -> Person:
    """A person as an import would have written it (keys folded, Latin derived)."""
    unit_obj = TerritorialUnit.objects.get(code=unit)
    created = Person(
        given_name_ka=given, family_name_ka=family, given_name_lat=romanize(given), family_name_lat=romanize(family),
        given_key=fold(given), family_key=fold(family), birth_date=birth or dt.date(1990, 5, 17),
        sex=extra.pop("sex", "F"), unit=unit_obj, municipality=unit_obj.municipality,
        primary_source=SourceSystem.objects.get(code="ssa"), **extra,
    )
    created.personal_number_set(personal_number or f"{next(_numbers):011d}")
    created.save()
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


def job_seeker(*, unit: str = "TB-1", registered_on: dt.date | None = None, who: Person | None = None,
               **profile: object) -> JobSeeker:
    """A registered job seeker (through the registration service, as the system)."""
    return employment.job_seeker_register(actor=SYSTEM, person=who or person(unit=unit),
                                          unit=TerritorialUnit.objects.get(code=unit),
                                          registered_on=registered_on or dt.date.today(), **profile)


def open_case(*, unit: str = "TB-1", counsellor: User | None = None, opened_on: dt.date | None = None,
              who: Person | None = None, **profile: object) -> Case:
    """A new case of a new job seeker at `unit` (through the services, as the system)."""
    seeker = job_seeker(unit=unit, registered_on=opened_on, who=who, **profile)
    return casework.case_open(actor=SYSTEM, job_seeker_id=seeker.pk, opened_on=opened_on,
                              counsellor_id=counsellor.pk if counsellor else None)


def version(case: Case) -> int:
    """The case's version as a page read now would show it."""
    return Case.objects.values_list("version", flat=True).get(pk=case.pk)


def row_version(record: Model) -> int:
    """A versioned record's version (a job seeker, a referral, a follow-up, ...) as a page read now would show it."""
    return type(record)._default_manager.values_list("version", flat=True).get(pk=record.pk)


def import_batches(n: int, *, by: User, source: str = "ssa") -> None:
    """`n` import batches of a source, as a data steward's uploads leave them (for the lists' query counts)."""
    origin = SourceSystem.objects.get(code=source)
    ImportBatch.objects.bulk_create(ImportBatch(source=origin, file_name=f"f{i}.csv", file_sha256="0" * 64,
                                                created_by=by) for i in range(n))


def number_of(holder: Person | SourceRecord) -> str | None:
    """The whole personal number a person or source record holds (tests read it as the reveal would)."""
    sealed = holder.personal_number_sealed
    return personal_numbers.unseal(sealed) if sealed else None


def by_number(number: str) -> Person:
    """The person holding a whole personal number (found by its keyed hash, as search and imports find it)."""
    return Person.objects.get(personal_number_digest=personal_numbers.digest(number))
