"""/api/v1/docs: Swagger UI from the vendored bundle renders the operations under the CSP, for signed-in users."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sakme.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_signed_in_user_browses_the_api_documentation(page, live_server, staff):
    # A refused script or a request to a CDN shows up only here: the page would just stay blank.
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith((live_server.url, "data:"))
            else outside.append(request.url))

    page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_url(f"{live_server.url}/accounts/login/?next=/api/v1/docs")  # not signed in: the login page
    page.fill("input[name=username]", "unit_head")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation(url=f"{live_server.url}/api/v1/docs"):
        page.click("form button[type=submit]")

    operation = page.locator(".opblock-get:has([data-path='/api/v1/cases'])")
    operation.first.wait_for()
    assert page.locator(".opblock").count() >= 20
    operation.first.locator(".opblock-summary").click()  # opens, with its parameters and responses
    page.locator(".opblock-body .parameters").first.wait_for()

    # "Try it out" calls the API with the page's session (connect-src 'self').
    units = page.locator(".opblock-get:has([data-path='/api/v1/units'])")
    units.locator(".opblock-summary").click()
    units.locator("button.try-out__btn").click()
    units.locator("button.execute").click()
    expect(units.locator(".live-responses-table tbody .response-col_status")).to_have_text("200")
    assert errors == []
    assert outside == []
