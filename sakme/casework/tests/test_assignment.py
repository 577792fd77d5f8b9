"""Giving a case to a counsellor: the unit head gives any case of the unit; a counsellor takes an unassigned one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sakme.accounts.roles import Role
from sakme.audit.models import AuditEvent
from sakme.casework import selectors, services
from sakme.casework.models import CaseEvent
from sakme.common.errors import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from sakme.employment import services as employment
from sakme.geo.models import TerritorialUnit
from sakme.tests.factories import UserFactory, person, post, sign_in, version

DAY = dt.date(2025, 3, 3)


@pytest.fixture
def case(staff):
    seeker = employment.job_seeker_register(actor=staff["counsellor"], person=person(),
                                            unit=TerritorialUnit.objects.get(code="TB-1"), registered_on=DAY)
    return services.case_open(actor=staff["counsellor"], job_seeker_id=seeker.pk, opened_on=DAY)


@pytest.fixture
def colleague(staff):
    return post(UserFactory(username="colleague", role=Role.COUNSELLOR, first_name="Ana", last_name="Lomidze"),
                unit="TB-1")


def test_the_unit_head_gives_a_case_to_a_counsellor_of_the_unit(staff, case, colleague):
    assert set(selectors.counsellors_of_unit(case.unit_id)) == {colleague, staff["counsellor"]}
    given = services.case_assign(actor=staff["unit_head"], case_id=case.pk, counsellor_id=colleague.pk,
                                 expected_version=case.version)
    assert given.counsellor == colleague and given.version == case.version + 1
    assert CaseEvent.objects.filter(case=case, action="assign", by=staff["unit_head"]).exists()
    event = AuditEvent.objects.get(action="case.assign", entity_id=str(case.pk))
    assert event.changes == {"counsellor": [staff["counsellor"].pk, colleague.pk]}


def test_a_stale_assignment_is_refused(staff, case, colleague):
    services.case_assign(actor=staff["unit_head"], case_id=case.pk, counsellor_id=colleague.pk,
                         expected_version=version(case))
    with pytest.raises(ConcurrentEdit):
        services.case_assign(actor=staff["unit_head"], case_id=case.pk, counsellor_id=staff["counsellor"].pk,
                             expected_version=case.version)


def test_only_counsellors_of_the_cases_unit(staff, case):
    elsewhere = post(UserFactory(username="far", role=Role.COUNSELLOR), unit="KA-TEL")
    with pytest.raises(DomainError, match="Choose a counsellor posted to this case's unit"):
        services.case_assign(actor=staff["unit_head"], case_id=case.pk, counsellor_id=elsewhere.pk,
                             expected_version=version(case))
    with pytest.raises(DomainError, match="Choose a counsellor posted to this case's unit"):
        services.case_assign(actor=staff["unit_head"], case_id=case.pk, counsellor_id=staff["employer_relations"].pk,
                             expected_version=version(case))


def test_a_counsellor_takes_an_unassigned_case_but_not_a_colleagues(staff, case, colleague):
    with pytest.raises(PermissionDenied):  # the case is the counsellor's own: not for a colleague to take
        services.case_assign(actor=colleague, case_id=case.pk, counsellor_id=colleague.pk,
                             expected_version=version(case))
    with pytest.raises(PermissionDenied):  # nor to hand to someone else
        services.case_assign(actor=staff["counsellor"], case_id=case.pk, counsellor_id=colleague.pk,
                             expected_version=version(case))
    case.counsellor = None
    case.save(update_fields=["counsellor"])
    taken = services.case_assign(actor=colleague, case_id=case.pk, counsellor_id=colleague.pk,
                                 expected_version=version(case))
    assert taken.counsellor == colleague


def test_a_transferred_case_waits_for_a_counsellor_of_the_receiving_unit(staff, case):
    successor = services.case_transfer(actor=staff["counsellor"], case_id=case.pk,
                                       to_unit_id=TerritorialUnit.objects.get(code="KA-TEL").pk,
                                       reason="moved to Telavi", expected_version=version(case))
    assert successor.counsellor is None
    there = post(UserFactory(username="telavi", role=Role.COUNSELLOR), unit="KA-TEL")
    assert services.case_assign(actor=there, case_id=successor.pk, counsellor_id=there.pk,
                                expected_version=version(successor)).counsellor == there
    # The sending unit's head has no say any more: to them the other unit's case does not exist.
    with pytest.raises(NotFound):
        services.case_assign(actor=staff["unit_head"], case_id=successor.pk, counsellor_id=there.pk,
                             expected_version=version(successor))


def test_the_unit_head_assigns_from_the_case_page(staff, case, colleague):
    client = sign_in(Client(), staff["unit_head"])
    url = reverse("casework:assign", args=[case.pk])
    response = client.post(url, {"counsellor": colleague.pk, "version": case.version}, follow=True)
    case.refresh_from_db()
    assert case.counsellor == colleague
    shown = response.content.decode()
    assert "The case is now with Ana Lomidze." in shown
    assert f'<option value="{colleague.pk}" selected>Ana Lomidze</option>' in shown
    stale = client.post(url, {"counsellor": staff["counsellor"].pk, "version": case.version - 1}, follow=True)
    case.refresh_from_db()
    assert case.counsellor == colleague and "Someone else changed this case" in stale.content.decode()
    assert 'data-error-code="concurrent_edit"' in stale.content.decode()


def test_the_case_page_offers_what_the_user_may_do(staff, case, colleague):
    page = sign_in(Client(), staff["unit_head"]).get(reverse("casework:case", args=[case.pk])).content.decode()
    assert 'name="counsellor" id="assign-counsellor"' in page and "Ana Lomidze" in page
    own = sign_in(Client(), staff["counsellor"]).get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "assign-counsellor" not in own and "Take the case" not in own
    case.counsellor = None
    case.save(update_fields=["counsellor"])
    free = sign_in(Client(), colleague).get(reverse("casework:case", args=[case.pk])).content.decode()
    assert "Take the case" in free


def test_the_receiving_unit_sees_what_the_sending_unit_had_done(staff, case):
    services.session_record(actor=staff["counsellor"], case_id=case.pk, held_on=DAY, notes="Wants to cook")
    services.plan_write(actor=staff["counsellor"], case_id=case.pk, goals="A job as a cook in Telavi", actions=[],
                        expected_version=version(case))
    successor = services.case_transfer(actor=staff["counsellor"], case_id=case.pk,
                                       to_unit_id=TerritorialUnit.objects.get(code="KA-TEL").pk,
                                       reason="moved to Telavi", expected_version=version(case))
    there = sign_in(Client(), post(UserFactory(username="telavi", role=Role.COUNSELLOR), unit="KA-TEL"))
    page = there.get(reverse("casework:case", args=[successor.pk])).content.decode()
    assert "Before the transfer" in page and "moved to Telavi" in page
    assert "A job as a cook in Telavi" in page and "Wants to cook" in page
    assert there.get(reverse("casework:case", args=[case.pk])).status_code == 404  # the old case stays theirs
