"""The demo's outreach: a campaign of TB-2 taken 40 days ago, worked since, with referrals by the municipal social
worker whose outcomes come back, and registrations credited to it; loaded once."""

from __future__ import annotations

import datetime as dt

import pytest

from sakme.accounts.actors import SYSTEM
from sakme.accounts.roles import Role
from sakme.demo.outreach import NAME, demo_outreach_load
from sakme.outreach import selectors
from sakme.outreach.models import Campaign, ContactAttempt, Referral
from sakme.outreach.tests.worlds import household, rules
from sakme.tests.factories import UserFactory, post

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_is_worked_and_credited(territory):
    rules()
    post(UserFactory(username="counsellor", role=Role.COUNSELLOR), unit="TB-2")
    worker = post(UserFactory(username="municipal_social_worker", role=Role.MUNICIPAL_SOCIAL_WORKER),
                  municipality="tbilisi")
    for i in range(45):
        household(25 + i % 30, 8, unit="TB-2", score=1_000 * (i + 1))
    made = demo_outreach_load(seed=2026)
    campaign = Campaign.objects.get(name=NAME)
    assert made == campaign.size == 45 and campaign.taken_on == dt.date.today() - dt.timedelta(days=40)
    outcomes = set(ContactAttempt.objects.filter(entry__campaign=campaign).values_list("outcome", flat=True))
    assert len(outcomes) >= 3
    referrals, total = selectors.referral_list(worker)
    assert total >= 1 and all(r.made_by_id == worker.pk for r in referrals)
    assert selectors.campaign_page(SYSTEM, campaign).credited_total >= 1
    assert demo_outreach_load(seed=2026) == 0  # loaded once
    assert Referral.objects.filter(entry__campaign=campaign).count() == total
