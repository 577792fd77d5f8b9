"""The counsellor's pages: register from the registry, work the case through forms (their query counts:
test_query_counts)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AccessEvent, AccessKind
from sakme.casework import services
from sakme.casework.models import Case, State
from sakme.employment import services as employment
from sakme.employment.models import JobSeeker
from sakme.geo.models import TerritorialUnit
from sakme.tests.factories import open_case, person, sign_in, version

TODAY = dt.date.today()


@pytest.fixture
def counsellor(staff):
    return sign_in(Client(), staff["counsellor"])


def test_register_prefills_from_the_registry_and_opens_the_case(staff, counsellor):
    nino = person(given="ნინო", family="ბერიძე", phone="599123456")
    page = counsellor.get(reverse("casework:register", args=[nino.pk])).content.decode()
    assert "599123456" in page and nino.personal_number_masked in page  # shown (masked), not asked again
    response = counsellor.post(reverse("casework:register", args=[nino.pk]), {
        "registered_on": TODAY.isoformat(), "education": "3", "occupations": ["5120"], "availability": "full_time",
        "consent_data_processing": "on"})
    case = Case.objects.get(job_seeker__person=nino)
    assert response["Location"] == reverse("casework:case", args=[case.pk])
    assert case.counsellor == staff["counsellor"] and case.unit.code == "TB-1"
    assert list(JobSeeker.objects.get(person=nino).occupations_sought.values_list("code", flat=True)) == ["5120"]


def test_working_a_case_through_the_forms(staff, counsellor):
    seeker = employment.job_seeker_register(actor=SYSTEM, person=person(), registered_on=TODAY,
                                            unit=TerritorialUnit.objects.get(code="TB-1"))
    case = services.case_open(actor=staff["counsellor"], job_seeker_id=seeker.pk)
    url = reverse("casework:case", args=[case.pk])

    def act(action, **data):
        seen = Case.objects.get(pk=case.pk).version
        payload = {f"{action}-version": seen, **{f"{action}-{k}": v for k, v in data.items()}}
        return counsellor.post(reverse("casework:transition", args=[case.pk, action]), payload,
                               follow=True).content.decode()

    assert "first counselling session" in act("assess")  # refused, and told why
    counsellor.post(reverse("casework:session_add", args=[case.pk]), {"s-kind": "counselling",
                                                                     "s-held_on": TODAY.isoformat()})
    act("assess")
    counsellor.post(reverse("casework:plan_add", args=[case.pk]), {
        "plan-goals": "Work as a cook", "plan-version": version(case), "a-TOTAL_FORMS": "3", "a-INITIAL_FORMS": "0",
        "a-0-description": "Group session on CVs", "a-0-due_on": TODAY.isoformat(), "a-0-responsible": "job_seeker",
        "a-1-responsible": "job_seeker", "a-2-responsible": "job_seeker"})
    act("agree_plan")
    page = act("start_services")
    assert Case.objects.get(pk=case.pk).state == State.IN_SERVICES
    assert "Group session on CVs" in page and "Work as a cook" in page
    stale = counsellor.post(reverse("casework:transition", args=[case.pk, "end_early"]),
                            {"end_early-version": 1, "end_early-outcome": "withdrawn"}, follow=True).content.decode()
    assert "Someone else changed this case" in stale and 'data-error-code="concurrent_edit"' in stale
    assert counsellor.get(url).status_code == 200


def _cases(n: int, counsellor_user) -> None:
    unit = TerritorialUnit.objects.get(code="TB-1")
    for _ in range(n):
        seeker = employment.job_seeker_register(actor=SYSTEM, person=person(), registered_on=TODAY - dt.timedelta(40),
                                                unit=unit)
        case = services.case_open(actor=counsellor_user, job_seeker_id=seeker.pk, opened_on=TODAY - dt.timedelta(40))
        services.session_record(actor=SYSTEM, case_id=case.pk, held_on=TODAY)
        services.case_transition(actor=SYSTEM, case_id=case.pk, action="assess", expected_version=version(case))


def test_unit_head_sees_the_caseload_and_what_is_late(staff):
    _cases(3, staff["counsellor"])
    page = sign_in(Client(), staff["unit_head"]).get(reverse("home")).content.decode()
    assert "Caseload" in page and "Late in the unit" in page
    assert page.count("agree the individual employment plan") == 3


def test_group_session_invites_from_the_counsellors_own_caseload_or_the_whole_unit(staff, counsellor):
    mine = open_case(who=person(given="ნინო"), counsellor=staff["counsellor"], opened_on=TODAY)
    theirs = open_case(who=person(given="ანა"), opened_on=TODAY)
    url = reverse("casework:group_session_new")
    own = counsellor.get(url).content.decode()
    assert f'value="{mine.pk}"' in own and f'value="{theirs.pk}"' not in own
    whole = counsellor.get(url, {"cases": "unit"}).content.decode()
    assert f'value="{mine.pk}"' in whole and f'value="{theirs.pk}"' in whole
    head = sign_in(Client(), staff["unit_head"]).get(url).content.decode()  # the unit head sees the whole unit
    assert f'value="{theirs.pk}"' in head
    response = counsellor.post(url, {"cases": "unit", "topic": "CV", "held_on": TODAY.isoformat(),
                                     "invited": [mine.pk, theirs.pk], "attended": [theirs.pk]})
    assert response.status_code == 302 and theirs.group_participations.filter(attended=True).count() == 1


def test_the_case_list_logs_whom_it_shows(staff):
    cases = [open_case(counsellor=staff["counsellor"]) for _ in range(2)]
    client = sign_in(Client(), staff["unit_head"])
    assert client.get("/cases/").status_code == 200
    shown = set(AccessEvent.objects.filter(actor=staff["unit_head"], kind=AccessKind.LISTED, context="/cases/")
                .values_list("person_id", flat=True))
    assert shown == {c.job_seeker.person_id for c in cases}
