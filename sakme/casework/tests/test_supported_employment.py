"""Supported employment: the pathway of a job seeker with a disability, through the services, the case page and the
API (a job coach of the unit, adaptations agreed with the employer, coaching before and after the placement)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from sakme.accounts.actors import SYSTEM
from sakme.accounts.roles import Role
from sakme.audit.models import AccessEvent, AuditEvent
from sakme.casework import services
from sakme.casework.models import Case, CoachingContact, SupportedEmployment, WorkplaceAdaptation
from sakme.common.errors import ConcurrentEdit, DomainError, NotFound, PermissionDenied
from sakme.employment import services as employment
from sakme.tests.factories import UserFactory, open_case, person, post, sign_in, version

TODAY = dt.date.today()


def _in_services(case: Case) -> Case:
    services.session_record(actor=SYSTEM, case_id=case.pk, held_on=TODAY)
    for action in ("assess", "agree_plan", "start_services"):
        if action == "agree_plan":
            services.plan_write(actor=SYSTEM, case_id=case.pk, goals="Work in a bakery", expected_version=version(case),
                                actions=[{"description": "Visit the bakery", "due_on": TODAY}])
        services.case_transition(actor=SYSTEM, case_id=case.pk, action=action, expected_version=version(case))
    return Case.objects.get(pk=case.pk)


@pytest.fixture
def case(staff) -> Case:
    return _in_services(open_case(who=person(disability_status="significant"), counsellor=staff["counsellor"]))


def test_the_pathway_from_start_to_the_follow_up_after_placement(staff, case):
    counsellor = staff["counsellor"]
    pathway = services.supported_employment_start(actor=counsellor, case_id=case.pk, job_coach_id=counsellor.pk,
                                                  needs="Written instructions; a quiet corner",
                                                  expected_version=version(case))
    assert pathway.job_coach == counsellor and pathway.started_on == TODAY
    ramp = services.adaptation_record(actor=counsellor, case_id=case.pk, description="Step-free entrance")
    assert ramp.status == WorkplaceAdaptation.Status.PROPOSED
    services.coaching_record(actor=counsellor, case_id=case.pk, kind="preparation", held_on=TODAY,
                             hours=Decimal("2"))
    with pytest.raises(DomainError) as refused:  # no placement yet
        services.coaching_record(actor=counsellor, case_id=case.pk, kind="after_placement", held_on=TODAY,
                                 hours=Decimal("1"))
    assert refused.value.code == "not_placed_yet"
    services.adaptation_record(actor=counsellor, case_id=case.pk, adaptation_id=ramp.pk, status="in_place",
                               expected_version=ramp.version)
    with pytest.raises(ConcurrentEdit):  # the same change from a page read before it
        services.adaptation_record(actor=counsellor, case_id=case.pk, adaptation_id=ramp.pk, status="agreed",
                                   expected_version=ramp.version)
    # The placement, then the coach follows the person up at work.
    bakery = employment.employer_register(actor=SYSTEM, tax_id="204000009", name="Bakery", unit_id=case.unit_id)
    services.placement_record(actor=counsellor, case_id=case.pk, started_on=TODAY, employer_id=bakery.pk)
    services.coaching_record(actor=counsellor, case_id=case.pk, kind="after_placement", held_on=TODAY,
                             hours=Decimal("1.5"), notes="Settling in well")
    assert list(CoachingContact.objects.filter(pathway=pathway).values_list("kind", flat=True).order_by("pk")) == [
        "preparation", "after_placement"]
    assert WorkplaceAdaptation.objects.get(pk=ramp.pk).status == "in_place"
    actions = set(AuditEvent.objects.filter(entity_id=str(case.pk)).values_list("action", flat=True))
    assert {"supported_employment.start", "supported_employment.adaptation",
            "supported_employment.coaching"} <= actions


def test_refusals(staff, case):
    counsellor = staff["counsellor"]
    plain = _in_services(open_case(counsellor=counsellor))
    with pytest.raises(DomainError) as refused:
        services.supported_employment_start(actor=counsellor, case_id=plain.pk, needs="",
                                            expected_version=version(plain))
    assert refused.value.code == "no_disability_recorded"
    elsewhere = post(UserFactory(role=Role.COUNSELLOR), unit="TB-2")
    with pytest.raises(DomainError) as refused:
        services.supported_employment_start(actor=counsellor, case_id=case.pk, needs="", job_coach_id=elsewhere.pk,
                                            expected_version=version(case))
    assert refused.value.code == "coach_not_of_unit"
    with pytest.raises(DomainError) as refused:
        services.adaptation_record(actor=counsellor, case_id=case.pk, description="Ramp")
    assert refused.value.code == "pathway_not_started"
    with pytest.raises(PermissionDenied):  # employer relations serve employers, not the pathway
        services.supported_employment_start(actor=staff["employer_relations"], case_id=case.pk, needs="",
                                            expected_version=version(case))
    with pytest.raises(NotFound):  # a case of another unit does not exist for this counsellor
        services.supported_employment_start(actor=elsewhere, case_id=case.pk, needs="", expected_version=version(case))
    services.supported_employment_start(actor=counsellor, case_id=case.pk, needs="", expected_version=version(case))
    with pytest.raises(DomainError) as refused:
        services.supported_employment_start(actor=counsellor, case_id=case.pk, needs="", expected_version=version(case))
    assert refused.value.code == "pathway_started"
    with pytest.raises(DomainError) as refused:
        services.coaching_record(actor=counsellor, case_id=case.pk, kind="preparation", held_on=TODAY,
                                 hours=Decimal("30"))
    assert refused.value.code == "invalid"


def test_on_the_case_page(staff, case):
    client = sign_in(Client(), staff["counsellor"])
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Supported employment" in page and "Start the pathway" in page
    response = client.post(f"/cases/{case.pk}/supported-employment/", {
        "job_coach": staff["counsellor"].pk, "needs": "Short shifts", "version": version(case)})
    assert response.status_code == 302
    pathway = SupportedEmployment.objects.get(case=case)
    assert pathway.needs == "Short shifts" and pathway.job_coach == staff["counsellor"]
    client.post(f"/cases/{case.pk}/supported-employment/adaptations/", {"description": "Screen reader",
                                                                        "status": "agreed"})
    client.post(f"/cases/{case.pk}/supported-employment/coaching/", {"kind": "on_the_job", "held_on": TODAY,
                                                                     "hours": "3", "notes": "First day"})
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "Screen reader" in page and "agreed with the employer" in page and "First day" in page
    head_view = sign_in(Client(), staff["unit_head"]).get(f"/cases/{case.pk}/")
    assert "Screen reader" in head_view.content.decode()


def test_over_the_api(staff, case):
    client = sign_in(Client(), staff["counsellor"])
    assert client.get(f"/api/v1/cases/{case.pk}/supported-employment").json()["code"] == "not_found"
    started = client.post(f"/api/v1/cases/{case.pk}/supported-employment",
                          {"needs": "A mentor", "expected_version": version(case)}, content_type="application/json")
    assert started.status_code == 200 and started.json()["needs"] == "A mentor"
    added = client.post(f"/api/v1/cases/{case.pk}/supported-employment/adaptations", {"description": "Ramp"},
                        content_type="application/json").json()
    moved = client.post(f"/api/v1/cases/{case.pk}/supported-employment/adaptations/{added['id']}",
                        {"status": "in_place", "expected_version": added["version"]}, content_type="application/json")
    assert moved.json()["status"] == "in_place"
    stale = client.post(f"/api/v1/cases/{case.pk}/supported-employment/adaptations/{added['id']}",
                        {"status": "agreed", "expected_version": added["version"]}, content_type="application/json")
    assert stale.status_code == 409 and stale.json()["code"] == "concurrent_edit"
    shown = client.get(f"/api/v1/cases/{case.pk}/supported-employment").json()
    assert [a["status"] for a in shown["adaptations"]] == ["in_place"]
    assert AccessEvent.objects.filter(actor=staff["counsellor"], person_id=case.job_seeker.person_id,
                                      kind="api").exists()
