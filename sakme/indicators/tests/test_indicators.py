"""Indicators computed from the records: 2.1 from the rollout, delays from cases, snapshots that stay as computed,
the same figures on the command line, in the API and on the pages."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AccessEvent
from sakme.casework.services import session_record
from sakme.common.errors import DomainError, PermissionDenied
from sakme.geo.models import TerritorialUnit
from sakme.indicators import selectors
from sakme.indicators.models import Definition, Level, Report, Run
from sakme.indicators.services import indicators_compute
from sakme.tests.factories import open_case, sign_in

pytestmark = pytest.mark.django_db


def show(code: str, year: int) -> str:
    out = io.StringIO()
    call_command("indicators", "show", code, "--year", str(year), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_2_1_from_the_reference_data_alone(territory):
    assert "2.1 2017: 15/70 (21.4 %) target not met" in show("2.1", 2017)
    assert "2.1 2019: 21/70 (30.0 %) target met" in show("2.1", 2019)
    assert Run.objects.count() == 2  # each year computed once, then read from its snapshot
    assert "21/70" in show("2.1", 2019) and Run.objects.count() == 2


def test_2_1_by_region_as_the_seed_report_gives_it(territory):
    run = indicators_compute(actor=SYSTEM, year_from=2017, year_to=2019, as_of=dt.date(2020, 1, 15))
    definition = Definition.objects.get(code="2.1")

    def by_region(year: int) -> dict[str, float]:
        rows = selectors.values(run=run, definition=definition, level=Level.REGION, year=year)
        return {v.region.code: v.numerator for v in rows if v.numerator}
    assert by_region(2017) == {"TB": 5, "KA": 3, "IM": 4, "SZ": 3}
    assert by_region(2019) == {"TB": 5, "KA": 4, "IM": 7, "SZ": 4, "GU": 1}
    november = selectors.value_get(run=run, definition=definition, year=2019, month=11)
    december = selectors.value_get(run=run, definition=definition, year=2019, month=12)
    assert (november.numerator, december.numerator) == (15, 21)  # the six joined on 1 December 2019


def test_a_delay_median_and_the_share_past_the_service_level(staff):
    monday = dt.date(2024, 3, 4)
    for days_to_session in (1, 3, 9):  # working days; the default service level is 5
        case = open_case(unit="TB-1", opened_on=monday)
        session_record(actor=SYSTEM, case_id=case.pk, held_on=monday + dt.timedelta(days=days_to_session))
    open_case(unit="TB-1", opened_on=monday)  # still waiting, long past the deadline by the time of computing
    run = indicators_compute(actor=SYSTEM, year_from=2024, year_to=2024, as_of=dt.date(2024, 6, 30))
    median = selectors.value_get(run=run, definition=Definition.objects.get(code="delay.first_session.median"),
                                 year=2024, month=3, level=Level.UNIT,
                                 unit_id=TerritorialUnit.objects.get(code="TB-1").pk)
    assert median.value == 3 and median.numerator == 3  # 1, 3, 7 working days (9 days is 7 working days)
    late = selectors.value_get(run=run, definition=Definition.objects.get(code="delay.first_session.late"),
                               year=2024)
    assert (late.numerator, late.denominator) == (2, 4)  # the 7-day one and the one still waiting


def test_a_snapshot_stays_and_a_recomputation_shows_what_changed(staff):
    case = open_case(unit="TB-1", opened_on=dt.date(2024, 3, 4))
    first = indicators_compute(actor=SYSTEM, year_from=2024, year_to=2024, as_of=dt.date(2024, 6, 30))
    session_record(actor=SYSTEM, case_id=case.pk, held_on=dt.date(2024, 3, 6))
    second = indicators_compute(actor=SYSTEM, year_from=2024, year_to=2024, as_of=dt.date(2024, 6, 30))
    late = Definition.objects.get(code="delay.first_session.late")
    assert selectors.value_get(run=first, definition=late, year=2024).value == 100
    assert selectors.value_get(run=second, definition=late, year=2024).value == 0
    changes = selectors.run_changes(run=second, before=first)
    assert any(c.definition.code == "delay.first_session.late" and (c.before, c.after) == (100, 0) for c in changes)


def test_only_analysts_compute_and_years_are_checked(staff):
    with pytest.raises(PermissionDenied):
        indicators_compute(actor=staff["unit_head"])
    with pytest.raises(DomainError) as refused:
        indicators_compute(actor=staff["analyst"], year_from=2020, year_to=2019)
    assert refused.value.code == "indicator_years"


def test_the_api_and_the_dashboard_give_the_command_line_figure(client, staff):
    indicators_compute(actor=SYSTEM, year_from=2019, year_to=2019, as_of=dt.date(2019, 12, 31))
    sign_in(client, staff["analyst"])
    body = client.get("/api/v1/indicators/2.1/values", {"year": 2019}).json()
    assert body["values"][0]["text"] == "21/70 (30.0 %)" and body["values"][0]["target_met"] is True
    regions = client.get("/api/v1/indicators/2.1/values", {"year": 2019, "level": "region"}).json()["values"]
    assert {v["region"]: v["numerator"] for v in regions}["IM"] == 7
    page = client.get("/indicators/", {"year": 2019}).content.decode()
    assert 'data-figure="2.1">21/70 (30.0 %)' in page
    assert "✓ target met" in page
    definitions = client.get("/api/v1/indicators").json()
    assert {"2.1", "delay.plan.p90", "linkage_rate"} <= {d["code"] for d in definitions}


def test_downloads_hold_the_page_figures(client, staff):
    indicators_compute(actor=SYSTEM, year_from=2019, year_to=2019, as_of=dt.date(2019, 12, 31))
    sign_in(client, staff["analyst"])
    csv = client.get("/indicators/i/2.1/compared.csv", {"year": 2019}).content.decode("utf-8-sig")
    assert "Imereti,2019,7,13,53.846" in csv
    xlsx = client.get("/indicators/i/2.1/months.xlsx", {"year": 2019})
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0] == ("Area", "Period", "Numerator", "Denominator", "Value")
    assert rows[-1][1:4] == ("2019-12", 21, 70)


def test_unit_heads_see_their_unit_and_records_by_name_analysts_by_pseudonym(client, staff):
    case = open_case(unit="TB-1", opened_on=dt.date(2024, 3, 4))
    open_case(unit="IM-KUT", opened_on=dt.date(2024, 3, 4))
    indicators_compute(actor=SYSTEM, year_from=2024, year_to=2024, as_of=dt.date(2024, 6, 30))
    sign_in(client, staff["unit_head"])
    page = client.get("/indicators/", {"year": 2024}).content.decode()
    assert "TB-1" in page
    assert client.get("/indicators/", {"year": 2024, "area": "unit:IM-KUT"}).status_code == 404
    url = "/indicators/i/delay.first_session.late/records/"
    named = client.get(url, {"year": 2024, "unit": "TB-1"}).content.decode()
    assert case.job_seeker.person.full_name in named
    assert client.get(url, {"year": 2024, "unit": "IM-KUT"}).status_code == 404
    assert AccessEvent.objects.filter(actor=staff["unit_head"], person_id=case.job_seeker.person_id).exists()
    sign_in(client, staff["analyst"])
    api = client.get("/api/v1/indicators/delay.first_session.late/records", {"year": 2024}).json()
    assert api["total"] == 2 and all(row[0].startswith("P-") for row in api["rows"])
    assert case.job_seeker.person.full_name not in str(api)


def test_the_dashboard_button_writes_the_report_in_the_background(client, staff, settings, tmp_path,
                                                                   django_capture_on_commit_callbacks):
    settings.VAR_DIR = tmp_path
    sign_in(client, staff["analyst"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/indicators/reports/new/", {"year": 2019, "language": "en", "format": "docx"})
    assert answer.status_code == 302 and answer["Location"] == "/indicators/reports/"
    report = Report.objects.get(by=staff["analyst"])  # the worker ran at once in the tests
    assert (report.status, report.progress) == (Report.Status.DONE, 100)
    listed = client.get("/indicators/reports/").content.decode()
    assert f"/indicators/reports/{report.pk}/file/" in listed
    made = client.get(f"/indicators/reports/{report.pk}/file/")
    assert made.status_code == 200 and made["Content-Disposition"].endswith('.docx"')
    api = client.get(f"/api/v1/indicators-reports/{report.pk}").json()
    assert (api["status"], api["progress"]) == ("done", 100)
    refused = client.post("/indicators/reports/new/", {"year": 1999, "language": "en", "format": "docx"},
                          follow=True)
    assert [m.tags.split()[0] for m in refused.context["messages"]] == ["report_year"]
    sign_in(client, staff["unit_head"])
    assert client.get(f"/indicators/reports/{report.pk}/file/").status_code == 403


def test_the_headline_figures_download_as_on_the_dashboard(client, staff):
    indicators_compute(actor=SYSTEM, year_from=2019, year_to=2019, as_of=dt.date(2019, 12, 31))
    sign_in(client, staff["analyst"])
    body = client.get("/indicators/i/2.1/headline.xlsx", {"year": 2019}).content
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert rows[0][0] == "Indicator" and rows[0][-1] == "Target met"
    first = rows[1]
    assert first[0].startswith("2.1 ") and first[1:6] == ("Georgia", "2019", 21, 70, 30.0) and first[-1] == "yes"
