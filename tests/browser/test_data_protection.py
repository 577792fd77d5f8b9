"""A counsellor opens a walk-in from another unit by breaking the glass, and exports the unit's caseload; the
data-protection officer sees the opening."""

from __future__ import annotations

import pytest
from django.test import Client

from sakme.audit.models import AccessEvent
from sakme.exports.models import Export
from sakme.tests.factories import open_case, person
from sakme.tests.factories import sign_in as sign_in_client
from tests.browser.test_registry_pages import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_break_the_glass_and_export(page, live_server, staff):
    walk_in = person(given="ეკა", family="ლომიძე", unit="KA-TEL", personal_number="35001012345")
    open_case(unit="TB-1")
    sign_in(page, live_server, "counsellor")
    page.goto(f"{live_server.url}/registry/persons/")
    page.click("text=A person of another unit?")
    page.fill("main input[name=personal_number]", "35001012345")
    page.fill("main input[name=reason]", "she came to our office from Telavi")
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/registry/persons/{walk_in.pk}/")
    assert "35001012345" not in page.content()
    assert AccessEvent.objects.filter(person_id=walk_in.pk, kind="emergency").count() == 1

    page.click("header >> text=Exports")
    page.click("main button[type=submit]")
    page.locator("main a:text-is('Download')").wait_for()
    with page.expect_download() as download:
        page.click("main a:text-is('Download')")
    assert download.value.suggested_filename.startswith("caseload-") and Export.objects.get().rows == 1

    # The officer's session, second factor passed, handed to the browser.
    officer = sign_in_client(Client(), staff["data_protection_officer"])
    page.context.clear_cookies()
    page.context.add_cookies([{"name": "sessionid", "value": officer.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/")
    page.click("header >> text=Openings from outside")
    assert "she came to our office from Telavi" in page.locator("main table").inner_text()
