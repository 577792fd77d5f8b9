"""A counsellor types in a paper satisfaction survey for a past counselling session, in Georgian and in English, from
the list of surveys waiting; the unit head then finds it in the results, with the comment the person agreed to."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from sakme.accounts.actors import SYSTEM
from sakme.surveys.models import Response
from sakme.surveys.services import surveys_load
from sakme.surveys.tests.make import session
from tests.browser.pages import in_language, serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
COMMENT = "კონსულტანტი ძალიან ყურადღებიანი იყო."


@pytest.mark.parametrize("language", ["ka", "en"])
def test_a_paper_survey_typed_in_and_seen_in_the_results(page, live_server, staff, language):
    surveys_load(actor=SYSTEM)
    held = session(given="ლევან")
    sign_in(page, live_server, "counsellor", language)
    page.goto(f"{live_server.url}/surveys/pending/")
    row = page.locator("tbody tr", has_text="Levan" if language == "en" else "ლევან")
    expect(row).to_have_count(1)
    assert in_language(page.locator("h1").inner_text(), language)
    with page.expect_navigation():
        row.locator("a").click()
    assert page.url.endswith(f"/surveys/record/counselling_session/{held.pk}/")
    assert serious_violations(page) == []
    first = page.locator("fieldset.question").first
    assert in_language(first.locator("legend").inner_text(), language)  # the page's language ...
    other = "en" if language == "ka" else "ka"
    assert in_language(first.locator(f"p[lang={other}]").inner_text(), other)  # ... the other beside it
    page.check("input[name=q_overall][value='4']")
    page.check("input[name=q_wait_acceptable][value=yes]")
    page.check("input[name=q_explained_clearly][value=yes]")
    # Not answered yet: the form comes back saying which question, and keeps what was typed.
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    expect(page.locator("main form .errorlist")).to_contain_text("4")
    assert page.locator("input[name=q_overall][value='4']").is_checked()
    page.check("input[name=q_recommend][value=yes]")
    page.check("input[name=consent_to_comment]")
    page.fill("textarea[name=comment]", COMMENT)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    expect(page.locator(".messages li.success")).to_be_visible()
    assert page.url == f"{live_server.url}/surveys/pending/"
    expect(page.locator("tbody tr", has_text="Levan" if language == "en" else "ლევან")).to_have_count(0)
    response = Response.objects.get()
    assert response.answers == {"overall": 4, "wait_acceptable": True, "explained_clearly": True, "recommend": True}
    assert response.comment == COMMENT and response.entered_by == staff["counsellor"]

    sign_in(page, live_server, "unit_head", language)
    page.goto(f"{live_server.url}/surveys/")
    section = page.locator("section[data-service=counselling_session]")
    expect(section.locator("[data-answers]")).to_have_text("1")
    expect(section.locator("tr[data-unit=TB-1] td[data-question=overall]")).to_contain_text("4")
    expect(section.locator(".badge.few").first).to_be_visible()  # one answer: few
    expect(page.locator("section[aria-labelledby=h-comments] td.comment")).to_have_text(COMMENT)
    assert "Levan" not in page.content() and "ლევან" not in page.content()  # figures and comments, no names
    assert in_language(page.locator("h1").inner_text(), language)
    assert serious_violations(page) == []
