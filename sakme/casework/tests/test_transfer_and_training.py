"""Transfer of a case between units, and training programmes: the list, one programme, referrals to it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AccessEvent, AuditEvent
from sakme.casework import services
from sakme.casework.models import Case, Outcome, Referral, State
from sakme.common.errors import DomainError
from sakme.employment import services as employment
from sakme.employment.models import JobSeeker, TrainingIntake, TrainingProgramme, TrainingProvider
from sakme.geo.models import Municipality, TerritorialUnit
from sakme.tests.factories import UserFactory, person, post, row_version, sign_in, version

TODAY = dt.date.today()


def _case(unit: str = "TB-1", state: str = State.REGISTERED) -> Case:
    seeker = employment.job_seeker_register(actor=SYSTEM, person=person(unit=unit), registered_on=TODAY,
                                            unit=TerritorialUnit.objects.get(code=unit))
    case = services.case_open(actor=SYSTEM, job_seeker_id=seeker.pk, opened_on=TODAY)
    if state != State.REGISTERED:
        Case.objects.filter(pk=case.pk).update(state=state)
        case.refresh_from_db()
    return case


@pytest.fixture
def counsellor(staff):
    return sign_in(Client(), staff["counsellor"])


def test_transfer_moves_the_case_and_the_profile_to_the_receiving_unit(staff, counsellor):
    case = _case(state=State.ASSESSED)
    url = reverse("casework:transfer", args=[case.pk])
    page = counsellor.get(url).content.decode()
    batumi = TerritorialUnit.objects.get(code="AJ-BAT")
    assert f'<option value="{batumi.pk}"' in page and f'<option value="{case.unit_id}"' not in page  # not to itself
    refused = counsellor.post(url, {"version": case.version, "to_unit": batumi.pk, "reason": "  "}).content.decode()
    assert "This field is required" in refused or "Say why" in refused
    response = counsellor.post(url, {"version": case.version, "to_unit": batumi.pk, "reason": "moved to Batumi"})
    assert response.status_code == 302 and response["Location"] == reverse("casework:case", args=[case.pk])

    case.refresh_from_db()
    assert (case.state, case.outcome) == (State.CLOSED, Outcome.TRANSFERRED)
    successor = Case.objects.get(transferred_from=case)
    assert successor.unit == batumi and successor.state == State.ASSESSED
    assert JobSeeker.objects.get(pk=case.job_seeker_id).unit == batumi
    event = AuditEvent.objects.get(action="case.transfer", entity_id=str(case.pk))
    assert event.actor == staff["counsellor"] and event.changes["reason"] == "moved to Batumi"

    # The sending unit no longer sees the case nor edits the profile; the receiving unit does both.
    assert counsellor.get(reverse("casework:case", args=[successor.pk])).status_code == 404
    assert counsellor.get(reverse("employment:job_seeker", args=[case.job_seeker_id])).status_code == 404
    receiving = sign_in(Client(), post(UserFactory(role="counsellor"), unit="AJ-BAT"))
    assert receiving.get(reverse("casework:case", args=[successor.pk])).status_code == 200
    assert f"/cases/{successor.pk}/" in receiving.get(reverse("casework:list")).content.decode()
    assert receiving.get(reverse("employment:job_seeker", args=[case.job_seeker_id])).status_code == 200


def test_transfer_refusals(staff, counsellor):
    case = _case()
    url = reverse("casework:transfer", args=[case.pk])
    own = case.unit_id
    batumi = TerritorialUnit.objects.get(code="AJ-BAT")
    stale = counsellor.post(url, {"version": case.version + 1, "to_unit": batumi.pk, "reason": "moved"})
    assert "Someone else changed this case" in stale.content.decode()
    with pytest.raises(DomainError, match="another unit"):
        services.case_transfer(actor=staff["counsellor"], case_id=case.pk, to_unit_id=own, reason="x",
                               expected_version=version(case))
    assert sign_in(Client(), staff["employer_relations"]).get(url).status_code == 403
    other = _case(unit="KA-TEL")
    assert counsellor.get(reverse("casework:transfer", args=[other.pk])).status_code == 404
    closed = _case(state=State.CLOSED)
    assert counsellor.get(reverse("casework:transfer", args=[closed.pk])).status_code == 302
    assert Case.objects.filter(transferred_from__isnull=False).count() == 0


def _programme(title: str = "Welding", code: str = "7212", capacity: int = 2, municipality: str = "tbilisi",
               close_in: int | None = 10) -> TrainingProgramme:
    provider, _created = TrainingProvider.objects.get_or_create(
        tax_id=f"4{municipality[:8]:0<8}"[:9], defaults={
            "name": f"College {municipality}", "municipality": Municipality.objects.get(code=municipality)})
    programme = TrainingProgramme.objects.create(provider=provider, occupation_id=code, title=title,
                                                 duration_weeks=12, capacity=capacity)
    if close_in is not None:
        TrainingIntake.objects.create(programme=programme, applications_close_on=TODAY + dt.timedelta(close_in),
                                      starts_on=TODAY + dt.timedelta(close_in + 5))
    return programme


def test_referral_to_a_programme_takes_a_place_until_the_intake_is_full(staff):
    programme = _programme(capacity=2)
    cases = [_case(state=State.IN_SERVICES) for _ in range(3)]
    for case in cases[:2]:
        services.referral_create(actor=staff["counsellor"], case_id=case.pk, kind=Referral.Kind.TRAINING,
                                 programme_id=programme.pk, referred_on=TODAY)
    with pytest.raises(DomainError, match="full"):
        services.referral_create(actor=staff["counsellor"], case_id=cases[2].pk, kind=Referral.Kind.TRAINING,
                                 programme_id=programme.pk, referred_on=TODAY)
    with pytest.raises(DomainError, match="already referred"):
        services.referral_create(actor=staff["counsellor"], case_id=cases[0].pk, kind=Referral.Kind.TRAINING,
                                 programme_id=programme.pk, referred_on=TODAY)
    first = Referral.objects.get(case=cases[0])
    services.referral_decide(actor=staff["counsellor"], case_id=cases[0].pk, referral_id=first.pk, status="no_show",
                             decided_on=TODAY, expected_version=row_version(first))
    services.referral_create(actor=staff["counsellor"], case_id=cases[2].pk, kind=Referral.Kind.TRAINING,
                             programme_id=programme.pk, referred_on=TODAY)  # the no-show gave the place back
    with pytest.raises(DomainError, match="Choose the training programme"):
        services.referral_create(actor=staff["counsellor"], case_id=cases[0].pk, kind=Referral.Kind.TRAINING,
                                 referred_on=TODAY)
    closed = _programme(title="Closed", close_in=-3)
    with pytest.raises(DomainError, match="not announced"):
        services.referral_create(actor=staff["counsellor"], case_id=cases[0].pk, kind=Referral.Kind.TRAINING,
                                 programme_id=closed.pk, referred_on=TODAY)


def test_from_a_case_find_a_programme_and_refer(staff, counsellor):
    case = _case(state=State.IN_SERVICES)
    programme = _programme()
    case_page = counsellor.get(reverse("casework:case", args=[case.pk])).content.decode()
    assert f"/cases/programmes/?case={case.pk}" in case_page
    listing = counsellor.get(reverse("casework:programmes"), {"case": case.pk, "intake_open": "on"}).content.decode()
    assert "Welding" in listing and f"Refer {case.job_seeker.person.full_name}" in listing
    detail = counsellor.get(reverse("casework:programme", args=[programme.pk]), {"case": case.pk}).content.decode()
    assert "2 places left" in detail
    response = counsellor.post(reverse("casework:referral_add", args=[case.pk]), {
        "r-kind": "training", "r-programme": programme.pk, "r-referred_on": TODAY.isoformat()}, follow=True)
    assert "Referral recorded" in response.content.decode()
    detail = counsellor.get(reverse("casework:programme", args=[programme.pk]), {"case": case.pk}).content.decode()
    assert "Already referred" in detail and case.job_seeker.person.full_name in detail
    assert AccessEvent.objects.filter(person_id=case.job_seeker.person_id, kind="listed").exists()


def test_programme_list_filters(counsellor, staff):
    _programme(title="Welding", code="7212", municipality="tbilisi")
    _programme(title="Cooking", code="5120", municipality="rustavi", close_in=None)
    _programme(title="Bakery", code="7512", municipality="rustavi", close_in=-1)
    url = reverse("casework:programmes")

    def titles(**params: str) -> list[str]:
        page = counsellor.get(url, params).content.decode()
        return sorted(t for t in ("Welding", "Cooking", "Bakery") if f">{t}</a>" in page)

    assert titles() == ["Bakery", "Cooking", "Welding"]
    assert titles(occupation="72") == ["Welding"]
    assert titles(occupation="cooking") == ["Cooking"]  # the programme's title
    assert titles(occupation="cook") == ["Bakery", "Cooking"]  # 7512 is "bakers, pastry-cooks and ..."
    assert titles(occupation="შემდუღებ") == ["Welding"]
    assert titles(municipality="rustavi") == ["Bakery", "Cooking"]
    assert titles(intake_open="on") == ["Welding"]
    assert sign_in(Client(), staff["employer_relations"]).get(url).status_code == 200
    assert sign_in(Client(), staff["analyst"]).get(url).status_code == 403


def test_programme_list_runs_a_constant_number_of_queries(staff, counsellor):
    case = _case(state=State.IN_SERVICES)
    url = reverse("casework:programmes")
    _programme(title="P0")
    with CaptureQueriesContext(connection) as few:
        counsellor.get(url, {"case": case.pk})
    for n in range(1, 8):
        programme = _programme(title=f"P{n}", capacity=5)
        TrainingIntake.objects.create(programme=programme, applications_close_on=TODAY - dt.timedelta(30),
                                      starts_on=TODAY - dt.timedelta(20))
        services.referral_create(actor=SYSTEM, case_id=_case(state=State.IN_SERVICES).pk, kind=Referral.Kind.TRAINING,
                                 programme_id=programme.pk, referred_on=TODAY)
    with CaptureQueriesContext(connection) as many:
        page = counsellor.get(url, {"case": case.pk}).content.decode()
    assert len(re.findall(r'href="/cases/programmes/\d+/', page)) == 8
    assert "4 / 5" in page  # places left in the open intake after one referral
    assert len(many) == len(few)
