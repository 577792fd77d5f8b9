"""Reads of the employment app that hold no personal data: occupations and training programmes."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from sakme.common.errors import NotFound
from sakme.employment.models import Occupation, TrainingIntake, TrainingProgramme, WorkHistoryEntry


def occupation_search(*, query: str, limit: int = 20) -> list[Occupation]:
    """ISCO-08 unit groups whose code starts with the query or whose Georgian or English title contains every
    word of it; codes first, then by code."""
    words = query.split()
    if not words:
        return []
    rows = Occupation.objects.filter(level=4)
    if len(words) == 1 and words[0].isdigit():
        return list(rows.filter(code__startswith=words[0]).order_by("code")[:limit])
    for word in words:
        rows = rows.filter(Q(title_ka__icontains=word) | Q(title_en__icontains=word) | Q(code__startswith=word))
    return list(rows.order_by("code")[:limit])


def work_history(*, job_seeker_id: int) -> QuerySet[WorkHistoryEntry]:
    """A job seeker's jobs, the latest first, with their occupation."""
    return WorkHistoryEntry.objects.filter(job_seeker_id=job_seeker_id).select_related("occupation")


def programmes(*, occupation: str = "", municipality: str = "", active_only: bool = True,
               intake_open_on: dt.date | None = None) -> QuerySet[TrainingProgramme]:
    """Programmes of the state vocational training programme, filtered by occupation (an ISCO-08 code or its
    start, or words of the occupation's or the programme's title), by the provider's municipality and (with
    `intake_open_on`) by an intake still taking referrals that day; provider, municipality and occupation joined."""
    rows = TrainingProgramme.objects.select_related("provider__municipality", "occupation")
    if active_only:
        rows = rows.filter(is_active=True)
    words = occupation.split()
    if len(words) == 1 and words[0].isdigit():
        rows = rows.filter(occupation__code__startswith=words[0])
    else:
        for word in words:
            rows = rows.filter(Q(occupation__title_ka__icontains=word) | Q(occupation__title_en__icontains=word)
                               | Q(title__icontains=word))
    if municipality:
        rows = rows.filter(provider__municipality__code=municipality)
    if intake_open_on is not None:
        rows = rows.filter(pk__in=TrainingIntake.objects.filter(applications_close_on__gte=intake_open_on)
                           .values("programme_id"))
    return rows.order_by("title", "pk")


def programme_get(*, programme_id: int) -> TrainingProgramme:
    """One programme with its provider, municipality and occupation (NotFound otherwise)."""
    programme = TrainingProgramme.objects.select_related("provider__municipality", "occupation").filter(
        pk=programme_id).first()
    if programme is None:
        raise NotFound(_("No such training programme."))
    return programme
