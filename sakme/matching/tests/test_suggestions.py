"""Suggestions on the case and vacancy pages and in the API: the fitting one first, its reasons in words, only what
can be acted on, scope and access events as everywhere."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AccessEvent, AccessKind
from sakme.casework import services as casework
from sakme.casework.models import Referral
from sakme.common.errors import NotFound
from sakme.employment import services as employment
from sakme.geo.models import TerritorialUnit
from sakme.matching import selectors
from sakme.tests.factories import open_case, sign_in, version

DAY = dt.date(2026, 11, 2)


def in_services(case):
    casework.session_record(actor=SYSTEM, case_id=case.pk, held_on=DAY)
    for action in ("assess", "agree_plan", "start_services"):
        if action == "agree_plan":
            casework.plan_write(actor=SYSTEM, case_id=case.pk, goals="Work", actions=[
                {"description": "Apply", "due_on": DAY}], expected_version=version(case))
        casework.case_transition(actor=SYSTEM, case_id=case.pk, action=action, expected_version=version(case))
    return case


@pytest.fixture
def vacancies(staff):
    unit = TerritorialUnit.objects.get(code="TB-1")
    employer = employment.employer_register(actor=SYSTEM, tax_id="204567890", name="შპს ელექტრო", unit_id=unit.pk)

    def open_one(code, title, skills, municipality="tbilisi", **fields):
        return employment.vacancy_open(actor=SYSTEM, employer_id=employer.pk, occupation_code=code, title=title,
                                       municipality_code=municipality, opened_on=DAY, required_skills=skills,
                                       **fields)

    return {
        "electrician": open_one("7411", "Building electrician", "wiring, safety rules, reading drawings",
                                required_education="3"),
        "fitter": open_one("7412", "Electrical fitter", "wiring, soldering"),
        "cook": open_one("5120", "Cook", "cooking, hygiene"),
        "far": open_one("7411", "Electrician (Batumi)", "wiring, safety rules, reading drawings",
                        municipality="batumi"),
    }


@pytest.fixture
def electrician(staff):
    return open_case(occupations=["7411"], skills="Wiring; safety rules", education="3")


def test_the_case_gets_the_vacancy_of_its_occupation_and_skills_first_with_reasons(staff, vacancies, electrician):
    found = selectors.vacancies_for_case(user=staff["counsellor"], case_id=electrician.pk)
    assert [s.vacancy.pk for s in found][:2] == [vacancies["electrician"].pk, vacancies["far"].pk]
    assert found[-1].vacancy.pk == vacancies["cook"].pk
    words = [r.text for r in found[0].reasons]
    assert words[:3] == ["same occupation 7411", "2 of 3 skills", "missing: reading drawings"]
    assert "same municipality" in words and "education fits" in words
    far = [r.text for r in found[1].reasons]
    assert any(w.endswith("km away") and int(w.split()[0]) > 250 for w in far), far  # Tbilisi to Batumi
    assert found[2].reasons[0].text == "related occupation (group 741)"


def test_a_vacancy_referred_to_is_not_suggested_again(staff, vacancies, electrician):
    in_services(electrician)
    casework.referral_create(actor=SYSTEM, case_id=electrician.pk, kind=Referral.Kind.VACANCY, referred_on=DAY,
                             vacancy_id=vacancies["electrician"].pk, consent=True)
    found = selectors.vacancies_for_case(user=staff["counsellor"], case_id=electrician.pk)
    assert vacancies["electrician"].pk not in [s.vacancy.pk for s in found]


def test_suggestions_keep_to_the_users_units_and_log_the_view(staff, vacancies, electrician):
    other = open_case(unit="KA-TEL", occupations=["7411"])
    with pytest.raises(NotFound):
        selectors.vacancies_for_case(user=staff["counsellor"], case_id=other.pk)
    selectors.vacancies_for_case(user=staff["counsellor"], case_id=electrician.pk, context="/x")
    assert AccessEvent.objects.filter(actor=staff["counsellor"], person_id=electrician.job_seeker.person_id,
                                      kind=AccessKind.VIEW).exists()


def test_the_vacancy_gets_its_candidates_in_services_best_first_and_lists_them(staff, vacancies, electrician):
    in_services(electrician)
    cook = in_services(open_case(occupations=["5120"], skills="cooking"))
    open_case(occupations=["7411"], skills="wiring")  # registered, not in services: not a candidate yet
    found = selectors.candidates_for_vacancy(user=staff["employer_relations"], vacancy_id=vacancies["electrician"].pk)
    assert [s.case.pk for s in found] == [electrician.pk, cook.pk]
    listed = AccessEvent.objects.filter(actor=staff["employer_relations"], kind=AccessKind.LISTED)
    assert set(listed.values_list("person_id", flat=True)) == {electrician.job_seeker.person_id,
                                                               cook.job_seeker.person_id}


def test_the_panels_show_the_reasons_and_refer_through_casework(staff, vacancies, electrician):
    client = sign_in(Client(), staff["counsellor"])
    url = reverse("matching:case_vacancies", args=[electrician.pk])
    before = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "same occupation 7411" in before and "Refer</button>" not in before  # no referral before services
    in_services(electrician)
    panel = client.get(url, HTTP_HX_REQUEST="true")
    text = panel.content.decode()
    assert panel.status_code == 200 and "2 of 3 skills" in text and "Refer</button>" in text
    assert "<html" not in text  # the fragment only
    posted = client.post(reverse("casework:referral_add", args=[electrician.pk]), {
        "r-kind": "vacancy", "r-vacancy": vacancies["electrician"].pk, "r-referred_on": dt.date.today().isoformat(),
        "r-consent": "on"})
    assert posted.status_code == 302
    assert Referral.objects.filter(case=electrician, vacancy=vacancies["electrician"]).exists()
    case_page = client.get(reverse("casework:case", args=[electrician.pk])).content.decode()
    assert reverse("matching:case_vacancies", args=[electrician.pk]) in case_page


def test_the_api_gives_the_same_suggestions_with_codes_and_words(staff, vacancies, electrician):
    client = sign_in(Client(), staff["counsellor"])
    body = client.get(f"/api/v1/cases/{electrician.pk}/suggested-vacancies", {"limit": 2}).json()
    assert [s["vacancy_id"] for s in body] == [vacancies["electrician"].pk, vacancies["far"].pk]
    first = body[0]["reasons"][0]
    assert first == {"code": "occupation_unit", "params": {"code": "7411"}, "good": True,
                     "text": "same occupation 7411"}
    ka = client.get(f"/api/v1/cases/{electrician.pk}/suggested-vacancies", HTTP_ACCEPT_LANGUAGE="ka").json()
    assert ka[0]["reasons"][0]["text"] != "same occupation 7411" and "7411" in ka[0]["reasons"][0]["text"]
    assert client.get(f"/api/v1/vacancies/{vacancies['cook'].pk}/suggested-candidates").status_code == 403
    employer_side = sign_in(Client(), staff["employer_relations"])
    assert employer_side.get("/api/v1/vacancies/999999/suggested-candidates").status_code == 404
    assert employer_side.get(f"/api/v1/vacancies/{vacancies['cook'].pk}/suggested-candidates").json() == []
