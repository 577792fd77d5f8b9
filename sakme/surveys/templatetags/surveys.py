"""Filters of the link to type in a paper survey from a service event's page (`surveys/_record_link.html`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils import timezone

from sakme.accounts.roles import Capability
from sakme.surveys.events import READ_CAPABILITY
from sakme.surveys.models import Service

register = template.Library()


@register.filter
def records_surveys(user: Any, kind: str) -> bool:
    """Whether the user types in surveys of this kind of event (the unit is checked by the page it leads to)."""
    can = getattr(user, "can", None)
    return (can is not None and kind in Service.values and can(Capability.SURVEY_RECORD)
            and can(READ_CAPABILITY[Service(kind)]))


@register.filter
def survey_due(on: dt.date | str | None) -> bool:
    """Whether an event of this day is past (its survey can be answered). `on` left out of the include counts as past;
    None (an application not decided yet) does not."""
    if on is None:
        return False
    return not isinstance(on, dt.date) or on <= timezone.localdate()
