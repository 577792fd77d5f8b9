"""What the browser tests share: signing in through the login page in a language, and telling the page's language."""

from __future__ import annotations

import re
from pathlib import Path

from sakme.tests.factories import PASSWORD

GEORGIAN = re.compile("[\u10d0-\u10ff]")


def in_language(text: str, language: str) -> bool:
    """Georgian pages speak Georgian; English pages have no Georgian but names."""
    return bool(GEORGIAN.search(text)) if language == "ka" else not GEORGIAN.search(text)


def sign_in(page, server, username: str, language: str, password: str = PASSWORD) -> None:
    """Sign in on the login page, having chosen its language first, and land on the home page."""
    page.context.clear_cookies()
    page.goto(f"{server.url}/accounts/login/")
    if page.locator("html").get_attribute("lang") != language:
        with page.expect_navigation():
            page.select_option("#language", language)
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit]")
    page.wait_for_url(f"{server.url}/")


AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page (evaluated through the browser's protocol, which the
    page's content security policy does not apply to)."""
    page.evaluate(AXE.read_text())
    found = page.evaluate("async () => (await axe.run(document)).violations"
                          ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                          ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(', '))")
    return list(found)
