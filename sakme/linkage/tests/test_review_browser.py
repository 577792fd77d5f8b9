"""A data steward settles ten pairs with the keyboard in Debian's Chromium; the links, the person pages and the
figures change accordingly."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client
from playwright.sync_api import expect

from sakme.accounts.actors import SYSTEM
from sakme.linkage import services
from sakme.linkage.models import CandidatePair, ClusterMember, LinkRun
from sakme.tests.factories import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PERSON_TEMPLATE = Path(__file__).resolve().parents[2] / "registry" / "templates" / "registry" / "person.html"


def test_a_steward_settles_ten_pairs_with_the_keyboard(page, live_server, both, generated, staff,
                                                       settings):
    # See test_review.reviewed: an upper threshold near a weight of 33 leaves some twenty true pairs for review; the
    # usual lower one keeps out the many unlikely pairs whose decision would be worth more (nearer 0.5).
    settings.SAKME_LINKAGE_UPPER = 0.9999999999
    settings.SAKME_LINKAGE_LOWER = 0.5
    run = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"])
    assert run.status == LinkRun.Status.SUCCEEDED, run.message
    truth = {tuple(line.split(",")) for line in generated["truth"].read_text().split()[1:]}
    before = services.link_evaluate(actor=SYSTEM, truth=generated["truth"]).figures["truth"]["links"]

    # The steward's session, second factor passed, handed to the browser.
    client = sign_in(Client(), staff["data_steward"])
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])
    page.goto(f"{live_server.url}/linkage/review/")
    expect(page.locator("#labels-count")).to_have_text("0")
    page.click("#start-review")
    page.wait_for_load_state("load")  # the scripts have run: keys now go through htmx

    decided: dict[int, str] = {}
    for _ in range(10):
        heading = page.locator("#pair h1 .muted")
        heading.wait_for()
        pair_id = int(heading.inner_text().lstrip("#"))
        pair = CandidatePair.objects.select_related("record_a__source", "record_b__source").get(pk=pair_id)
        keys = {pair.record_a.source.code: pair.record_a.key, pair.record_b.source.code: pair.record_b.key}
        same = (keys.get("ssa"), keys.get("worknet")) in truth
        page.keyboard.press("a" if same else "r")
        decided[pair_id] = "match" if same else "non_match"
        expect(page.locator("#saved")).to_be_visible()  # "Saved: ...", shown with the next pair
        expect(page.locator("#pair h1 .muted")).not_to_have_text(f"#{pair_id}")

    stored = dict(CandidatePair.objects.filter(pk__in=decided).values_list("pk", "decision"))
    assert stored == decided
    accepted = [pk for pk, d in decided.items() if d == "match"]
    assert accepted, "the ten most valuable pairs hold at least one true match"
    for pair in CandidatePair.objects.filter(pk__in=decided).select_related("record_a", "record_b"):
        a = ClusterMember.objects.filter(record=pair.record_a).values_list("cluster_id", flat=True).first()
        b = ClusterMember.objects.filter(record=pair.record_b).values_list("cluster_id", flat=True).first()
        assert (a is not None and a == b) == (pair.decision == "match")

    # The figures: the queue counts the labels, and the links gained the accepted pairs.
    page.goto(f"{live_server.url}/linkage/review/")
    expect(page.locator("#labels-count")).to_have_text("10")
    expect(page.locator("#count-accepted")).to_have_text(str(len(accepted)))
    after = services.link_evaluate(actor=SYSTEM, truth=generated["truth"]).figures["truth"]["links"]
    assert after["true_positives"] == before["true_positives"] + len(accepted)
    assert after["recall"] > before["recall"]

    # The person page of an accepted pair's record shows the other record as linked, once the registry's person
    # template includes the linkage tag (see the linkage issue's notes for the one line it takes).
    pair = next((p for p in CandidatePair.objects.filter(pk__in=accepted).select_related("record_a", "record_b")
                 if p.record_a.person_id != p.record_b.person_id), None)
    if pair is not None and "linked_records" in PERSON_TEMPLATE.read_text(encoding="utf-8"):
        page.goto(f"{live_server.url}/registry/persons/{pair.record_a.person_id}/")
        expect(page.locator("#linked-records")).to_contain_text(pair.record_b.key)
