"""The reference territory and the rollout of the New Employment Service Model (indicator 2.1)."""

from __future__ import annotations

import datetime as dt

from sakme.accounts.actors import SYSTEM
from sakme.geo.models import Municipality, Region, TerritorialUnit, Training
from sakme.geo.selectors import units_with_model_on
from sakme.geo.services import territory_load


def test_seventy_units_in_sixty_four_municipalities(territory):
    assert TerritorialUnit.objects.count() == 70
    assert Municipality.objects.count() == 64 and Region.objects.count() == 11
    assert TerritorialUnit.objects.filter(kind="tbilisi_centre").count() == 5
    assert Training.objects.filter(date__year=2019).count() == 6


def test_indicator_baseline_2017_and_target_met_2019(territory):
    baseline = units_with_model_on(date=dt.date(2017, 12, 31))
    assert baseline.count() == 15
    by_region = {r: baseline.filter(region__code=r).count() for r in ("TB", "KA", "IM", "SZ")}
    assert by_region == {"TB": 5, "KA": 3, "IM": 4, "SZ": 3}
    end_2019 = units_with_model_on(date=dt.date(2019, 12, 31))
    assert end_2019.count() == 21  # 30 % of 70: the target
    added = set(end_2019.values_list("name_en", flat=True)) - set(baseline.values_list("name_en", flat=True))
    assert {name.split()[0] for name in added} == {"Akhmeta", "Tskaltubo", "Tkibuli", "Sachkhere", "Martvili",
                                                  "Ozurgeti"}


def test_loading_twice_changes_nothing(territory):
    before = list(TerritorialUnit.objects.order_by("code").values_list("code", "name_ka", "municipality__code"))
    territory_load(actor=SYSTEM)
    after = list(TerritorialUnit.objects.order_by("code").values_list("code", "name_ka", "municipality__code"))
    assert before == after and len(after) == 70


def test_unit_list_page_runs_a_constant_number_of_queries(staff):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from sakme.tests.factories import sign_in

    counsellor, steward = sign_in(Client(), staff["counsellor"]), sign_in(Client(), staff["data_steward"])
    with CaptureQueriesContext(connection) as one_unit:
        assert counsellor.get("/geo/units/").content.decode().count("<tr>") == 2
    with CaptureQueriesContext(connection) as all_units:
        assert steward.get("/geo/units/").content.decode().count("<tr>") == 71
    # The counsellor's scope costs one query (their posts) that the nationwide steward does not need.
    assert len(all_units) == len(one_unit) - 1


def test_admin_changes_to_reference_data_are_audited(staff):
    from django.test import Client

    from sakme.audit.models import AuditEvent
    from sakme.tests.factories import sign_in

    unit = TerritorialUnit.objects.get(code="KA-AKH")
    client = sign_in(Client(), staff["administrator"])
    url = f"/admin/geo/territorialunit/{unit.pk}/change/"
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data.update({"name_en": "Akhmeta service centre", "is_active": "on"})
    assert client.post(url, {k: ("" if v is None else v) for k, v in data.items()}).status_code == 302
    event = AuditEvent.objects.get(action="admin.change", entity_type="geo.territorialunit")
    assert event.actor == staff["administrator"] and event.changes == {"name_en": "Akhmeta service centre"}
