"""`sakme outreach list` and `sakme outreach campaign`, as the system."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from sakme.audit.models import AuditEvent
from sakme.outreach.models import Campaign
from sakme.outreach.tests.worlds import household, rules

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("outreach", *args, stdout=out)
    return out.getvalue()


def test_the_list_and_a_campaign_from_the_command_line(staff):
    rules()
    _, (first,) = household(30, score=4_000)
    household(35, 6)
    shown = run("list", "--unit", "TB-1", "--as-of", "2026-01-15")
    assert shown.splitlines()[0].endswith("2 persons to reach on 2026-01-15, page 1 of 1")
    assert first.personal_number_masked in shown and "keeps its vulnerable status" in shown
    assert run("campaign", "--unit", "TB-1", "--name", "From the shell", "--size", "1").startswith("campaign ")
    campaign = Campaign.objects.get(name="From the shell")
    assert (campaign.size, campaign.taken_by, list(campaign.entries.values_list("person_id", flat=True))) == (
        1, None, [first.pk])
    assert AuditEvent.objects.get(action="outreach.campaign_take").actor is None
    with pytest.raises(CommandError, match="list_empty"):
        run("campaign", "--unit", "TB-1", "--name", "Old", "--as-of", "1990-01-01")
    with pytest.raises(CommandError):
        run("list", "--unit", "XX-0")
