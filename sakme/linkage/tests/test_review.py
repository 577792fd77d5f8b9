"""Clerical review: the queue, a pair side by side, decisions that change the links, the labels and the figures."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from sakme.accounts.actors import SYSTEM
from sakme.audit.models import AuditEvent
from sakme.common.errors import ConcurrentEdit, PermissionDenied
from sakme.linkage import selectors, services
from sakme.linkage.models import CandidatePair, ClusterMember, LinkRun
from sakme.tests.factories import sign_in


@pytest.fixture
def reviewed(both, settings):
    """A run whose thresholds leave some twenty pairs for review: on 3,000 persons almost every true pair has a
    match weight above 35, so only an upper threshold near a weight of 33 leaves the steward some work."""
    settings.SAKME_LINKAGE_UPPER = 0.9999999999
    settings.SAKME_LINKAGE_LOWER = 0.0001
    run = services.link_run(actor=SYSTEM, sources=["ssa", "worknet"])
    assert run.status == LinkRun.Status.SUCCEEDED, run.message
    return run


def test_decisions_change_the_links_the_labels_and_the_figures(reviewed, generated, staff):
    steward = staff["data_steward"]
    truth = generated["truth"]
    before = services.link_evaluate(actor=steward, truth=truth).figures
    queue = selectors.review_queue_for_user(steward).pairs
    assert len(queue) >= 10, len(queue)
    assert [p.value for p in queue] == sorted((p.value for p in queue), reverse=True)
    truth_keys = {tuple(line.split(",")) for line in truth.read_text().split()[1:]}

    def is_true(pair: CandidatePair) -> bool:
        keys = {pair.record_a.source.code: pair.record_a.key, pair.record_b.source.code: pair.record_b.key}
        return (keys.get("ssa"), keys.get("worknet")) in truth_keys

    match = next(p for p in queue if is_true(p))
    services.pair_decide(actor=steward, pair_id=match.pk, decision="match", seen_decision="")
    match.refresh_from_db()
    assert (match.status, match.decision, match.decided_by) == ("accepted", "match", steward)
    assert ClusterMember.objects.get(record=match.record_a).cluster_id == \
        ClusterMember.objects.get(record=match.record_b).cluster_id
    # Someone who saw the pair undecided cannot overwrite the decision silently.
    with pytest.raises(ConcurrentEdit):
        services.pair_decide(actor=steward, pair_id=match.pk, decision="non_match", seen_decision="")

    auto = CandidatePair.objects.filter(status="auto_accepted").select_related("record_a__source", "record_b__source")
    wrong = next(p for p in auto if is_true(p))  # a steward rejecting a true link: the figures must say so
    services.pair_decide(actor=steward, pair_id=wrong.pk, decision="non_match")
    assert not ClusterMember.objects.filter(record__in=[wrong.record_a, wrong.record_b]).exists()
    assert AuditEvent.objects.filter(action="linkage.pair.decide", actor=steward).count() == 2

    after = services.link_evaluate(actor=steward, truth=truth).figures
    tp_before = before["truth"]["links"]["true_positives"]
    assert after["truth"]["links"]["true_positives"] == tp_before  # one gained, one lost
    assert after["labels"]["labels"] == 2
    # The model linked the rejected pair by itself (a false positive by the label) and not the accepted one.
    assert after["labels"]["model"] == {**after["labels"]["model"], "true_positives": 0, "false_positives": 1,
                                        "false_negatives": 1}

    with pytest.raises(PermissionDenied):
        services.pair_decide(actor=staff["counsellor"], pair_id=queue[1].pk, decision="match")


def test_the_review_pages(reviewed, staff, django_assert_max_num_queries):
    steward = staff["data_steward"]
    client = sign_in(Client(), steward)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("linkage:queue"))
    assert response.status_code == 200
    first = CandidatePair.objects.get(pk=selectors.next_pair_id_for_user(steward))
    assert response.content.decode().count("/linkage/pairs/") >= 10

    response = client.get(reverse("linkage:pair_next"))
    assert response.url == reverse("linkage:pair", kwargs={"pair_id": first.pk})
    page = client.get(response.url).content.decode()
    for label in ("Personal number", "Given name", "Family name", "Birth date", "Municipality", "Address"):
        assert label.lower() in page.lower()
    assert 'data-shortcut="a"' in page and "js/linkage.js" in page and "<script>" not in page

    # htmx: the decision swaps in the next pair.
    response = client.post(reverse("linkage:pair_decide", kwargs={"pair_id": first.pk}),
                           {"decision": "unsure", "seen": ""}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Push-Url"].startswith("/linkage/pairs/")
    assert f"#{first.pk}<" not in response.content.decode()
    first.refresh_from_db()
    assert (first.status, first.decision) == ("review", "unsure")
    assert selectors.review_queue_for_user(steward).pairs[0].pk != first.pk  # unsure pairs go to the end

    # Without JavaScript: a plain form post and a redirect to the next pair.
    second = CandidatePair.objects.get(pk=selectors.next_pair_id_for_user(steward))
    response = client.post(reverse("linkage:pair_decide", kwargs={"pair_id": second.pk}),
                           {"decision": "non_match", "seen": ""})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.status == "rejected"

    assert client.get(reverse("linkage:runs")).status_code == 200
    # The run's page says its counts in words and how the decided pairs came out, per probability.
    page = client.get(reverse("linkage:run", kwargs={"run_id": reviewed.pk})).content.decode()
    assert "linked automatically" in page and "auto_accepted" not in page and "Calibration" in page
    decided = CandidatePair.objects.filter(model=reviewed.model, decision__in=["match", "non_match"])
    bins = selectors.run_report(reviewed).calibration
    assert sum(b.decided for b in bins) == decided.count() >= 1
    assert sum(b.matched for b in bins) == decided.filter(decision="match").count()
    counsellor = sign_in(Client(), staff["counsellor"])
    assert counsellor.get(reverse("linkage:queue")).status_code == 403
