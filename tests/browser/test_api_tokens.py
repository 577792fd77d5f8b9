"""The "API tokens" page in a browser: sign in, make a token, see its secret once, revoke it."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from sakme.accounts.models import ApiToken
from sakme.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_counsellor_makes_a_token_sees_it_once_and_revokes_it(page, live_server, staff):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "counsellor")
    page.fill("input[name=password]", PASSWORD)
    with page.expect_navigation():
        page.click("form button[type=submit]")

    page.get_by_role("link", name="API tokens").click()
    page.wait_for_url(f"{live_server.url}/accounts/tokens/")
    expect(page.get_by_text("You have no API tokens.")).to_be_visible()
    page.fill("input[name=name]", "nightly export")
    page.fill("input[name=days]", "7")
    page.get_by_role("button", name="Make the token").click()

    secret = page.locator("[data-secret]").inner_text()
    assert re.fullmatch(r"sk_[\w-]{20,}", secret)
    assert ApiToken.objects.get(name="nightly export").digest == ApiToken.hash(secret)
    row = page.locator("tr", has_text="nightly export")
    expect(row).to_contain_text("live")

    page.goto(f"{live_server.url}/accounts/tokens/")  # shown once: not on the page again
    assert secret not in page.content()
    page.locator("tr", has_text="nightly export").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("The token “nightly export” is revoked.")).to_be_visible()
    expect(page.locator("tr", has_text="nightly export")).to_contain_text("revoked")
    assert ApiToken.objects.get(name="nightly export").revoked_at is not None
    assert errors == []
