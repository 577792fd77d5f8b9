"""A data steward decides "same person" on a pair whose records the importer made into two persons, in the review
queue, in Georgian and in English: the two become one (the SSA person, with both records and the job seeker's case);
the person page says who was merged and by whom, the merged person's page leads there, and the steward unmerges:
both persons are back as they were."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from sakme.linkage.models import CandidatePair, LinkageModel
from sakme.registry.models import ImportBatch, Person, PersonMerge, SourceRecord, SourceSystem
from sakme.tests.factories import open_case, person, sign_in
from tests.browser.pages import in_language, serious_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _pair() -> tuple[CandidatePair, Person, Person]:
    """Worknet's job seeker (TB-2, a case) and the SSA registry's person (TB-1), one pair waiting for review."""
    records = []
    made = []
    for code, unit in (("worknet", "TB-2"), ("ssa", "TB-1")):
        source = SourceSystem.objects.get(code=code)
        who = person(unit=unit, given="თამარ", family="ჯაფარიძე")
        Person.objects.filter(pk=who.pk).update(primary_source=source)
        batch = ImportBatch.objects.create(source=source, file_name=f"{code}.csv", file_sha256="0" * 64,
                                           status=ImportBatch.Status.SUCCEEDED)
        records.append(SourceRecord.objects.create(source=source, key=f"K-{code}", person=who, batch=batch, row=2,
                                                   given_name="თამარ", family_name="ჯაფარიძე"))
        made.append(who)
    open_case(unit="TB-2", who=made[0])
    model = LinkageModel.objects.create(scope="ssa+worknet", version=1, link_type="link_only", prior=1e-5,
                                        upper_threshold=0.99, lower_threshold=0.5, trained_at=timezone.now())
    pair = CandidatePair.objects.create(record_a=records[0], record_b=records[1], model=model, probability=0.8,
                                        match_weight=2.1, status=CandidatePair.Status.REVIEW, value=0.4)
    return pair, made[1], made[0]


@pytest.mark.parametrize("language", ["ka", "en"])
def test_a_steward_merges_two_persons_from_the_queue_and_unmerges_them(page, live_server, staff, language):
    pair, ssa, worknet = _pair()
    # The steward's session, second factor passed, handed to the browser (as in linkage's review test), in `language`.
    client = sign_in(Client(), staff["data_steward"])
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url},
                              {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page.goto(f"{live_server.url}/linkage/review/", timeout=60_000)  # its figures load the linkage libraries
    page.click("#start-review")
    page.wait_for_load_state("load")
    expect(page.locator("#pair h1 .muted")).to_have_text(f"#{pair.pk}")
    page.keyboard.press("a")  # same person
    expect(page.locator("#merged")).to_be_visible()
    merge = PersonMerge.objects.get()
    assert (merge.survivor_id, merge.merged_id, merge.pair_id) == (ssa.pk, worknet.pk, pair.pk)

    with page.expect_navigation():
        page.click("#merged a")
    assert page.url.endswith(f"/registry/persons/{ssa.pk}/")
    row = page.locator(f"#merge-{merge.pk}")
    expect(row).to_contain_text(f"#{worknet.pk}")
    expect(row).to_contain_text("data_steward")
    # The page's language (the merge section's own words are Georgian once /tmp/tr/merging.po is in the catalogue).
    assert in_language(page.locator("#h-person").inner_text(), language)
    assert serious_violations(page) == []
    assert set(SourceRecord.objects.filter(person=ssa).values_list("key", flat=True)) == {"K-ssa", "K-worknet"}

    page.goto(f"{live_server.url}/registry/persons/{worknet.pk}/")  # the merged person's page leads here
    assert page.url.endswith(f"/registry/persons/{ssa.pk}/")
    expect(page.locator(".messages")).to_contain_text(f"{worknet.pk}")

    with page.expect_navigation():
        page.click(f"#unmerge-{merge.pk}")
    expect(page.locator(".messages")).to_contain_text(f"{worknet.pk}")
    expect(page.locator(f"#unmerge-{merge.pk}")).to_have_count(0)  # undone: said, no button
    assert Person.objects.get(pk=worknet.pk).merged_into_id is None
    assert list(SourceRecord.objects.filter(person=worknet).values_list("key", flat=True)) == ["K-worknet"]
    assert worknet.job_seeker.cases.exists()
    page.goto(f"{live_server.url}/registry/persons/{worknet.pk}/")  # a person of their own again
    assert page.url.endswith(f"/registry/persons/{worknet.pk}/")
    expect(page.locator("h1")).to_contain_text("ჯაფარიძე" if language == "ka" else "Japaridze")
