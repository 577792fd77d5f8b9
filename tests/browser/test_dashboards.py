"""The indicator dashboards in Chromium: the figure on the page is the API's; on the demo data every role's
dashboard and an indicator's page render in both languages with no console error and no serious or critical
accessibility violation (axe-core); the downloads open in openpyxl with the page's numbers."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from sakme.accounts.actors import SYSTEM
from sakme.indicators.services import indicators_compute
from tests.browser.pages import GEORGIAN, serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _one_factor(settings):
    """As in the demo: analysts sign in without the second factor (its pages are tested in accounts)."""
    settings.SAKME_OTP_REQUIRED_ROLES = []


def test_the_dashboard_shows_the_api_figure(page, live_server, staff):
    indicators_compute(actor=SYSTEM, year_from=2017, year_to=2019, as_of=dt.date(2019, 12, 31))
    sign_in(page, live_server, "analyst", "en")
    page.goto(f"{live_server.url}/indicators/?year=2019")
    shown = page.locator(".kpi [data-figure='2.1']").inner_text()
    api = page.request.get(f"{live_server.url}/api/v1/indicators/2.1/values?year=2019").json()
    assert shown == api["values"][0]["text"] == "21/70 (30.0 %)"
    page.goto(f"{live_server.url}/indicators/?year=2017")
    api = page.request.get(f"{live_server.url}/api/v1/indicators/2.1/values?year=2017").json()
    assert page.locator(".kpi [data-figure='2.1']").inner_text() == api["values"][0]["text"] == "15/70 (21.4 %)"


@pytest.fixture
def demo(territory, settings, tmp_path):
    """The demo as `make demo` loads it (smaller), with its users' passwords."""
    settings.VAR_DIR = tmp_path
    call_command("demo", "load", "--persons", "1500", "--cases", "500", "--seed", "5", stdout=io.StringIO())
    return json.loads((tmp_path / "demo" / "credentials.json").read_text())


@pytest.mark.parametrize("language", ["ka", "en"])
def test_every_dashboard_renders_cleanly_on_the_demo_data(page, live_server, demo, language):
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    for role in ("analyst", "regional_coordinator", "unit_head"):
        sign_in(page, live_server, role, language, password=demo[role])
        for path in ("/indicators/", "/indicators/i/placements/", "/indicators/i/delay.first_session.late/"):
            response = page.goto(f"{live_server.url}{path}")
            assert response.status == 200, (role, path)
            assert page.locator("svg[role=img]").count() >= 1, (role, path)
            assert bool(GEORGIAN.search(page.locator("h1").inner_text())) == (language == "ka"), (role, path)
            assert serious_violations(page) == [], (role, path, language)
    assert errors == []


def test_downloads_hold_the_numbers_of_the_page(page, live_server, demo):
    sign_in(page, live_server, "analyst", "en", password=demo["analyst"])
    year = dt.date.today().year
    page.goto(f"{live_server.url}/indicators/i/placements/?year={year}")
    shown = {cell.get_attribute("data-figure").split(":")[1]: cell.text_content()
             for cell in page.locator("td[data-figure^='placements:']").all()}
    body = page.request.get(f"{live_server.url}/indicators/i/placements/compared.xlsx?year={year}").body()
    rows = list(load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))[1:]
    assert rows and len(rows) == len([k for k in shown if not k.isdigit()])
    by_area = {row[0]: row[2] for row in rows}
    assert sum(by_area.values()) == sum(float(v) for k, v in shown.items() if not k.isdigit())
