"""Taking in a vacancy: the occupation is chosen with the ISCO-08 picker, not from a list of 436 options."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from sakme.accounts.actors import SYSTEM
from sakme.employment import services
from sakme.employment.models import Vacancy
from sakme.geo.models import Municipality, TerritorialUnit
from sakme.tests.factories import sign_in


def test_vacancy_intake_with_the_occupation_picker(staff):
    employer = services.employer_register(actor=SYSTEM, tax_id="204000001", name="Hotel",
                                          unit_id=TerritorialUnit.objects.get(code="TB-1").pk)
    client = sign_in(Client(), staff["employer_relations"])
    url = reverse("employment:employer", args=[employer.pk])
    page = client.get(url).content.decode()
    assert "data-picker-search" in page and page.count("<option") < 200
    data = {"title": "Cook", "municipality": Municipality.objects.get(code="tbilisi").pk, "positions": 1,
            "opened_on": "2025-03-03"}
    refused = client.post(url, {**data, "occupation": ["5120", "5131"]}).content.decode()
    assert "Choose one occupation" in refused and not Vacancy.objects.exists()
    assert client.post(url, {**data, "occupation": "51"}).status_code == 200 and not Vacancy.objects.exists()
    response = client.post(url, {**data, "occupation": "5120"})
    assert response.status_code == 302 and Vacancy.objects.get().occupation_id == "5120"
